// The proof: kubeguard's RBAC model and the API server's own authorizer
// (SubjectAccessReview) answer the same sampled questions the same way,
// over the RBAC objects of argo-cd, kube-prometheus, istio and linkerd plus a
// planted weak service account. Skipped without a control plane (see
// live_cluster.h); every object it creates carries a run-unique name and is
// deleted at the end.
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "cluster/api_client.h"
#include "cluster/kubeconfig.h"
#include "cluster/live_cluster.h"
#include "cluster/rbac_source.h"
#include "engine/rbac_source.h"
#include "rbac/authorizer.h"
#include "rbac/inject.h"
#include "support/test_support.h"
#include "util/json_writer.h"

namespace kg::rbac {
namespace {

struct CorpusSource {
  std::string path;        // under the corpus
  std::string namespace_;  // for objects that name none
};

const CorpusSource kSources[] = {
    {"manifests/argo-cd/manifests/install.yaml", "argocd"},
    {"manifests/kube-prometheus/manifests", "monitoring"},
    {"manifests/istio/samples/addons", "istio-system"},
    {"manifests/linkerd2/install/install_default.golden.yaml", "linkerd"},
};

// Renames everything the test creates so parallel runs and other tests on
// the same control plane never meet: namespaces, cluster-scoped names and
// label keys (an aggregate-to-view label would otherwise change the
// cluster's own view role).
struct Renamer {
  std::string run;                      // "kgsar1234"
  std::set<std::string> cluster_roles;  // names of the ClusterRoles we create (before renaming)

  std::string ns(std::string_view n) const { return fmt::format("{}-{}", run, n); }
  std::string cluster_name(std::string_view n) const { return fmt::format("{}-{}", run, n); }
  std::string label_key(std::string_view key) const {
    size_t slash = key.find('/');
    std::string_view name = slash == std::string_view::npos ? key : key.substr(slash + 1);
    return fmt::format("{}.kg.test/{}", run, name);
  }
  std::string role_ref(const Binding& b) const {
    if (b.role_is_cluster && cluster_roles.count(b.role_name) == 0) return b.role_name;  // a built-in role
    return b.role_is_cluster ? cluster_name(b.role_name) : b.role_name;
  }
};

void write_strings(util::JsonWriter& json, std::string_view key, const std::vector<std::string>& values) {
  if (values.empty()) return;
  json.key(key).begin_array();
  for (const auto& v : values) json.value(v);
  json.end_array();
}

void write_metadata(util::JsonWriter& json, const Renamer& r, std::string_view name, std::string_view ns,
                    const k8s::Labels& labels) {
  json.key("metadata").begin_object();
  json.field("name", name);
  if (!ns.empty()) json.field("namespace", ns);
  json.key("labels").begin_object();
  for (const auto& [k, v] : labels) json.field(r.label_key(k), std::string_view(v));
  json.field("app.kubernetes.io/managed-by", "kubeguard-live-sar-test");
  json.end_object();
  json.end_object();
}

std::string role_json(const Role& role, const Renamer& r) {
  std::ostringstream out;
  util::JsonWriter json(out, false);
  json.begin_object();
  json.field("apiVersion", "rbac.authorization.k8s.io/v1").field("kind", role.cluster ? "ClusterRole" : "Role");
  write_metadata(json, r, role.cluster ? r.cluster_name(role.name) : role.name,
                 role.cluster ? std::string() : r.ns(role.name_space), role.labels);
  json.key("rules").begin_array();
  if (!role.aggregated) {
    for (const auto& rule : role.rules) {
      json.begin_object();
      write_strings(json, "verbs", rule.verbs);
      write_strings(json, "apiGroups", rule.api_groups);
      write_strings(json, "resources", rule.resources);
      write_strings(json, "resourceNames", rule.resource_names);
      write_strings(json, "nonResourceURLs", rule.non_resource_urls);
      json.end_object();
    }
  }
  json.end_array();
  if (role.aggregated) {
    json.key("aggregationRule").begin_object().key("clusterRoleSelectors").begin_array();
    for (const auto& s : role.aggregation) {
      json.begin_object().key("matchLabels").begin_object();
      for (const auto& [k, v] : s.match_labels) json.field(r.label_key(k), std::string_view(v));
      json.end_object();
      json.key("matchExpressions").begin_array();
      for (const auto& e : s.match_expressions) {
        json.begin_object().field("key", r.label_key(e.key)).field("operator", std::string_view(e.op));
        write_strings(json, "values", e.values);
        json.end_object();
      }
      json.end_array().end_object();
    }
    json.end_array().end_object();
  }
  json.end_object();
  return out.str();
}

std::string binding_json(const Binding& b, const Renamer& r) {
  std::ostringstream out;
  util::JsonWriter json(out, false);
  json.begin_object();
  json.field("apiVersion", "rbac.authorization.k8s.io/v1")
      .field("kind", b.cluster ? "ClusterRoleBinding" : "RoleBinding");
  write_metadata(json, r, b.cluster ? r.cluster_name(b.name) : b.name, b.cluster ? std::string() : r.ns(b.name_space),
                 {});
  json.key("roleRef").begin_object();
  json.field("apiGroup", "rbac.authorization.k8s.io").field("kind", b.role_is_cluster ? "ClusterRole" : "Role");
  json.field("name", r.role_ref(b));
  json.end_object();
  json.key("subjects").begin_array();
  for (const auto& s : b.subjects) {
    json.begin_object().field("kind", subject_kind_name(s.kind)).field("name", std::string_view(s.name));
    if (s.kind == SubjectKind::ServiceAccount) {
      if (!s.name_space.empty()) json.field("namespace", r.ns(s.name_space));
    } else {
      json.field("apiGroup", "rbac.authorization.k8s.io");
    }
    json.end_object();
  }
  json.end_array();
  json.end_object();
  return out.str();
}

std::string simple_json(std::string_view kind, std::string_view name, std::string_view ns) {
  return ns.empty() ? fmt::format(R"({{"apiVersion":"v1","kind":"{}","metadata":{{"name":"{}"}}}})", kind, name)
                    : fmt::format(R"({{"apiVersion":"v1","kind":"{}","metadata":{{"name":"{}","namespace":"{}"}}}})",
                                  kind, name, ns);
}

std::string sar_json(const UserInfo& user, const Attributes& a) {
  std::ostringstream out;
  util::JsonWriter json(out, false);
  json.begin_object();
  json.field("apiVersion", "authorization.k8s.io/v1").field("kind", "SubjectAccessReview");
  json.key("spec").begin_object();
  if (!user.name.empty()) json.field("user", std::string_view(user.name));
  write_strings(json, "groups", user.groups);
  if (!a.resource_request) {
    json.key("nonResourceAttributes").begin_object();
    json.field("path", std::string_view(a.path)).field("verb", std::string_view(a.verb));
    json.end_object();
  } else {
    json.key("resourceAttributes").begin_object();
    json.field("namespace", std::string_view(a.name_space)).field("verb", std::string_view(a.verb));
    json.field("group", std::string_view(a.api_group)).field("resource", std::string_view(a.resource));
    json.field("subresource", std::string_view(a.subresource)).field("name", std::string_view(a.name));
    json.end_object();
  }
  json.end_object();
  json.end_object();
  return out.str();
}

// The input objects, one source's namespace filled in where none is named.
Objects corpus_objects(const Renamer&) {
  Objects all;
  for (const auto& source : kSources) {
    Loaded loaded = engine::load_rbac_files({testing::corpus(source.path)});
    for (auto& r : loaded.objects.roles) {
      if (!r.cluster && r.name_space.empty()) r.name_space = source.namespace_;
    }
    for (auto& b : loaded.objects.bindings) {
      if (!b.cluster && b.name_space.empty()) b.name_space = source.namespace_;
    }
    for (auto& sa : loaded.objects.service_accounts) {
      if (sa.name_space.empty()) sa.name_space = source.namespace_;
    }
    loaded.objects.pods.clear();
    all.merge(std::move(loaded.objects));
  }
  Loaded planted = engine::load_rbac_files({testing::source("examples/rbac/weak-sa.yaml")});
  planted.objects.pods.clear();
  all.merge(std::move(planted.objects));
  // Samples repeat some objects (istio's addons and their extras): the first one wins, as on a server.
  std::set<std::string> seen;
  auto first = [&](std::string_view kind, std::string_view ns, std::string_view name) {
    return seen.insert(fmt::format("{}/{}/{}", kind, ns, name)).second;
  };
  std::erase_if(all.roles,
                [&](const Role& r) { return !first(r.cluster ? "ClusterRole" : "Role", r.name_space, r.name); });
  std::erase_if(all.bindings, [&](const Binding& b) {
    return !first(b.cluster ? "ClusterRoleBinding" : "RoleBinding", b.name_space, b.name);
  });
  std::erase_if(all.service_accounts,
                [&](const ServiceAccount& sa) { return !first("ServiceAccount", sa.name_space, sa.name); });
  return all;
}

// Deterministic sampling, the same questions on every run.
struct Lcg {
  uint64_t state = 0x9e3779b97f4a7c15ull;
  size_t next(size_t bound) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<size_t>((state >> 33) % bound);
  }
};

struct Question {
  Principal who;
  Attributes what;
};

TEST(LiveRbacSar, ModelAgreesWithSubjectAccessReview) {
  std::string why;
  auto live = kg::testing::live_cluster(&why);
  if (!live) GTEST_SKIP() << why;
  auto config = cluster::parse_kubeconfig(cluster::read_whole_file(live->kubeconfig).value(), live->kubeconfig, "");
  ASSERT_TRUE(config) << config.error().message;
  auto client = cluster::ApiClient::connect(*config);
  ASSERT_TRUE(client) << client.error().message;

  Renamer renamer{fmt::format("kgsar{}", getpid()), {}};
  Objects input = corpus_objects(renamer);
  for (const auto& r : input.roles) {
    if (r.cluster) renamer.cluster_roles.insert(r.name);
  }
  std::set<std::string> namespaces;
  for (const auto& r : input.roles) {
    if (!r.cluster) namespaces.insert(r.name_space);
  }
  for (const auto& b : input.bindings) {
    if (!b.cluster) namespaces.insert(b.name_space);
    for (const auto& s : b.subjects) {
      if (!s.name_space.empty()) namespaces.insert(s.name_space);
    }
  }
  for (const auto& sa : input.service_accounts) namespaces.insert(sa.name_space);

  // Deletes what this run created however the test ends.
  struct Cleanup {
    cluster::ApiClient& client;
    std::vector<std::string> paths;
    ~Cleanup() {
      for (auto it = paths.rbegin(); it != paths.rend(); ++it) (void)client.remove(*it);
    }
  } cleanup{*client, {}};

  auto create = [&](std::string_view kind, std::string_view ns, std::string_view name, const std::string& body) {
    const cluster::Resource* resource = cluster::find_resource(kind);
    ASSERT_NE(resource, nullptr) << kind;
    std::string collection = cluster::collection_path(*resource, ns);
    auto made = client->create(collection, body);
    ASSERT_TRUE(made) << kind << " " << name << ": " << made.error().message;
    cleanup.paths.push_back(collection + "/" + std::string(name));
  };
  for (const auto& ns : namespaces)
    create("Namespace", "", renamer.ns(ns), simple_json("Namespace", renamer.ns(ns), ""));
  size_t created = 0;
  // Cluster-scoped objects go in the cleanup list; namespaced ones go with their namespace.
  for (const auto& r : input.roles) {
    std::string name = r.cluster ? renamer.cluster_name(r.name) : r.name;
    if (r.cluster) create("ClusterRole", "", name, role_json(r, renamer));
    else {
      auto made = client->create(cluster::collection_path(*cluster::find_resource("Role"), renamer.ns(r.name_space)),
                                 role_json(r, renamer));
      ASSERT_TRUE(made) << r.name << ": " << made.error().message;
    }
    ++created;
  }
  for (const auto& sa : input.service_accounts) {
    auto made =
        client->create(cluster::collection_path(*cluster::find_resource("ServiceAccount"), renamer.ns(sa.name_space)),
                       simple_json("ServiceAccount", sa.name, renamer.ns(sa.name_space)));
    ASSERT_TRUE(made) << sa.name << ": " << made.error().message;
    ++created;
  }
  for (const auto& b : input.bindings) {
    if (b.cluster) create("ClusterRoleBinding", "", renamer.cluster_name(b.name), binding_json(b, renamer));
    else {
      auto made =
          client->create(cluster::collection_path(*cluster::find_resource("RoleBinding"), renamer.ns(b.name_space)),
                         binding_json(b, renamer));
      ASSERT_TRUE(made) << b.name << ": " << made.error().message;
    }
    ++created;
  }
  std::cout << fmt::format("[ live-sar ] created {} namespaces and {} RBAC objects and service accounts\n",
                           namespaces.size(), created);

  // The aggregation controller fills aggregated ClusterRoles; wait until it has.
  for (const auto& r : input.roles) {
    if (!r.cluster || !r.aggregated) continue;
    bool filled = false;
    for (int i = 0; i < 120 && !filled; ++i) {
      auto got = client->get("/apis/rbac.authorization.k8s.io/v1/clusterroles/" + renamer.cluster_name(r.name));
      ASSERT_TRUE(got) << got.error().message;
      const doc::Node* rules = got->get("rules");
      filled = rules != nullptr && rules->size() > 0;
      if (!filled) usleep(250000);
    }
    ASSERT_TRUE(filled) << "aggregated ClusterRole " << r.name << " never filled";
  }

  // kubeguard's model of the whole cluster, read back through the API.
  Loaded loaded = cluster::load_rbac(*client, "cluster:test");
  ASSERT_TRUE(loaded.errors.empty()) << doc::format_error(loaded.errors[0]);
  Policy policy = Policy::build(std::move(loaded.objects));

  // Subjects: every service account of ours, the groups our bindings name,
  // users with and without bindings.
  // Users and groups only when our input names them: other tests may bind
  // theirs while this one runs.
  std::set<std::string> named;
  for (const auto& b : input.bindings) {
    for (const auto& s : b.subjects) {
      if (s.kind != SubjectKind::ServiceAccount) named.insert(s.name);
    }
  }
  std::vector<Principal> who;
  for (const auto& p : principals(policy)) {
    bool ours = p.kind == SubjectKind::ServiceAccount ? p.name_space.starts_with(renamer.run)
                                                      : named.count(p.name) != 0 && !p.name.starts_with("system:");
    if (ours) who.push_back(p);
  }
  for (const auto& ns : namespaces) {
    who.push_back(principal_of(SubjectKind::Group, "system:serviceaccounts:" + renamer.ns(ns), ""));
  }
  who.push_back(principal_of(SubjectKind::User, renamer.run + "-nobody", ""));
  who.push_back(principal_of(SubjectKind::ServiceAccount, "not-there", renamer.ns("shop")));
  who.push_back(principal_of(SubjectKind::Group, "system:authenticated", ""));

  const Need kNeeds[] = {
      {"get", "", "pods"},
      {"list", "", "pods"},
      {"create", "", "pods"},
      {"patch", "", "pods"},
      {"create", "", "pods/exec"},
      {"get", "", "pods/log"},
      {"patch", "", "pods/ephemeralcontainers"},
      {"list", "", "secrets"},
      {"get", "", "secrets"},
      {"watch", "", "configmaps"},
      {"update", "", "configmaps"},
      {"create", "", "serviceaccounts/token"},
      {"list", "", "services"},
      {"get", "", "endpoints"},
      {"patch", "apps", "deployments"},
      {"update", "apps", "daemonsets"},
      {"create", "apps", "statefulsets"},
      {"get", "apps", "deployments/scale"},
      {"create", "batch", "jobs"},
      {"list", "coordination.k8s.io", "leases"},
      {"update", "coordination.k8s.io", "leases"},
      {"list", "argoproj.io", "applications"},
      {"delete", "argoproj.io", "appprojects"},
      {"get", "monitoring.coreos.com", "prometheuses"},
      {"list", "monitoring.coreos.com", "servicemonitors"},
      {"create", "events.k8s.io", "events"},
      {"create", "", "events"},
      {"list", "", "nodes", true},
      {"get", "", "nodes/metrics", true},
      {"get", "", "nodes/proxy", true},
      {"list", "", "namespaces", true},
      {"create", "authentication.k8s.io", "tokenreviews", true},
      {"create", "authorization.k8s.io", "subjectaccessreviews", true},
      {"create", "admissionregistration.k8s.io", "mutatingwebhookconfigurations", true},
      {"patch", "admissionregistration.k8s.io", "validatingwebhookconfigurations", true},
      {"list", "apiextensions.k8s.io", "customresourcedefinitions", true},
      {"escalate", "rbac.authorization.k8s.io", "clusterroles", true},
      {"bind", "rbac.authorization.k8s.io", "roles"},
      {"impersonate", "", "serviceaccounts"},
      {"update", "certificates.k8s.io", "certificatesigningrequests/approval", true},
      {"get", "metrics.k8s.io", "pods"},
      {"list", "policy.linkerd.io", "servers"},
      {"get", "linkerd.io", "serviceprofiles"},
      {"delete", "", "*"},
  };
  std::vector<std::string> spaces;
  for (const auto& ns : namespaces) spaces.push_back(renamer.ns(ns));
  spaces.push_back("default");

  std::vector<Question> questions;
  // Every (subject, permission) that the model allows somewhere is asked in
  // one namespace where it holds (positives) and in one other (mostly negatives).
  Lcg lcg;
  for (const auto& p : who) {
    for (const auto& need : kNeeds) {
      for (int k = 0; k < 2; ++k) {
        Attributes a = attributes_of(need, spaces[lcg.next(spaces.size())]);
        if (k == 0 && !need.cluster && p.kind == SubjectKind::ServiceAccount) a.name_space = p.name_space;
        if (lcg.next(8) == 0 && !need.cluster) a.name = "argocd-secret";
        bool allowed = authorize(policy, p.user, a).has_value();
        // Keep every positive, one negative in twelve.
        if (allowed || lcg.next(12) == 0) questions.push_back(Question{p, a});
      }
    }
  }
  // Non-resource URLs: exact, prefix ("/metrics/*") and wildcard rules.
  for (const auto& p : who) {
    for (std::string_view path : {"/metrics", "/metrics/cadvisor", "/healthz", "/version", "/api", "/logs/x"}) {
      Attributes a;
      a.resource_request = false;
      a.verb = "get";
      a.path = std::string(path);
      if (authorize(policy, p.user, a).has_value() || lcg.next(4) == 0) questions.push_back(Question{p, a});
    }
  }
  ASSERT_GE(questions.size(), 300u);

  std::map<std::string, bool> sar_cache;
  auto sar = [&](const UserInfo& user, const Attributes& a) -> bool {
    std::string body = sar_json(user, a);
    auto [it, added] = sar_cache.emplace(body, false);
    if (!added) return it->second;
    auto review = client->create("/apis/authorization.k8s.io/v1/subjectaccessreviews", body);
    EXPECT_TRUE(review) << review.error().message;
    if (!review) return false;
    const doc::Node* allowed = review->find({"status", "allowed"});
    it->second = allowed != nullptr && allowed->as_bool().value_or(false);
    return it->second;
  };

  size_t agreed = 0, allowed = 0, who_can_agreed = 0;
  for (const auto& q : questions) {
    bool model = authorize(policy, q.who.user, q.what).has_value();
    bool server = sar(q.who.user, q.what);
    // who-can over the same question: does some listed subject stand for this user?
    bool listed = false;
    for (const auto& g : who_can(policy, q.what, false)) {
      listed |= applies_to(*g.subject, q.who.user, g.binding->cluster ? "" : g.binding->name_space);
    }
    EXPECT_EQ(model, server) << q.who.display() << " " << q.what.verb << " " << q.what.resource_text() << q.what.path
                             << "." << q.what.api_group << " name=" << q.what.name << " ns=" << q.what.name_space;
    EXPECT_EQ(listed, server) << "who-can: " << q.who.display() << " " << q.what.verb << " " << q.what.resource_text()
                              << " ns=" << q.what.name_space;
    agreed += model == server;
    who_can_agreed += listed == server;
    allowed += server;
  }

  // who-can-inject: each path the model finds (or not) for our service
  // accounts in their own namespace and in one other, checked need by need.
  size_t inject_checks = 0, inject_agreed = 0, inject_paths_held = 0;
  for (const auto& p : who) {
    if (p.kind != SubjectKind::ServiceAccount) continue;
    for (const std::string& ns : {p.name_space, spaces[lcg.next(spaces.size())]}) {
      auto reach = inject_reach(policy, p.user, ns);
      for (const auto& def : inject_paths()) {
        bool model = std::any_of(reach.begin(), reach.end(), [&](const PathReach& r) { return r.path == def.id; });
        bool server = true;
        for (const auto& group : def.all_of) {
          bool met = false;
          for (const auto& need : group) {
            // Through a ClusterRoleBinding the path holds in every namespace: ask where the model says.
            if (sar(p.user, attributes_of(need, ns))) {
              met = true;
              break;
            }
          }
          if (!met) {
            server = false;
            break;
          }
        }
        ++inject_checks;
        inject_agreed += model == server;
        inject_paths_held += server;
        EXPECT_EQ(model, server) << "who-can-inject " << p.display() << " " << def.name << " ns=" << ns;
      }
    }
  }

  std::cout << fmt::format(
      "[ live-sar ] {} questions ({} allowed, {} denied) to SubjectAccessReview: model agreed on {}, who-can on {}; "
      "who-can-inject: {} (account, namespace, path) checks ({} paths held), agreed on {}; {} SARs sent\n",
      questions.size(), allowed, questions.size() - allowed, agreed, who_can_agreed, inject_checks, inject_paths_held,
      inject_agreed, sar_cache.size());
  EXPECT_EQ(agreed, questions.size());
  EXPECT_EQ(who_can_agreed, questions.size());
  EXPECT_EQ(inject_agreed, inject_checks);
  // The sample must hold both answers in number, or it proves little.
  EXPECT_GE(allowed, 100u);
  EXPECT_GE(questions.size() - allowed, 100u);
  EXPECT_GE(inject_paths_held, 3u);
}

}  // namespace
}  // namespace kg::rbac
