#include "fronts/cli/render_inputs.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace kg::cli {
namespace fs = std::filesystem;

namespace {

enum class Kind : uint8_t { None, Chart, Kustomization };

Kind kind_of(const fs::path& dir) {
  std::error_code ec;
  if (fs::is_regular_file(dir / "Chart.yaml", ec)) return Kind::Chart;
  for (const char* name : {"kustomization.yaml", "kustomization.yml", "Kustomization"}) {
    if (fs::is_regular_file(dir / name, ec)) return Kind::Kustomization;
  }
  return Kind::None;
}

// The kustomization file of a directory, for naming findings.
std::string kustomization_file(const fs::path& dir) {
  std::error_code ec;
  for (const char* name : {"kustomization.yaml", "kustomization.yml", "Kustomization"}) {
    if (fs::is_regular_file(dir / name, ec)) return (dir / name).string();
  }
  return (dir / "kustomization.yaml").string();
}

// Chart and kustomization directories at or below `root`; a chart's own
// subdirectories (its dependencies under charts/) are the chart's business.
void find_roots(const fs::path& root, std::vector<std::pair<fs::path, Kind>>& out) {
  if (Kind k = kind_of(root); k != Kind::None) {
    out.emplace_back(root, k);
    return;
  }
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code dir_ec;
    if (!it->is_directory(dir_ec)) continue;
    auto name = it->path().filename().native();
    if (name == ".git" || name == "node_modules") {
      it.disable_recursion_pending();
      continue;
    }
    if (Kind k = kind_of(it->path()); k != Kind::None) {
      out.emplace_back(it->path(), k);
      it.disable_recursion_pending();
    }
  }
}

std::string shell_quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

bool on_path(std::string_view tool) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string_view list(path);
  while (!list.empty()) {
    size_t colon = list.find(':');
    std::string_view dir = list.substr(0, colon);
    std::error_code ec;
    fs::path candidate = fs::path(dir.empty() ? "." : std::string(dir)) / std::string(tool);
    if (fs::is_regular_file(candidate, ec) && ::access(candidate.c_str(), X_OK) == 0) return true;
    if (colon == std::string_view::npos) break;
    list.remove_prefix(colon + 1);
  }
  return false;
}

std::string first_lines(const std::string& file, size_t max_lines) {
  std::ifstream in(file);
  std::string out;
  std::string line;
  for (size_t n = 0; n < max_lines && std::getline(in, line); ++n) out += (n == 0 ? "" : "; ") + line;
  return out;
}

// Runs `command` (stdout to `out_file`); "" on success, else what went wrong.
std::string run(const std::string& command, const std::string& out_file, const std::string& err_file) {
  int status =
      std::system((command + " >" + shell_quoted(out_file) + " 2>" + shell_quoted(err_file) + " </dev/null").c_str());
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  std::string why = first_lines(err_file, 3);
  return why.empty() ? fmt::format("exit status {}", WIFEXITED(status) ? WEXITSTATUS(status) : -1) : why;
}

}  // namespace

RenderedInputs::RenderedInputs() = default;

RenderedInputs::~RenderedInputs() {
  if (temp_dir_.empty()) return;
  std::error_code ec;
  fs::remove_all(temp_dir_, ec);
}

const std::string* RenderedInputs::shown_name(const std::string& file) const {
  auto it = shown_.find(file);
  return it == shown_.end() ? nullptr : &it->second;
}

void RenderedInputs::rename(std::vector<rules::Finding>& findings) const {
  if (shown_.empty()) return;
  for (auto& f : findings) {
    if (const std::string* shown = shown_name(f.file)) {
      f.file = *shown;
      f.mark = {};
    }
  }
}

void RenderedInputs::rename(std::vector<doc::LoadError>& errors) const {
  if (shown_.empty()) return;
  for (auto& e : errors) {
    if (const std::string* shown = shown_name(e.file)) {
      e.file = *shown;
      e.message += " (in the rendered output)";
      e.mark = {};
    }
  }
}

RenderedInputs& render_inputs(const std::vector<std::string>& inputs, RenderedInputs& out) {
  std::vector<std::pair<fs::path, Kind>> roots;
  for (const auto& input : inputs) {
    std::error_code ec;
    if (input == "-" || !fs::is_directory(input, ec)) {
      out.paths.push_back(input);
      continue;
    }
    size_t before = roots.size();
    find_roots(input, roots);
    bool input_is_root = roots.size() == before + 1 && roots.back().first == fs::path(input);
    if (!input_is_root) out.paths.push_back(input);
    for (size_t i = before; i < roots.size(); ++i) {
      if (roots[i].first != fs::path(input)) out.excluded.push_back((roots[i].first / "*").string());
    }
  }
  if (roots.empty()) return out;

  std::string pattern = (fs::temp_directory_path() / "kubeguard-render-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    out.errors.push_back(doc::LoadError{doc::ErrorCode::Io, pattern, {}, "cannot create a directory to render into"});
    return out;
  }
  out.temp_dir_ = pattern;
  size_t counter = 0;
  for (const auto& [dir, kind] : roots) {
    std::string shown_dir = dir.string();
    std::string tool = kind == Kind::Chart ? "helm" : "kubectl";
    if (!on_path(tool)) {
      out.errors.push_back(doc::LoadError{
          doc::ErrorCode::Io,
          shown_dir,
          {},
          kind == Kind::Chart
              ? "is a Helm chart: its templates are not manifests until rendered; install helm "
                "(https://helm.sh/docs/intro/install/) and scan again, or scan the output of `helm template`"
              : "is a kustomization: install kubectl (it runs `kubectl kustomize`) and scan again, or scan the "
                "output of `kustomize build`"});
      continue;
    }
    std::string rendered = fmt::format("{}/render-{}.yaml", out.temp_dir_, counter);
    std::string errors = fmt::format("{}/render-{}.err", out.temp_dir_, counter);
    ++counter;
    std::string command = kind == Kind::Chart ? "helm template " + shell_quoted(shown_dir)
                                              : "kubectl kustomize " + shell_quoted(shown_dir);
    if (std::string why = run(command, rendered, errors); !why.empty()) {
      out.errors.push_back(
          doc::LoadError{doc::ErrorCode::Io, shown_dir, {}, fmt::format("{} failed: {}", command, why)});
      continue;
    }
    if (kind == Kind::Kustomization) {
      out.shown_[rendered] = kustomization_file(dir);
      out.paths.push_back(rendered);
      continue;
    }
    // One file per template, named after helm's "# Source: chart/templates/x.yaml"
    // (relative to the chart's parent directory).
    std::ifstream in(rendered);
    std::ofstream part;
    std::string line;
    while (std::getline(in, line)) {
      if (line.starts_with("# Source: ")) {
        std::string part_file = fmt::format("{}/part-{}.yaml", out.temp_dir_, counter++);
        part.close();
        part.open(part_file, std::ios::binary | std::ios::trunc);
        out.shown_[part_file] = (dir.parent_path() / line.substr(10)).lexically_normal().string();
        out.paths.push_back(part_file);
      }
      if (part.is_open()) part << line << '\n';
    }
  }
  return out;
}

}  // namespace kg::cli
