// The AdmissionReview the webhook answers with, in the version it was asked
// in, carrying the request's uid.
#pragma once

#include <string>
#include <string_view>

#include "admission/decision.h"

namespace kg::admission {

std::string write_response(std::string_view api_version, std::string_view uid, const Decision& decision);

}  // namespace kg::admission
