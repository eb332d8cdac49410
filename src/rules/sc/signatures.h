// Signatures of miners, reverse shells and API-server abuse in what a
// container runs: its image, command, args and lifecycle hooks.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "k8s/pod_spec.h"

namespace kg::rules::sc {

enum class SignatureKind : uint8_t { Miner, ReverseShell, ApiServerWithToken };

struct SignatureHit {
  SignatureKind kind;
  std::string evidence;  // the matched fragment, shortened
  std::string path;      // field where it was found
  const doc::Node* node;
};

// Everything a container will execute, each with its field path.
struct ExecutedText {
  std::string text;
  std::string_view field;  // path below the container, e.g. ".args"
  const doc::Node* node;
};
std::vector<ExecutedText> executed_text(const k8s::ContainerView& c);

// The first signature of `kind` in the container (image first, then each
// executed text in field order), or nullopt.
std::optional<SignatureHit> find_signature(const k8s::ContainerView& c, SignatureKind kind);

// The same signatures in a running process (`kubeguard node watch`): miner
// names are matched against the program's own name only (so `grep xmrig` is
// not a miner), markers, pool hosts and patterns against the whole command
// line. The matched fragment, shortened, or nullopt.
std::optional<std::string> find_process_signature(std::string_view program, std::string_view command_line,
                                                  SignatureKind kind);

}  // namespace kg::rules::sc
