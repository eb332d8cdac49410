#include <unistd.h>

#include <cstdlib>
#include <exception>
#include <iostream>

#include "fronts/cli/commands.h"

namespace kg::cli {

bool use_color(FILE* stream) {
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  return isatty(fileno(stream)) != 0;
}

}  // namespace kg::cli

namespace {

int run(int argc, char** argv) {
  CLI::App app{"kubeguard: Kubernetes security engine (scan manifests, Pod Security Standards, rule catalog)"};
  app.set_version_flag("--version", std::string(KG_VERSION));
  app.require_subcommand(1);
  int status = kg::cli::kExitOk;
  const kg::rules::Catalog catalog = kg::rules::build_catalog();
  kg::cli::add_scan_command(app, catalog, status);
  kg::cli::add_rules_command(app, catalog, status);
  kg::cli::add_pss_command(app, status);
  kg::cli::add_diff_command(app, catalog, status);
  kg::cli::add_cluster_command(app, catalog, status);
  kg::cli::add_quarantine_command(app, status);
  kg::cli::add_serve_command(app, catalog, status);
  kg::cli::add_audit_command(app, catalog, status);
  kg::cli::add_rbac_command(app, status);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kg::cli::kExitOk : kg::cli::kExitError;
  }
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  // Commands report their expected failures themselves; whatever else escapes
  // (out of memory, a library's own error) still ends with the error status
  // and a message rather than an abort.
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "kubeguard: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "kubeguard: unknown error\n";
  }
  return kg::cli::kExitError;
}
