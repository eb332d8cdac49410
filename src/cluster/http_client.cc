#include "cluster/http_client.h"

#include <ctime>
#include <mutex>
#include <optional>
#include <vector>

#include <curl/curl.h>
#include <fmt/format.h>

#include "cluster/exec_credential.h"
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

// "https://host:port/prefix" split so the host can be swapped for the
// tls-server-name while the connection still goes to the host.
struct ServerParts {
  std::string host;  // as written, [brackets] kept for IPv6
  std::string port;
  std::string prefix;
};

ServerParts split_server(std::string_view server) {
  ServerParts parts;
  std::string_view rest = server.substr(std::string_view("https://").size());
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  if (slash != std::string_view::npos) parts.prefix = std::string(rest.substr(slash));
  size_t colon = authority.rfind(':');
  size_t bracket = authority.rfind(']');
  if (colon != std::string_view::npos && (bracket == std::string_view::npos || colon > bracket)) {
    parts.host = std::string(authority.substr(0, colon));
    parts.port = std::string(authority.substr(colon + 1));
  } else {
    parts.host = std::string(authority);
    parts.port = "443";
  }
  return parts;
}

bool has_line_break(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

}  // namespace

struct HttpClient::Impl {
  CURL* curl = nullptr;
  curl_slist* headers = nullptr;
  curl_slist* connect_to = nullptr;
  std::string server;    // as configured, for messages
  std::string url_base;  // what requests go to: the server, or its tls-server-name
  HttpOptions options;
  std::vector<std::string> identity_headers;  // Impersonate-*
  std::optional<ExecConfig> exec;
  ExecClusterInfo exec_cluster;
  std::optional<int64_t> expires_unix;  // of the exec credential in use
  char error_buffer[CURL_ERROR_SIZE] = {};

  ~Impl() {
    if (curl != nullptr) curl_easy_cleanup(curl);
    if (headers != nullptr) curl_slist_free_all(headers);
    if (connect_to != nullptr) curl_slist_free_all(connect_to);
  }

  curl_slist* header_list(std::string_view content_type = {}) const {
    curl_slist* list = curl_slist_append(nullptr, "Accept: application/json");
    for (const auto& h : identity_headers) list = curl_slist_append(list, h.c_str());
    if (!content_type.empty()) list = curl_slist_append(list, fmt::format("Content-Type: {}", content_type).c_str());
    return list;
  }

  void use_token(const std::string& token) {
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
    curl_easy_setopt(curl, CURLOPT_XOAUTH2_BEARER, token.c_str());  // curl keeps its own copy
  }

  void use_client_certificate(const std::string& cert_pem, const std::string& key_pem) {
    curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
    set_blob(curl, CURLOPT_SSLCERT_BLOB, cert_pem);
    curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
    set_blob(curl, CURLOPT_SSLKEY_BLOB, key_pem);
  }

  // Runs the exec plugin and puts what it gave on the handle.
  Expected<Done> fetch_exec_credential() {
    auto cred = run_exec_plugin(*exec, exec_cluster);
    if (!cred) return cred.error();
    if (!cred->token.empty()) use_token(cred->token);
    if (!cred->client_cert_pem.empty()) {
      use_client_certificate(cred->client_cert_pem, cred->client_key_pem);
      // A new client certificate needs a new TLS session.
      curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 1L);
    }
    expires_unix = cred->expires_unix;
    return Done{};
  }

  // As client-go: the credential is fetched again once its expiry has passed.
  Expected<Done> refresh_if_expired() {
    if (!exec || !expires_unix) return Done{};
    if (static_cast<int64_t>(std::time(nullptr)) < *expires_unix) return Done{};
    return fetch_exec_credential();
  }

  Expected<HttpResponse> perform(std::string_view path_and_query, Sink& sink, long timeout_seconds,
                                 std::string_view method = "GET") {
    if (auto fresh = refresh_if_expired(); !fresh) return fresh.error();
    std::string url = url_base + std::string(path_and_query);
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
    std::string where = fmt::format("{} {}", method, path_and_query);
    if (sink.stopped) return Error{ErrorKind::Cancelled, where + ": stopped", response.status};
    if (sink.overflow) {
      return Error{ErrorKind::Decode, fmt::format("{}: response larger than {} bytes", where, sink.max_body),
                   response.status};
    }
    curl_easy_setopt(curl, CURLOPT_FRESH_CONNECT, 0L);
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
  impl->url_base = config.server;
  impl->options = options;
  impl->curl = curl_easy_init();
  if (impl->curl == nullptr) return Error{ErrorKind::Network, "curl_easy_init failed"};
  CURL* curl = impl->curl;
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, impl->error_buffer);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect could carry the token elsewhere
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  // Off only when the kubeconfig says insecure-skip-tls-verify (a note warned).
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, config.insecure_skip_tls_verify ? 0L : 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, config.insecure_skip_tls_verify ? 0L : 2L);
  if (!config.tls_server_name.empty()) {
    // The name goes in the URL (SNI, certificate check) and the connection to
    // the configured host: what Go's tls.Config.ServerName does.
    if (has_line_break(config.tls_server_name) || config.tls_server_name.find_first_of(":/@") != std::string::npos) {
      return Error{ErrorKind::Config, fmt::format("tls-server-name '{}' is not a host name", config.tls_server_name)};
    }
    ServerParts parts = split_server(config.server);
    impl->url_base = fmt::format("https://{}:{}{}", config.tls_server_name, parts.port, parts.prefix);
    std::string connect_to = fmt::format("{}:{}:{}:{}", config.tls_server_name, parts.port, parts.host, parts.port);
    impl->connect_to = curl_slist_append(nullptr, connect_to.c_str());
    curl_easy_setopt(curl, CURLOPT_CONNECT_TO, impl->connect_to);
  }
  if (!config.impersonate_user.empty()) {
    auto add = [&](std::string line) { impl->identity_headers.push_back(std::move(line)); };
    add("Impersonate-User: " + config.impersonate_user);
    if (!config.impersonate_uid.empty()) add("Impersonate-Uid: " + config.impersonate_uid);
    for (const auto& g : config.impersonate_groups) add("Impersonate-Group: " + g);
    for (const auto& [key, value] : config.impersonate_extra)
      add(fmt::format("Impersonate-Extra-{}: {}", url_escape(key), value));
    for (const auto& h : impl->identity_headers) {
      if (has_line_break(h)) return Error{ErrorKind::Config, "impersonation values cannot hold line breaks"};
    }
  }
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, options.connect_timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");  // gzip: list bodies compress about tenfold
  std::string agent = options.user_agent.empty() ? std::string("kubeguard/") + KG_VERSION : options.user_agent;
  curl_easy_setopt(curl, CURLOPT_USERAGENT, agent.c_str());
  impl->headers = impl->header_list();
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, impl->headers);
  if (!config.ca_pem.empty()) set_blob(curl, CURLOPT_CAINFO_BLOB, config.ca_pem);
  if (!config.client_cert_pem.empty()) impl->use_client_certificate(config.client_cert_pem, config.client_key_pem);
  if (!config.token.empty()) impl->use_token(config.token);
  if (config.exec) {
    impl->exec = config.exec;
    impl->exec_cluster =
        ExecClusterInfo{config.server, config.ca_pem, config.tls_server_name, config.insecure_skip_tls_verify};
    if (auto fetched = impl->fetch_exec_credential(); !fetched) return fetched.error();
  }
  return HttpClient(std::move(impl));
}

Expected<HttpResponse> HttpClient::get(std::string_view path_and_query) {
  Sink sink;
  sink.max_body = impl_->options.max_body_bytes;
  auto response = impl_->perform(path_and_query, sink, impl_->options.request_timeout_seconds);
  // A plugin's credential can be revoked before its stated expiry: ask again once.
  if (response && response->status == 401 && impl_->exec) {
    if (auto fetched = impl_->fetch_exec_credential(); !fetched) return fetched.error();
    Sink again;
    again.max_body = impl_->options.max_body_bytes;
    return impl_->perform(path_and_query, again, impl_->options.request_timeout_seconds);
  }
  return response;
}

Expected<HttpResponse> HttpClient::send(std::string_view method, std::string_view path_and_query,
                                        std::string_view content_type, std::string_view body) {
  CURL* curl = impl_->curl;
  std::string method_text(method);
  curl_slist* headers = impl_->header_list(content_type);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method_text.c_str());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  Sink sink;
  sink.max_body = impl_->options.max_body_bytes;
  auto response = impl_->perform(path_and_query, sink, impl_->options.request_timeout_seconds, method);
  // Back to plain GETs for the next request on this handle.
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, nullptr);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, nullptr);
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
