#include "supply/registry_client.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include <curl/curl.h>
#include <fmt/format.h>

#include "supply/digest.h"
#include "supply/json.h"

namespace kg::supply {
namespace {

using util::Error;
using util::ErrorKind;
using util::Expected;

void global_init() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Response {
  long status = 0;
  std::string body;
  std::string content_type;
  std::string content_digest;
  std::string www_authenticate;
};

struct Sink {
  Response* response = nullptr;
  size_t max_body = 0;
  bool overflow = false;
};

size_t on_write(char* data, size_t size, size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  size_t n = size * count;
  if (sink->response->body.size() + n > sink->max_body) {
    sink->overflow = true;
    return 0;
  }
  sink->response->body.append(data, n);
  return n;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
    s.remove_suffix(1);
  return s;
}

bool header_is(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = line[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != name[i]) return false;
  }
  return true;
}

size_t on_header(char* data, size_t size, size_t count, void* user) {
  auto* r = static_cast<Response*>(user);
  size_t n = size * count;
  std::string_view line(data, n);
  if (line.starts_with("HTTP/")) {  // a new answer (after a redirect): forget the last one's headers
    r->content_type.clear();
    r->content_digest.clear();
    r->www_authenticate.clear();
  } else if (header_is(line, "content-type")) {
    r->content_type = std::string(trim(line.substr(13)));
  } else if (header_is(line, "docker-content-digest")) {
    r->content_digest = std::string(trim(line.substr(22)));
  } else if (header_is(line, "www-authenticate")) {
    if (!r->www_authenticate.empty()) r->www_authenticate += ", ";
    r->www_authenticate += std::string(trim(line.substr(17)));
  }
  return n;
}

// The registry's error list ({"errors":[{"code","message"}]}) as one line;
// bodies are the registry's own words, never our request.
std::string registry_message(std::string_view body) {
  if (body.empty() || body.size() > 64 * 1024) return {};
  JsonValue v = parse_json(body, "answer");
  if (!v.root || !v.root->is_mapping()) return {};
  const doc::Node* errors = v.root->get("errors");
  if (errors == nullptr || !errors->is_sequence() || errors->size() == 0) return {};
  const doc::Node& first = errors->items()[0];
  std::string code(string_at(first, "code"));
  std::string message(string_at(first, "message"));
  if (code.size() > 100) code.resize(100);
  if (message.size() > 200) message.resize(200);
  return message.empty() ? code : fmt::format("{}: {}", code, message);
}

Error status_error(std::string_view what, const Response& r) {
  ErrorKind kind = ErrorKind::Http;
  if (r.status == 401) kind = ErrorKind::Unauthorized;
  else if (r.status == 403) kind = ErrorKind::Forbidden;
  else if (r.status == 404) kind = ErrorKind::NotFound;
  std::string message = registry_message(r.body);
  return Error{kind,
               message.empty() ? fmt::format("{}: HTTP {}", what, r.status)
                               : fmt::format("{}: HTTP {} ({})", what, r.status, message),
               r.status};
}

bool retryable(const Expected<Response>& r) {
  if (!r) return r.error().kind == ErrorKind::Network;
  return r->status == 429 || r->status >= 500;
}

// Query-string escaping of a token request's parameters.
std::string query_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    bool keep = (u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || c == '-' || c == '.' ||
                c == '_' || c == '~' || c == ':' || c == '/';
    if (keep) out += c;
    else out += fmt::format("%{:02X}", u);
  }
  return out;
}

// The distribution grammar's path: lower-case components of [a-z0-9._-]
// separated by '/', none empty, none "." or ".." (the path goes into a URL).
bool valid_repository(std::string_view repo) {
  if (repo.empty() || repo.size() > 255) return false;
  size_t start = 0;
  while (start <= repo.size()) {
    size_t end = repo.find('/', start);
    if (end == std::string_view::npos) end = repo.size();
    std::string_view part = repo.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    for (char c : part) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      if (!ok) return false;
    }
    start = end + 1;
  }
  return true;
}

}  // namespace

struct RegistryClient::Impl {
  std::string registry;  // as written in image references
  std::string base;      // https://host[:port]
  const CredentialStore* credentials = nullptr;
  RegistryOptions options;
  CURL* curl = nullptr;
  char error_buffer[CURL_ERROR_SIZE] = {};
  mutable std::mutex mutex;  // one request at a time on the handle; guards the caches
  std::map<std::string, std::string, std::less<>> auth_by_repository;  // the Authorization header that worked
  std::map<std::string, Content, std::less<>> cache;                   // by digest
  size_t cache_size = 0;
  RegistryStats stats;
  std::chrono::steady_clock::time_point deadline{};

  ~Impl() {
    if (curl != nullptr) curl_easy_cleanup(curl);
  }

  Expected<Response> perform(const std::string& url, std::string_view accept, const std::string& authorization,
                             size_t max_body) {
    Response response;
    long timeout_ms = options.request_timeout_seconds * 1000;
    if (deadline != std::chrono::steady_clock::time_point{}) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return Error{ErrorKind::Network, fmt::format("{}: time budget exhausted", registry)};
      timeout_ms = std::min<long>(timeout_ms, static_cast<long>(left.count()));
    }
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    Sink sink{&response, max_body, false};
    curl_slist* headers = nullptr;
    std::string accept_header = fmt::format("Accept: {}", accept);
    headers = curl_slist_append(headers, accept_header.c_str());
    if (!authorization.empty()) headers = curl_slist_append(headers, ("Authorization: " + authorization).c_str());
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response);
    error_buffer[0] = '\0';
    ++stats.requests;
    CURLcode rc = curl_easy_perform(curl);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_slist_free_all(headers);  // the only copy of the Authorization line
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    if (sink.overflow) {
      return Error{ErrorKind::Decode, fmt::format("{}: answer larger than {} bytes", url, max_body), response.status};
    }
    if (rc != CURLE_OK) {
      std::string detail = error_buffer[0] != '\0' ? std::string(error_buffer) : curl_easy_strerror(rc);
      return Error{ErrorKind::Network, fmt::format("{}: {}", url, detail), response.status};
    }
    return response;
  }

  // Answers a 401's challenge: the Authorization header to send, or an error.
  Expected<std::string> authorize(std::string_view repository, const Response& challenge_answer) {
    const Credential* cred =
        credentials != nullptr ? credentials->find(registry + "/" + std::string(repository)) : nullptr;
    auto challenges = parse_challenges(challenge_answer.www_authenticate);
    for (const auto& c : challenges) {
      if (c.scheme == "basic") {
        if (cred == nullptr || cred->username.empty()) {
          return Error{ErrorKind::Unauthorized,
                       fmt::format("{} asks for basic credentials and none are configured for it", registry), 401};
        }
        return "Basic " + base64_encode(cred->username + ":" + cred->password);
      }
      if (c.scheme == "bearer") return bearer_token(repository, c, cred);
    }
    return Error{ErrorKind::Unauthorized,
                 fmt::format("{} answered 401 without a challenge kubeguard can answer (Basic or Bearer)", registry),
                 401};
  }

  Expected<std::string> bearer_token(std::string_view repository, const Challenge& c, const Credential* cred) {
    auto realm_it = c.params.find("realm");
    if (realm_it == c.params.end() || !realm_it->second.starts_with("https://")) {
      return Error{ErrorKind::Unauthorized,
                   fmt::format("{}: the Bearer challenge's realm is missing or not https", registry), 401};
    }
    std::string url = realm_it->second;
    url += url.find('?') == std::string::npos ? '?' : '&';
    if (auto s = c.params.find("service"); s != c.params.end()) url += "service=" + query_escape(s->second) + "&";
    url += "scope=" + query_escape(fmt::format("repository:{}:pull", repository));
    std::string authorization;
    if (cred != nullptr && !cred->username.empty()) {
      authorization = "Basic " + base64_encode(cred->username + ":" + cred->password);
    }
    auto r = perform(url, "application/json", authorization, 1 << 20);
    // The URL names only the realm and scope; the answer's body is a token and is not quoted.
    if (!r) return r.error();
    if (r->status != 200) {
      return Error{r->status == 401 ? ErrorKind::Unauthorized : ErrorKind::Http,
                   fmt::format("{}: the token server {} answered HTTP {}", registry, realm_it->second, r->status),
                   r->status};
    }
    JsonValue v = parse_json(r->body, "token answer");
    std::string_view token = v.root ? string_at(*v.root, "token") : std::string_view{};
    if (token.empty() && v.root) token = string_at(*v.root, "access_token");
    if (token.empty()) {
      return Error{ErrorKind::Decode, fmt::format("{}: the token server's answer holds no token", registry)};
    }
    return "Bearer " + std::string(token);
  }

  Expected<Response> get(std::string_view repository, const std::string& path, std::string_view accept,
                         size_t max_body) {
    std::string url = base + path;
    std::string what = fmt::format("GET {}{}", registry, path);
    std::string authorization;
    if (auto it = auth_by_repository.find(repository); it != auth_by_repository.end()) authorization = it->second;
    bool answered_challenge = false;
    long backoff = options.backoff_ms;
    for (int attempt = 1;; ++attempt) {
      auto r = perform(url, accept, authorization, max_body);
      if (r && r->status == 401 && !answered_challenge) {
        answered_challenge = true;
        auto auth = authorize(repository, *r);
        if (!auth) return auth.error();
        authorization = std::move(*auth);
        --attempt;  // answering the challenge is not a failed try
        continue;
      }
      bool time_left = deadline == std::chrono::steady_clock::time_point{} ||
                       std::chrono::steady_clock::now() + std::chrono::milliseconds(backoff) < deadline;
      if (retryable(r) && attempt < options.attempts && time_left) {
        ++stats.retries;
        std::this_thread::sleep_for(std::chrono::milliseconds(backoff));
        backoff *= 2;
        continue;
      }
      if (!r) return r.error();
      if (r->status < 200 || r->status >= 300) return status_error(what, *r);
      if (!authorization.empty()) auth_by_repository[std::string(repository)] = authorization;
      return r;
    }
  }

  void remember(const Content& content) {
    if (content.body.size() > options.cache_bytes / 4) return;
    if (cache.contains(content.digest)) return;
    while (cache_size + content.body.size() > options.cache_bytes && !cache.empty()) {
      cache_size -= cache.begin()->second.body.size();
      cache.erase(cache.begin());
    }
    cache_size += content.body.size();
    cache.emplace(content.digest, content);
  }
};

RegistryClient::RegistryClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RegistryClient::RegistryClient(RegistryClient&&) noexcept = default;
RegistryClient& RegistryClient::operator=(RegistryClient&&) noexcept = default;
RegistryClient::~RegistryClient() = default;

const std::string& RegistryClient::registry() const { return impl_->registry; }

void RegistryClient::set_deadline(std::chrono::steady_clock::time_point deadline) {
  std::lock_guard lock(impl_->mutex);
  impl_->deadline = deadline;
}

RegistryStats RegistryClient::stats() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->stats;
}

Expected<RegistryClient> RegistryClient::create(std::string_view registry, const CredentialStore* credentials,
                                                const RegistryOptions& options) {
  if (registry.empty() || registry.find_first_of("/ ?#@") != std::string_view::npos) {
    return Error{ErrorKind::Config, fmt::format("'{}' is not a registry host", registry)};
  }
  global_init();
  auto impl = std::make_unique<Impl>();
  impl->registry = std::string(registry);
  impl->base = registry == "docker.io" ? "https://registry-1.docker.io" : "https://" + std::string(registry);
  impl->credentials = credentials;
  impl->options = options;
  if (impl->options.attempts < 1) impl->options.attempts = 1;
  impl->curl = curl_easy_init();
  if (impl->curl == nullptr) return Error{ErrorKind::Network, "curl_easy_init failed"};
  CURL* curl = impl->curl;
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, impl->error_buffer);
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  // Blob storage may redirect; curl sends our Authorization header to the
  // original host only.
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 3L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, options.connect_timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
  std::string agent = options.user_agent.empty() ? std::string("kubeguard/") + KG_VERSION : options.user_agent;
  curl_easy_setopt(curl, CURLOPT_USERAGENT, agent.c_str());
  if (!options.ca_pem.empty()) {
    curl_blob blob{};
    blob.data = const_cast<char*>(impl->options.ca_pem.data());
    blob.len = impl->options.ca_pem.size();
    blob.flags = CURL_BLOB_COPY;
    curl_easy_setopt(curl, CURLOPT_CAINFO_BLOB, &blob);
  }
  return RegistryClient(std::move(impl));
}

Expected<Content> RegistryClient::manifest(std::string_view repository, std::string_view reference) {
  if (!valid_repository(repository))
    return Error{ErrorKind::Config, fmt::format("'{}' is not a repository", repository)};
  std::lock_guard lock(impl_->mutex);
  auto pinned = parse_digest(reference);
  if (pinned) {
    if (auto it = impl_->cache.find(pinned->text()); it != impl_->cache.end()) {
      ++impl_->stats.cache_hits;
      return it->second;
    }
  } else if (reference.find_first_of("/ ?#%") != std::string_view::npos || reference.empty()) {
    return Error{ErrorKind::Config, fmt::format("'{}' is not a tag or digest", reference)};
  }
  static const std::string accept =
      fmt::format("{}, {}, {}, {}", kOciIndex, kOciManifest, kDockerManifestList, kDockerManifest);
  std::string path = fmt::format("/v2/{}/manifests/{}", repository, reference);
  auto r = impl_->get(repository, path, accept, impl_->options.max_manifest_bytes);
  if (!r) return r.error();
  Content content;
  content.media_type = r->content_type.substr(0, r->content_type.find(';'));
  content.body = std::move(r->body);
  std::string what = fmt::format("{}/{}@{}", impl_->registry, repository, reference);
  if (pinned) {
    if (!digest_matches(*pinned, content.body)) {
      return Error{ErrorKind::Decode, fmt::format("{}: the manifest does not match its digest", what)};
    }
    content.digest = pinned->text();
  } else {
    content.digest = sha256_digest(content.body);
    auto claimed = parse_digest(r->content_digest);
    if (claimed && !digest_matches(*claimed, content.body)) {
      return Error{ErrorKind::Decode,
                   fmt::format("{}: the registry's Docker-Content-Digest {} does not match the manifest it sent", what,
                               claimed->text())};
    }
  }
  impl_->remember(content);
  return content;
}

Expected<Content> RegistryClient::blob(std::string_view repository, std::string_view digest, size_t max_bytes) {
  if (!valid_repository(repository))
    return Error{ErrorKind::Config, fmt::format("'{}' is not a repository", repository)};
  std::lock_guard lock(impl_->mutex);
  auto d = parse_digest(digest);
  if (!d) return Error{ErrorKind::Config, fmt::format("'{}' is not a digest", digest)};
  if (auto it = impl_->cache.find(d->text()); it != impl_->cache.end()) {
    ++impl_->stats.cache_hits;
    return it->second;
  }
  size_t limit = max_bytes == 0 ? impl_->options.max_blob_bytes : max_bytes;
  std::string path = fmt::format("/v2/{}/blobs/{}", repository, d->text());
  auto r = impl_->get(repository, path, "*/*", limit);
  if (!r) return r.error();
  Content content{"", d->text(), std::move(r->body)};
  if (!digest_matches(*d, content.body)) {
    return Error{ErrorKind::Decode,
                 fmt::format("{}/{}: blob {} does not match its digest", impl_->registry, repository, d->text())};
  }
  impl_->remember(content);
  return content;
}

}  // namespace kg::supply
