#include "engine/scanner.h"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "doc/source.h"
#include "engine/session.h"
#include "engine/suggest.h"
#include "engine/suppression.h"
#include "k8s/pod_spec.h"

namespace kg::engine {

size_t Summary::findings() const {
  size_t total = 0;
  for (size_t n : by_severity) total += n;
  return total;
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
  std::vector<std::string> notices;
  rules::Inventory inventory;
  size_t documents = 0;
  size_t objects = 0;
  size_t skipped = 0;
};

// A kubeguard.io/ignore annotation (on the object or its pod template) naming
// a rule the catalog does not know suppresses nothing: say so, with the
// closest names, rather than let a typo pass.
void note_unknown_ignored_rules(const k8s::Object& object, const rules::Catalog& catalog,
                                std::vector<std::string>& notices) {
  const doc::Node* template_annotations = object.root->find({"spec", "template", "metadata", "annotations"});
  for (const doc::Node* annotations : {object.annotations(), template_annotations}) {
    if (annotations == nullptr || !annotations->is_mapping()) continue;
    const doc::Node* value = annotations->get(kIgnoreAnnotation);
    if (value == nullptr || !value->is_scalar()) continue;
    std::string_view text = value->str();
    while (!text.empty()) {
      size_t comma = text.find(',');
      std::string_view id = text.substr(0, comma);
      while (!id.empty() && (id.front() == ' ' || id.front() == '\t')) id.remove_prefix(1);
      while (!id.empty() && (id.back() == ' ' || id.back() == '\t')) id.remove_suffix(1);
      if (!id.empty() && id != "*" && id != "all" && catalog.find(id) == nullptr) {
        std::string where =
            object.file.empty() ? std::string() : fmt::format("{}:{}: ", object.file, value->mark().line);
        notices.push_back(fmt::format("{}{}: {} names unknown rule '{}'{}; it suppresses nothing", where,
                                      object.ref.display(), kIgnoreAnnotation, id, did_you_mean_rule(id, catalog)));
      }
      if (comma == std::string_view::npos) break;
      text.remove_prefix(comma + 1);
    }
  }
}

// The file's own session keeps what the cross-object rules need (the only
// memory that grows with the input) when such a rule is enabled; the facts
// go back with the file's results.
void scan_file(const std::string& path, const rules::Catalog& catalog, const RuleIndex& index, const Config& config,
               FileResult& result) {
  Session session(index, config);
  const ObjectVisitor notes = [&](const k8s::Object& object, const k8s::PodSpecView*) {
    note_unknown_ignored_rules(object, catalog, result.notices);
  };
  doc::load_input(
      path,
      [&](doc::Document&& document) {
        ++result.documents;
        DocumentCounts counts = session.add(document, result.findings, result.errors, notes);
        result.objects += counts.objects;
        result.skipped += counts.skipped_documents;
        if (result.stream != nullptr && !result.findings.empty()) {
          (*result.stream)(result.findings);
          result.findings.clear();
        }
      },
      [&](doc::LoadError&& error) { result.errors.push_back(std::move(error)); });
  result.inventory = session.take_facts();
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
                      const RuleIndex& index, const Config& config, const std::function<void(FileResult&&)>& consume) {
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
      scan_file(files[i], catalog, index, config, r);
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

// A file found in a directory named on the command line, relative to that
// directory: what excludedPaths patterns such as "vendor/*" mean (`scan .`
// gives "./vendor/a.yaml", `scan repo` gives "repo/vendor/a.yaml").
std::string relative_to_input(const std::string& file, const std::vector<std::string>& inputs) {
  for (const auto& input : inputs) {
    if (input.empty() || input == "-" || input == file || !file.starts_with(input)) continue;
    std::string_view rest = std::string_view(file).substr(input.size());
    if (input.back() != '/') {
      if (rest.empty() || rest.front() != '/') continue;
      rest.remove_prefix(1);
    }
    return std::string(rest);
  }
  return file;
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
    if (f != "-" && (config.path_excluded(f) || config.path_excluded(relative_to_input(f, request.inputs)))) {
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

  ScanProgress progress{0, files.size(), 0};
  auto report_progress = [&] {
    if (!request.progress) return;
    progress.findings = summary.findings();
    request.progress(progress);
  };
  report_progress();

  Session session(catalog, config);
  auto consume = [&](FileResult&& r) {
    summary.documents += r.documents;
    summary.objects += r.objects;
    summary.skipped_documents += r.skipped;
    deliver(r.findings);
    std::move(r.errors.begin(), r.errors.end(), std::back_inserter(result.errors));
    std::move(r.notices.begin(), r.notices.end(), std::back_inserter(result.notices));
    session.add_facts(std::move(r.inventory));
    ++progress.files_done;
    report_progress();
  };

  unsigned threads = thread_count(request.threads, files.size());
  if (threads <= 1) {
    // One core: no hand-off at all. A worker beside a waiting consumer would
    // wake the other core for every file and free each finding in another
    // thread's malloc arena.
    const FindingSink stream = deliver;
    for (const auto& file : files) {
      FileResult r;
      r.stream = &stream;
      scan_file(file, catalog, session.index(), config, r);
      consume(std::move(r));
    }
  } else {
    scan_in_parallel(files, threads, catalog, session.index(), config, consume);
  }

  session.finish(deliver);
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
