// Reading a pod the way upstream's typed Go structs see it, and the wording
// helpers its messages use. Shared by the checks in src/pss/checks.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "doc/node.h"
#include "k8s/pod_spec.h"

namespace kg::pss::detail {

// A pointer field: absent and explicit null both decode to nil in Go.
const doc::Node* field(const doc::Node* parent, std::string_view key);
const doc::Node* security_context(const k8s::ContainerView& container);
const doc::Node* pod_security_context(const k8s::PodSpecView& pod);

// A bool field set to true (a non-bool value never decodes to true).
bool is_true(const doc::Node* node);
// A bool field explicitly set to false.
bool is_false(const doc::Node* node);
// A string field's value; "" when absent, null or not a scalar.
std::string_view text(const doc::Node* node);

// spec.hostUsers: false, the user-namespace relaxation trigger (KEP-127).
bool user_namespace_pod(const k8s::PodSpecView& pod);
// spec.os.name: windows, exempted from some restricted checks since v1.25.
bool windows_pod(const k8s::PodSpecView& pod);

// The pod's annotations as a Go map holds them: a later duplicate key wins.
std::vector<std::pair<std::string_view, const doc::Node*>> annotations(const k8s::PodSpecView& pod);
std::string annotation_path(const k8s::PodSpecView& pod, std::string_view key);

std::string_view pluralize(std::string_view singular, std::string_view plural, size_t count);
// "a", "b" -> "\"a\", \"b\"" (no escaping, as upstream's joinQuote).
std::string join_quote(std::span<const std::string> items);
std::string join(std::span<const std::string> items, std::string_view separator);
// Go's %q for the printable ASCII and control characters manifests carry.
std::string go_quote(std::string_view text);

// "pod and containers \"a\", \"b\"" style lists of who set a bad value.
std::string setters(bool pod, std::span<const std::string> containers);

}  // namespace kg::pss::detail
