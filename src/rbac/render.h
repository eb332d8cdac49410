// Answers of the rbac command as text, JSON and Graphviz DOT: pure functions
// of the answers, so each format is tested without I/O.
#pragma once

#include <ostream>
#include <span>

#include "rbac/attack_paths.h"
#include "rbac/inject.h"
#include "util/json_writer.h"

namespace kg::rbac {

// "ClusterRoleBinding x (ClusterRole y, file:line)" for a grant.
std::string describe_grant(const Grant& grant);

void write_who_can_text(const Attributes& question, std::span<const Grant> grants, std::ostream& out);
void write_who_can_json(const Attributes& question, std::span<const Grant> grants, util::JsonWriter& json);

void write_injectors_text(std::span<const InjectorAnswer> answers, std::ostream& out);
void write_injectors_json(std::span<const InjectorAnswer> answers, util::JsonWriter& json);

void write_attack_paths_text(std::span<const AttackPath> paths, std::ostream& out);
void write_attack_paths_json(std::span<const AttackPath> paths, util::JsonWriter& json);
// pod -> service account -> namespaces in reach, one graph.
void write_attack_paths_dot(std::span<const AttackPath> paths, std::ostream& out);

}  // namespace kg::rbac
