// Stratum on the wire: a packet socket (AF_PACKET, CAP_NET_RAW) that reads
// the first bytes of TCP payloads on every interface of this network
// namespace and keeps those that carry the mining protocol's JSON-RPC methods
// (mining.subscribe, mining.authorize, mining.submit, or XMRig's login).
// With hostNetwork it sees pods' traffic on their veth ends and the node's
// own interfaces; it cannot see loopback traffic inside a pod's namespace.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace kg::node {

struct StratumPacket {
  std::string source_address;  // the sender: the miner's end when it speaks first
  uint16_t source_port = 0;
  std::string destination_address;
  uint16_t destination_port = 0;
  std::string method;  // "mining.subscribe", ...
};

// The stratum method a TCP payload opens with, or "".
std::string stratum_method(std::string_view payload);

class StratumSniffer {
 public:
  StratumSniffer() = default;
  ~StratumSniffer();
  StratumSniffer(const StratumSniffer&) = delete;
  StratumSniffer& operator=(const StratumSniffer&) = delete;

  bool open(std::string* error);
  bool is_open() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  // Stratum packets received since the last call, without blocking; at most
  // `max_packets` packets are read per call so a busy node cannot starve the rest.
  std::vector<StratumPacket> drain(size_t max_packets = 4096);

 private:
  int fd_ = -1;
};

// Parses one IPv4 or IPv6 packet (no link header); fills `out` and returns
// true when it is TCP with a stratum payload.
bool parse_stratum_packet(std::string_view packet, StratumPacket& out);

}  // namespace kg::node
