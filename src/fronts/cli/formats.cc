#include "fronts/cli/formats.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace kg::cli {
namespace {

constexpr std::array<std::string_view, 13> kEveryCommand = {
    "scan", "diff", "cluster scan", "cluster watch",       "node scan", "node watch", "audit",
    "pss",  "rbac", "rbac who-can", "rbac who-can-inject", "verify",    "rules"};
constexpr std::array<std::string_view, 5> kReportCommands = {"scan", "diff", "cluster scan", "node scan", "audit"};
constexpr std::array<std::string_view, 3> kManifestReports = {"scan", "diff", "cluster scan"};
constexpr std::array<std::string_view, 1> kRbac = {"rbac"};
constexpr std::array<std::string_view, 1> kRules = {"rules"};

constexpr FormatRow kFormats[] = {
    {"text", "", true, kEveryCommand},
    {"json", "", true, kEveryCommand},
    {"sarif", "SARIF 2.1.0", false, kReportCommands},
    {"junit", "JUnit XML", false, kReportCommands},
    {"html", "one self-contained page", false, kManifestReports},
    {"policyreport", "wgpolicyk8s.io PolicyReport objects", false, kManifestReports},
    {"openreports", "openreports.io Report objects", false, kManifestReports},
    {"dot", "attack paths as a Graphviz graph", false, kRbac},
    {"svg", "attack paths drawn; needs Graphviz", false, kRbac},
    {"markdown", "the rules reference", false, kRules},
};

std::string help_of(std::string_view command) {
  std::vector<std::string> names;
  for (const FormatRow* f : formats_of(command)) {
    names.push_back(f->help.empty() ? std::string(f->name) : fmt::format("{} ({})", f->name, f->help));
  }
  return fmt::format("Output format: {}", fmt::join(names, ", "));
}

}  // namespace

std::span<const FormatRow> format_table() { return kFormats; }

std::vector<const FormatRow*> formats_of(std::string_view command) {
  std::vector<const FormatRow*> out;
  for (const auto& f : kFormats) {
    if (std::find(f.commands.begin(), f.commands.end(), command) != f.commands.end()) out.push_back(&f);
  }
  return out;
}

const FormatRow* find_format(std::string_view command, std::string_view name) {
  for (const FormatRow* f : formats_of(command)) {
    if (f->name == name) return f;
  }
  return nullptr;
}

std::string command_path(const CLI::App& cmd) {
  std::string path;
  for (const CLI::App* a = &cmd; a != nullptr && a->get_parent() != nullptr; a = a->get_parent()) {
    path = path.empty() ? a->get_name() : a->get_name() + " " + path;
  }
  return path;
}

CLI::Option* add_format_option(CLI::App* cmd, std::string& format) {
  const std::string path = command_path(*cmd);
  return cmd->add_option("-f,--format", format, help_of(path))
      ->transform(CLI::Validator(
          [](std::string& value) {
            for (auto& c : value) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
            return std::string();
          },
          "", "ignore case"))
      ->check(
          [path](const std::string& value) -> std::string {
            if (find_format(path, value) != nullptr) return {};
            std::vector<std::string_view> names;
            for (const auto* f : formats_of(path)) names.push_back(f->name);
            return fmt::format("unknown format '{}' ({})", value, fmt::join(names, ", "));
          },
          "")
      ->capture_default_str();
}

}  // namespace kg::cli
