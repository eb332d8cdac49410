#include "support/test_support.h"

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "doc/source.h"
#include "engine/session.h"
#include "k8s/object.h"

namespace kg::testing {

const rules::Catalog& catalog() {
  static const rules::Catalog kCatalog = rules::build_catalog();
  return kCatalog;
}

engine::ScanResult scan_text(std::string_view text, const engine::Config& config, std::string_view name) {
  engine::ScanResult result;
  engine::Session session(catalog(), config);
  std::vector<doc::Document> documents;
  doc::load_text(
      text, name, [&](doc::Document&& d) { documents.push_back(std::move(d)); },
      [&](doc::LoadError&& e) { result.errors.push_back(std::move(e)); });
  for (const auto& d : documents) {
    ++result.summary.documents;
    engine::DocumentCounts counts = session.add(d, result.findings, result.errors);
    result.summary.objects += counts.objects;
    result.summary.skipped_documents += counts.skipped_documents;
  }
  session.finish(result.findings);
  engine::summarize(result);
  return result;
}

std::vector<rules::Finding> findings_of(std::string_view rule_id, std::string_view text, const engine::Config& config) {
  std::vector<rules::Finding> out;
  for (auto& f : scan_text(text, config).findings) {
    if (f.rule_id == rule_id) out.push_back(std::move(f));
  }
  return out;
}

std::string corpus(std::string_view relative) { return std::string(KG_CORPUS_DIR) + "/" + std::string(relative); }
std::string source(std::string_view relative) { return std::string(KG_SOURCE_DIR) + "/" + std::string(relative); }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int run_kubeguard(const std::string& args, std::string* stdout_text) {
  std::string command = std::string(KG_BINARY) + " " + args;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  std::array<char, 65536> buffer{};
  std::string text;
  size_t n = 0;
  while ((n = fread(buffer.data(), 1, buffer.size(), pipe)) > 0) text.append(buffer.data(), n);
  int status = pclose(pipe);
  if (stdout_text != nullptr) *stdout_text = std::move(text);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace kg::testing
