#include "util/expected.h"

namespace kg::util {

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::Config: return "config";
    case ErrorKind::Unsupported: return "unsupported";
    case ErrorKind::Io: return "io";
    case ErrorKind::Network: return "network";
    case ErrorKind::Http: return "http";
    case ErrorKind::Unauthorized: return "unauthorized";
    case ErrorKind::Forbidden: return "forbidden";
    case ErrorKind::NotFound: return "not-found";
    case ErrorKind::Gone: return "gone";
    case ErrorKind::Decode: return "decode";
    case ErrorKind::Cancelled: return "cancelled";
  }
  return "unknown";
}

}  // namespace kg::util
