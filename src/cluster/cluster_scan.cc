#include "cluster/cluster_scan.h"

#include <fmt/format.h>

#include "engine/session.h"
#include "k8s/object.h"

namespace kg::cluster {
namespace {

struct Evaluation {
  engine::Session& session;
  const std::string& origin;
  engine::ScanResult& result;

  // Each object is evaluated and dropped at once: memory holds findings and
  // inventory facts, not the cluster.
  void add(doc::Node&& node) {
    doc::Document document{origin, static_cast<uint32_t>(result.summary.documents++), std::move(node)};
    engine::DocumentCounts counts = session.add(document, result.findings, result.errors);
    result.summary.objects += counts.objects;
    result.summary.skipped_documents += counts.skipped_documents;
  }

  void fail(const Error& error) {
    result.errors.push_back(doc::LoadError{doc::ErrorCode::Io, origin, {}, error.message});
  }
};

}  // namespace

bool valid_namespace_name(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(name.front()) || !alnum(name.back())) return false;
  for (char c : name) {
    if (!alnum(c) && c != '-') return false;
  }
  return true;
}

engine::ScanResult scan_cluster(ApiClient& client, const ClusterScanRequest& request, const rules::Catalog& catalog,
                                const engine::Config& config) {
  engine::ScanResult result;
  result.notices = engine::inactive_rule_notices(catalog, config);
  engine::Session session(catalog, config);
  Evaluation eval{session, request.origin, result};
  // One cheap request first: an unreachable server, a certificate that does
  // not verify or a rejected credential then gives one error, not eighteen.
  auto version = client.get("/version");
  if (!version) {
    eval.fail(version.error());
    engine::summarize(result);
    return result;
  }
  size_t read = 0;
  for (const Resource& resource : scan_resources()) {
    if (!request.name_space.empty() && !resource.namespaced) {
      // Within one namespace, its own Namespace object still matters (labels,
      // default-deny coverage); other cluster-scoped kinds are out of scope.
      if (resource.kind != "Namespace") continue;
      auto ns = client.get(fmt::format("/api/v1/namespaces/{}", request.name_space));
      if (!ns) {
        eval.fail(ns.error());
        continue;
      }
      eval.add(std::move(*ns));
      ++read;
      continue;
    }
    auto listed = client.list(
        resource, request.name_space, [&](doc::Node&& item) { eval.add(std::move(item)); }, request.page_size);
    if (!listed) {
      eval.fail(listed.error());
      continue;
    }
    ++read;
  }
  size_t wanted = request.name_space.empty() ? scan_resources().size() : 0;
  if (wanted == 0) {
    for (const Resource& resource : scan_resources()) wanted += resource.namespaced || resource.kind == "Namespace";
  }
  result.notices.push_back(fmt::format("{}: {} objects read from {} (Kubernetes {}; {} of {} resource types listed)",
                                       request.origin, result.summary.objects, client.server(),
                                       k8s::string_at(&*version, "gitVersion"), read, wanted));
  if (!request.name_space.empty()) {
    result.notices.push_back(fmt::format(
        "namespace {} only: cluster-scoped resources (cluster roles and bindings, webhook configurations) not read",
        request.name_space));
  }
  session.finish(result.findings);
  engine::summarize(result);
  return result;
}

}  // namespace kg::cluster
