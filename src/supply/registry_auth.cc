#include "supply/registry_auth.h"

#include <algorithm>

#include <fmt/format.h>

#include "doc/source.h"
#include "supply/json.h"
#include "util/base64.h"

namespace kg::supply {
namespace {

using util::Done;
using util::Error;
using util::ErrorKind;
using util::Expected;

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lowered(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), lower);
  return out;
}

bool is_token_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

void skip_space(std::string_view s, size_t& i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
}

std::string token(std::string_view s, size_t& i) {
  size_t start = i;
  while (i < s.size() && is_token_char(s[i])) ++i;
  return std::string(s.substr(start, i - start));
}

}  // namespace

std::vector<Challenge> parse_challenges(std::string_view s) {
  std::vector<Challenge> out;
  size_t i = 0;
  while (i < s.size()) {
    skip_space(s, i);
    while (i < s.size() && s[i] == ',') {
      ++i;
      skip_space(s, i);
    }
    if (i >= s.size()) break;
    std::string scheme = token(s, i);
    if (scheme.empty()) break;
    Challenge c{lowered(scheme), {}};
    // Parameters: name=value or name="quoted", separated by commas; a token
    // not followed by '=' starts the next challenge.
    while (true) {
      skip_space(s, i);
      size_t mark = i;
      std::string name = token(s, i);
      skip_space(s, i);
      if (name.empty() || i >= s.size() || s[i] != '=') {
        i = mark;
        break;
      }
      ++i;
      skip_space(s, i);
      std::string value;
      if (i < s.size() && s[i] == '"') {
        ++i;
        bool closed = false;
        while (i < s.size()) {
          char ch = s[i++];
          if (ch == '\\' && i < s.size()) {
            value += s[i++];
          } else if (ch == '"') {
            closed = true;
            break;
          } else {
            value += ch;
          }
        }
        if (!closed) {
          out.push_back(std::move(c));
          return out;
        }
      } else {
        value = token(s, i);
      }
      c.params[lowered(name)] = std::move(value);
      skip_space(s, i);
      if (i < s.size() && s[i] == ',') {
        ++i;
        continue;
      }
      break;
    }
    out.push_back(std::move(c));
    if (i < s.size() && !is_token_char(s[i]) && s[i] != ',' && s[i] != ' ') break;
  }
  return out;
}

std::string normalize_registry(std::string_view key) {
  std::string_view k = key;
  std::string scheme = lowered(k.substr(0, 8));
  if (scheme.starts_with("https://")) k.remove_prefix(8);
  else if (scheme.starts_with("http://")) k.remove_prefix(7);
  while (!k.empty() && k.back() == '/') k.remove_suffix(1);
  std::string host(k.substr(0, k.find('/')));
  std::string path = k.find('/') == std::string_view::npos ? "" : std::string(k.substr(k.find('/') + 1));
  host = lowered(host);
  if (host == "index.docker.io" || host == "registry-1.docker.io" || host == "registry.hub.docker.com") {
    host = "docker.io";
  }
  // "https://index.docker.io/v1/" names the hub, not a path "v1".
  if (host == "docker.io" && (path == "v1" || path == "v2")) path.clear();
  return path.empty() ? host : host + "/" + path;
}

Expected<Done> CredentialStore::add_auths(const doc::Node& auths, std::string_view source) {
  if (!auths.is_mapping()) return Error{ErrorKind::Config, fmt::format("{}: auths is not a mapping", source)};
  for (const auto& e : auths.entries()) {
    if (!e.value.is_mapping()) {
      return Error{ErrorKind::Config, fmt::format("{}: auths.{} is not a mapping", source, e.key)};
    }
    Credential c;
    c.source = fmt::format("{} ({})", source, e.key);
    std::string_view auth = string_at(e.value, "auth");
    if (!auth.empty()) {
      auto decoded = util::base64_decode(auth);
      auto colon = decoded ? decoded->find(':') : std::string::npos;
      // The message names the key, never the value.
      if (!decoded || colon == std::string::npos) {
        return Error{ErrorKind::Config, fmt::format("{}: auths.{}.auth is not base64 of user:password", source, e.key)};
      }
      c.username = decoded->substr(0, colon);
      c.password = decoded->substr(colon + 1);
    }
    if (std::string_view u = string_at(e.value, "username"); !u.empty()) c.username = std::string(u);
    if (std::string_view p = string_at(e.value, "password"); !p.empty()) c.password = std::string(p);
    if (std::string_view t = string_at(e.value, "identitytoken"); !t.empty()) c.identity_token = std::string(t);
    if (c.empty()) continue;  // e.g. an entry that defers to a credential helper
    std::string key = normalize_registry(e.key);
    auto slash = key.find('/');
    Entry entry{key.substr(0, slash), slash == std::string::npos ? "" : key.substr(slash + 1), std::move(c)};
    entries_.push_back(std::move(entry));
  }
  return Done{};
}

Expected<Done> CredentialStore::add_docker_config(std::string_view json, std::string_view source) {
  JsonValue v = parse_json(json, source);
  if (!v.root) return Error{ErrorKind::Config, fmt::format("{}:{}", source, v.error)};
  if (!v.root->is_mapping()) return Error{ErrorKind::Config, fmt::format("{}: expected a JSON object", source)};
  if (const doc::Node* auths = v.root->get("auths")) return add_auths(*auths, source);
  // The legacy .dockercfg form is the auths map itself.
  return add_auths(*v.root, source);
}

Expected<Done> CredentialStore::add_pull_secret(std::string_view text, std::string_view source) {
  std::optional<doc::Node> root;
  std::string error;
  doc::load_text(
      text, source,
      [&](doc::Document&& d) {
        if (!root) root = std::move(d.root);
      },
      [&](doc::LoadError&& e) {
        if (error.empty()) error = doc::format_error(e);
      });
  if (!error.empty()) return Error{ErrorKind::Config, error};
  if (!root || !root->is_mapping()) return Error{ErrorKind::Config, fmt::format("{}: not a Secret", source)};
  std::string_view kind = string_at(*root, "kind");
  std::string_view type = string_at(*root, "type");
  if (kind != "Secret") return Error{ErrorKind::Config, fmt::format("{}: kind is '{}', not Secret", source, kind)};
  std::string_view field;
  if (type == "kubernetes.io/dockerconfigjson") field = ".dockerconfigjson";
  else if (type == "kubernetes.io/dockercfg") field = ".dockercfg";
  else
    return Error{ErrorKind::Config,
                 fmt::format("{}: Secret type '{}' is not an image pull secret (kubernetes.io/dockerconfigjson "
                             "or kubernetes.io/dockercfg)",
                             source, type)};
  std::string json;
  if (const doc::Node* data = root->get("data"); data != nullptr && data->is_mapping()) {
    std::string_view encoded = string_at(*data, field);
    if (!encoded.empty()) {
      auto decoded = util::base64_decode(encoded);
      if (!decoded) return Error{ErrorKind::Config, fmt::format("{}: data.{} is not base64", source, field)};
      json = std::move(*decoded);
    }
  }
  if (json.empty()) {
    if (const doc::Node* data = root->get("stringData"); data != nullptr) json = std::string(string_at(*data, field));
  }
  if (json.empty()) return Error{ErrorKind::Config, fmt::format("{}: the Secret has no {}", source, field)};
  return add_docker_config(json, fmt::format("{} {}", source, field));
}

const Credential* CredentialStore::find(std::string_view repository) const {
  std::string repo = normalize_registry(repository);
  auto slash = repo.find('/');
  std::string_view host = std::string_view(repo).substr(0, slash);
  std::string_view path = slash == std::string::npos ? std::string_view{} : std::string_view(repo).substr(slash + 1);
  const Entry* best = nullptr;
  for (const auto& e : entries_) {
    if (e.host != host) continue;
    if (!e.path.empty()) {
      bool prefix =
          path == e.path || (path.starts_with(e.path) && path.size() > e.path.size() && path[e.path.size()] == '/');
      if (!prefix) continue;
    }
    if (best == nullptr || e.path.size() > best->path.size()) best = &e;
  }
  return best == nullptr ? nullptr : &best->credential;
}

}  // namespace kg::supply
