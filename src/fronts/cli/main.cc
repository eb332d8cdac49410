#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iostream>
#include <string_view>

#include "fronts/cli/commands.h"
#include "fronts/cli/habits.h"

namespace kg::cli {

bool use_color(FILE* stream) {
  // https://no-color.org and https://force-color.org; --color sets them.
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* force = std::getenv("FORCE_COLOR");
  if (force != nullptr && *force != '\0' && std::string_view(force) != "0") return true;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return isatty(fileno(stream)) != 0;
}

}  // namespace kg::cli

namespace {

int run(int argc, char** argv) {
  CLI::App app{"kubeguard: Kubernetes security engine (scan manifests, Pod Security Standards, rule catalog)",
               kg::cli::program_name(argc > 0 ? argv[0] : "kubeguard")};
  app.set_version_flag("--version", std::string(KG_VERSION));
  app.require_subcommand(1);
  // Options of the app (--color) are accepted after any command word too.
  app.fallthrough();
  kg::cli::add_color_option(app);
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
  kg::cli::add_verify_command(app, catalog, status);
  kg::cli::add_convert_command(app, status);
  kg::cli::add_node_command(app, catalog, status);
  kg::cli::add_version_command(app, status);
  kg::cli::add_help_command(app, status);
  kg::cli::add_completion_command(app, status);
  if (auto unknown = kg::cli::unknown_command(app, argc, argv)) {
    std::cerr << app.get_name() << ": " << *unknown << '\n';
    return kg::cli::kExitError;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kg::cli::kExitOk : kg::cli::kExitError;
  }
  return status;
}

// A report that did not reach its reader (a full disk, /dev/full, a closed
// descriptor) is an error whatever the command found: exit 2 with a message.
int check_standard_output(int status) {
  std::cout.flush();
  bool failed = !std::cout;
  errno = 0;
  if (std::fflush(stdout) != 0 || std::ferror(stdout) != 0) failed = true;
  int error = errno;
  if (!failed) return status;
  std::cerr << "kubeguard: error writing standard output" << (error != 0 ? ": " : "")
            << (error != 0 ? std::strerror(error) : "") << '\n';
  return kg::cli::kExitError;
}

}  // namespace

int main(int argc, char** argv) {
  // Commands report their expected failures themselves; whatever else escapes
  // (out of memory, a library's own error) still ends with the error status
  // and a message rather than an abort.
  try {
    return check_standard_output(run(argc, argv));
  } catch (const std::exception& e) {
    std::cerr << "kubeguard: " << e.what() << '\n';
  } catch (...) {
    std::cerr << "kubeguard: unknown error\n";
  }
  return kg::cli::kExitError;
}
