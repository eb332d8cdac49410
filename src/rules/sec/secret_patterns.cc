#include "rules/sec/secret_patterns.h"

#include <algorithm>
#include <array>
#include <cmath>

#include <fmt/format.h>

namespace kg::rules::sec {
namespace {

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_upper(c) || is_lower(c) || is_digit(c); }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
char to_lower(char c) { return is_upper(c) ? static_cast<char>(c - 'A' + 'a') : c; }
char to_upper(char c) { return is_lower(c) ? static_cast<char>(c - 'a' + 'A') : c; }
bool is_base64url(char c) { return is_alnum(c) || c == '-' || c == '_'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), to_lower);
  return out;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

template <size_t N>
bool one_of(std::string_view word, const std::array<std::string_view, N>& set) {
  return std::find(set.begin(), set.end(), word) != set.end();
}

// Length of the run of characters satisfying `pred` starting at `pos`.
template <typename Pred>
size_t run(std::string_view s, size_t pos, Pred pred) {
  size_t n = 0;
  while (pos + n < s.size() && pred(s[pos + n])) ++n;
  return n;
}

// ---------------------------------------------------------------------------
// Names

// Words that name a credential wherever they stand.
constexpr auto kStrongWords =
    std::to_array<std::string_view>({"PASSWORD", "PASSWORDS", "PASSWD", "PASSPHRASE", "SECRET", "SECRETS", "TOKEN",
                                     "CREDENTIAL", "CREDENTIALS", "APIKEY", "ACCESSKEY", "SECRETKEY", "PRIVATEKEY",
                                     "CLIENTSECRET", "AUTHTOKEN", "ACCESSTOKEN", "PSK", "REQUIREPASS", "MASTERAUTH"});

// Glued forms such as DBPASSWORD or GHTOKEN.
constexpr auto kStrongSuffixes =
    std::to_array<std::string_view>({"PASSWORD", "PASSWD", "SECRET", "TOKEN", "PASSPHRASE"});

// Abbreviations too common inside other names (PASS_THROUGH, PWD_DIR) to
// count anywhere but at the end. The shell's own PWD holds a path, which
// is_non_secret_value() sets aside.
constexpr auto kTrailingOnlyWords = std::to_array<std::string_view>({"PASS", "PWD", "CREDS"});

// KEY after one of these is a credential (API_KEY, CLIENT_KEY); alone it is
// only a hint (a KEY may be a public key, a map key, a cache key...).
constexpr auto kKeyQualifiers = std::to_array<std::string_view>(
    {"API",     "ACCESS", "PRIVATE", "SECRET", "SIGNING", "SIGN", "ENCRYPTION", "ENCRYPT", "DECRYPTION", "MASTER",
     "ACCOUNT", "AUTH",   "SESSION", "SHARED", "CLIENT",  "HMAC", "JWT",        "COOKIE",  "LICENSE",    "STORAGE"});

constexpr auto kWeakWords =
    std::to_array<std::string_view>({"KEY", "AUTH", "JWT", "BEARER", "COOKIE", "SALT", "SIGNATURE", "HMAC"});

// A word after the credential word that turns the name into a property of
// the credential (where it is, how long it lives, whether it is on) rather
// than the credential itself.
constexpr auto kPropertyWords = std::to_array<std::string_view>(
    {"FILE",     "FILES",     "FILENAME", "FILEPATH",  "PATH",       "PATHS",   "DIR",      "DIRECTORY", "FOLDER",
     "LOCATION", "MOUNT",     "VOLUME",   "NAME",      "NAMES",      "REF",     "KEYREF",   "REFERENCE", "ID",
     "IDS",      "TTL",       "TIMEOUT",  "EXPIRY",    "EXPIRATION", "EXPIRES", "EXPIRE",   "LIFETIME",  "DURATION",
     "AGE",      "PERIOD",    "INTERVAL", "SECONDS",   "LENGTH",     "LEN",     "SIZE",     "BITS",      "ENABLED",
     "ENABLE",   "DISABLED",  "DISABLE",  "REQUIRED",  "MODE",       "TYPE",    "KIND",     "POLICY",    "PROVIDER",
     "SOURCE",   "URL",       "URI",      "ENDPOINT",  "HOST",       "PORT",    "ADDR",     "ADDRESS",   "SERVER",
     "AUDIENCE", "ISSUER",    "HEADER",   "FIELD",     "PARAM",      "USER",    "USERNAME", "FORMAT",    "ENCODING",
     "VERSION",  "ALGORITHM", "ALG",      "METHOD",    "STRATEGY",   "COUNT",   "MAX",      "MIN",       "LIMIT",
     "ROLE",     "SCOPE",     "SCOPES",   "NAMESPACE", "STORE",      "BACKEND", "PREFIX",   "CACHE",     "REGION",
     "ROTATION"});

NameSignal word_signal(const std::vector<std::string>& words, size_t i) {
  const std::string& w = words[i];
  bool last = i + 1 == words.size();
  if (one_of(w, kStrongWords)) return NameSignal::Strong;
  for (std::string_view suffix : kStrongSuffixes) {
    if (w.size() > suffix.size() && ends_with(w, suffix)) return NameSignal::Strong;
  }
  if (one_of(w, kTrailingOnlyWords)) return last ? NameSignal::Strong : NameSignal::None;
  if (w == "KEY") {
    if (i > 0 && words[i - 1] == "PUBLIC") return NameSignal::None;
    if (i > 0 && one_of(std::string_view(words[i - 1]), kKeyQualifiers)) return NameSignal::Strong;
    return NameSignal::Weak;
  }
  if (one_of(w, kWeakWords)) return NameSignal::Weak;
  return NameSignal::None;
}

bool names_a_property(const std::vector<std::string>& words, size_t credential, size_t j) {
  // Vault's SECRET_ID is itself a credential, unlike ACCESS_KEY_ID or TOKEN_ID.
  if (words[j] == "ID" && j == credential + 1 && ends_with(words[credential], "SECRET")) return false;
  return one_of(std::string_view(words[j]), kPropertyWords);
}

// ---------------------------------------------------------------------------
// Shapes

bool has_aws_access_key(std::string_view s) {
  constexpr auto kPrefixes = std::to_array<std::string_view>({"AKIA", "ASIA", "ABIA", "ACCA"});
  auto key_char = [](char c) { return is_upper(c) || is_digit(c); };
  for (std::string_view prefix : kPrefixes) {
    for (size_t pos = s.find(prefix); pos != std::string_view::npos; pos = s.find(prefix, pos + 1)) {
      if (pos > 0 && key_char(s[pos - 1])) continue;
      size_t body = run(s, pos + 4, key_char);
      if (body == 16) return true;
    }
  }
  return false;
}

// `prefix` followed by at least `min` characters of `pred`.
template <typename Pred>
bool has_prefixed_token(std::string_view s, std::string_view prefix, size_t min, Pred pred) {
  for (size_t pos = s.find(prefix); pos != std::string_view::npos; pos = s.find(prefix, pos + 1)) {
    if (pos > 0 && is_alnum(s[pos - 1])) continue;
    if (run(s, pos + prefix.size(), pred) >= min) return true;
  }
  return false;
}

bool has_github_token(std::string_view s) {
  constexpr auto kPrefixes = std::to_array<std::string_view>({"ghp_", "gho_", "ghu_", "ghs_", "ghr_"});
  for (std::string_view prefix : kPrefixes) {
    if (has_prefixed_token(s, prefix, 36, is_alnum)) return true;
  }
  return has_prefixed_token(s, "github_pat_", 22, is_base64url);
}

bool has_slack_token(std::string_view s) {
  constexpr auto kPrefixes = std::to_array<std::string_view>({"xoxb-", "xoxa-", "xoxp-", "xoxo-", "xoxs-", "xoxr-"});
  auto token_char = [](char c) { return is_alnum(c) || c == '-'; };
  for (std::string_view prefix : kPrefixes) {
    if (has_prefixed_token(s, prefix, 10, token_char)) return true;
  }
  return s.find("hooks.slack.com/services/T") != std::string_view::npos;
}

bool has_private_key(std::string_view s) {
  for (size_t pos = s.find("-----BEGIN "); pos != std::string_view::npos; pos = s.find("-----BEGIN ", pos + 1)) {
    size_t end = s.find("-----", pos + 11);
    if (end == std::string_view::npos) return false;
    std::string_view label = s.substr(pos + 11, end - pos - 11);
    if (ends_with(label, "PRIVATE KEY")) return true;
  }
  return false;
}

bool has_jwt(std::string_view s) {
  for (size_t pos = s.find("eyJ"); pos != std::string_view::npos; pos = s.find("eyJ", pos + 1)) {
    if (pos > 0 && is_base64url(s[pos - 1])) continue;
    size_t header = run(s, pos, is_base64url);
    size_t dot = pos + header;
    if (header < 10 || dot >= s.size() || s[dot] != '.') continue;
    size_t payload = run(s, dot + 1, is_base64url);
    size_t dot2 = dot + 1 + payload;
    if (payload >= 10 && dot2 < s.size() && s[dot2] == '.') return true;
  }
  return false;
}

bool has_bearer_token(std::string_view s) {
  std::string l = lower(s);
  auto token_char = [](char c) {
    return is_alnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
  };
  for (std::string_view scheme : {std::string_view("bearer "), std::string_view("basic ")}) {
    for (size_t pos = l.find(scheme); pos != std::string::npos; pos = l.find(scheme, pos + 1)) {
      if (pos > 0 && is_alnum(l[pos - 1])) continue;
      size_t start = pos + scheme.size();
      while (start < s.size() && s[start] == ' ') ++start;
      if (start < s.size() && s[start] == '$') continue;  // "Bearer $TOKEN" reads a variable
      // "basic authentication" is prose; a credential mixes character classes.
      std::string_view token = s.substr(start, run(s, start, token_char));
      bool mixed =
          std::any_of(token.begin(), token.end(), [](char c) { return is_digit(c) || c == '='; }) ||
          (std::any_of(token.begin(), token.end(), is_upper) && std::any_of(token.begin(), token.end(), is_lower));
      if (token.size() >= 8 && mixed) return true;
    }
  }
  return false;
}

// scheme://user:password@host with a literal password.
bool has_url_password(std::string_view s) {
  for (size_t pos = s.find("://"); pos != std::string_view::npos; pos = s.find("://", pos + 1)) {
    size_t start = pos + 3;
    size_t end = s.find_first_of("/?# \t\n\"'", start);
    std::string_view authority = s.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    size_t at = authority.rfind('@');
    if (at == std::string_view::npos) continue;
    std::string_view userinfo = authority.substr(0, at);
    size_t colon = userinfo.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view password = userinfo.substr(colon + 1);
    if (!password.empty() && password.front() != '$') return true;
  }
  return false;
}

// Server=db;User Id=app;Password=...; (ADO.NET, JDBC properties, ODBC).
bool has_connection_string_password(std::string_view s) {
  std::string l = lower(s);
  for (std::string_view key : {std::string_view("password="), std::string_view("pwd=")}) {
    for (size_t pos = l.find(key); pos != std::string::npos; pos = l.find(key, pos + 1)) {
      bool starts_field = pos == 0 || l[pos - 1] == ';' || l[pos - 1] == ' ';
      if (!starts_field) continue;
      size_t v = pos + key.size();
      if (v < l.size() && l[v] != ';' && l[v] != '$' && !is_space(l[v])) return true;
    }
  }
  return false;
}

bool is_path(std::string_view v) {
  if (v.starts_with('/') || v.starts_with("./") || v.starts_with("../") || v.starts_with("~/") ||
      v.starts_with("file:")) {
    return true;
  }
  if (v.size() >= 3 && (is_upper(v[0]) || is_lower(v[0])) && v[1] == ':' && (v[2] == '\\' || v[2] == '/')) {
    return true;
  }
  // A relative path such as "certs/tls/key.pem": lower-case words between
  // slashes. Base64 text may hold '/', but then mixes cases and digits.
  if (v.find('/') == std::string_view::npos) return false;
  return std::all_of(v.begin(), v.end(),
                     [](char c) { return is_lower(c) || is_digit(c) || c == '/' || c == '.' || c == '_' || c == '-'; });
}

// "my-tls-secret", "db-credentials": the name of a Secret object, which is
// what a variable like TLS_SECRET often holds, not a credential.
bool is_secret_object_name(std::string_view v) {
  if (v.empty() || !is_alnum(v.front()) || !is_alnum(v.back())) return false;
  if (v.find('-') == std::string_view::npos) return false;
  bool dns = std::all_of(v.begin(), v.end(), [](char c) { return is_lower(c) || is_digit(c) || c == '-' || c == '.'; });
  if (!dns) return false;
  size_t start = 0;
  while (start <= v.size()) {
    size_t end = v.find_first_of("-.", start);
    if (end == std::string_view::npos) end = v.size();
    std::string_view part = v.substr(start, end - start);
    if (part == "secret" || part == "secrets" || part == "creds" || part == "credentials") return true;
    start = end + 1;
  }
  return false;
}

bool is_url_scheme_start(std::string_view v) {
  size_t sep = v.find("://");
  if (sep == std::string_view::npos || sep == 0) return false;
  return std::all_of(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(sep),
                     [](char c) { return is_alnum(c) || c == '+' || c == '.' || c == '-'; });
}

}  // namespace

std::vector<std::string> name_words(std::string_view name) {
  std::vector<std::string> words;
  std::string current;
  auto flush = [&] {
    if (!current.empty()) words.push_back(std::move(current));
    current.clear();
  };
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!is_alnum(c)) {
      flush();
      continue;
    }
    if (!current.empty()) {
      char prev = name[i - 1];
      bool hump = is_lower(prev) && is_upper(c);
      // "APIKey": the K starts a word because a lower-case letter follows it.
      bool acronym_end = is_upper(prev) && is_upper(c) && i + 1 < name.size() && is_lower(name[i + 1]);
      bool digits = is_digit(prev) != is_digit(c);
      if (hump || acronym_end || digits) flush();
    }
    current.push_back(to_upper(c));
  }
  flush();
  return words;
}

NameSignal name_signal(std::string_view name) {
  std::vector<std::string> words = name_words(name);
  NameSignal best = NameSignal::None;
  for (size_t i = 0; i < words.size(); ++i) {
    NameSignal s = word_signal(words, i);
    if (s == NameSignal::None || s <= best) continue;
    bool property = false;
    for (size_t j = i + 1; j < words.size() && !property; ++j) property = names_a_property(words, i, j);
    if (!property) best = s;
  }
  return best;
}

std::string_view credential_shape(std::string_view text) {
  if (has_private_key(text)) return "a PEM private key";
  if (has_aws_access_key(text)) return "an AWS access key ID";
  if (has_github_token(text)) return "a GitHub token";
  if (has_prefixed_token(text, "glpat-", 20, is_base64url)) return "a GitLab token";
  if (has_slack_token(text)) return "a Slack token";
  if (has_prefixed_token(text, "AIza", 35, is_base64url)) return "a Google API key";
  if (has_prefixed_token(text, "sk_live_", 16, is_alnum) || has_prefixed_token(text, "rk_live_", 16, is_alnum)) {
    return "a Stripe live key";
  }
  if (has_jwt(text)) return "a JSON Web Token";
  if (has_bearer_token(text)) return "an HTTP Authorization credential";
  if (has_url_password(text)) return "a URL with an embedded password";
  if (has_connection_string_password(text)) return "a connection string with a password";
  return {};
}

bool is_non_secret_value(std::string_view value) {
  std::string_view v = trim(value);
  if (v.empty()) return true;
  // Kubernetes expands $(VAR) in env and args; shells expand $VAR and ${VAR}.
  if (v.front() == '$' || v.find("$(") != std::string_view::npos || v.find("${") != std::string_view::npos) {
    return true;
  }
  if (v.find("{{") != std::string_view::npos) return true;  // an unrendered template
  if (v.size() >= 2 && v.front() == '<' && v.back() == '>') return true;
  if (is_path(v)) return true;
  constexpr auto kSettings = std::to_array<std::string_view>(
      {"true", "false", "yes", "no", "on", "off", "null", "none", "nil", "enabled", "disabled", "-", "~"});
  if (one_of(std::string_view(lower(v)), kSettings)) return true;
  if (is_url_scheme_start(v) && credential_shape(v).empty()) return true;
  return is_secret_object_name(v);
}

bool looks_random(std::string_view value) {
  std::string_view v = trim(value);
  if (v.size() < 16) return false;
  bool upper = false, lower_case = false, digit = false;
  std::array<size_t, 256> counts{};
  for (char c : v) {
    if (is_space(c)) return false;
    upper |= is_upper(c);
    lower_case |= is_lower(c);
    digit |= is_digit(c);
    ++counts[static_cast<unsigned char>(c)];
  }
  if (static_cast<int>(upper) + static_cast<int>(lower_case) + static_cast<int>(digit) < 2) return false;
  double entropy = 0;
  for (size_t n : counts) {
    if (n == 0) continue;
    double p = static_cast<double>(n) / static_cast<double>(v.size());
    entropy -= p * std::log2(p);
  }
  return entropy >= 3.5;
}

std::string literal_secret_reason(std::string_view name, std::string_view value) {
  std::string_view shape = credential_shape(value);
  if (!shape.empty()) return fmt::format("the value has the shape of {}", shape);
  if (is_non_secret_value(value)) return {};
  switch (name_signal(name)) {
    case NameSignal::Strong: return "the name marks it as a credential";
    case NameSignal::Weak:
      return looks_random(value) ? "the name marks it as a key and the value looks randomly generated" : "";
    case NameSignal::None: return {};
  }
  return {};
}

}  // namespace kg::rules::sec
