#include "util/redact.h"

#include <array>
#include <memory>
#include <vector>

#include <re2/re2.h>
#include <re2/set.h>

namespace kg::util {
namespace {

// Every pattern has three groups: text kept before the secret, the secret,
// text kept after it.
struct Pattern {
  const char* regex;
  bool keyed;  // the secret is the value of a key or flag: see worth_hiding()
};

// Order matters: whole tokens first (a JWT inside "Bearer eyJ..." or
// "token=eyJ..." goes whole), then the generic key=value forms.
constexpr Pattern kPatterns[] = {
    // PEM private keys, to the END line or the end of the text.
    {R"(()(-----BEGIN[A-Z0-9 ]*PRIVATE KEY-----(?s:.*?)(?:-----END[A-Z0-9 ]*PRIVATE KEY-----|\z))())", false},
    // JSON Web Tokens: header.payload.signature, base64url.
    {R"(()(eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)())", false},
    // AWS access key IDs (and the other IAM unique-ID prefixes that act as keys).
    {R"(()(\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}\b)())", false},
    // Google API keys and OAuth access tokens.
    {R"(()(\bAIza[0-9A-Za-z_-]{35})())", false},
    {R"(()(\bya29\.[0-9A-Za-z_-]{10,})())", false},
    // Azure AD client secrets (the ...8Q~... form).
    {R"(()([A-Za-z0-9_~.-]{3}[0-9]Q~[A-Za-z0-9_~.-]{31,34})())", false},
    // GitHub and Slack tokens.
    {R"(()(\bgh[pousr]_[A-Za-z0-9]{30,})())", false},
    {R"(()(\bgithub_pat_[A-Za-z0-9_]{30,})())", false},
    {R"(()(\bxox[abposr]-[A-Za-z0-9-]{10,})())", false},
    // Authorization headers: "Bearer x", "Basic x", "Authorization: Negotiate x".
    {R"(((?i)\b(?:bearer|basic|digest|negotiate)\s+)([A-Za-z0-9._~+/=:-]{6,})())", false},
    {R"(((?i)\b(?:proxy-)?authorization["']?\s*[:=]\s*["']?(?:[a-z-]+\s+)?)([^\s'"&,;<]+)())", true},
    // scheme://user:password@host
    {R"(([a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@'"]*:)([^@\s/'"]+)(@))", false},
    // user:password@host without a scheme (an image reference, a DSN written short)
    {R"(((?:^|[\s'"(\[,=])[A-Za-z0-9._%+-]+:)([^@\s/:'"]+)(@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}))", false},
    // Signatures and keys in URL queries (Azure SAS sig=, S3 and GCS presigned URLs).
    {R"(((?i)[?&](?:sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential|access_token|code|key)=)([^&\s'"#]+)())",
     false},
    // curl -u user:pass, --user user:pass, --proxy-user user:pass
    {R"(((?:^|\s)(?:-u|--user|--proxy-user|-U)(?:\s+|=)?['"]?[^\s:'"]+:)([^\s'"]+)())", false},
    // mysql -ppass (the mysql family only: elsewhere -p is a port or a path)
    {R"(((?i)\b(?:mysql|mysqldump|mysqladmin|mysqlimport|mariadb|mariadb-dump|mysqlsh)\b[^|;&\n]*?\s-p)([^\s'"]+)())",
     false},
    {R"(((?i)\bsshpass\s+-p\s*)([^\s'"]+)())", false},
    // Azure storage connection strings.
    {R"(((?i)\b(?:AccountKey|SharedAccessKey|SharedAccessSignature)=)([^;\s'"]+)())", false},
    // key=value, key: value, "key": "value" where the key names a credential.
    {R"(((?i)([a-z0-9_.-]*(?:password|passwd|passphrase|pwd|secret|token|apikey|api-key|api_key|credential|private-key|private_key|access-key|access_key|accesskey|secretkey|pass)[a-z0-9_.-]*)["']?\s*(?:=|:\s*)\s*["']?)([^\s'"&,;}\]<]+)())",
     true},
    // --password value, --token value
    {R"(((?i)(?:^|\s)(--?[a-z0-9_.-]*(?:password|passwd|passphrase|secret|token|apikey|api-key|credential)[a-z0-9_.-]*)\s+)([^\s'"&<-][^\s'"&]*)())",
     true},
};

bool iequals_suffix(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  text = text.substr(text.size() - suffix.size());
  for (size_t i = 0; i < suffix.size(); ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

bool iequals(std::string_view a, std::string_view b) { return a.size() == b.size() && iequals_suffix(a, b); }

// A keyed value that is not itself a credential: a boolean or null
// (automountServiceAccountToken: false), a reference to one held elsewhere
// ($(DB_PASSWORD), ${TOKEN}, secretKeyRef), a value masked already (***),
// or the value of a key that names a file, a path or an object rather than
// holding the secret.
bool worth_hiding(std::string_view key, std::string_view value) {
  static constexpr std::string_view kPlain[] = {"true", "false", "yes", "no", "null", "none", "~", "<redacted>"};
  for (auto p : kPlain) {
    if (iequals(value, p)) return false;
  }
  if (value.starts_with("$") || value.starts_with("<")) return false;        // $(VAR), ${VAR}, <placeholder>
  if (value.find_first_not_of('*') == std::string_view::npos) return false;  // masked already: ***
  // "passwordFile": a path; "secretName": an object; "tokens:": a list follows.
  static constexpr std::string_view kNamingKeys[] = {"name", "ref",  "file",    "path",  "dir",
                                                     "mode", "type", "secrets", "tokens"};
  for (auto suffix : kNamingKeys) {
    if (iequals_suffix(key, suffix)) return false;
  }
  return true;
}

struct Compiled {
  std::vector<std::unique_ptr<RE2>> patterns;
  RE2::Set any{RE2::Options(), RE2::UNANCHORED};
  bool any_ok = false;

  Compiled() {
    RE2::Options options;
    options.set_log_errors(false);
    for (const auto& p : kPatterns) {
      patterns.push_back(std::make_unique<RE2>(p.regex, options));
      any.Add(p.regex, nullptr);
    }
    any_ok = any.Compile();
  }
};

const Compiled& compiled() {
  static const Compiled kCompiled;
  return kCompiled;
}

// One pattern over `text`: keeps groups 1 and 3, replaces group 2.
std::string apply(const RE2& re, bool keyed, const std::string& text) {
  std::string out;
  std::string_view rest = text;
  size_t at = 0;
  const int groups = re.NumberOfCapturingGroups();
  std::array<re2::StringPiece, 6> piece{};
  std::array<std::string_view, 6> m{};
  if (groups + 1 > static_cast<int>(m.size())) return text;
  bool changed = false;
  while (at <= text.size() && re.Match(text, at, text.size(), RE2::UNANCHORED, piece.data(), groups + 1)) {
    for (size_t i = 0; i < piece.size(); ++i) m[i] = std::string_view(piece[i].data(), piece[i].size());
    // With a key group (keyed patterns have one inside group 1), the secret is the group after it.
    std::string_view prefix = m[1];
    std::string_view key = keyed && groups >= 4 ? m[2] : std::string_view();
    std::string_view secret = keyed && groups >= 4 ? m[3] : m[2];
    size_t match_begin = static_cast<size_t>(m[0].data() - text.data());
    size_t match_end = match_begin + m[0].size();
    if (m[0].empty()) {  // never loop on an empty match
      at = match_end + 1;
      continue;
    }
    bool hide = !secret.empty() && (!keyed || worth_hiding(key, secret));
    out.append(rest.substr(0, match_begin - static_cast<size_t>(rest.data() - text.data())));
    if (hide) {
      changed = true;
      out.append(prefix);
      out.append(kRedacted);
      size_t secret_end = static_cast<size_t>(secret.data() - text.data()) + secret.size();
      out.append(std::string_view(text).substr(secret_end, match_end - secret_end));
    } else {
      out.append(m[0]);
    }
    rest = std::string_view(text).substr(match_end);
    at = match_end;
  }
  if (!changed) return text;
  out.append(rest);
  return out;
}

}  // namespace

bool may_hold_secret(std::string_view text) {
  const Compiled& c = compiled();
  if (!c.any_ok) return true;
  return c.any.Match(text, nullptr);
}

std::string redact(std::string_view text) {
  std::string out(text);
  if (!may_hold_secret(text)) return out;
  const Compiled& c = compiled();
  for (size_t i = 0; i < c.patterns.size(); ++i) {
    if (c.patterns[i]->ok()) out = apply(*c.patterns[i], kPatterns[i].keyed, out);
  }
  return out;
}

}  // namespace kg::util
