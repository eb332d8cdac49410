#include "supply/verifier.h"

#include <algorithm>
#include <fstream>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <sstream>

#include <fmt/format.h>

#include "k8s/image_ref.h"
#include "supply/cosign.h"
#include "supply/manifest.h"

namespace kg::supply {
namespace {

using rules::ImageTrustStatus;
using util::Error;
using util::ErrorKind;
using util::Expected;
using Clock = std::chrono::steady_clock;

Expected<std::string> read_file(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorKind::Io, fmt::format("{}: cannot read '{}'", what, path)};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

ImageTrustStatus status_of(const Error& e) {
  switch (e.kind) {
    case ErrorKind::NotFound: return ImageTrustStatus::Missing;
    case ErrorKind::Decode:
    case ErrorKind::Config: return ImageTrustStatus::Invalid;
    default: return ImageTrustStatus::Unreachable;
  }
}

// Calls for one key that overlap share one computation: the first caller
// computes, the others wait for its answer instead of asking the registry
// again. Used under the caller's lock.
template <typename T>
class InFlight {
 public:
  // The answer to wait for when another caller computes `key`; otherwise
  // registers `mine` as the one the others will wait for.
  std::optional<std::shared_future<T>> join(std::string_view key, std::promise<T>& mine) {
    if (auto it = running_.find(key); it != running_.end()) return it->second;
    running_.emplace(std::string(key), mine.get_future().share());
    return std::nullopt;
  }
  // Ends the computation of `key` when it goes out of scope, whatever
  // happened: the next caller computes again, and the waiting ones get an
  // answer (a broken promise at worst).
  struct Done {
    std::mutex& lock;
    InFlight& table;
    std::string_view key;
    ~Done() {
      std::lock_guard held(lock);
      if (auto it = table.running_.find(key); it != table.running_.end()) table.running_.erase(it);
    }
  };

 private:
  std::map<std::string, std::shared_future<T>, std::less<>> running_;
};

}  // namespace

// Locking: a registry's client holds one connection, its tokens and its
// cache, so one request at a time uses it (its slot's lock, waited for no
// longer than the request's time budget). The caches have a lock of their
// own, held only to look up and store: a cached verdict never waits for a
// registry, verifications at different registries run side by side, and a
// contents read (seconds) goes through clients of its own, so it delays no
// verdict.
struct ImageVerifier::Impl {
  ImagePolicies policies;
  VerifierOptions options;
  CredentialStore credentials;
  Platform platform;

  struct RegistrySlot {
    std::timed_mutex busy;
    std::unique_ptr<RegistryClient> client;
  };
  using ClientPool = std::map<std::string, std::unique_ptr<RegistrySlot>, std::less<>>;
  mutable std::mutex pools_mutex;  // the two pools' maps, not the clients in them
  mutable ClientPool clients;
  // Contents go through clients of their own whose content cache is off: a
  // layer is read once and kept only as its summary, and never pushes the
  // signature manifests and payloads out of the verification's cache.
  mutable ClientPool layer_clients;

  mutable std::mutex cache_mutex;  // everything below
  struct Cached {
    VerifyDetail detail;
    Clock::time_point at;
  };
  mutable std::map<std::string, Cached, std::less<>> by_image;  // full verdicts for the image text
  mutable InFlight<VerifyDetail> verifying;
  struct CachedContents {
    rules::ImageContents contents;
    Clock::time_point at;
  };
  mutable std::map<std::string, CachedContents, std::less<>> contents_by_image;         // a tag's answer, for cache_ttl
  mutable std::map<std::string, rules::ImageContents, std::less<>> contents_by_digest;  // a digest's never changes
  mutable InFlight<ContentsRead> reading;

  // The client of `registry` in `pool`, held for this caller alone until the
  // lease ends; made with `ro` the first time. Waits for the caller before
  // it until `deadline` (none: as long as it takes).
  struct Lease {
    std::unique_lock<std::timed_mutex> lock;
    RegistryClient* client = nullptr;
  };
  Expected<Lease> lease(ClientPool& pool, const std::string& registry, const RegistryOptions& ro,
                        Clock::time_point deadline) const {
    RegistrySlot* slot = nullptr;
    {
      std::lock_guard pools(pools_mutex);
      auto it = pool.find(registry);
      if (it == pool.end()) {
        auto c = RegistryClient::create(registry, &credentials, ro);
        if (!c) return c.error();
        auto made = std::make_unique<RegistrySlot>();
        made->client = std::make_unique<RegistryClient>(std::move(*c));
        it = pool.emplace(registry, std::move(made)).first;
      }
      slot = it->second.get();  // slots live as long as the verifier
    }
    Lease l{std::unique_lock<std::timed_mutex>(slot->busy, std::defer_lock), slot->client.get()};
    if (deadline == Clock::time_point{}) {
      l.lock.lock();
    } else if (!l.lock.try_lock_until(deadline)) {
      return Error{ErrorKind::Network,
                   fmt::format("{}: busy with another request of this process past the time budget", registry)};
    }
    return l;
  }

  // The contents of `image`; `transient` when a network failure decided it
  // (asked again next time, never cached).
  ContentsRead read_contents(std::string_view image) const {
    ContentsRead failed;
    failed.contents.status = rules::ImageContentsStatus::Failed;
    k8s::ImageRef ref = k8s::parse_image(image);
    if (!ref.valid) {
      failed.contents.reason = "not an image reference a runtime could pull";
      return failed;
    }
    const auto deadline = Clock::now() + std::chrono::seconds(options.contents.timeout_seconds);
    RegistryOptions ro = options.registry;
    ro.cache_bytes = 0;
    auto held = lease(layer_clients, ref.registry, ro, deadline);
    if (!held) {
      failed.contents.reason = held.error().message;
      failed.transient = held.error().kind == util::ErrorKind::Network;
      return failed;
    }
    RegistryClient& registry = *held->client;
    registry.set_deadline(deadline);
    std::string digest = ref.digest;
    if (!ref.pinned()) {
      auto top = registry.manifest(ref.path, ref.tag.empty() ? std::string_view("latest") : std::string_view(ref.tag));
      if (!top) {
        failed.contents.reason = top.error().message;
        failed.transient = top.error().kind == util::ErrorKind::Network;
        return failed;
      }
      digest = top->digest;
    }
    {
      std::lock_guard cache(cache_mutex);
      if (auto it = contents_by_digest.find(digest); it != contents_by_digest.end()) return {it->second, false};
    }
    ContentsRead read = read_image_contents(registry, ref.path, digest, platform, options.contents);
    if (!read.transient) {
      std::lock_guard cache(cache_mutex);
      if (contents_by_digest.size() >= 4096) contents_by_digest.clear();
      contents_by_digest.emplace(digest, read.contents);
    }
    return read;
  }

  VerifyDetail verify(std::string_view image) const {
    VerifyDetail d;
    rules::ImageVerdict& v = d.verdict;
    v.image = std::string(image);
    k8s::ImageRef ref = k8s::parse_image(image);
    if (!ref.valid) {
      v.status = ImageTrustStatus::Invalid;
      v.reason = "not an image reference a runtime could pull";
      return d;
    }
    const ImagePolicy* policy = policies.match(ref.repository(), &v.policy);
    if (policy == nullptr) {
      v.status = ImageTrustStatus::NoPolicy;
      v.reason = fmt::format("no image policy matches {}", ref.repository());
      return d;
    }
    const auto deadline = options.budget.count() > 0 ? Clock::now() + options.budget : Clock::time_point{};
    auto held = lease(clients, ref.registry, options.registry, deadline);
    if (!held) {
      v.status = status_of(held.error());
      v.reason = held.error().message;
      return d;
    }
    RegistryClient& registry = *held->client;
    registry.set_deadline(deadline);
    // Resolve: the pinned digest must exist; a tag beside it must still name it.
    std::string tag = ref.tag.empty() ? std::string("latest") : ref.tag;
    auto top = registry.manifest(ref.path, ref.pinned() ? std::string_view(ref.digest) : std::string_view(tag));
    if (!top) {
      v.status = status_of(top.error());
      v.reason = top.error().message;
      return d;
    }
    v.digest = top->digest;
    d.media_type = top->media_type;
    if (ref.pinned() && !ref.tag.empty()) {
      auto tagged = registry.manifest(ref.path, ref.tag);
      if (!tagged) {
        v.status = status_of(tagged.error());
        v.reason = fmt::format("tag {}: {}", ref.tag, tagged.error().message);
        return d;
      }
      if (tagged->digest != v.digest) {
        v.status = ImageTrustStatus::DigestMismatch;
        v.reason = fmt::format("tag {} resolves to {}, not to the pinned {}", ref.tag, tagged->digest, v.digest);
        return d;
      }
    }
    if (auto m = parse_manifest(top->body, top->media_type); m && m->is_index) {
      if (const Descriptor* p = select_platform(*m, platform)) d.platform_digest = p->digest;
    }
    auto report = verify_cosign(registry, ref.path, v.digest, policy->signatures);
    if (!report) {
      v.status = status_of(report.error());
      v.reason = fmt::format("signatures ({}): {}", signature_tag(v.digest), report.error().message);
      return d;
    }
    d.signatures = report->found;
    d.rejected = report->rejected;
    if (report->found == 0) {
      v.status = ImageTrustStatus::Unsigned;
      v.reason = fmt::format("no cosign signature ({} not found)", report->signature_tag);
    } else if (!report->trusted) {
      v.status = ImageTrustStatus::Untrusted;
      v.reason = report->rejected.empty() ? std::string("no signature verified") : report->rejected.front();
      if (report->rejected.size() > 1) v.reason += fmt::format(" (and {} more)", report->rejected.size() - 1);
    } else if (policy->require_digest && !ref.pinned()) {
      v.status = ImageTrustStatus::DigestRequired;
      v.signer = report->signer;
      v.reason =
          fmt::format("signed by {}, but the policy requires a digest and the reference has none", report->signer);
    } else {
      v.status = ImageTrustStatus::Trusted;
      v.signer = report->signer;
      v.reason = fmt::format("signed by {}", report->signer);
    }
    return d;
  }
};

ImageVerifier::ImageVerifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ImageVerifier::~ImageVerifier() = default;

Expected<std::unique_ptr<ImageVerifier>> ImageVerifier::create(ImagePolicies policies, const VerifierOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  const RegistryAuthSettings& auth = policies.auth;
  if (!auth.docker_config.empty()) {
    auto text = read_file(auth.docker_config, "registryAuth.dockerConfig");
    if (!text) return text.error();
    auto added = impl->credentials.add_docker_config(*text, auth.docker_config);
    if (!added) return added.error();
  }
  for (const auto& secret : auth.pull_secrets) {
    auto text = read_file(secret, "registryAuth.pullSecrets");
    if (!text) return text.error();
    auto added = impl->credentials.add_pull_secret(*text, secret);
    if (!added) return added.error();
  }
  if (!auth.ca_file.empty()) {
    auto text = read_file(auth.ca_file, "registryAuth.caFile");
    if (!text) return text.error();
    impl->options.registry.ca_pem += *text;
  }
  impl->options.registry.request_timeout_seconds =
      std::min(impl->options.registry.request_timeout_seconds, auth.timeout_seconds);
  impl->platform = parse_platform(auth.platform).value_or(Platform{});
  impl->policies = std::move(policies);
  return std::unique_ptr<ImageVerifier>(new ImageVerifier(std::move(impl)));
}

VerifyDetail ImageVerifier::verify(std::string_view image) const {
  std::promise<VerifyDetail> mine;
  std::optional<std::shared_future<VerifyDetail>> theirs;
  {
    std::lock_guard cache(impl_->cache_mutex);
    auto now = Clock::now();
    if (auto it = impl_->by_image.find(image); it != impl_->by_image.end()) {
      if (now - it->second.at < impl_->options.cache_ttl) {
        VerifyDetail d = it->second.detail;
        d.cached = true;
        return d;
      }
      impl_->by_image.erase(it);
    }
    theirs = impl_->verifying.join(image, mine);
  }
  if (theirs) {
    VerifyDetail d = theirs->get();  // the other caller's answer, waited for without the lock
    d.cached = true;
    return d;
  }
  InFlight<VerifyDetail>::Done done{impl_->cache_mutex, impl_->verifying, image};
  VerifyDetail d;
  try {
    d = impl_->verify(image);
  } catch (...) {
    mine.set_exception(std::current_exception());  // the waiting callers get the same error
    throw;
  }
  // Unreachable registries (busy ones included) are asked again next time,
  // in either failure mode; the rest is kept.
  const bool transient = d.verdict.status == ImageTrustStatus::Unreachable;
  if (impl_->options.fail_open && transient) {
    d.verdict.status = ImageTrustStatus::NoPolicy;
    d.verdict.reason = "passed unverified (failure mode open): " + d.verdict.reason;
  }
  if (!transient) {
    std::lock_guard cache(impl_->cache_mutex);
    if (impl_->by_image.size() >= 4096) impl_->by_image.clear();
    impl_->by_image.insert_or_assign(std::string(image), Impl::Cached{d, Clock::now()});
  }
  mine.set_value(d);
  return d;
}

rules::ImageVerdict ImageVerifier::verdict(std::string_view image) const { return verify(image).verdict; }

rules::ImageContents ImageVerifier::contents(std::string_view image) const {
  if (!impl_->options.inspect) return {};
  std::promise<ContentsRead> mine;
  std::optional<std::shared_future<ContentsRead>> theirs;
  {
    std::lock_guard cache(impl_->cache_mutex);
    auto now = Clock::now();
    if (auto it = impl_->contents_by_image.find(image); it != impl_->contents_by_image.end()) {
      if (now - it->second.at < impl_->options.cache_ttl) return it->second.contents;
      impl_->contents_by_image.erase(it);
    }
    theirs = impl_->reading.join(image, mine);
  }
  if (theirs) return theirs->get().contents;
  InFlight<ContentsRead>::Done done{impl_->cache_mutex, impl_->reading, image};
  ContentsRead read;
  try {
    read = impl_->read_contents(image);
  } catch (...) {
    mine.set_exception(std::current_exception());
    throw;
  }
  if (!read.transient) {
    std::lock_guard cache(impl_->cache_mutex);
    if (impl_->contents_by_image.size() >= 4096) impl_->contents_by_image.clear();
    impl_->contents_by_image.insert_or_assign(std::string(image), Impl::CachedContents{read.contents, Clock::now()});
  }
  mine.set_value(read);
  return read.contents;
}

RegistryStats ImageVerifier::stats() const {
  std::vector<Impl::RegistrySlot*> slots;
  {
    std::lock_guard pools(impl_->pools_mutex);
    for (const auto* pool : {&impl_->clients, &impl_->layer_clients}) {
      for (const auto& [name, slot] : *pool) slots.push_back(slot.get());
    }
  }
  RegistryStats total;
  for (auto* slot : slots) {
    RegistryStats s = slot->client->stats();  // its own lock: never waits for a verification
    total.requests += s.requests;
    total.cache_hits += s.cache_hits;
    total.retries += s.retries;
  }
  return total;
}

}  // namespace kg::supply
