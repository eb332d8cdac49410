#include "rbac/render.h"

#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace kg::rbac {
namespace {

std::string where(const k8s::Origin& origin) {
  if (origin.file.empty()) return {};
  if (origin.mark.line == 0) return origin.file;
  return fmt::format("{}:{}", origin.file, origin.mark.line);
}

std::string binding_name(const Binding& b) {
  return b.cluster ? fmt::format("ClusterRoleBinding {}", b.name)
                   : fmt::format("RoleBinding {}/{}", b.name_space, b.name);
}

std::string role_name(const Role& r) {
  return r.cluster ? fmt::format("ClusterRole {}", r.name) : fmt::format("Role {}/{}", r.name_space, r.name);
}

std::string reach_text(const PathReach& r) {
  std::string scope =
      r.all_namespaces ? std::string("all namespaces") : fmt::format("namespaces {}", fmt::join(r.namespaces, ", "));
  return fmt::format("{} ({}) in {}", path_def(r.path).name, path_def(r.path).description, scope);
}

std::string dot_quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

void write_reach_json(const PathReach& r, util::JsonWriter& json) {
  json.begin_object();
  json.field("path", path_def(r.path).name);
  json.field("direct", path_def(r.path).direct);
  json.field("allNamespaces", r.all_namespaces);
  json.key("namespaces").begin_array();
  for (const auto& ns : r.namespaces) json.value(ns);
  json.end_array();
  if (r.grant) json.field("grantedBy", describe_grant(*r.grant));
  json.end_object();
}

}  // namespace

std::string describe_grant(const Grant& grant) {
  if (grant.binding == nullptr) return "group system:masters (allowed by the API server before RBAC)";
  std::string text = binding_name(*grant.binding);
  if (grant.rule.role != nullptr) {
    text += fmt::format(" -> {}", role_name(*grant.rule.role));
    if (std::string at = where(grant.rule.rule->origin); !at.empty()) text += fmt::format(" ({})", at);
  }
  return text;
}

void write_who_can_text(const Attributes& q, std::span<const Grant> grants, std::ostream& out) {
  if (!q.resource_request) {
    out << fmt::format("who can {} {}:\n", q.verb, q.path);
  } else {
    out << fmt::format("who can {} {}{}{}{}:\n", q.verb, q.resource_text(),
                       q.api_group.empty() ? "" : "." + q.api_group, q.name.empty() ? "" : " named " + q.name,
                       q.name_space.empty() ? " (any namespace)" : " in namespace " + q.name_space);
  }
  if (grants.empty()) out << "  nobody in the input (members of system:masters always can)\n";
  for (const auto& g : grants) {
    std::string scope =
        g.binding->cluster ? std::string("all namespaces") : fmt::format("namespace {}", g.binding->name_space);
    out << fmt::format("  {:<60} {:<24} via {}\n", describe_subject(*g.subject, *g.binding), scope, describe_grant(g));
  }
}

void write_who_can_json(const Attributes& q, std::span<const Grant> grants, util::JsonWriter& json) {
  json.begin_object();
  json.key("question").begin_object();
  json.field("verb", std::string_view(q.verb)).field("apiGroup", std::string_view(q.api_group));
  json.field("resource", std::string_view(q.resource)).field("subresource", std::string_view(q.subresource));
  json.field("name", std::string_view(q.name)).field("namespace", std::string_view(q.name_space));
  if (!q.resource_request) json.field("nonResourceURL", std::string_view(q.path));
  json.end_object();
  json.key("subjects").begin_array();
  for (const auto& g : grants) {
    json.begin_object();
    json.field("kind", subject_kind_name(g.subject->kind));
    json.field("name", std::string_view(g.subject->name));
    std::string ns = subject_namespace(*g.subject, *g.binding);
    json.field("namespace", std::string_view(ns));
    json.field("scope", g.binding->cluster ? std::string_view("cluster") : std::string_view(g.binding->name_space));
    json.field("grantedBy", describe_grant(g));
    json.end_object();
  }
  json.end_array();
  json.end_object();
}

void write_injectors_text(std::span<const InjectorAnswer> answers, std::ostream& out) {
  if (answers.empty()) {
    out << "nobody in the input can put code into pods (members of system:masters always can)\n";
    return;
  }
  out << fmt::format("{} subject(s) can put code into pods:\n", answers.size());
  for (const auto& a : answers) {
    out << "  " << a.principal.display() << '\n';
    for (const auto& r : a.reaches) {
      out << "    - " << reach_text(r) << '\n';
      if (r.grant) out << "      via " << describe_grant(*r.grant) << '\n';
    }
  }
}

void write_injectors_json(std::span<const InjectorAnswer> answers, util::JsonWriter& json) {
  json.begin_array();
  for (const auto& a : answers) {
    json.begin_object();
    json.field("kind", subject_kind_name(a.principal.kind));
    json.field("name", std::string_view(a.principal.name));
    json.field("namespace", std::string_view(a.principal.name_space));
    json.key("paths").begin_array();
    for (const auto& r : a.reaches) write_reach_json(r, json);
    json.end_array();
    json.end_object();
  }
  json.end_array();
}

void write_attack_paths_text(std::span<const AttackPath> paths, std::ostream& out) {
  if (paths.empty()) {
    out << "attack paths: none (no pod with a mounted token whose account can inject)\n";
    return;
  }
  out << fmt::format("attack paths: {}\n", paths.size());
  for (const auto& p : paths) {
    out << "  " << describe(p);
    if (std::string at = where(p.pod->origin); !at.empty()) out << " [" << at << "]";
    out << '\n';
    for (const auto& r : p.reaches) {
      out << "    - " << reach_text(r) << '\n';
      if (r.grant) out << "      via " << describe_grant(*r.grant) << '\n';
    }
  }
}

void write_attack_paths_json(std::span<const AttackPath> paths, util::JsonWriter& json) {
  json.begin_array();
  for (const auto& p : paths) {
    json.begin_object();
    json.key("pod").begin_object();
    json.field("kind", std::string_view(p.pod->origin.ref.kind));
    json.field("namespace", std::string_view(p.pod->name_space));
    json.field("name", std::string_view(p.pod->origin.ref.name));
    json.field("file", std::string_view(p.pod->origin.file));
    json.field("line", static_cast<uint64_t>(p.pod->origin.mark.line));
    json.end_object();
    json.field("serviceAccount", std::string_view(p.account.name));
    json.field("allNamespaces", p.all_namespaces);
    json.key("namespaces").begin_array();
    for (const auto& ns : p.namespaces) json.value(ns);
    json.end_array();
    json.field("workloadsInReach", static_cast<uint64_t>(p.targets.size()));
    json.key("paths").begin_array();
    for (const auto& r : p.reaches) write_reach_json(r, json);
    json.end_array();
    json.field("message", describe(p));
    json.end_object();
  }
  json.end_array();
}

void write_attack_paths_dot(std::span<const AttackPath> paths, std::ostream& out) {
  out << "digraph attack_paths {\n  rankdir=LR;\n  node [fontname=\"Helvetica\", fontsize=10];\n";
  std::set<std::string> accounts;
  std::set<std::string> targets;
  std::set<std::string> edges;
  for (const auto& p : paths) {
    std::string pod = pod_display(*p.pod);
    std::string account = p.account.display();
    out << fmt::format("  {} [shape=box, style=filled, fillcolor=\"#ffe0e0\"];\n", dot_quote(pod));
    if (accounts.insert(account).second) out << fmt::format("  {} [shape=ellipse];\n", dot_quote(account));
    edges.insert(fmt::format("  {} -> {} [label=\"token mounted\"];\n", dot_quote(pod), dot_quote(account)));
    std::map<std::string, std::vector<std::string_view>> by_target;
    for (const auto& r : p.reaches) {
      if (r.all_namespaces) by_target["every namespace"].push_back(path_def(r.path).name);
      for (const auto& ns : r.namespaces) by_target["namespace " + ns].push_back(path_def(r.path).name);
    }
    for (const auto& [target, how] : by_target) {
      if (targets.insert(target).second) {
        out << fmt::format("  {} [shape=folder, style=filled, fillcolor=\"#fff4c0\"];\n", dot_quote(target));
      }
      size_t workloads = 0;
      for (const PodAccount* t : p.targets)
        workloads += target == "every namespace" || target == "namespace " + t->name_space;
      edges.insert(fmt::format("  {} -> {} [label={}];\n", dot_quote(account), dot_quote(target),
                               dot_quote(fmt::format("{} ({} workloads)", fmt::join(how, ", "), workloads))));
    }
  }
  for (const auto& e : edges) out << e;
  out << "}\n";
}

}  // namespace kg::rbac
