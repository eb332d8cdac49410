// The RT family: what `kubeguard node watch` sees happen on a node, process
// by process and connection by connection. Their logic lives in src/node
// (it reads /proc and the kernel's process events, not objects); the catalog
// holds their metadata for `kubeguard rules`, docs/rules.md, SARIF and
// configuration.
#pragma once

#include <cstdint>

#include "rules/catalog.h"

namespace kg::rules::rt {

enum class RtRule : uint8_t {
  MinerProcess,        // KG-RT-001
  ReverseShell,        // KG-RT-002
  PoolPortConnection,  // KG-RT-003
  StratumTraffic,      // KG-RT-004
  ShellInContainer,    // KG-RT-005
  SidecarProcess,      // KG-RT-006
  ApiServerWithToken,  // KG-RT-007
};

inline constexpr RtRule kAllRtRules[] = {
    RtRule::MinerProcess,     RtRule::ReverseShell,   RtRule::PoolPortConnection, RtRule::StratumTraffic,
    RtRule::ShellInContainer, RtRule::SidecarProcess, RtRule::ApiServerWithToken,
};

const RuleMeta& meta(RtRule rule);

}  // namespace kg::rules::rt
