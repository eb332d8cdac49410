#include "cluster/quarantine.h"

#include <fcntl.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "cluster/json_decode.h"
#include "cluster/resources.h"
#include "k8s/object.h"
#include "k8s/owner_reference.h"
#include "util/json_writer.h"

namespace kg::cluster {
namespace {

constexpr std::string_view kReasonAnnotation = "kubeguard.io/quarantine-reason";
constexpr std::string_view kTimeAnnotation = "kubeguard.io/quarantined-at";
constexpr std::string_view kFindingAnnotation = "kubeguard.io/quarantine-finding";
constexpr std::string_view kLabelsAnnotation = "kubeguard.io/quarantine-removed-labels";
constexpr std::string_view kReleasedAnnotation = "kubeguard.io/quarantine-released-at";
constexpr std::string_view kMergePatch = "application/merge-patch+json";

std::string pod_path(std::string_view ns, std::string_view pod) {
  return fmt::format("/api/v1/namespaces/{}/pods/{}", ns, pod);
}

std::string policies_path(std::string_view ns) {
  return fmt::format("/apis/networking.k8s.io/v1/namespaces/{}/networkpolicies", ns);
}

bool quarantined(const doc::Node& pod) {
  return k8s::string_at(pod.find({"metadata", "labels"}), kQuarantineLabel) == "true";
}

// Sends a write, or prints it under --dry-run. `accept` lists statuses that
// count as done besides 2xx (409: it exists already; 404: it is gone already).
Expected<long> perform(ApiClient& client, const PlannedWrite& write, bool dry_run, std::ostream& dry_run_out,
                       std::initializer_list<long> accept = {}) {
  if (dry_run) {
    print_write(dry_run_out, client.server(), write);
    return 0L;
  }
  auto response = client.send(write.method, write.path, write.content_type, write.body);
  if (!response) return response.error();
  if (response->status / 100 == 2) return response->status;
  for (long status : accept) {
    if (response->status == status) return response->status;
  }
  return http_error(fmt::format("{} {} ({})", write.method, write.path, write.purpose), *response);
}

std::string file_safe(std::string_view text) {
  std::string out;
  for (char c : text) out += (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.') ? c : '_';
  return out;
}

// An object both as the server's text (kept verbatim as evidence) and as a
// tree, from one read, so the two cannot be different versions.
struct Fetched {
  std::string text;
  doc::Node node;
};

Expected<Fetched> fetch(ApiClient& client, std::string_view path) {
  auto text = client.get_text(path);
  if (!text) return text.error();
  JsonDecoder decoder;
  auto node = decoder.object(*text);
  if (!node) return Error{ErrorKind::Decode, fmt::format("get {}: {}", path, node.error().message)};
  return Fetched{std::move(*text), std::move(*node)};
}

// Pod, owner chain and events as the server sent them, in one JSON file that
// only its owner may read: a pod spec can hold credentials.
Expected<std::string> save_evidence(ApiClient& client, const QuarantineRequest& request, const std::string& pod_text,
                                    const doc::Node& pod, std::vector<std::string>& steps) {
  std::vector<std::string> owners;
  const doc::Node* object = &pod;
  doc::Node owner_node;
  for (int depth = 0; depth < 4; ++depth) {
    const doc::Node* ref = k8s::controller_reference(*object);
    if (ref == nullptr) break;
    const Resource* resource = find_resource(k8s::string_at(ref, "kind"));
    if (resource == nullptr) break;
    std::string path =
        fmt::format("{}/{}", collection_path(*resource, request.name_space), k8s::string_at(ref, "name"));
    auto owner = fetch(client, path);
    if (!owner) break;  // the owner may be gone; the pod is the evidence that matters
    owners.push_back(std::move(owner->text));
    owner_node = std::move(owner->node);
    object = &owner_node;
  }
  auto events = client.get_text(fmt::format("/api/v1/namespaces/{}/events?fieldSelector={}", request.name_space,
                                            url_escape(fmt::format("involvedObject.name={}", request.pod))));
  std::string file = fmt::format("{}/kubeguard-evidence-{}-{}-{}.json", request.evidence_dir,
                                 file_safe(request.name_space), file_safe(request.pod), file_safe(request.time));
  std::ostringstream json;
  util::JsonWriter out(json, false);
  out.begin_object()
      .field("kind", "KubeguardQuarantineEvidence")
      .field("time", std::string_view(request.time))
      .field("server", std::string_view(client.server()))
      .field("namespace", std::string_view(request.name_space))
      .field("pod", std::string_view(request.pod))
      .field("reason", std::string_view(request.reason))
      .field("finding", std::string_view(request.finding))
      .key("objects");
  out.flush();  // the objects follow as the server sent them, written straight to the stream
  json << "{\"pod\":" << pod_text << ",\"owners\":[";
  for (size_t i = 0; i < owners.size(); ++i) json << (i == 0 ? "" : ",") << owners[i];
  json << "],\"events\":" << (events ? *events : std::string("null")) << "}}\n";
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0)
    return Error{ErrorKind::Io, fmt::format("cannot create evidence file {}: {}", file, std::strerror(errno))};
  std::string text = json.str();
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  if (!written) return Error{ErrorKind::Io, fmt::format("cannot write evidence file {}", file)};
  steps.push_back(fmt::format("saved the pod, {} owner(s) and {} to {}", owners.size(),
                              events ? "its events" : "no events (not readable)", file));
  return file;
}

}  // namespace

void print_write(std::ostream& out, std::string_view server, const PlannedWrite& write) {
  out << "# " << write.purpose << '\n'
      << write.method << ' ' << server << write.path << '\n'
      << "Content-Type: " << write.content_type << "\n\n"
      << write.body << "\n\n";
}

std::string quarantine_policy_json(std::string_view name_space) {
  std::ostringstream json;
  util::JsonWriter out(json, false);
  out.begin_object().field("apiVersion", "networking.k8s.io/v1").field("kind", "NetworkPolicy");
  out.key("metadata").begin_object().field("name", kQuarantinePolicy).field("namespace", name_space);
  out.key("labels").begin_object().field("app.kubernetes.io/managed-by", "kubeguard").end_object().end_object();
  out.key("spec").begin_object();
  out.key("podSelector").begin_object().key("matchLabels").begin_object().field(kQuarantineLabel, "true");
  out.end_object().end_object();
  // Both directions, no rule: nothing in, nothing out (DNS included).
  out.key("policyTypes").begin_array().value("Ingress").value("Egress").end_array();
  out.end_object().end_object();
  return json.str();
}

std::string quarantine_patch_json(const doc::Node& pod, std::string_view reason, std::string_view finding,
                                  std::string_view time) {
  const doc::Node* labels = pod.find({"metadata", "labels"});
  std::ostringstream removed;
  {
    util::JsonWriter record(removed, false);
    record.begin_object();
    if (labels != nullptr && labels->is_mapping()) {
      for (const auto& e : labels->entries()) {
        if (e.key != kQuarantineLabel) record.field(e.key, e.value.str());
      }
    }
    record.end_object();
  }
  std::ostringstream json;
  util::JsonWriter out(json, false);
  out.begin_object().key("metadata").begin_object();
  out.key("labels").begin_object();
  if (labels != nullptr && labels->is_mapping()) {
    for (const auto& e : labels->entries()) {
      if (e.key != kQuarantineLabel) out.key(e.key).null();  // null removes the key in a merge patch
    }
  }
  out.field(kQuarantineLabel, "true").end_object();
  out.key("annotations").begin_object();
  out.field(kReasonAnnotation, reason).field(kTimeAnnotation, time);
  if (!finding.empty()) out.field(kFindingAnnotation, finding);
  out.field(kLabelsAnnotation, std::string_view(removed.str()));
  out.key(kReleasedAnnotation).null();
  out.end_object().end_object().end_object();
  return json.str();
}

std::string release_patch_json(std::string_view time) {
  std::ostringstream json;
  util::JsonWriter out(json, false);
  out.begin_object().key("metadata").begin_object();
  out.key("labels").begin_object().key(kQuarantineLabel).null().end_object();
  out.key("annotations").begin_object().field(kReleasedAnnotation, time).end_object();
  out.end_object().end_object();
  return json.str();
}

std::vector<std::string> leaky_policies(const std::vector<doc::Node>& policies) {
  std::vector<std::string> names;
  for (const auto& policy : policies) {
    const doc::Node* selector = policy.find({"spec", "podSelector"});
    auto empty = [](const doc::Node* n) { return n == nullptr || n->size() == 0; };
    bool selects_all =
        selector == nullptr || (empty(selector->get("matchLabels")) && empty(selector->get("matchExpressions")));
    if (!selects_all) continue;
    const doc::Node* ingress = policy.find({"spec", "ingress"});
    const doc::Node* egress = policy.find({"spec", "egress"});
    bool allows = (ingress != nullptr && ingress->size() > 0) || (egress != nullptr && egress->size() > 0);
    if (allows) names.emplace_back(k8s::string_at(policy.get("metadata"), "name"));
  }
  return names;
}

Expected<ResponseReport> quarantine_pod(ApiClient& client, const QuarantineRequest& request,
                                        std::ostream& dry_run_out) {
  if (request.name_space == "kube-system" && !request.force) {
    return Error{ErrorKind::Config,
                 fmt::format("refusing to quarantine {}/{}: kube-system pods run the cluster itself (use --force)",
                             request.name_space, request.pod)};
  }
  ResponseReport report;
  std::string path = pod_path(request.name_space, request.pod);
  auto fetched = fetch(client, path);
  if (!fetched) return fetched.error();
  const std::string& pod_text = fetched->text;
  const doc::Node* pod = &fetched->node;
  bool already = quarantined(*pod);

  if (!already && !request.dry_run) {
    auto file = save_evidence(client, request, pod_text, *pod, report.steps);
    if (!file) return file.error();
    report.evidence_file = std::move(*file);
  } else if (!already) {
    report.steps.push_back("would save the pod, its owners and its events to " + request.evidence_dir);
  }

  PlannedWrite policy{"POST", policies_path(request.name_space), "application/json",
                      quarantine_policy_json(request.name_space),
                      fmt::format("deny all ingress and egress of pods labelled {}=true", kQuarantineLabel)};
  auto created = perform(client, policy, request.dry_run, dry_run_out, {409});
  if (!created) return created.error();
  report.steps.push_back(
      *created == 409 ? fmt::format("NetworkPolicy {}/{} already in place", request.name_space, kQuarantinePolicy)
                      : fmt::format("NetworkPolicy {}/{} {}", request.name_space, kQuarantinePolicy,
                                    request.dry_run ? "to create" : "created"));

  if (already) {
    report.steps.push_back(fmt::format("pod {}/{} is already quarantined (since {}); nothing else to do",
                                       request.name_space, request.pod,
                                       k8s::string_at(pod->find({"metadata", "annotations"}), kTimeAnnotation)));
  } else {
    const doc::Node* owner = k8s::controller_reference(*pod);
    PlannedWrite patch{"PATCH", path, std::string(kMergePatch),
                       quarantine_patch_json(*pod, request.reason, request.finding, request.time),
                       "label the pod for the policy, take every other label off (Services, allow policies and its "
                       "controller stop selecting it), record why and when"};
    auto patched = perform(client, patch, request.dry_run, dry_run_out);
    if (!patched) return patched.error();
    report.steps.push_back(fmt::format("pod {}/{} {}", request.name_space, request.pod,
                                       request.dry_run ? "to isolate" : "isolated and labelled"));
    if (owner != nullptr) {
      std::string_view kind = k8s::string_at(owner, "kind");
      report.steps.push_back(
          kind == "StatefulSet"
              ? fmt::format("StatefulSet {} releases the pod but cannot start a replacement under the same name "
                            "while it exists; delete it once the evidence is secured",
                            k8s::string_at(owner, "name"))
              : fmt::format("{} {} releases the pod and starts a replacement", kind, k8s::string_at(owner, "name")));
    }
  }

  // Warn about what the label change cannot undo.
  std::vector<doc::Node> policies;
  auto listed = client.list(*find_resource("NetworkPolicy"), request.name_space,
                            [&](doc::Node&& item) { policies.push_back(std::move(item)); });
  if (listed) {
    for (const auto& name : leaky_policies(policies)) {
      report.warnings.push_back(fmt::format(
          "NetworkPolicy {}/{} selects every pod of the namespace and allows traffic; policies add up, so that "
          "traffic still reaches the quarantined pod",
          request.name_space, name));
    }
  } else {
    report.warnings.push_back("could not list the namespace's NetworkPolicies: " + listed.error().message);
  }
  report.warnings.emplace_back(
      "a NetworkPolicy only isolates the pod if the cluster's network plugin enforces NetworkPolicy");
  return report;
}

Expected<ResponseReport> release_pod(ApiClient& client, const ReleaseRequest& request, std::ostream& dry_run_out) {
  ResponseReport report;
  std::string path = pod_path(request.name_space, request.pod);
  auto pod = client.get(path);
  if (!pod) return pod.error();
  if (!quarantined(*pod)) {
    report.steps.push_back(fmt::format("pod {}/{} is not quarantined; nothing to do", request.name_space, request.pod));
    return report;
  }
  PlannedWrite patch{"PATCH", path, std::string(kMergePatch), release_patch_json(request.time),
                     "take the quarantine label off (the deny-all policy stops selecting the pod)"};
  auto patched = perform(client, patch, request.dry_run, dry_run_out);
  if (!patched) return patched.error();
  report.steps.push_back(
      fmt::format("pod {}/{} {}; its original labels stay off (they are recorded in {}) so its "
                  "controller does not adopt it again",
                  request.name_space, request.pod, request.dry_run ? "to release" : "released", kLabelsAnnotation));
  // The policy goes when no pod of the namespace needs it any more.
  size_t others = 0;
  auto listed = client.list(*find_resource("Pod"), request.name_space, [&](doc::Node&& item) {
    if (quarantined(item) && k8s::string_at(item.get("metadata"), "name") != request.pod) ++others;
  });
  if (!listed) return listed.error();
  if (others == 0) {
    PlannedWrite remove{"DELETE", fmt::format("{}/{}", policies_path(request.name_space), kQuarantinePolicy),
                        "application/json", "", "no quarantined pod left in the namespace: remove the policy"};
    auto deleted = perform(client, remove, request.dry_run, dry_run_out, {404});
    if (!deleted) return deleted.error();
    report.steps.push_back(fmt::format("NetworkPolicy {}/{} {}", request.name_space, kQuarantinePolicy,
                                       request.dry_run ? "to remove" : "removed"));
  } else {
    report.steps.push_back(fmt::format("NetworkPolicy {}/{} kept: {} other pod(s) still quarantined",
                                       request.name_space, kQuarantinePolicy, others));
  }
  return report;
}

}  // namespace kg::cluster
