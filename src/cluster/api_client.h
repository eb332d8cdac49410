// A small Kubernetes API client: paginated lists and watches of the fixed
// resources in resources.h, objects decoded into the engine's Node model.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <string_view>

#include "cluster/error.h"
#include "cluster/http_client.h"
#include "cluster/json_decode.h"
#include "cluster/kubeconfig.h"
#include "cluster/resources.h"
#include "doc/node.h"

namespace kg::cluster {

using ItemSink = std::function<void(doc::Node&& item)>;
// Return false to end the watch.
using EventSink = std::function<bool(WatchEvent&& event)>;

struct WatchOptions {
  std::string resource_version;  // "" starts from "now" (the server sends ADDED for what exists)
  long timeout_seconds = 300;    // asked of the server, which then ends the stream cleanly
  const std::atomic<bool>* cancel = nullptr;
};

struct WatchEnd {
  std::string resource_version;  // the last one seen; resume from here
};

class ApiClient {
 public:
  static Expected<ApiClient> connect(const RestConfig& config, const HttpOptions& options = {});

  // Every item of a collection, `page_size` at a time (?limit=&continue=).
  // Returns the list's resourceVersion. A failing page ends the list with an
  // error after the earlier pages' items were delivered.
  Expected<std::string> list(const Resource& resource, std::string_view name_space, const ItemSink& on_item,
                             size_t page_size = 500);

  // GET of one object by its full path, e.g. /api/v1/namespaces/default.
  Expected<doc::Node> get(std::string_view path);
  // The same, as the server's JSON text (kept verbatim, e.g. as evidence).
  Expected<std::string> get_text(std::string_view path);

  // A write; the answer whatever its status (the caller decides what a 409
  // or 404 means for it). Transport failures are errors.
  Expected<HttpResponse> send(std::string_view method, std::string_view path, std::string_view content_type,
                              std::string_view body) {
    return http_.send(method, path, content_type, body);
  }

  // POST of a JSON object to a collection path (create, or a review such as
  // SubjectAccessReview); the object the server answers with.
  Expected<doc::Node> create(std::string_view path, std::string_view json_body);
  // DELETE of one object by its full path; a 404 counts as done.
  Expected<bool> remove(std::string_view path);

  // Streams watch events (?watch=1&allowWatchBookmarks=true) until the
  // server closes the stream, the sink returns false, or `cancel` is set. An
  // expired resourceVersion (HTTP 410, or an ERROR event with code 410) is
  // an error of kind Gone: list again, then watch from the list's version.
  Expected<WatchEnd> watch(const Resource& resource, std::string_view name_space, const WatchOptions& options,
                           const EventSink& on_event);

  const std::string& server() const { return http_.server(); }

 private:
  explicit ApiClient(HttpClient http) : http_(std::move(http)) {}
  HttpClient http_;
  JsonDecoder decoder_;
};

}  // namespace kg::cluster
