#include "fronts/cli/commands.h"

namespace kg::cli {

void add_pss_command(CLI::App& /*app*/, int& /*status*/) {}

}  // namespace kg::cli
