#include "cluster/api_client.h"

#include <fmt/format.h>

#include "k8s/object.h"

namespace kg::cluster {
namespace {

std::string_view resource_version_of(const doc::Node& object) {
  return k8s::string_at(object.get("metadata"), "resourceVersion");
}

// A watch ERROR event carries a Status; 410 means our version is too old.
Error watch_error_event(std::string_view what, const doc::Node& status) {
  // A plain integer, not an optional: GCC 12 misreads the optional's state
  // after inlining (-Wmaybe-uninitialized).
  const doc::Node* code_node = status.get("code");
  int64_t code = code_node != nullptr ? code_node->as_int().value_or(0) : 0;
  std::string message(k8s::string_at(&status, "message"));
  if (code == 410) {
    return Error{ErrorKind::Gone, fmt::format("{}: resourceVersion too old (410 Gone): {}; list again", what, message),
                 410};
  }
  return Error{ErrorKind::Http, fmt::format("{}: watch error {}: {}", what, code, message), static_cast<long>(code)};
}

}  // namespace

Expected<ApiClient> ApiClient::connect(const RestConfig& config, const HttpOptions& options) {
  auto http = HttpClient::create(config, options);
  if (!http) return http.error();
  return ApiClient(std::move(*http));
}

Expected<std::string> ApiClient::list(const Resource& resource, std::string_view name_space, const ItemSink& on_item,
                                      size_t page_size) {
  std::string path = collection_path(resource, name_space);
  std::string continue_token;
  std::string resource_version;
  do {
    std::string query = fmt::format("{}?limit={}", path, page_size);
    if (!continue_token.empty()) query += "&continue=" + url_escape(continue_token);
    auto response = http_.get(query);
    if (!response) return response.error();
    if (response->status != 200) return http_error(fmt::format("list {}", path), *response);
    auto page = decoder_.list(response->body, resource.api_version, resource.kind);
    if (!page) return Error{ErrorKind::Decode, fmt::format("list {}: {}", path, page.error().message)};
    for (auto& item : page->items) on_item(std::move(item));
    continue_token = std::move(page->continue_token);
    resource_version = std::move(page->resource_version);
  } while (!continue_token.empty());
  return resource_version;
}

Expected<doc::Node> ApiClient::get(std::string_view path) {
  auto response = http_.get(path);
  if (!response) return response.error();
  if (response->status != 200) return http_error(fmt::format("get {}", path), *response);
  auto object = decoder_.object(response->body);
  if (!object) return Error{ErrorKind::Decode, fmt::format("get {}: {}", path, object.error().message)};
  return std::move(*object);
}

Expected<std::string> ApiClient::get_text(std::string_view path) {
  auto response = http_.get(path);
  if (!response) return response.error();
  if (response->status != 200) return http_error(fmt::format("get {}", path), *response);
  return std::move(response->body);
}

Expected<doc::Node> ApiClient::create(std::string_view path, std::string_view json_body) {
  auto response = http_.send("POST", path, "application/json", json_body);
  if (!response) return response.error();
  if (response->status < 200 || response->status >= 300) {
    return http_error(fmt::format("create {}", path), *response);
  }
  auto object = decoder_.object(response->body);
  if (!object) return Error{ErrorKind::Decode, fmt::format("create {}: {}", path, object.error().message)};
  return std::move(*object);
}

Expected<bool> ApiClient::remove(std::string_view path) {
  auto response = http_.send("DELETE", path, "application/json", "");
  if (!response) return response.error();
  if (response->status == 404) return false;
  if (response->status < 200 || response->status >= 300) return http_error(fmt::format("delete {}", path), *response);
  return true;
}

Expected<WatchEnd> ApiClient::watch(const Resource& resource, std::string_view name_space, const WatchOptions& options,
                                    const EventSink& on_event) {
  std::string path = collection_path(resource, name_space);
  std::string what = fmt::format("watch {}", path);
  std::string query =
      fmt::format("{}?watch=1&allowWatchBookmarks=true&timeoutSeconds={}", path, options.timeout_seconds);
  if (!options.resource_version.empty()) query += "&resourceVersion=" + url_escape(options.resource_version);

  WatchEnd end{options.resource_version};
  std::string pending;  // a line split across chunks
  std::optional<Error> failure;
  auto handle_line = [&](std::string_view line) -> bool {
    if (line.empty()) return true;
    auto event = decoder_.watch_event(line);
    if (!event) {
      failure = Error{ErrorKind::Decode, fmt::format("{}: {}", what, event.error().message)};
      return false;
    }
    if (event->type == "ERROR") {
      failure = watch_error_event(what, event->object);
      return false;
    }
    if (std::string_view rv = resource_version_of(event->object); !rv.empty()) end.resource_version = rv;
    if (event->type == "BOOKMARK") return true;  // only moves the version on
    return on_event(std::move(*event));
  };
  ChunkSink on_chunk = [&](std::string_view chunk) -> bool {
    size_t start = 0;
    while (true) {
      size_t newline = chunk.find('\n', start);
      if (newline == std::string_view::npos) {
        pending.append(chunk.substr(start));
        return true;
      }
      bool go_on = false;
      if (pending.empty()) {
        go_on = handle_line(chunk.substr(start, newline - start));
      } else {
        pending.append(chunk.substr(start, newline - start));
        go_on = handle_line(pending);
        pending.clear();
      }
      if (!go_on) return false;
      start = newline + 1;
    }
  };
  // The server ends the stream after timeoutSeconds; allow it a margin.
  long transfer_timeout = options.timeout_seconds > 0 ? options.timeout_seconds + 30 : 0;
  auto response = http_.stream(query, on_chunk, transfer_timeout, options.cancel);
  if (failure) return *failure;
  if (!response) {
    // The sink (or the cancel flag) asked to stop: a normal end.
    if (response.error().kind == ErrorKind::Cancelled) return end;
    return response.error();
  }
  if (response->status != 200) return http_error(what, *response);
  if (!pending.empty() && !handle_line(pending) && failure) return *failure;
  return end;
}

}  // namespace kg::cluster
