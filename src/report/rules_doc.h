// The catalog as people read it: `kubeguard rules`, its JSON form and the
// generated docs/rules.md.
#pragma once

#include <ostream>

#include "rules/catalog.h"

namespace kg::report {

void write_rules_table(const rules::Catalog& catalog, std::ostream& out);
void write_rules_json(const rules::Catalog& catalog, std::ostream& out);
void write_rules_markdown(const rules::Catalog& catalog, std::ostream& out);
void write_rule_explanation(const rules::RuleMeta& meta, std::ostream& out);

}  // namespace kg::report
