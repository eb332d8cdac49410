#include "engine/scanner.h"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "doc/source.h"
#include "engine/suppression.h"
#include "k8s/pod_spec.h"

namespace kg::engine {

size_t Summary::findings() const {
  size_t total = 0;
  for (size_t n : by_severity) total += n;
  return total;
}

void evaluate_object(const k8s::Object& object, const rules::Catalog& catalog, const Config& config,
                     std::vector<rules::Finding>& out, k8s::Inventory* inventory) {
  std::optional<k8s::PodSpecView> pod = k8s::pod_spec_of(object, config.settings.sidecar_profiles);
  const k8s::PodSpecView* pod_ptr = pod ? &*pod : nullptr;
  IgnoreList ignore = ignore_list_of(object, pod_ptr);
  rules::ObjectContext ctx{object, pod_ptr, config.settings};
  for (const auto& rule : catalog.rules()) {
    if (!config.rule_enabled(rule.meta->id)) continue;
    rules::Emitter emitter(*rule.meta, object, out);
    size_t first = out.size();
    if (rule.scope == rules::RuleScope::PodSpec && pod_ptr != nullptr) {
      rule.pod(ctx, emitter);
    } else if (rule.scope == rules::RuleScope::Object) {
      const auto& kinds = rule.meta->kinds;
      if (std::find(kinds.begin(), kinds.end(), object.ref.kind) != kinds.end()) rule.object(ctx, emitter);
    }
    for (size_t i = first; i < out.size(); ++i) apply_policy(out[i], *rule.meta, ignore, config);
  }
  if (inventory != nullptr) {
    k8s::Origin origin;
    origin.ref = object.ref;
    origin.file = std::string(object.file);
    origin.mark = object.root->mark();
    origin.path = object.path_prefix.empty() ? std::string("metadata") : object.path_prefix + "metadata";
    origin.ignored_rules = ignore.rules;
    origin.ignore_reason = ignore.reason;
    k8s::collect_facts(object, pod_ptr, std::move(origin), *inventory);
  }
}

void evaluate_inventory(const k8s::Inventory& inventory, const rules::Catalog& catalog, const Config& config,
                        const FindingSink& sink) {
  rbac::Objects rbac_objects = inventory.rbac;
  rbac_objects.issues.clear();
  rbac::Policy rbac_policy = rbac::Policy::build(std::move(rbac_objects), "default");
  rules::InventoryContext ctx{inventory, config.settings, rbac_policy};
  std::vector<rules::Finding> findings;
  for (const auto& rule : catalog.rules()) {
    if (rule.scope != rules::RuleScope::Inventory || !config.rule_enabled(rule.meta->id)) continue;
    // One rule's findings at a time: they go to the sink before the next rule runs.
    findings.clear();
    rules::InventoryEmitter emitter(*rule.meta, findings);
    rule.inventory(ctx, emitter);
    for (size_t i = 0; i < findings.size(); ++i) {
      const k8s::Origin& origin = *emitter.origins()[i];
      IgnoreList ignore{origin.ignored_rules, origin.ignore_reason};
      apply_policy(findings[i], *rule.meta, ignore, config);
    }
    if (!findings.empty()) sink(findings);
  }
}

void evaluate_inventory(const k8s::Inventory& inventory, const rules::Catalog& catalog, const Config& config,
                        std::vector<rules::Finding>& out) {
  evaluate_inventory(inventory, catalog, config,
                     [&](std::span<const rules::Finding> batch) { out.insert(out.end(), batch.begin(), batch.end()); });
}

std::vector<std::string> inactive_rule_notices(const rules::Catalog& catalog, const Config& config) {
  std::vector<std::string> notices;
  for (const auto& rule : catalog.rules()) {
    if (rule.meta->inactive_reason == nullptr || !config.rule_enabled(rule.meta->id)) continue;
    std::string_view reason = rule.meta->inactive_reason(config.settings);
    if (!reason.empty()) notices.push_back(fmt::format("{} {}: {}", rule.meta->id, rule.meta->slug, reason));
  }
  return notices;
}

void summarize(ScanResult& result) {
  Summary& s = result.summary;
  s.errors = result.errors.size();
  s.suppressed = 0;
  s.by_severity = {};
  for (const auto& f : result.findings) {
    if (f.suppressed) ++s.suppressed;
    else ++s.by_severity[static_cast<size_t>(f.severity)];
  }
}

namespace {

struct FileResult {
  // Set: findings go here document by document, so a large file is never
  // held whole; unset: they wait in `findings` for their turn in input order.
  const FindingSink* stream = nullptr;
  std::vector<rules::Finding> findings;
  std::vector<doc::LoadError> errors;
  k8s::Inventory inventory;
  size_t documents = 0;
  size_t objects = 0;
  size_t skipped = 0;
};

bool any_inventory_rule(const rules::Catalog& catalog, const Config& config) {
  return std::any_of(catalog.rules().begin(), catalog.rules().end(), [&](const rules::RuleEntry& rule) {
    return rule.scope == rules::RuleScope::Inventory && config.rule_enabled(rule.meta->id);
  });
}

// `keep_facts`: collect what the cross-object rules need (the only memory
// that grows with the input); false when no such rule is enabled.
void scan_file(const std::string& path, const rules::Catalog& catalog, const Config& config, bool keep_facts,
               FileResult& result) {
  k8s::Inventory* inventory = keep_facts ? &result.inventory : nullptr;
  doc::load_input(
      path,
      [&](doc::Document&& document) {
        ++result.documents;
        k8s::Extraction extraction;
        k8s::extract_objects(document, extraction);
        result.skipped += extraction.skipped_documents;
        for (const auto& object : extraction.objects) {
          ++result.objects;
          evaluate_object(object, catalog, config, result.findings, inventory);
        }
        if (result.stream != nullptr && !result.findings.empty()) {
          (*result.stream)(result.findings);
          result.findings.clear();
        }
      },
      [&](doc::LoadError&& error) { result.errors.push_back(std::move(error)); });
}

unsigned thread_count(unsigned requested, size_t files) {
  unsigned n = requested;
  if (n == 0) {
    if (const char* env = std::getenv("KG_THREADS")) n = static_cast<unsigned>(std::strtoul(env, nullptr, 10));
  }
  if (n == 0) n = std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::min<size_t>(n, std::max<size_t>(files, 1)));
}

// Workers take files in turn; the calling thread hands each file's results on
// in input order as soon as that file is done, then drops them. Workers stay
// at most `window` files ahead of the consumer, so memory holds a bounded
// number of file results however many files there are.
void scan_in_parallel(const std::vector<std::string>& files, unsigned threads, const rules::Catalog& catalog,
                      const Config& config, bool keep_facts, const std::function<void(FileResult&&)>& consume) {
  const size_t window = size_t{4} * threads;
  std::vector<FileResult> slots(window);
  std::vector<char> done(window, 0);
  std::mutex mutex;
  std::condition_variable file_done;
  std::condition_variable slot_free;
  size_t next = 0;      // next file a worker takes
  size_t consumed = 0;  // files handed on so far
  auto worker = [&] {
    while (true) {
      size_t i = 0;
      {
        std::unique_lock lock(mutex);
        slot_free.wait(lock, [&] { return next >= files.size() || next < consumed + window; });
        if (next >= files.size()) return;
        i = next++;
      }
      FileResult r;
      scan_file(files[i], catalog, config, keep_facts, r);
      bool wanted = false;
      {
        std::lock_guard lock(mutex);
        slots[i % window] = std::move(r);
        done[i % window] = 1;
        wanted = i == consumed;
      }
      // Only the file the consumer waits for is worth waking it up.
      if (wanted) file_done.notify_one();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t) pool.emplace_back(worker);
  for (size_t i = 0; i < files.size(); ++i) {
    FileResult r;
    {
      std::unique_lock lock(mutex);
      file_done.wait(lock, [&] { return done[i % window] != 0; });
      r = std::move(slots[i % window]);
      slots[i % window] = FileResult{};
      done[i % window] = 0;
      consumed = i + 1;
    }
    slot_free.notify_all();
    consume(std::move(r));
  }
  for (auto& t : pool) t.join();
}

}  // namespace

ScanResult scan(const ScanRequest& request, const rules::Catalog& catalog, const Config& config) {
  std::vector<rules::Finding> findings;
  ScanResult result = scan(request, catalog, config, [&](std::span<const rules::Finding> batch) {
    findings.insert(findings.end(), batch.begin(), batch.end());
  });
  result.findings = std::move(findings);
  return result;
}

ScanResult scan(const ScanRequest& request, const rules::Catalog& catalog, const Config& config,
                const FindingSink& sink) {
  ScanResult result;
  result.notices = inactive_rule_notices(catalog, config);
  doc::InputSet inputs = doc::expand_inputs(request.inputs);
  result.errors = std::move(inputs.errors);
  std::vector<std::string> files;
  for (auto& f : inputs.files) {
    if (f != "-" && config.path_excluded(f)) {
      ++result.summary.excluded_files;
      continue;
    }
    files.push_back(std::move(f));
  }
  result.summary.files = files.size();

  Summary& summary = result.summary;
  auto deliver = [&](std::span<const rules::Finding> batch) {
    for (const auto& f : batch) {
      if (f.suppressed) ++summary.suppressed;
      else ++summary.by_severity[static_cast<size_t>(f.severity)];
    }
    if (!batch.empty()) sink(batch);
  };

  k8s::Inventory inventory;
  auto consume = [&](FileResult&& r) {
    summary.documents += r.documents;
    summary.objects += r.objects;
    summary.skipped_documents += r.skipped;
    deliver(r.findings);
    std::move(r.errors.begin(), r.errors.end(), std::back_inserter(result.errors));
    inventory.merge(std::move(r.inventory));
  };

  const bool keep_facts = any_inventory_rule(catalog, config);
  unsigned threads = thread_count(request.threads, files.size());
  if (threads <= 1) {
    // One core: no hand-off at all. A worker beside a waiting consumer would
    // wake the other core for every file and free each finding in another
    // thread's malloc arena.
    const FindingSink stream = deliver;
    for (const auto& file : files) {
      FileResult r;
      r.stream = &stream;
      scan_file(file, catalog, config, keep_facts, r);
      consume(std::move(r));
    }
  } else {
    scan_in_parallel(files, threads, catalog, config, keep_facts, consume);
  }

  evaluate_inventory(inventory, catalog, config, deliver);
  summary.errors = result.errors.size();
  return result;
}

int exit_code(const ScanResult& result, rules::Severity fail_on) {
  if (!result.errors.empty()) return 2;
  for (const auto& f : result.findings) {
    if (!f.suppressed && f.severity >= fail_on) return 1;
  }
  // A streamed scan keeps no findings, only their counts.
  for (size_t s = static_cast<size_t>(fail_on); s < result.summary.by_severity.size(); ++s) {
    if (result.summary.by_severity[s] > 0) return 1;
  }
  return 0;
}

}  // namespace kg::engine
