// The output formats of every command in one table: -f's parsing, its help
// text and its shell completion all read it, so a format a command accepts is
// the one its help names and its completion offers.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

namespace kg::cli {

struct FormatRow {
  std::string_view name;  // as -f takes it, in any case
  std::string_view help;  // what it is, when the name does not say ("" otherwise)
  // Written finding by finding as they come (what `audit --follow` and the
  // watches need); the others are one document written at the end.
  bool streams = false;
  std::span<const std::string_view> commands;  // command paths that accept it: "scan", "cluster scan"
};

std::span<const FormatRow> format_table();

// The formats `command` accepts ("cluster scan"), in table order.
std::vector<const FormatRow*> formats_of(std::string_view command);
const FormatRow* find_format(std::string_view command, std::string_view name);

// The command path of a subcommand: "cluster scan" (the program's own name left out).
std::string command_path(const CLI::App& cmd);

// -f,--format on `cmd`, default text: the help lists the formats the table
// gives the command, the value is taken in any case, and one it does not
// accept is refused before the command runs (exit 2).
CLI::Option* add_format_option(CLI::App* cmd, std::string& format);

}  // namespace kg::cli
