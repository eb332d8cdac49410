#include <iostream>

#include <fmt/format.h>

#include "engine/suggest.h"
#include "fronts/cli/commands.h"
#include "fronts/cli/formats.h"
#include "fronts/cli/habits.h"
#include "report/rules_doc.h"

namespace kg::cli {

void add_rules_command(CLI::App& app, const rules::Catalog& catalog, int& status) {
  auto id = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("text");
  CLI::App* cmd = app.add_subcommand("rules", "List the rule catalog, or explain one rule");
  cmd->add_option("id", *id, "Rule ID or slug to explain");
  add_format_option(cmd, *format);
  cmd->callback([id, format, &catalog, &status] {
    if (!id->empty()) {
      const rules::RuleEntry* rule = catalog.find(*id);
      if (rule == nullptr) {
        std::cerr << fmt::format("kubeguard rules: unknown rule '{}'{}\n", *id,
                                 engine::did_you_mean_rule(*id, catalog));
        status = kExitError;
        return;
      }
      report::write_rule_explanation(*rule->meta, std::cout);
      status = kExitOk;
      return;
    }
    if (*format == "text") {
      report::write_rules_table(catalog, std::cout);
    } else if (*format == "json") {
      report::write_rules_json(catalog, std::cout);
    } else if (*format == "markdown") {
      report::write_rules_markdown(catalog, std::cout);
    } else {
      std::cerr << fmt::format("kubeguard rules: unknown format '{}' (text, json, markdown)\n", *format);
      status = kExitError;
      return;
    }
    status = kExitOk;
  });
}

}  // namespace kg::cli
