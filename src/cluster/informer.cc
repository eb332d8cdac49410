#include "cluster/informer.h"

#include <algorithm>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "k8s/object.h"

namespace kg::cluster {
namespace {

std::string_view resource_version(const doc::Node& object) {
  return k8s::string_at(object.find({"metadata"}), "resourceVersion");
}

}  // namespace

std::string_view change_type_name(ChangeType type) {
  switch (type) {
    case ChangeType::Added: return "ADDED";
    case ChangeType::Modified: return "MODIFIED";
    case ChangeType::Deleted: return "DELETED";
  }
  return "?";
}

std::string object_key(const doc::Node& object) {
  const doc::Node* metadata = object.get("metadata");
  std::string_view ns = k8s::string_at(metadata, "namespace");
  std::string_view name = k8s::string_at(metadata, "name");
  return ns.empty() ? std::string(name) : fmt::format("{}/{}", ns, name);
}

Expected<std::string> Informer::relist(ApiClient& client, const ObjectEventSink& on_event, bool initial) {
  std::vector<doc::Node> items;
  auto listed = client.list(
      resource_, options_.name_space, [&](doc::Node&& item) { items.push_back(std::move(item)); }, options_.page_size);
  if (!listed) return listed.error();
  std::map<std::string, std::string, std::less<>> seen;
  for (auto& item : items) {
    std::string key = object_key(item);
    std::string version(resource_version(item));
    auto known = known_.find(key);
    bool changed = known == known_.end() || known->second != version;
    ChangeType type = known == known_.end() ? ChangeType::Added : ChangeType::Modified;
    seen.emplace(key, version);
    if (changed || initial) on_event(ObjectEvent{&resource_, type, std::move(key), std::move(item), initial});
  }
  // What vanished while nobody watched.
  for (const auto& [key, version] : known_) {
    if (!seen.contains(key)) on_event(ObjectEvent{&resource_, ChangeType::Deleted, key, doc::Node{}, false});
  }
  known_ = std::move(seen);
  return std::move(*listed);
}

void Informer::sleep_backoff(const std::atomic<bool>& cancel) {
  backoff_ = backoff_.count() == 0 ? options_.initial_backoff : std::min(backoff_ * 2, options_.max_backoff);
  auto until = std::chrono::steady_clock::now() + backoff_;
  while (!cancel.load() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void Informer::run(ApiClient& client, const std::atomic<bool>& cancel, const ObjectEventSink& on_event,
                   const StatusSink& on_status) {
  bool synced = false;
  bool need_list = true;
  std::string version;
  while (!cancel.load()) {
    if (need_list) {
      auto listed = relist(client, on_event, !synced);
      if (!listed) {
        on_status({&resource_, fmt::format("list {} failed ({}); retrying", resource_.plural, listed.error().message),
                   synced, true});
        sleep_backoff(cancel);
        continue;
      }
      version = std::move(*listed);
      need_list = false;
      backoff_ = {};
      on_status({&resource_,
                 synced ? fmt::format("{} listed again at resourceVersion {}", resource_.plural, version)
                        : fmt::format("{}: {} objects, watching from resourceVersion {}", resource_.plural,
                                      known_.size(), version),
                 true, false});
      synced = true;
    }
    WatchOptions watch{version, options_.watch_timeout_seconds, &cancel};
    auto ended = client.watch(resource_, options_.name_space, watch, [&](WatchEvent&& event) {
      ChangeType type = event.type == "DELETED"    ? ChangeType::Deleted
                        : event.type == "MODIFIED" ? ChangeType::Modified
                                                   : ChangeType::Added;
      std::string key = object_key(event.object);
      if (type == ChangeType::Deleted) {
        known_.erase(key);
      } else {
        // An ADDED for something already known (a resumed stream repeating
        // itself) is reported as what it is for us: a modification or nothing.
        auto known = known_.find(key);
        std::string_view now = resource_version(event.object);
        if (known != known_.end()) {
          if (known->second == now) return true;
          type = ChangeType::Modified;
          known->second = std::string(now);
        } else {
          known_.emplace(key, std::string(now));
        }
      }
      on_event(ObjectEvent{&resource_, type, std::move(key), std::move(event.object), false});
      return true;
    });
    if (cancel.load()) break;
    if (ended) {
      version = ended->resource_version;  // the server closed the stream on time: resume
      backoff_ = {};
      continue;
    }
    if (ended.error().kind == ErrorKind::Gone) {
      on_status({&resource_, fmt::format("{}: resourceVersion {} expired; listing again", resource_.plural, version),
                 true, false});
      need_list = true;
      continue;
    }
    on_status({&resource_, fmt::format("watch {} interrupted ({}); resuming", resource_.plural, ended.error().message),
               true, true});
    sleep_backoff(cancel);
  }
}

}  // namespace kg::cluster
