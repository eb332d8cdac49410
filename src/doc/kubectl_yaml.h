// A node written as kubectl prints an object with `-o yaml`: its JSON view
// (kubectl_json.h) re-read by go-yaml v2 and written by go-yaml v2's emitter
// (sigs.k8s.io/yaml's JSONToYAML): keys in go-yaml's order, block style, two
// spaces of indent, sequences in a mapping not indented, strings plain,
// single- or double-quoted or literal as that emitter chooses, lines folded
// past 80 columns, numbers in Go's %g. `kubeguard convert -o yaml` uses it.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doc/node.h"

namespace kg::doc {

// `overrides` replace (or add) top-level string fields, as for write_kubectl_json.
void write_kubectl_yaml(const Node& node, std::string& out,
                        const std::vector<std::pair<std::string_view, std::string_view>>& overrides = {});

// go-yaml v2's order of map keys (keyList.Less for strings): letters after
// other characters, runs of digits by their value.
bool go_yaml_key_less(std::string_view a, std::string_view b);

// A plain scalar go-yaml v2 would read as a timestamp (so writes quoted).
bool go_yaml_timestamp(std::string_view text);

}  // namespace kg::doc
