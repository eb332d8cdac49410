// Keeps one resource of the cluster in view: list, then watch from the list's
// resourceVersion, and start again after every interruption. A watch that
// ends is resumed from the last version seen; an expired version (410 Gone,
// typical after an API server restart or etcd compaction) triggers a relist
// that is compared with what was known, so changes made while the stream was
// down still arrive, as ADDED, MODIFIED or DELETED. Network failures back off
// (1 s doubling to 30 s) and retry for as long as the caller lets it run.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <string>

#include "cluster/api_client.h"
#include "cluster/resources.h"
#include "doc/node.h"

namespace kg::cluster {

enum class ChangeType : uint8_t { Added, Modified, Deleted };

std::string_view change_type_name(ChangeType type);

struct ObjectEvent {
  const Resource* resource = nullptr;
  ChangeType type = ChangeType::Added;
  std::string key;       // namespace/name, or name for cluster-scoped objects
  doc::Node object;      // the new state; for DELETED the last state the server sent (may be empty after a relist)
  bool initial = false;  // part of the first list: the state the watch starts from, not a change
};

// What the informer says about itself: synced, retrying, relisting.
struct InformerStatus {
  const Resource* resource = nullptr;
  std::string message;
  bool synced = false;   // the first list is complete
  bool problem = false;  // an error it will retry
};

struct InformerOptions {
  std::string name_space;  // "" for every namespace
  long watch_timeout_seconds = 300;
  std::chrono::milliseconds initial_backoff{1000};
  std::chrono::milliseconds max_backoff{30000};
  size_t page_size = 500;
};

using ObjectEventSink = std::function<void(ObjectEvent&& event)>;
using StatusSink = std::function<void(InformerStatus&& status)>;

class Informer {
 public:
  Informer(const Resource& resource, InformerOptions options) : resource_(resource), options_(std::move(options)) {}

  // Runs until `cancel` is set. Events and statuses are delivered on the
  // calling thread.
  void run(ApiClient& client, const std::atomic<bool>& cancel, const ObjectEventSink& on_event,
           const StatusSink& on_status);

 private:
  // Lists the resource and reports the difference to what is known. Returns
  // the list's resourceVersion, or the error.
  Expected<std::string> relist(ApiClient& client, const ObjectEventSink& on_event, bool initial);
  void sleep_backoff(const std::atomic<bool>& cancel);

  const Resource& resource_;
  InformerOptions options_;
  std::map<std::string, std::string, std::less<>> known_;  // key -> resourceVersion
  std::chrono::milliseconds backoff_{0};
};

// namespace/name of an object, or its name when it has no namespace.
std::string object_key(const doc::Node& object);

}  // namespace kg::cluster
