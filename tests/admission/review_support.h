// Builds AdmissionReview bodies from YAML objects, the way the API server
// sends them (JSON). Header-only: the test build compiles *_test.cc files.
#pragma once

#include <optional>
#include <sstream>
#include <string>
#include <string_view>

#include "doc/source.h"
#include "util/json_writer.h"

namespace kg::testing {

inline void write_node_json(util::JsonWriter& w, const doc::Node& node) {
  switch (node.kind()) {
    case doc::NodeKind::Null: w.null(); return;
    case doc::NodeKind::Sequence:
      w.begin_array();
      for (const auto& item : node.items()) write_node_json(w, item);
      w.end_array();
      return;
    case doc::NodeKind::Mapping:
      w.begin_object();
      for (const auto& e : node.entries()) {
        w.key(e.key);
        write_node_json(w, e.value);
      }
      w.end_object();
      return;
    case doc::NodeKind::Scalar: break;
  }
  switch (node.scalar_type()) {
    case doc::ScalarType::Null: w.null(); return;
    case doc::ScalarType::Bool: w.value(node.as_bool().value_or(false)); return;
    case doc::ScalarType::Int:
      if (auto n = node.as_int()) {
        w.value(*n);
        return;
      }
      break;
    default: break;
  }
  w.value(node.str());
}

// The first document of YAML text as compact JSON.
inline std::string yaml_to_json(std::string_view yaml) {
  std::optional<doc::Node> root;
  doc::load_text(
      yaml, "test.yaml",
      [&](doc::Document&& d) {
        if (!root) root = std::move(d.root);
      },
      [](doc::LoadError&&) {});
  std::ostringstream out;
  util::JsonWriter w(out, false);
  if (root) write_node_json(w, *root);
  else w.null();
  return out.str();
}

// The policy the injection tests run the webhook with: the default threshold,
// without the three posture rules that the corpus applications (istio and
// linkerd samples, written without hardening) and init-container injection
// (istio-init, linkerd-init need NET_ADMIN and NET_RAW and run as root) break
// anyway. Everything about injection itself stays on.
inline constexpr std::string_view kInjectionPolicy =
    "failOn: high\ndisabledRules: [KG-POD-002, KG-POD-003, KG-POD-005]\n";

struct ReviewSpec {
  std::string api_version = "admission.k8s.io/v1";
  std::string uid = "705ab4f5-6393-11e8-b7cc-42010a800002";
  std::string group;
  std::string version = "v1";
  std::string kind = "Pod";
  std::string resource = "pods";
  std::string sub_resource;
  std::string operation = "CREATE";
  std::string name_space = "shop";
  std::string name = "web";
  std::string username = "system:serviceaccount:shop:ci";
  std::string object_yaml;  // "" leaves object out
  std::string old_yaml;     // "" leaves oldObject out
  std::string object_json;  // when set, used instead of object_yaml
  std::string old_json;     // when set, used instead of old_yaml
};

inline std::string node_json(const doc::Node& node) {
  std::ostringstream out;
  util::JsonWriter w(out, false);
  write_node_json(w, node);
  return out.str();
}

inline std::string review_json(const ReviewSpec& s) {
  std::string out = "{\"apiVersion\":\"" + s.api_version + "\",\"kind\":\"AdmissionReview\",\"request\":{";
  out += "\"uid\":\"" + s.uid + "\",";
  out += "\"kind\":{\"group\":\"" + s.group + "\",\"version\":\"" + s.version + "\",\"kind\":\"" + s.kind + "\"},";
  out += "\"resource\":{\"group\":\"" + s.group + "\",\"version\":\"" + s.version + "\",\"resource\":\"" + s.resource +
         "\"},";
  if (!s.sub_resource.empty()) out += "\"subResource\":\"" + s.sub_resource + "\",";
  out += "\"operation\":\"" + s.operation + "\",\"namespace\":\"" + s.name_space + "\",\"name\":\"" + s.name + "\",";
  out += "\"userInfo\":{\"username\":\"" + s.username + "\",\"groups\":[\"system:authenticated\"]},";
  if (!s.object_json.empty()) out += "\"object\":" + s.object_json + ",";
  else if (!s.object_yaml.empty()) out += "\"object\":" + yaml_to_json(s.object_yaml) + ",";
  if (!s.old_json.empty()) out += "\"oldObject\":" + s.old_json + ",";
  else if (!s.old_yaml.empty()) out += "\"oldObject\":" + yaml_to_json(s.old_yaml) + ",";
  out += "\"dryRun\":false}}";
  return out;
}

}  // namespace kg::testing
