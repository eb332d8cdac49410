#include "cluster/http_client.h"

#include <mutex>

#include <curl/curl.h>
#include <fmt/format.h>

#include "cluster/json_decode.h"

namespace kg::cluster {
namespace {

// curl_global_init is not thread-safe on every build; once per process.
void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void set_blob(CURL* curl, CURLoption option, const std::string& pem) {
  curl_blob blob{};
  blob.data = const_cast<char*>(pem.data());
  blob.len = pem.size();
  blob.flags = CURL_BLOB_COPY;
  curl_easy_setopt(curl, option, &blob);
}

struct Sink {
  // Buffered mode: the whole body. Stream mode: 2xx bodies go to on_chunk,
  // anything else is buffered so it can be reported.
  CURL* curl = nullptr;
  std::string body;
  size_t max_body = 0;
  bool overflow = false;
  const ChunkSink* on_chunk = nullptr;
  bool stopped = false;
  const std::atomic<bool>* cancel = nullptr;
};

size_t on_write(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t n = size * count;
  if (sink->on_chunk != nullptr) {
    long status = 0;
    curl_easy_getinfo(sink->curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) {
      if (!(*sink->on_chunk)(std::string_view(data, n))) {
        sink->stopped = true;
        return 0;  // makes curl abort with CURLE_WRITE_ERROR
      }
      return n;
    }
  }
  if (sink->body.size() + n > sink->max_body) {
    sink->overflow = true;
    return 0;
  }
  sink->body.append(data, n);
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* sink = static_cast<Sink*>(user);
  if (sink->cancel != nullptr && sink->cancel->load()) {
    sink->stopped = true;
    return 1;  // aborts the transfer
  }
  return 0;
}

}  // namespace

struct HttpClient::Impl {
  CURL* curl = nullptr;
  curl_slist* headers = nullptr;
  std::string server;
  HttpOptions options;
  char error_buffer[CURL_ERROR_SIZE] = {};

  ~Impl() {
    if (headers != nullptr) curl_slist_free_all(headers);
    if (curl != nullptr) curl_easy_cleanup(curl);
  }

  Expected<HttpResponse> perform(std::string_view path_and_query, Sink& sink, long timeout_seconds) {
    std::string url = server + std::string(path_and_query);
    sink.curl = curl;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &sink);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, sink.cancel != nullptr ? 0L : 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_seconds);
    error_buffer[0] = '\0';
    CURLcode rc = curl_easy_perform(curl);
    HttpResponse response;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    response.body = std::move(sink.body);
    std::string where = fmt::format("GET {}", path_and_query);
    if (sink.stopped) return Error{ErrorKind::Cancelled, where + ": stopped", response.status};
    if (sink.overflow) {
      return Error{ErrorKind::Decode, fmt::format("{}: response larger than {} bytes", where, sink.max_body),
                   response.status};
    }
    if (rc != CURLE_OK) {
      // curl's message names the host and the TLS or socket problem; it never
      // holds request headers, so the token cannot leak through it.
      std::string detail = error_buffer[0] != '\0' ? std::string(error_buffer) : curl_easy_strerror(rc);
      return Error{ErrorKind::Network, fmt::format("{}{}: {}", server, path_and_query, detail), response.status};
    }
    return response;
  }
};

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpClient::HttpClient(HttpClient&&) noexcept = default;
HttpClient& HttpClient::operator=(HttpClient&&) noexcept = default;
HttpClient::~HttpClient() = default;

const std::string& HttpClient::server() const { return impl_->server; }

Expected<HttpClient> HttpClient::create(const RestConfig& config, const HttpOptions& options) {
  if (!config.server.starts_with("https://")) {
    return Error{ErrorKind::Unsupported, fmt::format("server '{}' is not https", config.server)};
  }
  global_init();
  auto impl = std::make_unique<Impl>();
  impl->server = config.server;
  impl->options = options;
  impl->curl = curl_easy_init();
  if (impl->curl == nullptr) return Error{ErrorKind::Network, "curl_easy_init failed"};
  CURL* curl = impl->curl;
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, impl->error_buffer);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect could carry the token elsewhere
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, options.connect_timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // gzip: list bodies compress about tenfold
  std::string agent = options.user_agent.empty() ? std::string("kubeguard/") + KG_VERSION : options.user_agent;
  curl_easy_setopt(curl, CURLOPT_USERAGENT, agent.c_str());
  impl->headers = curl_slist_append(nullptr, "Accept: application/json");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, impl->headers);
  if (!config.ca_pem.empty()) set_blob(curl, CURLOPT_CAINFO_BLOB, config.ca_pem);
  if (!config.client_cert_pem.empty()) {
    curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
    set_blob(curl, CURLOPT_SSLCERT_BLOB, config.client_cert_pem);
    curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
    set_blob(curl, CURLOPT_SSLKEY_BLOB, config.client_key_pem);
  }
  if (!config.token.empty()) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
    curl_easy_setopt(curl, CURLOPT_XOAUTH2_BEARER, config.token.c_str());  // curl keeps its own copy
  }
  return HttpClient(std::move(impl));
}

Expected<HttpResponse> HttpClient::get(std::string_view path_and_query) {
  Sink sink;
  sink.max_body = impl_->options.max_body_bytes;
  return impl_->perform(path_and_query, sink, impl_->options.request_timeout_seconds);
}

Expected<HttpResponse> HttpClient::send(std::string_view method, std::string_view path_and_query,
                                        std::string_view json_body) {
  CURL* curl = impl_->curl;
  // The handle is reused: set the method and body for this request only and
  // put GET back afterwards, whatever happened.
  curl_slist* headers = curl_slist_append(nullptr, "Accept: application/json");
  headers = curl_slist_append(headers, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, std::string(method).c_str());
  if (!json_body.empty()) {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, json_body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(json_body.size()));
  }
  Sink sink;
  sink.max_body = impl_->options.max_body_bytes;
  auto response = impl_->perform(path_and_query, sink, impl_->options.request_timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, nullptr);
  curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, impl_->headers);
  curl_slist_free_all(headers);
  return response;
}

Expected<HttpResponse> HttpClient::stream(std::string_view path_and_query, const ChunkSink& on_chunk,
                                          long timeout_seconds, const std::atomic<bool>* cancel) {
  Sink sink;
  sink.max_body = impl_->options.max_body_bytes;
  sink.on_chunk = &on_chunk;
  sink.cancel = cancel;
  return impl_->perform(path_and_query, sink, timeout_seconds);
}

std::string url_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    bool unreserved = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || c == '-' ||
                      c == '.' || c == '_' || c == '~';
    if (unreserved) out += c;
    else out += fmt::format("%{:02X}", u);
  }
  return out;
}

Error http_error(std::string_view what, const HttpResponse& response) {
  ErrorKind kind = ErrorKind::Http;
  std::string_view reason;
  switch (response.status) {
    case 401:
      kind = ErrorKind::Unauthorized;
      reason = "Unauthorized";
      break;
    case 403:
      kind = ErrorKind::Forbidden;
      reason = "Forbidden";
      break;
    case 404:
      kind = ErrorKind::NotFound;
      reason = "Not Found";
      break;
    case 410:
      kind = ErrorKind::Gone;
      reason = "Gone";
      break;
    default: break;
  }
  std::string message = status_message(response.body);
  std::string text = fmt::format("{}: HTTP {}", what, response.status);
  if (!reason.empty()) text += fmt::format(" {}", reason);
  if (!message.empty()) text += fmt::format(": {}", message);
  return Error{kind, std::move(text), response.status};
}

}  // namespace kg::cluster
