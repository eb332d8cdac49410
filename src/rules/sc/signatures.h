// Signatures of miners, reverse shells and API-server abuse in what a
// container runs: its image, command, args and lifecycle hooks.
#pragma once

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
  std::string path;
  const doc::Node* node;
};
std::vector<ExecutedText> executed_text(const k8s::ContainerView& c);

std::vector<SignatureHit> find_signatures(const k8s::ContainerView& c);

}  // namespace kg::rules::sc
