// HTTPS requests (mostly GETs) to one API server over libcurl (OpenSSL). Peer and host
// verification are always on; credentials come from memory (curl blobs), so
// no key or token is ever written to disk, logged, or put in an error.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "cluster/error.h"
#include "cluster/kubeconfig.h"

namespace kg::cluster {

struct HttpOptions {
  long connect_timeout_seconds = 10;
  long request_timeout_seconds = 60;  // a whole GET; streams set their own
  size_t max_body_bytes = size_t{512} << 20;
  std::string user_agent;  // "" gives kubeguard/<version>
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

// Called with each piece of a streamed body; return false to stop.
using ChunkSink = std::function<bool(std::string_view chunk)>;

class HttpClient {
 public:
  static Expected<HttpClient> create(const RestConfig& config, const HttpOptions& options = {});
  HttpClient(HttpClient&&) noexcept;
  HttpClient& operator=(HttpClient&&) noexcept;
  ~HttpClient();

  // GET server + path_and_query. Any answer is a response (the caller maps
  // statuses); only transport failures are errors.
  Expected<HttpResponse> get(std::string_view path_and_query);

  // Any other method (POST, PATCH, PUT, DELETE) with a body of `content_type`.
  // Answers of every status are responses, as with get().
  Expected<HttpResponse> send(std::string_view method, std::string_view path_and_query, std::string_view content_type,
                              std::string_view body);

  // GET whose 2xx body goes to `on_chunk` as it arrives (watch streams).
  // `timeout_seconds` bounds the whole transfer (0: none); `cancel` is polled
  // about once a second. A non-2xx answer is returned with its body.
  Expected<HttpResponse> stream(std::string_view path_and_query, const ChunkSink& on_chunk, long timeout_seconds,
                                const std::atomic<bool>* cancel = nullptr);

  const std::string& server() const;

 private:
  struct Impl;
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Percent-encodes everything but RFC 3986 unreserved characters.
std::string url_escape(std::string_view text);

// Maps a non-2xx answer to an error naming the request, the status and the
// server's own message (a Status object's message, never a header).
Error http_error(std::string_view what, const HttpResponse& response);

}  // namespace kg::cluster
