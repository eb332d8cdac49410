// `kubeguard completion bash|zsh|fish`: completion scripts written from the
// command tree itself, so a new command or option completes without anyone
// editing a script. zsh uses the bash function through bashcompinit.
#include <algorithm>
#include <iostream>
#include <vector>

#include <fmt/format.h>

#include "fronts/cli/commands.h"
#include "fronts/cli/formats.h"
#include "fronts/cli/habits.h"

namespace kg::cli {
namespace {

struct Node {
  std::string path;                                           // "" for the top, "cluster scan" below
  std::vector<std::pair<std::string, std::string>> commands;  // name, description
  std::vector<const CLI::Option*> options;
  bool positionals = false;
};

void collect(const CLI::App& app, const std::string& path, std::vector<Node>& out) {
  Node node;
  node.path = path;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    node.commands.emplace_back(sub->get_name(), sub->get_description());
  }
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_positional()) node.positionals = true;
    else node.options.push_back(opt);
  }
  out.push_back(node);
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
    collect(*sub, path.empty() ? sub->get_name() : path + " " + sub->get_name(), out);
  }
}

// Values worth offering for an option of the command at `path`, by its long
// name; formats from the table of formats (fronts/cli/formats.h).
std::string values_of(const CLI::Option& opt, std::string_view path) {
  for (const auto& name : opt.get_lnames()) {
    if (name == "color") return "auto always never";
    if (name == "fail-on") return "critical high medium low info none";
    if (name == "min-severity") return "critical high medium low info";
    if (name == "format") {
      std::string out;
      for (const FormatRow* f : formats_of(path)) out += (out.empty() ? "" : " ") + std::string(f->name);
      return out;
    }
    if (name == "pss" || name == "level") return "privileged baseline restricted";
  }
  return {};
}

std::string option_words(const Node& node) {
  std::string words;
  for (const CLI::Option* opt : node.options) {
    for (const auto& l : opt->get_lnames()) words += " --" + l;
    for (const auto& s : opt->get_snames()) words += " -" + s;
  }
  return words;
}

// Single quotes for the shell, with ' written as '\''.
std::string shell_quoted(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string bash_script(const std::vector<Node>& nodes, std::string_view name) {
  std::string s = fmt::format("# {} completion for bash (and zsh through bashcompinit)\n", name);
  s += "_kubeguard() {\n  local cur prev path i w\n  cur=\"${COMP_WORDS[COMP_CWORD]}\"\n"
       "  prev=\"${COMP_WORDS[COMP_CWORD-1]}\"\n  path=\"\"\n"
       "  for ((i = 1; i < COMP_CWORD; i++)); do\n    w=\"${COMP_WORDS[i]}\"\n"
       "    case \"${path:+$path }$w\" in\n";
  std::string paths;
  for (const auto& n : nodes) {
    if (n.path.empty()) continue;
    paths += (paths.empty() ? "      " : "|") + shell_quoted(n.path);
  }
  s += paths + ") path=\"${path:+$path }$w\" ;;\n    esac\n  done\n";
  // Option values first, for the command the words name: after --format,
  // that command's formats.
  s += "  case \"$path $prev\" in\n";
  for (const auto& n : nodes) {
    for (const CLI::Option* opt : n.options) {
      std::string values = values_of(*opt, n.path);
      if (values.empty()) continue;
      // The program's own options (--color) follow any command.
      const std::string where = n.path.empty() ? "*" : shell_quoted(n.path);
      std::string flags;
      for (const auto& l : opt->get_lnames()) flags += (flags.empty() ? "" : "|") + where + shell_quoted(" --" + l);
      for (const auto& sn : opt->get_snames()) flags += (flags.empty() ? "" : "|") + where + shell_quoted(" -" + sn);
      s += fmt::format("    {}) COMPREPLY=($(compgen -W {} -- \"$cur\")); return ;;\n", flags, shell_quoted(values));
    }
  }
  s += "  esac\n";
  s += "  local words=\"\" files=0\n  case \"$path\" in\n";
  for (const auto& n : nodes) {
    std::string words;
    for (const auto& [cmd, desc] : n.commands) words += " " + cmd;
    s += fmt::format("    {}) words={}; files={} ;;\n", shell_quoted(n.path), shell_quoted(words + option_words(n)),
                     n.positionals ? 1 : 0);
  }
  s += "  esac\n  COMPREPLY=($(compgen -W \"$words\" -- \"$cur\"))\n"
       "  if [[ $files == 1 && $cur != -* ]]; then COMPREPLY+=($(compgen -f -- \"$cur\")); fi\n}\n";
  s += "complete -o filenames -F _kubeguard kubeguard\ncomplete -o filenames -F _kubeguard kubectl-kubeguard\n";
  return s;
}

std::string fish_script(const std::vector<Node>& nodes) {
  std::string s = "# kubeguard completion for fish\ncomplete -c kubeguard -f\n";
  // A node's condition: its words seen, none of its children's yet.
  for (const auto& n : nodes) {
    std::string cond;
    if (n.path.empty()) {
      cond = "__fish_use_subcommand";
    } else {
      std::string last = n.path.substr(n.path.rfind(' ') == std::string::npos ? 0 : n.path.rfind(' ') + 1);
      cond = "__fish_seen_subcommand_from " + last;
      std::string children;
      for (const auto& [cmd, desc] : n.commands) children += " " + cmd;
      if (!children.empty()) cond += "; and not __fish_seen_subcommand_from" + children;
    }
    for (const auto& [cmd, desc] : n.commands) {
      s += fmt::format("complete -c kubeguard -n {} -a {} -d {}\n", shell_quoted(cond), shell_quoted(cmd),
                       shell_quoted(desc));
    }
    for (const CLI::Option* opt : n.options) {
      std::string flags;
      for (const auto& l : opt->get_lnames()) flags += " -l " + l;
      for (const auto& sn : opt->get_snames()) flags += " -s " + sn;
      std::string values = values_of(*opt, n.path);
      std::string takes = opt->get_type_size() == 0 ? "" : " -r";
      if (!values.empty()) takes += " -a " + shell_quoted(values);
      s += fmt::format("complete -c kubeguard -n {}{}{} -d {}\n", shell_quoted(cond), flags, takes,
                       shell_quoted(opt->get_description()));
    }
    if (n.positionals && n.commands.empty()) {
      s += fmt::format("complete -c kubeguard -n {} -F\n", shell_quoted(cond));
    }
  }
  return s;
}

}  // namespace

std::optional<std::string> completion_script(const CLI::App& app, std::string_view shell) {
  std::vector<Node> nodes;
  collect(app, "", nodes);
  if (shell == "bash") return bash_script(nodes, "kubeguard");
  if (shell == "zsh") {
    return "#compdef kubeguard\n# kubeguard completion for zsh\nautoload -U +X bashcompinit && bashcompinit\n" +
           bash_script(nodes, "kubeguard");
  }
  if (shell == "fish") return fish_script(nodes);
  return std::nullopt;
}

void add_completion_command(CLI::App& app, int& status) {
  auto shell = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand(
      "completion", "Print a shell completion script: bash (source <(kubeguard completion bash)), zsh, fish");
  cmd->add_option("shell", *shell, "bash, zsh or fish")
      ->required()
      ->transform(CLI::IsMember({"bash", "zsh", "fish"}, CLI::ignore_case));
  cmd->callback([&app, shell, &status] {
    auto script = completion_script(app, *shell);
    if (!script) {
      status = kExitError;
      return;
    }
    std::cout << *script;
    status = kExitOk;
  });
}

}  // namespace kg::cli
