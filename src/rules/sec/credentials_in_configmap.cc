#include <string>
#include <vector>

#include "rules/sec/sec_rules.h"
#include "rules/sec/secret_patterns.h"

namespace kg::rules::sec {
namespace {

const RuleMeta kMeta{
    .id = "KG-SEC-003",
    .slug = "credentials-in-configmap",
    .title = "Credential stored in a ConfigMap",
    .severity = Severity::High,
    .family = "SEC",
    .kinds = {"ConfigMap"},
    .rationale =
        "ConfigMaps are not secret: the view role reads them, they are not encrypted at rest by the usual "
        "encryption configuration, and they are printed by every `kubectl get -o yaml`, copied into Helm values "
        "and Git. A password, token or key in one is exposed to everyone who can read configuration. A key is "
        "reported when its value has the shape of a credential, or when its name says so (with the same "
        "word-by-word reading as KG-SEC-001: PASSWORD, SECRET, TOKEN, API_KEY...; TOKEN_TTL or PASSWORD_FILE "
        "are properties, not credentials); a file-like value (properties, .env, YAML or JSON settings) is read "
        "setting by setting the same way. The finding names the ConfigMap key and the setting, never the value.",
    .remediation =
        "Rotate the credential, move it into a Secret (or an external secret store) and mount or reference that "
        "instead; keep only non-secret settings in the ConfigMap.",
    .references = {ref::kAppCredentialsInConfig, ref::kPlainTextCredentials, ref::kManagedSecretStore,
                   kAttackUnsecuredCredentials, kAttackCredentialsInFiles, kNsaSecrets},
};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == ',' || s.back() == ';')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string_view unquote(std::string_view s) {
  s = trim(s);
  if (s.size() >= 2 && (s.front() == '"' || s.front() == '\'') && s.back() == s.front()) {
    s = s.substr(1, s.size() - 2);
  }
  return s;
}

bool setting_name(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

// A setting of a file-like value that holds a credential: "name=value",
// "name: value", "name = value", "export NAME=value", "\"name\": \"value\"".
// Returns the setting's name and the reason, or an empty reason.
std::pair<std::string, std::string> file_setting(std::string_view text) {
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    std::string_view line =
        trim(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    start = end == std::string_view::npos ? text.size() + 1 : end + 1;
    if (line.empty() || line.front() == '#' || line.starts_with("//")) continue;
    if (line.starts_with("export ")) line.remove_prefix(7);
    if (line.starts_with("- ")) line.remove_prefix(2);
    size_t sep = line.find_first_of("=:");
    if (sep == std::string_view::npos || sep == 0) continue;
    std::string_view name = unquote(line.substr(0, sep));
    std::string_view value = unquote(line.substr(sep + 1));
    // An empty list, map or null is a setting left unset, whatever its name.
    if (!setting_name(name) || value.empty() || value == "[]" || value == "{}" || value == "null" || value == "~") {
      continue;
    }
    std::string reason = literal_secret_reason(name, value);
    if (!reason.empty()) return {std::string(name), std::move(reason)};
  }
  return {};
}

void check(const ObjectContext& ctx, Emitter& out) {
  const k8s::Object& object = ctx.object;
  if (object.ref.api_version != "v1") return;
  const doc::Node* data = object.root->get("data");
  if (data == nullptr || !data->is_mapping()) return;
  for (const auto& entry : data->entries()) {
    if (!entry.value.is_scalar()) continue;
    std::string_view key = entry.key;
    std::string_view value = entry.value.str();
    std::string path = fmt::format("data[\"{}\"]", key);
    bool file_like = value.find('\n') != std::string_view::npos;
    if (!file_like) {
      std::string reason = literal_secret_reason(key, value);
      if (!reason.empty()) {
        out.report(path, &entry.value,
                   fmt::format("ConfigMap '{}' key '{}' holds a credential: {}", object.ref.name, key, reason));
      }
      continue;
    }
    std::string_view shape = credential_shape(value);
    if (!shape.empty()) {
      out.report(
          path, &entry.value,
          fmt::format("ConfigMap '{}' key '{}' holds a credential: the text contains {}", object.ref.name, key, shape));
      continue;
    }
    auto [setting, reason] = file_setting(value);
    if (!reason.empty()) {
      out.report(path, &entry.value,
                 fmt::format("ConfigMap '{}' key '{}' holds a credential in setting '{}': {}", object.ref.name, key,
                             setting, reason));
    }
  }
}

}  // namespace

void register_credentials_in_configmap(Catalog& catalog) { catalog.add_object_rule(kMeta, check); }

}  // namespace kg::rules::sec
