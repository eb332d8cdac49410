// Alerts as JSON lines (one object per line, for a SIEM) or as readable text.
#pragma once

#include <ostream>

#include "audit/alert.h"

namespace kg::audit {

// {"rule","severity","title","message","time","user","groups","impersonatedUser",
//  "sourceIPs","userAgent","verb","objectRef":{...},"auditID","responseCode",
//  "decision","evidence":{key: value...},"relatedAuditIDs","source"} and a newline.
void write_alert_json(std::ostream& out, const Alert& alert, std::string_view title);

// "TIME SEVERITY RULE user verb object: message" then indented evidence lines.
void write_alert_text(std::ostream& out, const Alert& alert, std::string_view title, bool color);

}  // namespace kg::audit
