// What the node front reads from outside: packets off the wire (the stratum
// sniffer reads every TCP packet of the node), /proc/PID/cgroup paths (named
// by runtimes after IDs that may come from anywhere), /proc/net tables and
// command lines. The first byte picks the parser; nothing may crash, hang or
// read out of bounds.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "node/cgroup.h"
#include "node/component.h"
#include "node/net.h"
#include "node/stratum_sniffer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 5) {
    case 0: {
      kg::node::StratumPacket packet;
      kg::node::parse_stratum_packet(text, packet);
      break;
    }
    case 1: kg::node::container_of_cgroup(text); break;
    case 2: kg::node::parse_net_table(text, kg::node::Protocol::Tcp); break;
    case 3: kg::node::stratum_method(text); break;
    default: {
      std::vector<kg::node::Argument> args;
      size_t start = 0;
      for (size_t i = 0; i <= text.size(); ++i) {
        if (i == text.size() || text[i] == '\0') {
          args.push_back({std::string(text.substr(start, i - start)), {}});
          start = i + 1;
        }
      }
      kg::node::parse_flags(args);
      break;
    }
  }
  return 0;
}
