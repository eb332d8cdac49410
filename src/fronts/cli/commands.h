// The command-line front: each subcommand registers itself on the app and
// stores its exit status in `status` when it runs.
#pragma once

#include <CLI/CLI.hpp>

#include "rules/catalog.h"

namespace kg::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitFindings = 1;
inline constexpr int kExitError = 2;

void add_scan_command(CLI::App& app, const rules::Catalog& catalog, int& status);
void add_rules_command(CLI::App& app, const rules::Catalog& catalog, int& status);
void add_pss_command(CLI::App& app, int& status);
void add_diff_command(CLI::App& app, const rules::Catalog& catalog, int& status);
void add_cluster_command(CLI::App& app, const rules::Catalog& catalog, int& status);
void add_quarantine_command(CLI::App& app, int& status);
void add_serve_command(CLI::App& app, const rules::Catalog& catalog, int& status);
void add_audit_command(CLI::App& app, const rules::Catalog& catalog, int& status);
void add_rbac_command(CLI::App& app, int& status);
void add_verify_command(CLI::App& app, const rules::Catalog& catalog, int& status);
void add_convert_command(CLI::App& app, int& status);
void add_node_command(CLI::App& app, const rules::Catalog& catalog, int& status);
// Subcommands of `cluster` that live in files of their own.
void add_cluster_watch_command(CLI::App& cluster, const rules::Catalog& catalog, int& status);

// True when colour should be used for this stream (a terminal, NO_COLOR unset).
bool use_color(FILE* stream);

}  // namespace kg::cli
