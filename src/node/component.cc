#include "node/component.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace kg::node {
namespace {

// Boolean flags of the components whose values the rules read: pflag never
// takes the next argument as their value ("--profiling false" is true plus a
// stray argument), so neither do we.
constexpr auto kBoolFlags = std::to_array<std::string_view>({
    "allow-privileged",
    "anonymous-auth",
    "authentication-token-webhook",
    "auto-tls",
    "client-cert-auth",
    "enable-debugging-handlers",
    "enable-server",
    "experimental-initial-corrupt-check",
    "leader-elect",
    "make-iptables-util-chains",
    "peer-auto-tls",
    "peer-client-cert-auth",
    "profiling",
    "protect-kernel-defaults",
    "rotate-certificates",
    "rotate-server-certificates",
    "service-account-lookup",
    "strict-reconfig-check",
    "unsafe-no-fsync",
    "use-service-account-credentials",
    "v",
});

bool is_bool_flag(std::string_view name) {
  return std::find(kBoolFlags.begin(), kBoolFlags.end(), name) != kBoolFlags.end();
}

std::string_view base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string_view component_name(ComponentKind kind) {
  switch (kind) {
    case ComponentKind::ApiServer: return "kube-apiserver";
    case ComponentKind::ControllerManager: return "kube-controller-manager";
    case ComponentKind::Scheduler: return "kube-scheduler";
    case ComponentKind::Etcd: return "etcd";
    case ComponentKind::Kubelet: return "kubelet";
  }
  return "unknown";
}

std::optional<ComponentKind> component_of_program(std::string_view argv0) {
  std::string_view name = base_name(argv0);
  for (auto kind : {ComponentKind::ApiServer, ComponentKind::ControllerManager, ComponentKind::Scheduler,
                    ComponentKind::Etcd, ComponentKind::Kubelet}) {
    if (name == component_name(kind)) return kind;
  }
  return std::nullopt;
}

std::vector<Flag> parse_flags(std::span<const Argument> args) {
  std::vector<Flag> out;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view text = args[i].text;
    if (text == "--") break;  // everything after is positional
    if (text.size() < 2 || text[0] != '-') continue;
    text.remove_prefix(text[1] == '-' ? 2 : 1);
    Flag f;
    f.where = args[i].where;
    if (size_t eq = text.find('='); eq != std::string_view::npos) {
      f.name = std::string(text.substr(0, eq));
      f.value = std::string(text.substr(eq + 1));
    } else {
      f.name = std::string(text);
      if (!is_bool_flag(f.name) && i + 1 < args.size() && !args[i + 1].text.starts_with("-")) {
        f.value = args[++i].text;
      } else {
        f.value = "true";
      }
    }
    if (!f.name.empty()) out.push_back(std::move(f));
  }
  return out;
}

const doc::Node* ConfigFile::find(std::string_view dotted) const {
  const doc::Node* node = root;
  while (node != nullptr && !dotted.empty()) {
    size_t dot = dotted.find('.');
    node = node->get(dotted.substr(0, dot));
    dotted = dot == std::string_view::npos ? std::string_view{} : dotted.substr(dot + 1);
  }
  return node;
}

Where ConfigFile::where(std::string_view dotted) const {
  const doc::Node* node = find(dotted);
  Where w;
  w.file = path;
  w.path = std::string(dotted);
  w.node = node;
  if (node != nullptr) w.mark = node->mark();
  return w;
}

const Flag* Component::flag(std::string_view name) const {
  for (size_t i = flags.size(); i-- > 0;) {
    if (flags[i].name == name) return &flags[i];
  }
  for (size_t i = environment.size(); i-- > 0;) {
    if (environment[i].name == name) return &environment[i];
  }
  return nullptr;
}

std::string etcd_flag_of_variable(std::string_view variable) {
  constexpr std::string_view kPrefix = "ETCD_";
  if (!variable.starts_with(kPrefix) || variable.size() == kPrefix.size()) return {};
  std::string out;
  for (char c : variable.substr(kPrefix.size())) {
    out += c == '_' ? '-' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::optional<Component> component_of_container(const k8s::Object& pod, const doc::Node& container,
                                                std::string container_path) {
  std::vector<Argument> args;
  auto add = [&](const doc::Node* list, std::string_view field) {
    if (list == nullptr || !list->is_sequence()) return;
    size_t i = 0;
    for (const auto& item : list->items()) {
      Where w;
      w.file = std::string(pod.file);
      w.mark = item.mark();
      w.path = pod.path_prefix + container_path + "." + std::string(field) + "[" + std::to_string(i++) + "]";
      w.node = &item;
      args.push_back(Argument{std::string(item.str()), std::move(w)});
    }
  };
  add(container.get("command"), "command");
  add(container.get("args"), "args");
  if (args.empty()) return std::nullopt;
  auto kind = component_of_program(args.front().text);
  if (!kind) return std::nullopt;
  Component c;
  c.kind = *kind;
  c.origin = args.front().where;
  c.ref = pod.ref;
  c.flags = parse_flags(std::span(args).subspan(1));
  if (const doc::Node* env = container.get("env");
      c.kind == ComponentKind::Etcd && env != nullptr && env->is_sequence()) {
    size_t i = 0;
    for (const auto& e : env->items()) {
      std::string name = etcd_flag_of_variable(k8s::string_at(&e, "name"));
      const doc::Node* value = e.get("value");
      if (!name.empty() && value != nullptr && value->is_scalar()) {
        Where w;
        w.file = std::string(pod.file);
        w.mark = value->mark();
        w.path = pod.path_prefix + container_path + ".env[" + std::to_string(i) + "].value";
        w.node = value;
        c.environment.push_back(Flag{std::move(name), std::string(value->str()), std::move(w)});
      }
      ++i;
    }
  }
  return c;
}

}  // namespace kg::node
