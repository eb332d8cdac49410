#include "pss/pod_fields.h"

#include <algorithm>
#include <unordered_set>

#include <fmt/format.h>

#include "k8s/object.h"

namespace kg::pss::detail {

const doc::Node* field(const doc::Node* parent, std::string_view key) {
  if (parent == nullptr) return nullptr;
  const doc::Node* child = parent->get(key);
  return child == nullptr || child->is_null() ? nullptr : child;
}

const doc::Node* security_context(const k8s::ContainerView& container) {
  return field(container.node, "securityContext");
}

const doc::Node* pod_security_context(const k8s::PodSpecView& pod) { return field(pod.spec, "securityContext"); }

bool is_true(const doc::Node* node) { return node != nullptr && node->as_bool().value_or(false); }

bool is_false(const doc::Node* node) { return node != nullptr && !node->as_bool().value_or(true); }

std::string_view text(const doc::Node* node) {
  if (node == nullptr || !node->is_scalar() || node->is_null()) return {};
  return node->str();
}

bool user_namespace_pod(const k8s::PodSpecView& pod) { return is_false(field(pod.spec, "hostUsers")); }

bool windows_pod(const k8s::PodSpecView& pod) { return text(pod.spec->find({"os", "name"})) == "windows"; }

std::vector<std::pair<std::string_view, const doc::Node*>> annotations(const k8s::PodSpecView& pod) {
  std::vector<std::pair<std::string_view, const doc::Node*>> out;
  const doc::Node* map = field(pod.metadata, "annotations");
  if (map == nullptr || !map->is_mapping()) return out;
  // From the end, keeping the first of each key seen (a set, not a look-up
  // per entry: a pod may carry thousands of annotations), then back in order.
  std::unordered_set<std::string_view> seen;
  auto entries = map->entries();
  for (size_t i = entries.size(); i-- > 0;) {
    if (seen.insert(entries[i].key).second) out.emplace_back(entries[i].key, &entries[i].value);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::string annotation_path(const k8s::PodSpecView& pod, std::string_view key) {
  return fmt::format("{}.annotations[\"{}\"]", pod.metadata_path, key);
}

std::string_view pluralize(std::string_view singular, std::string_view plural, size_t count) {
  return count == 1 ? singular : plural;
}

std::string join_quote(std::span<const std::string> items) {
  if (items.empty()) return {};
  std::string out = "\"";
  out.append(join(items, "\", \"")).append("\"");
  return out;
}

std::string join(std::span<const std::string> items, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

std::string go_quote(std::string_view text) {
  std::string out = "\"";
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += fmt::format("\\x{:02x}", c);
        } else {
          out += ch;
        }
    }
  }
  return out + "\"";
}

std::string setters(bool pod, std::span<const std::string> containers) {
  std::vector<std::string> parts;
  if (pod) parts.emplace_back("pod");
  if (!containers.empty()) {
    parts.push_back(
        fmt::format("{} {}", pluralize("container", "containers", containers.size()), join_quote(containers)));
  }
  return join(parts, " and ");
}

}  // namespace kg::pss::detail
