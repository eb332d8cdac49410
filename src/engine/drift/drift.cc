#include "engine/drift/drift.h"

#include <algorithm>
#include <iterator>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "doc/source.h"
#include "engine/drift/emit.h"
#include "engine/drift/live_only.h"
#include "engine/drift/object_key.h"
#include "engine/drift/owners.h"
#include "engine/drift/pod_diff.h"
#include "engine/drift/text.h"
#include "engine/session.h"
#include "engine/suppression.h"

namespace kg::engine {
namespace {

using drift::ObjectIndex;
using drift::ObjectKey;

constexpr size_t kNoticeExamples = 5;

std::string counted(size_t n, std::string_view noun) { return fmt::format("{} {}{}", n, noun, n == 1 ? "" : "s"); }

struct Side {
  std::vector<k8s::Object> objects;
  std::vector<ObjectKey> keys;  // parallel to objects
  ObjectIndex index;
};

// The objects of one side, read through an evaluation session without rules
// (the loop every front uses): Lists expanded and errors reported as a scan
// reports them (a List kubectl refuses is an error here too).
Side extract(std::span<const doc::Document> documents, std::string_view default_namespace, const Config& config,
             ScanResult& result) {
  Side side;
  const RuleIndex no_rules;
  Session session(no_rules, config, Session::Facts::Never);
  std::vector<rules::Finding> none;  // a session without rules finds nothing
  const ObjectVisitor keep = [&](const k8s::Object& object, const k8s::PodSpecView*) {
    side.objects.push_back(object);
  };
  for (const auto& d : documents) {
    result.summary.skipped_documents += session.add(d, none, result.errors, keep).skipped_documents;
  }
  result.summary.documents += documents.size();
  result.summary.objects += side.objects.size();
  for (const auto& o : side.objects) side.keys.push_back(drift::key_of(o.ref, default_namespace));
  // Indexed once the vector no longer moves.
  for (size_t i = 0; i < side.objects.size(); ++i) side.index.add(side.keys[i], side.objects[i]);
  return side;
}

class Comparison {
 public:
  Comparison(const Side& baseline, const Side& live, const Config& config, ScanResult& result)
      : baseline_(baseline), live_(live), config_(config), result_(result) {
    for (const auto& k : baseline.keys) {
      if (!k.name_space.empty()) namespaces_.insert(k.name_space);
      if (k.kind == "Namespace") namespaces_.insert(k.name);
    }
  }

  void run() {
    for (size_t i = 0; i < live_.objects.size(); ++i) compare(live_.objects[i], live_.keys[i]);
    add_notices();
  }

 private:
  void compare(const k8s::Object& object, const ObjectKey& key) {
    if (const k8s::Object* declared = baseline_.index.find(key)) {
      matched_.insert(key);
      std::vector<rules::Finding> found = compare_pods(object, *declared, "", declared);
      std::move(found.begin(), found.end(), std::back_inserter(result_.findings));
      return;
    }
    const doc::Node* owner = drift::controller_reference(object);
    if (owner != nullptr && k8s::is_pod_bearing_kind(object.ref.kind)) {
      drift::TemplateSource source = drift::template_source(object, key, live_.index, baseline_.index);
      if (source.object == nullptr) {
        not_compared_.push_back(fmt::format("{}: {}", key.display(), source.not_compared));
        return;
      }
      if (!source.live) matched_.insert(source.key);
      const k8s::Object* anchor = drift::baseline_anchor(object, key, live_.index, baseline_.index);
      if (anchor != nullptr) matched_.insert(baseline_.keys[static_cast<size_t>(anchor - baseline_.objects.data())]);
      std::string note = fmt::format(" (against {} {})", source.live ? "live" : "baseline", source.key.display());
      std::vector<rules::Finding> found = compare_pods(object, *source.object, note, anchor);
      // A live owner's template may have changed after this object was made
      // from it (a CronJob edited after its Job ran, a ReplicaSet edited after
      // its pods started): a difference counts when the manifest up the owner
      // chain does not explain it either.
      if (source.live && anchor != nullptr && k8s::pod_spec_of(*anchor).has_value()) {
        std::vector<rules::Finding> against_manifest = compare_pods(object, *anchor, "", anchor);
        std::erase_if(found, [&](const rules::Finding& f) {
          return std::none_of(against_manifest.begin(), against_manifest.end(), [&](const rules::Finding& m) {
            return m.rule_id == f.rule_id && m.path == f.path && m.container == f.container;
          });
        });
      }
      std::move(found.begin(), found.end(), std::back_inserter(result_.findings));
      return;
    }
    // Owned objects are made by their controller; the owner is what was declared.
    if (owner != nullptr || drift::is_generated(object)) return;
    if (!key.name_space.empty() && !namespaces_.contains(key.name_space)) return;
    report_only_in_live(object);
  }

  std::vector<rules::Finding> compare_pods(const k8s::Object& object, const k8s::Object& reference,
                                           std::string_view note, const k8s::Object* anchor) {
    std::vector<rules::Finding> found;
    const auto& profiles = config_.settings.sidecar_profiles;
    std::optional<k8s::PodSpecView> live = k8s::pod_spec_of(object, profiles);
    std::optional<k8s::PodSpecView> want = k8s::pod_spec_of(reference, profiles);
    if (!live || !want) return found;
    IgnoreList ignore;
    if (anchor != nullptr) {
      std::optional<k8s::PodSpecView> anchor_pod = k8s::pod_spec_of(*anchor, profiles);
      ignore = ignore_list_of(*anchor, anchor_pod ? &*anchor_pod : nullptr);
    }
    drift::DriftEmitter out(object, std::move(ignore), config_, found);
    drift::diff_pod(drift::PodPair{*want, *live, note, profiles}, out);
    return found;
  }

  void report_only_in_live(const k8s::Object& object) {
    std::optional<k8s::PodSpecView> pod = k8s::pod_spec_of(object, config_.settings.sidecar_profiles);
    drift::DriftEmitter out(object, IgnoreList{}, config_, result_.findings);
    out.report(drift::DriftRule::ObjectOnlyInLive, drift::only_in_live_severity(object.ref.kind), "metadata",
               object.metadata(), drift::only_in_live_message(object, pod ? &*pod : nullptr));
  }

  void add_notices() {
    std::set<std::string> live_kinds;
    for (const auto& k : live_.keys) live_kinds.insert(k.kind);
    std::vector<std::string> missing;
    for (const auto& k : baseline_.keys) {
      // Only kinds the live input holds: a dump of pods says nothing about Services.
      if (!matched_.contains(k) && live_kinds.contains(k.kind)) missing.push_back(k.display());
    }
    if (!missing.empty()) {
      result_.notices.push_back(fmt::format("{} without a live counterpart: {}",
                                            counted(missing.size(), "baseline object"),
                                            drift::show_names(missing, kNoticeExamples)));
    }
    if (!not_compared_.empty()) {
      result_.notices.push_back(fmt::format("{} not compared: {}", counted(not_compared_.size(), "live object"),
                                            drift::show_names(not_compared_, kNoticeExamples)));
    }
    if (matched_.empty() && !baseline_.objects.empty() && !live_.objects.empty()) {
      result_.notices.emplace_back(
          "no live object matched a baseline object: check that both sides describe the same namespace "
          "(--namespace sets the one of manifests that name none)");
    }
  }

  const Side& baseline_;
  const Side& live_;
  const Config& config_;
  ScanResult& result_;
  std::set<std::string> namespaces_;
  std::set<ObjectKey> matched_;
  std::vector<std::string> not_compared_;
};

void load_side(const std::vector<std::string>& paths, const Config& config, std::vector<doc::Document>& documents,
               ScanResult& result) {
  doc::InputSet inputs = doc::expand_inputs(paths);
  for (auto& e : inputs.errors) result.errors.push_back(std::move(e));
  for (const auto& file : inputs.files) {
    if (file != "-" && config.path_excluded(file)) {
      ++result.summary.excluded_files;
      continue;
    }
    ++result.summary.files;
    doc::load_input(
        file, [&](doc::Document&& d) { documents.push_back(std::move(d)); },
        [&](doc::LoadError&& e) { result.errors.push_back(std::move(e)); });
  }
}

}  // namespace

ScanResult diff_documents(std::span<const doc::Document> baseline, std::span<const doc::Document> live,
                          std::string_view default_namespace, const Config& config) {
  ScanResult result;
  Side base = extract(baseline, default_namespace, config, result);
  Side now = extract(live, default_namespace, config, result);
  Comparison(base, now, config, result).run();
  summarize(result);
  return result;
}

ScanResult diff(const DiffRequest& request, const Config& config) {
  ScanResult loaded;
  std::vector<doc::Document> baseline;
  std::vector<doc::Document> live;
  load_side(request.baseline, config, baseline, loaded);
  load_side(request.live, config, live, loaded);
  ScanResult result = diff_documents(baseline, live, request.default_namespace, config);
  result.summary.files = loaded.summary.files;
  result.summary.excluded_files = loaded.summary.excluded_files;
  // Files that could not be read first, then what the documents held.
  result.errors.insert(result.errors.begin(), std::make_move_iterator(loaded.errors.begin()),
                       std::make_move_iterator(loaded.errors.end()));
  summarize(result);
  return result;
}

}  // namespace kg::engine
