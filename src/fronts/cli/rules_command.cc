#include <iostream>

#include <fmt/format.h>

#include "fronts/cli/commands.h"
#include "report/rules_doc.h"

namespace kg::cli {

void add_rules_command(CLI::App& app, const rules::Catalog& catalog, int& status) {
  auto id = std::make_shared<std::string>();
  auto format = std::make_shared<std::string>("text");
  CLI::App* cmd = app.add_subcommand("rules", "List the rule catalog, or explain one rule");
  cmd->add_option("id", *id, "Rule ID or slug to explain");
  cmd->add_option("-f,--format", *format, "text, json or markdown (markdown writes the rules reference)")
      ->capture_default_str();
  cmd->callback([id, format, &catalog, &status] {
    if (!id->empty()) {
      const rules::RuleEntry* rule = catalog.find(*id);
      if (rule == nullptr) {
        std::cerr << fmt::format("kubeguard rules: unknown rule '{}'\n", *id);
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
