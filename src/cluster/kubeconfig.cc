#include "cluster/kubeconfig.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "doc/source.h"
#include "util/base64.h"

namespace kg::cluster {
namespace {

// Names a field as the file has it, with the entry's name so a reader finds it
// in a kubeconfig holding many clusters: "users[name=admin].user.token".
struct Where {
  std::string_view file;
  std::string path;
};

Error field_error(const Where& where, const doc::Node* node, std::string_view field, std::string_view message,
                  ErrorKind kind = ErrorKind::Config) {
  std::string at(where.file);
  if (node != nullptr && node->mark().line != 0) at += fmt::format(":{}:{}", node->mark().line, node->mark().column);
  std::string_view dot = where.path.empty() || field.empty() ? "" : ".";
  return Error{kind, fmt::format("{}: {}{}{}: {}", at, where.path, dot, field, message)};
}

std::string_view string_of(const doc::Node* node) {
  if (node == nullptr || !node->is_scalar() || node->is_null()) return {};
  return node->str();
}

std::string trim(std::string_view s) {
  size_t b = 0;
  size_t e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b])) != 0) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1])) != 0) --e;
  return std::string(s.substr(b, e - b));
}

std::string resolve_path(std::string_view file, std::string_view path) {
  std::filesystem::path p(path);
  if (p.is_absolute() || file.empty() || file == "-") return std::string(path);
  return (std::filesystem::path(file).parent_path() / p).lexically_normal().string();
}

// Finds the named entry of a kubeconfig list (clusters, users, contexts).
const doc::Node* named_entry(const doc::Node& root, std::string_view list, std::string_view name) {
  const doc::Node* items = root.get(list);
  if (items == nullptr || !items->is_sequence()) return nullptr;
  for (const auto& item : items->items()) {
    if (string_of(item.get("name")) == name) return &item;
  }
  return nullptr;
}

std::string names_of(const doc::Node& root, std::string_view list) {
  std::string out;
  const doc::Node* items = root.get(list);
  if (items == nullptr || !items->is_sequence()) return "none";
  for (const auto& item : items->items()) {
    if (!out.empty()) out += ", ";
    out += std::string(string_of(item.get("name")));
  }
  return out.empty() ? "none" : out;
}

// A PEM blob given inline (*-data, base64) or as a file path; never both.
Expected<std::string> pem_field(const doc::Node& section, const Where& where, std::string_view file_key,
                                std::string_view data_key, const FileReader& read) {
  const doc::Node* path_node = section.get(file_key);
  const doc::Node* data_node = section.get(data_key);
  std::string_view path = string_of(path_node);
  std::string_view data = string_of(data_node);
  if (!path.empty() && !data.empty()) {
    return field_error(where, data_node, data_key, fmt::format("both {} and {} are set; keep one", file_key, data_key));
  }
  if (!data.empty()) {
    auto decoded = util::base64_decode(data);
    if (!decoded) return field_error(where, data_node, data_key, "is not valid base64");
    return std::move(*decoded);
  }
  if (!path.empty()) {
    std::string resolved = resolve_path(where.file, path);
    auto content = read(resolved);
    if (!content) {
      return field_error(where, path_node, file_key, content.error().message, ErrorKind::Io);
    }
    return std::move(*content);
  }
  return std::string();
}

Expected<std::string> normalise_server(std::string_view server, const Where& where, const doc::Node* node) {
  if (server.empty()) return field_error(where, node, "server", "is missing");
  std::string s(server);
  if (s.starts_with("http://")) {
    return field_error(where, node, "server",
                       "plain http is refused: credentials would cross the network in clear; use https",
                       ErrorKind::Unsupported);
  }
  if (s.find("://") == std::string::npos) s = "https://" + s;  // kubectl accepts host:port
  if (!s.starts_with("https://")) {
    return field_error(where, node, "server", fmt::format("unsupported scheme in '{}'; use https", server),
                       ErrorKind::Unsupported);
  }
  while (s.size() > 8 && s.back() == '/') s.pop_back();
  return s;
}

Expected<Done> read_cluster(const doc::Node& entry, const Where& where, const FileReader& read, RestConfig& out) {
  const doc::Node* cluster = entry.get("cluster");
  if (cluster == nullptr || !cluster->is_mapping()) return field_error(where, &entry, "cluster", "is missing");
  Where inner{where.file, where.path + ".cluster"};
  const doc::Node* insecure = cluster->get("insecure-skip-tls-verify");
  out.insecure_skip_tls_verify =
      insecure != nullptr && (insecure->as_bool().value_or(false) || string_of(insecure) == "true");
  out.tls_server_name = std::string(string_of(cluster->get("tls-server-name")));
  auto server = normalise_server(string_of(cluster->get("server")), inner,
                                 cluster->get("server") != nullptr ? cluster->get("server") : cluster);
  if (!server) return server.error();
  out.server = std::move(*server);
  auto ca = pem_field(*cluster, inner, "certificate-authority", "certificate-authority-data", read);
  if (!ca) return ca.error();
  out.ca_pem = std::move(*ca);
  if (out.insecure_skip_tls_verify) {
    // As kubectl: a CA and the insecure flag contradict each other.
    if (!out.ca_pem.empty()) {
      return field_error(inner, insecure, "insecure-skip-tls-verify",
                         "is set together with a certificate authority; keep one");
    }
    out.notes.push_back(fmt::format(
        "warning: {}: insecure-skip-tls-verify is set: the API server's certificate is not checked, so anyone "
        "between here and {} can read the credentials; give certificate-authority-data instead",
        where.path, out.server));
  }
  return Done{};
}

// A user's exec entry, checked as client-go checks it.
Expected<ExecConfig> read_exec(const doc::Node& node, const Where& where) {
  if (!node.is_mapping()) return field_error(where, &node, "", "must be a mapping");
  ExecConfig exec;
  exec.api_version = std::string(string_of(node.get("apiVersion")));
  if (exec.api_version != "client.authentication.k8s.io/v1" &&
      exec.api_version != "client.authentication.k8s.io/v1beta1") {
    return field_error(where, node.get("apiVersion") != nullptr ? node.get("apiVersion") : &node, "apiVersion",
                       exec.api_version.empty()
                           ? std::string_view("is missing (client.authentication.k8s.io/v1 or v1beta1)")
                           : std::string_view("is not client.authentication.k8s.io/v1 or v1beta1 (v1alpha1 was "
                                              "removed from Kubernetes)"),
                       exec.api_version.empty() ? ErrorKind::Config : ErrorKind::Unsupported);
  }
  exec.command = std::string(string_of(node.get("command")));
  if (exec.command.empty()) return field_error(where, &node, "command", "is missing");
  // As client-go: a relative path with a slash is relative to the kubeconfig.
  if (exec.command.find('/') != std::string::npos) exec.command = resolve_path(where.file, exec.command);
  if (const doc::Node* args = node.get("args"); args != nullptr && !args->is_null()) {
    if (!args->is_sequence()) return field_error(where, args, "args", "must be a list of strings");
    for (const auto& a : args->items()) exec.args.emplace_back(string_of(&a));
  }
  if (const doc::Node* env = node.get("env"); env != nullptr && !env->is_null()) {
    if (!env->is_sequence()) return field_error(where, env, "env", "must be a list of {name, value}");
    for (const auto& e : env->items()) {
      std::string_view name = string_of(e.get("name"));
      if (name.empty() || name.find('=') != std::string_view::npos) {
        return field_error(where, &e, "env", "each entry needs a name without '='");
      }
      exec.env.emplace_back(std::string(name), std::string(string_of(e.get("value"))));
    }
  }
  exec.install_hint = std::string(string_of(node.get("installHint")));
  if (const doc::Node* info = node.get("provideClusterInfo"))
    exec.provide_cluster_info = info->as_bool().value_or(false);
  exec.interactive_mode = std::string(string_of(node.get("interactiveMode")));
  if (exec.interactive_mode.empty()) {
    if (exec.api_version.ends_with("/v1")) {
      return field_error(where, &node, "interactiveMode",
                         "is required by client.authentication.k8s.io/v1 (Never, "
                         "IfAvailable or Always)");
    }
    exec.interactive_mode = "IfAvailable";
  } else if (exec.interactive_mode != "Never" && exec.interactive_mode != "IfAvailable" &&
             exec.interactive_mode != "Always") {
    return field_error(where, node.get("interactiveMode"), "interactiveMode", "is not Never, IfAvailable or Always");
  }
  return exec;
}

Expected<Done> read_user(const doc::Node& entry, const Where& where, const FileReader& read, RestConfig& out) {
  const doc::Node* user = entry.get("user");
  if (user == nullptr || user->is_null()) return Done{};  // anonymous
  if (!user->is_mapping()) return field_error(where, user, "user", "must be a mapping");
  Where inner{where.file, where.path + ".user"};
  if (const doc::Node* n = user->get("auth-provider"); n != nullptr && !n->is_null()) {
    return field_error(inner, n, "auth-provider",
                       "auth-provider plugins were removed from kubectl (1.26) and are not supported; use the exec "
                       "plugin that replaced yours (kubelogin for OIDC and Azure, gke-gcloud-auth-plugin for GKE)",
                       ErrorKind::Unsupported);
  }
  if (const doc::Node* n = user->get("exec"); n != nullptr && !n->is_null()) {
    auto exec = read_exec(*n, Where{where.file, inner.path + ".exec"});
    if (!exec) return exec.error();
    out.exec = std::move(*exec);
  }
  for (std::string_view key : {"username", "password"}) {
    if (const doc::Node* n = user->get(key); n != nullptr && !string_of(n).empty()) {
      return field_error(inner, n, key, "basic authentication is not supported", ErrorKind::Unsupported);
    }
  }
  out.impersonate_user = std::string(string_of(user->get("as")));
  out.impersonate_uid = std::string(string_of(user->get("as-uid")));
  if (const doc::Node* groups = user->get("as-groups"); groups != nullptr && !groups->is_null()) {
    if (!groups->is_sequence()) return field_error(inner, groups, "as-groups", "must be a list of strings");
    for (const auto& g : groups->items()) out.impersonate_groups.emplace_back(string_of(&g));
  }
  if (const doc::Node* extra = user->get("as-user-extra"); extra != nullptr && !extra->is_null()) {
    if (!extra->is_mapping()) return field_error(inner, extra, "as-user-extra", "must map keys to lists of strings");
    for (const auto& e : extra->entries()) {
      if (!e.value.is_sequence()) return field_error(inner, &e.value, "as-user-extra", "values must be lists");
      for (const auto& v : e.value.items()) out.impersonate_extra.emplace_back(e.key, std::string(string_of(&v)));
    }
  }
  if (out.impersonate_user.empty() && (!out.impersonate_groups.empty() || !out.impersonate_uid.empty())) {
    return field_error(inner, user, "as", "is required when as-groups or as-uid is set (as kubectl requires)");
  }
  out.token = std::string(string_of(user->get("token")));
  if (out.token.empty()) {
    if (const doc::Node* token_file = user->get("tokenFile"); !string_of(token_file).empty()) {
      out.token_file = resolve_path(where.file, string_of(token_file));
      auto content = read(out.token_file);
      if (!content) return field_error(inner, token_file, "tokenFile", content.error().message, ErrorKind::Io);
      out.token = trim(*content);
      if (out.token.empty()) return field_error(inner, token_file, "tokenFile", "names an empty file");
    }
  }
  auto cert = pem_field(*user, inner, "client-certificate", "client-certificate-data", read);
  if (!cert) return cert.error();
  auto key = pem_field(*user, inner, "client-key", "client-key-data", read);
  if (!key) return key.error();
  if (cert->empty() != key->empty()) {
    return field_error(inner, user, cert->empty() ? "client-certificate" : "client-key",
                       "is missing: a client certificate needs both certificate and key");
  }
  out.client_cert_pem = std::move(*cert);
  out.client_key_pem = std::move(*key);
  return Done{};
}

}  // namespace

Expected<std::string> read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorKind::Io, fmt::format("cannot read {}: {}", path, std::strerror(errno))};
  std::ostringstream s;
  s << in.rdbuf();
  if (in.bad()) return Error{ErrorKind::Io, fmt::format("error reading {}", path)};
  return s.str();
}

Expected<RestConfig> parse_kubeconfig(std::string_view text, std::string_view file, std::string_view context,
                                      const FileReader& read) {
  std::optional<doc::Node> root;
  std::optional<doc::LoadError> load_error;
  doc::load_text(
      text, file,
      [&](doc::Document&& d) {
        if (!root) root = std::move(d.root);
      },
      [&](doc::LoadError&& e) {
        if (!load_error) load_error = std::move(e);
      });
  if (load_error) return Error{ErrorKind::Config, doc::format_error(*load_error)};
  if (!root || !root->is_mapping()) {
    return Error{ErrorKind::Config, fmt::format("{}: not a kubeconfig (expected a mapping with clusters, users and "
                                                "contexts)",
                                                file)};
  }
  Where top{file, ""};
  std::string context_name(context);
  if (context_name.empty()) {
    context_name = std::string(string_of(root->get("current-context")));
    if (context_name.empty()) {
      return field_error(
          top, root->get("current-context"), "current-context",
          fmt::format("is not set and no --context was given (contexts: {})", names_of(*root, "contexts")));
    }
  }
  const doc::Node* ctx_entry = named_entry(*root, "contexts", context_name);
  if (ctx_entry == nullptr) {
    return field_error(top, root->get("contexts"), "contexts",
                       fmt::format("no context named '{}' (contexts: {})", context_name, names_of(*root, "contexts")));
  }
  Where ctx_where{file, fmt::format("contexts[name={}].context", context_name)};
  const doc::Node* ctx = ctx_entry->get("context");
  if (ctx == nullptr || !ctx->is_mapping()) return field_error(ctx_where, ctx_entry, "", "is missing");

  RestConfig out;
  out.context = context_name;
  out.source = std::string(file);
  out.name_space = std::string(string_of(ctx->get("namespace")));

  std::string_view cluster_name = string_of(ctx->get("cluster"));
  if (cluster_name.empty()) return field_error(ctx_where, ctx, "cluster", "is missing");
  const doc::Node* cluster = named_entry(*root, "clusters", cluster_name);
  if (cluster == nullptr) {
    return field_error(
        ctx_where, ctx->get("cluster"), "cluster",
        fmt::format("names '{}', which is not in clusters ({})", cluster_name, names_of(*root, "clusters")));
  }
  if (auto r = read_cluster(*cluster, Where{file, fmt::format("clusters[name={}]", cluster_name)}, read, out); !r) {
    return r.error();
  }
  std::string_view user_name = string_of(ctx->get("user"));
  if (!user_name.empty()) {
    const doc::Node* user = named_entry(*root, "users", user_name);
    if (user == nullptr) {
      return field_error(ctx_where, ctx->get("user"), "user",
                         fmt::format("names '{}', which is not in users ({})", user_name, names_of(*root, "users")));
    }
    if (auto r = read_user(*user, Where{file, fmt::format("users[name={}]", user_name)}, read, out); !r) {
      return r.error();
    }
  }
  return out;
}

Expected<RestConfig> load_in_cluster(const InClusterSettings& settings, const FileReader& read) {
  if (settings.host.empty() || settings.port.empty()) {
    return Error{ErrorKind::Config,
                 "in-cluster: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must both be set (is this a pod?)"};
  }
  RestConfig out;
  out.context = "in-cluster";
  out.source = settings.token_file;
  bool ipv6 = settings.host.find(':') != std::string::npos;
  out.server = ipv6 ? fmt::format("https://[{}]:{}", settings.host, settings.port)
                    : fmt::format("https://{}:{}", settings.host, settings.port);
  auto token = read(settings.token_file);
  if (!token) return Error{ErrorKind::Io, fmt::format("in-cluster: service-account token: {}", token.error().message)};
  out.token = trim(*token);
  if (out.token.empty()) return Error{ErrorKind::Config, fmt::format("in-cluster: {} is empty", settings.token_file)};
  auto ca = read(settings.ca_file);
  if (!ca) return Error{ErrorKind::Io, fmt::format("in-cluster: CA certificate: {}", ca.error().message)};
  out.ca_pem = std::move(*ca);
  if (auto ns = read(settings.namespace_file)) out.name_space = trim(*ns);  // optional, as in client-go
  return out;
}

Environment Environment::from_process() {
  auto get = [](const char* name) {
    const char* v = std::getenv(name);
    return v == nullptr ? std::string() : std::string(v);
  };
  return Environment{get("KUBECONFIG"), get("HOME"), get("KUBERNETES_SERVICE_HOST"), get("KUBERNETES_SERVICE_PORT")};
}

namespace {

Expected<RestConfig> load_file(const std::string& path, std::string_view context, const FileReader& read) {
  auto text = read(path);
  if (!text) return Error{ErrorKind::Io, fmt::format("kubeconfig: {}", text.error().message)};
  return parse_kubeconfig(*text, path, context, read);
}

std::vector<std::string> split_list(std::string_view list) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= list.size()) {
    size_t colon = list.find(':', start);
    if (colon == std::string_view::npos) colon = list.size();
    if (colon > start) out.emplace_back(list.substr(start, colon - start));
    start = colon + 1;
  }
  return out;
}

Expected<RestConfig> resolve_source(const ConfigRequest& request, const Environment& env, const FileReader& read) {
  if (request.in_cluster) {
    InClusterSettings s = request.in_cluster_settings;
    if (s.host.empty()) s.host = env.service_host;
    if (s.port.empty()) s.port = env.service_port;
    return load_in_cluster(s, read);
  }
  if (!request.kubeconfig.empty()) return load_file(request.kubeconfig, request.context, read);
  if (!env.kubeconfig.empty()) {
    std::vector<std::string> files = split_list(env.kubeconfig);
    // kubectl skips KUBECONFIG entries that do not exist; so do we.
    for (size_t i = 0; i < files.size(); ++i) {
      std::error_code ec;
      if (!std::filesystem::exists(files[i], ec)) continue;
      auto config = load_file(files[i], request.context, read);
      if (config && files.size() > i + 1) {
        config->notes.push_back(
            fmt::format("KUBECONFIG lists {} files; only {} was read (kubeguard does not merge kubeconfig files)",
                        files.size(), files[i]));
      }
      return config;
    }
    return Error{ErrorKind::Config, fmt::format("KUBECONFIG names no file that exists ({})", env.kubeconfig)};
  }
  if (!env.home.empty()) {
    std::string path = env.home + "/.kube/config";
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) return load_file(path, request.context, read);
  }
  if (!env.service_host.empty()) {
    InClusterSettings s = request.in_cluster_settings;
    s.host = env.service_host;
    s.port = env.service_port;
    return load_in_cluster(s, read);
  }
  return Error{ErrorKind::Config,
               "no cluster configuration: pass --kubeconfig, set KUBECONFIG, create ~/.kube/config, or run in a pod"};
}

}  // namespace

Expected<RestConfig> resolve_config(const ConfigRequest& request, const Environment& env, const FileReader& read) {
  auto config = resolve_source(request, env, read);
  if (!config) return config;
  // --as and --as-group win over the kubeconfig's as and as-groups, as in kubectl.
  if (!request.impersonate_user.empty()) {
    config->impersonate_user = request.impersonate_user;
    config->impersonate_uid.clear();
    config->impersonate_groups.clear();
  }
  if (!request.impersonate_groups.empty()) {
    if (config->impersonate_user.empty()) {
      return Error{ErrorKind::Config, "--as-group needs --as (or the kubeconfig's as): a group alone names no user"};
    }
    config->impersonate_groups = request.impersonate_groups;
  }
  return config;
}

}  // namespace kg::cluster
