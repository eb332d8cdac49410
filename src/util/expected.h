// Errors of a client (the Kubernetes API, a registry) as values: nothing
// thrown crosses the boundary, and no message ever carries a token, key or secret.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace kg::util {

enum class ErrorKind : uint8_t {
  Config,        // kubeconfig or in-cluster settings missing or invalid
  Unsupported,   // a setting we refuse (insecure TLS, exec plugins, plain http)
  Io,            // a referenced file (CA, key, token file) could not be read
  Network,       // connection, TLS handshake or timeout
  Http,          // the API server answered with an unexpected status
  Unauthorized,  // 401
  Forbidden,     // 403
  NotFound,      // 404
  Gone,          // 410: resourceVersion or continue token too old; list again
  Decode,        // the body was not the JSON we expected
  Cancelled,     // the caller asked to stop
};

std::string_view error_kind_name(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::Config;
  std::string message;
  long http_status = 0;  // 0 when no HTTP answer was received
};

// Value or error; checked once by the caller (C++20 has no std::expected).
template <class T>
class Expected {
 public:
  Expected(T value) : state_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Expected(Error error) : state_(std::move(error)) {}  // NOLINT(google-explicit-constructor)

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() { return std::get<0>(state_); }
  const T& value() const { return std::get<0>(state_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

struct Done {};  // the value of an operation that only succeeds or fails

}  // namespace kg::util
