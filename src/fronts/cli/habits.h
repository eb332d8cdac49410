// What every command line tool is expected to do around its commands:
// `version`, `help [COMMAND...]`, "did you mean" for a mistyped command,
// `--color`, shell completion scripts, and the name it was run by (kubeguard,
// or `kubectl kubeguard` when kubectl runs it as a plugin).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

namespace kg::cli {

// "kubectl kubeguard" when argv[0] is the plugin binary (kubectl-kubeguard),
// else "kubeguard".
std::string program_name(std::string_view argv0);

// The message for a command word that names no subcommand where one is
// required ("unknown command 'scna' (did you mean 'scan'?)"); nullopt when
// the words name existing commands.
std::optional<std::string> unknown_command(const CLI::App& app, int argc, const char* const* argv);

// --color auto|always|never on the app (every subcommand passes it up); the
// choice is handed to use_color() through NO_COLOR / FORCE_COLOR, the
// variables it honours anyway.
void add_color_option(CLI::App& app);

// Lower-cases an option's value, for values that are names of a fixed set
// (-f JSON is -f json, --mode ENFORCE is --mode enforce).
CLI::Validator ignore_case_value();

void add_version_command(CLI::App& app, int& status);
void add_help_command(CLI::App& app, int& status);
void add_completion_command(CLI::App& app, int& status);

// The completion script for `shell` (bash, zsh, fish) of this command tree.
std::optional<std::string> completion_script(const CLI::App& app, std::string_view shell);

}  // namespace kg::cli
