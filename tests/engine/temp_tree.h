// A directory tree under the system temp directory, removed when the test
// ends, for tests that need real files (inputs, configuration lookup).
#pragma once

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace kg::testing {

class TempTree {
 public:
  TempTree() {
    std::string pattern = (std::filesystem::temp_directory_path() / "kubeguard-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) root_ = pattern;
  }
  ~TempTree() {
    std::error_code ec;
    if (!root_.empty()) std::filesystem::remove_all(root_, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;

  // Writes `text` to `relative`, creating parent directories; returns the absolute path.
  std::string write(std::string_view relative, std::string_view text) const {
    std::filesystem::path p = root_ / relative;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << text;
    return p.string();
  }
  std::string dir(std::string_view relative) const {
    std::filesystem::path p = root_ / relative;
    std::filesystem::create_directories(p);
    return p.string();
  }
  std::string path(std::string_view relative = "") const { return (root_ / relative).string(); }

 private:
  std::filesystem::path root_;
};

}  // namespace kg::testing
