// The pieces of a SARIF result that carry policy rather than syntax: how a
// severity maps onto SARIF and GitHub code scanning, how a path becomes an
// artifact URI, and what identifies a finding across runs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "k8s/object.h"
#include "rules/finding.h"
#include "rules/rule.h"

namespace kg::report::sarif {

// "error", "warning" or "note".
std::string_view level(rules::Severity severity);

// GitHub's security-severity score: a decimal string in (0, 10] whose band
// (critical > 9.0, high 7.0-8.9, medium 4.0-6.9, low 0.1-3.9) matches ours.
std::string_view security_severity(rules::Severity severity);

// The base the relative URIs are resolved against; GitHub resolves it to the
// repository root.
inline constexpr std::string_view kSourceRoot = "%SRCROOT%";

struct ArtifactUri {
  std::string uri;
  bool relative = true;  // carries uriBaseId kSourceRoot when true
};

// A path as given on the command line, as a URI reference: percent-encoded,
// "./" prefixes dropped, absolute paths as file:// URIs.
ArtifactUri artifact_uri(std::string_view path);

// GitHub limits rule descriptions to 1024 characters: cut at a UTF-8
// boundary and end with "..." when longer than max_bytes.
std::string clip(std::string_view text, size_t max_bytes);

// "Kind/namespace/name", or "Kind/name" when the object has no namespace.
std::string object_key(const k8s::ObjectRef& ref);

}  // namespace kg::report::sarif
