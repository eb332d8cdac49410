// kubectl's type check of an object's metadata. Before it sends a document,
// kubectl (cli-runtime's metadataValidatingDecoder) decodes it into
// TypeMeta and ObjectMeta: `name: 123`, `namespace: n` (a boolean in YAML
// 1.1), labels with a number, `metadata: []` or a creationTimestamp that is
// not RFC 3339 make it refuse the whole document, while the rest of an object
// is sent as written. kubeguard refuses the same documents (docs/YAML.md).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "doc/node.h"

namespace kg::doc {

struct MetaTypeError {
  Mark mark;            // the offending value
  std::string message;  // e.g. "metadata.name: a number where kubectl needs a string"
};

// The first field of the document's `apiVersion`, `kind` or `metadata`
// (keys matched exactly, the later of duplicate keys counting) that does not
// decode into its Go type; nullopt when kubectl accepts them all. Applies to
// a document as read, not to the items of a list (kubectl checks those
// nowhere).
std::optional<MetaTypeError> check_meta_types(const Node& document);

// time.Parse(time.RFC3339, text) succeeds (Go's parser, lenient where it
// is: a one-digit hour, a comma before the fraction, offsets up to 24:60).
bool go_parses_rfc3339(std::string_view text);

}  // namespace kg::doc
