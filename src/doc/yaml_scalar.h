// YAML scalars resolved the way kubectl resolves them: sigs.k8s.io/yaml
// decodes each document with go-yaml v2 (YAML 1.1 rules) into Go values,
// turns map keys into strings, marshals the result to JSON, and the client
// reads that JSON back (integers kept as int64, every other number a
// float64). These functions reproduce each of those steps so the document
// model holds what the API server will receive. docs/YAML.md lists the rules.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace kg::doc {

// A scalar as go-yaml v2 decodes it into an interface{} value.
struct GoScalar {
  enum class Kind : uint8_t { Null, Bool, Int, Uint, Float, String };
  Kind kind = Kind::Null;
  bool boolean = false;
  int64_t integer = 0;
  uint64_t unsigned_integer = 0;
  double real = 0;
  // For String: true when `text` holds a value that differs from the
  // scalar as written (the bytes of a !!binary scalar).
  bool replaced = false;
  std::string text;
};

// Resolves one scalar event. `tag` is the event's tag ("" when none),
// `plain_implicit` libyaml's flag (a plain scalar without a tag, or the
// non-specific tag "!"). Returns an error message where go-yaml fails the
// document (a tag the value does not fit, invalid base64 in !!binary).
std::optional<std::string> resolve_go_scalar(std::string_view tag, std::string_view value, bool plain_implicit,
                                             GoScalar& out);

// True when a plain scalar with this text resolves to something other than a
// string (what a YAML writer must quote).
bool plain_scalar_is_string(std::string_view text);

// strconv.FormatFloat(f, 'g', -1, 32) with go-yaml's names for infinities
// and NaN: how sigs.k8s.io/yaml turns a float map key into a string.
std::string go_float_key(double value);

// encoding/json's text for a finite float64.
std::string go_json_float(double value);

// True when a JSON number text reads back as an int64 (no '.', no exponent
// and within range), as the Kubernetes client's JSON decoder does.
bool json_number_is_int(std::string_view text);

}  // namespace kg::doc
