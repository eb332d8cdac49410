#include "admission/response.h"

#include <sstream>

#include "util/json_writer.h"

namespace kg::admission {

std::string write_response(std::string_view api_version, std::string_view uid, const Decision& decision) {
  std::ostringstream out;
  util::JsonWriter w(out, false);
  w.begin_object();
  w.field("apiVersion", api_version).field("kind", "AdmissionReview");
  w.key("response").begin_object();
  w.field("uid", uid).field("allowed", decision.allowed());
  if (!decision.allowed()) {
    w.key("status").begin_object();
    w.field("status", "Failure").field("code", 403).field("reason", "Forbidden").field("message", decision.message);
    w.end_object();
  }
  if (!decision.warnings.empty()) {
    w.key("warnings").begin_array();
    for (const auto& warning : decision.warnings) w.value(warning);
    w.end_array();
  }
  if (!decision.audit_annotations.empty()) {
    w.key("auditAnnotations").begin_object();
    for (const auto& [key, value] : decision.audit_annotations) w.field(key, std::string_view(value));
    w.end_object();
  }
  w.end_object();
  w.end_object();
  return out.str();
}

}  // namespace kg::admission
