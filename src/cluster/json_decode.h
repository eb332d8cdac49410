// API server JSON to the engine's document model. Objects that come from the
// API have no file position, so every mark is 0; metadata.managedFields is
// dropped on the way in because no rule reads it and it is often the largest
// part of an object.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/error.h"
#include "doc/node.h"

namespace kg::cluster {

struct ListPage {
  std::vector<doc::Node> items;  // each with apiVersion and kind set
  std::string continue_token;    // "" on the last page
  std::string resource_version;  // of the list, for a watch that follows it
};

struct WatchEvent {
  std::string type;  // ADDED, MODIFIED, DELETED, BOOKMARK, ERROR
  doc::Node object;  // for ERROR, the Status object
};

// Holds simdjson's parser so its buffers are reused from one body to the next.
class JsonDecoder {
 public:
  JsonDecoder();
  ~JsonDecoder();
  JsonDecoder(JsonDecoder&&) noexcept;
  JsonDecoder& operator=(JsonDecoder&&) noexcept;

  // A *List body. List items carry neither apiVersion nor kind; they are
  // filled in from the list's type (`api_version`, `kind`).
  Expected<ListPage> list(std::string_view body, std::string_view api_version, std::string_view kind);
  Expected<doc::Node> object(std::string_view body);
  // One line of a watch stream: {"type": ..., "object": {...}}.
  Expected<WatchEvent> watch_event(std::string_view line);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The message of a Kubernetes Status body, or "" when the body is not one.
std::string status_message(std::string_view body);

}  // namespace kg::cluster
