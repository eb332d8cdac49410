#include <algorithm>
#include <vector>

#include "rules/sec/sec_rules.h"
#include "rules/sec/secret_patterns.h"

namespace kg::rules::sec {
namespace {

const RuleMeta kMeta{
    .id = "KG-SEC-001",
    .slug = "secret-literal-in-env",
    .title = "Credential written as a literal in the pod spec",
    .severity = Severity::High,
    .family = "SEC",
    .kinds = {"pod-bearing"},
    .rationale =
        "A password, token or key written into env[].value, args or command is stored in plain text in the "
        "manifest, in version control, in etcd and in every `kubectl get -o yaml`; anyone who can read the "
        "workload (a much wider audience than those who can read Secrets) holds the credential. A value is "
        "taken for a credential when it has the shape of one (AWS access key ID, GitHub, GitLab, Slack, Google "
        "or Stripe token, PEM private key, JSON Web Token, Authorization header value, URL or connection string "
        "with a password), or when its name says so word by word (PASSWORD, SECRET, TOKEN, API_KEY, "
        "ACCESS_KEY, PRIVATE_KEY, CREDENTIALS...; KEY or AUTH alone only with a random-looking value). Names "
        "that describe a property of a credential (TOKEN_TTL, PASSWORD_FILE, SECRET_NAME, PUBLIC_KEY) and "
        "values that cannot be one (paths, $(VAR) references, booleans, URLs without a password, Secret object "
        "names) are not reported. The finding names the container and the variable or argument, never the "
        "value.",
    .remediation =
        "Rotate the credential: it has been exposed wherever the manifest went. Store the new one in a "
        "Secret (or an external secret store through the Secrets Store CSI driver), mount it as a "
        "file and point the program at the file; if the program only reads the environment, use "
        "env[].valueFrom.secretKeyRef.",
    .references = {ref::kAppCredentialsInConfig, ref::kPlainTextCredentials, ref::kManagedSecretStore,
                   kAttackUnsecuredCredentials, kAttackCredentialsInFiles, kCisSecretsAsFiles, kNsaSecrets},
};

std::string_view strip_quotes(std::string_view s) {
  while (!s.empty() && (s.back() == ';' || s.back() == '"' || s.back() == '\'')) s.remove_suffix(1);
  while (!s.empty() && (s.front() == '"' || s.front() == '\'')) s.remove_prefix(1);
  return s;
}

bool is_flag_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
           c == '.';
  });
}

std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n' && text[i] != '\r') ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

struct ArgumentHit {
  size_t item;       // the argument that holds the literal
  std::string flag;  // "" when found by shape alone
  std::string reason;
};

// --password=x, -Dapp.password=x and "--password x" (in one argument, as a
// shell script has it, or in two consecutive arguments).
std::vector<ArgumentHit> flag_hits(std::span<const doc::Node> items) {
  std::vector<ArgumentHit> hits;
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_scalar()) continue;
    std::vector<std::string_view> words = split_words(items[i].str());
    for (size_t w = 0; w < words.size(); ++w) {
      std::string_view word = words[w];
      if (word.size() < 2 || word.front() != '-') continue;
      std::string_view flag = word;
      while (!flag.empty() && flag.front() == '-') flag.remove_prefix(1);
      std::string_view name = flag;
      std::string_view value;
      size_t holder = i;
      if (size_t eq = flag.find('='); eq != std::string_view::npos) {
        name = flag.substr(0, eq);
        value = flag.substr(eq + 1);
      } else if (w + 1 < words.size()) {
        value = words[w + 1];
      } else if (words.size() == 1 && i + 1 < items.size() && items[i + 1].is_scalar()) {
        value = items[i + 1].str();
        holder = i + 1;
      }
      if (!is_flag_name(name) || value.empty() || value.front() == '-') continue;
      std::string reason = literal_secret_reason(name, strip_quotes(value));
      if (!reason.empty()) hits.push_back(ArgumentHit{holder, std::string(name), std::move(reason)});
    }
  }
  return hits;
}

void check_arguments(const k8s::ContainerView& c, std::string_view field, Emitter& out) {
  const doc::Node* list = c.node->get(field);
  if (list == nullptr || !list->is_sequence()) return;
  std::span<const doc::Node> items = list->items();
  std::vector<bool> reported(items.size(), false);
  auto report = [&](size_t item, std::string detail) {
    if (reported[item]) return;
    reported[item] = true;
    out.report(fmt::format("{}.{}[{}]", c.path, field, item), &items[item],
               fmt::format("container '{}' passes a literal credential in {}[{}]: {}", c.name, field, item, detail),
               &c);
  };
  for (const ArgumentHit& hit : flag_hits(items)) {
    report(hit.item, fmt::format("flag --{}, {}", hit.flag, hit.reason));
  }
  for (size_t i = 0; i < items.size(); ++i) {
    if (!items[i].is_scalar()) continue;
    std::string_view shape = credential_shape(items[i].str());
    if (!shape.empty()) report(i, fmt::format("the text has the shape of {}", shape));
  }
}

void check_env(const k8s::ContainerView& c, Emitter& out) {
  const doc::Node* env = c.node->get("env");
  if (env == nullptr || !env->is_sequence()) return;
  size_t index = 0;
  for (const auto& var : env->items()) {
    size_t i = index++;
    const doc::Node* value = var.get("value");
    if (value == nullptr || !value->is_scalar()) continue;
    std::string_view name = k8s::string_at(&var, "name");
    std::string reason = literal_secret_reason(name, value->str());
    if (reason.empty()) continue;
    out.report(
        fmt::format("{}.env[{}].value", c.path, i), value,
        fmt::format("container '{}' sets environment variable '{}' to a literal credential: {}", c.name, name, reason),
        &c);
  }
}

void check(const ObjectContext& ctx, Emitter& out) {
  for (const auto& c : ctx.pod->containers) {
    check_env(c, out);
    check_arguments(c, "command", out);
    check_arguments(c, "args", out);
  }
}

}  // namespace

void register_secret_literal_in_env(Catalog& catalog) { catalog.add_pod_rule(kMeta, check); }

}  // namespace kg::rules::sec
