#include "node/stratum_sniffer.h"

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

namespace kg::node {
namespace {

// Enough for IP and TCP headers with options and the start of the payload,
// where the method name sits.
constexpr size_t kSnap = 512;

uint16_t be16(std::string_view p, size_t at) {
  return static_cast<uint16_t>((static_cast<uint8_t>(p[at]) << 8) | static_cast<uint8_t>(p[at + 1]));
}

std::string address_text(int family, const char* bytes) {
  std::array<char, INET6_ADDRSTRLEN> buf{};
  if (inet_ntop(family, bytes, buf.data(), buf.size()) == nullptr) return {};
  return buf.data();
}

}  // namespace

std::string stratum_method(std::string_view payload) {
  if (payload.empty() || payload.front() != '{') return {};
  for (std::string_view m : {"mining.subscribe", "mining.authorize", "mining.submit", "mining.extranonce.subscribe"}) {
    if (payload.find(m) != std::string_view::npos) return std::string(m);
  }
  // XMRig's pools speak JSON-RPC "login" with the miner's agent string.
  if (payload.find("\"login\"") != std::string_view::npos && payload.find("\"agent\"") != std::string_view::npos &&
      payload.find("\"method\"") != std::string_view::npos) {
    return "login";
  }
  return {};
}

bool parse_stratum_packet(std::string_view packet, StratumPacket& out) {
  if (packet.empty()) return false;
  unsigned version = static_cast<uint8_t>(packet[0]) >> 4;
  size_t ip_header = 0;
  size_t total = packet.size();
  if (version == 4) {
    if (packet.size() < 20 || static_cast<uint8_t>(packet[9]) != IPPROTO_TCP) return false;
    ip_header = (static_cast<uint8_t>(packet[0]) & 0x0f) * 4u;
    total = std::min<size_t>(packet.size(), be16(packet, 2));
    if (ip_header < 20) return false;
    out.source_address = address_text(AF_INET, packet.data() + 12);
    out.destination_address = address_text(AF_INET, packet.data() + 16);
  } else if (version == 6) {
    // Extension headers are not followed: stratum over IPv6 with them is missed.
    if (packet.size() < 40 || static_cast<uint8_t>(packet[6]) != IPPROTO_TCP) return false;
    ip_header = 40;
    total = std::min<size_t>(packet.size(), 40u + be16(packet, 4));
    out.source_address = address_text(AF_INET6, packet.data() + 8);
    out.destination_address = address_text(AF_INET6, packet.data() + 24);
  } else {
    return false;
  }
  if (total < ip_header + 20) return false;
  std::string_view tcp = packet.substr(ip_header, total - ip_header);
  size_t tcp_header = (static_cast<uint8_t>(tcp[12]) >> 4) * 4u;
  if (tcp_header < 20 || tcp.size() <= tcp_header) return false;
  out.source_port = be16(tcp, 0);
  out.destination_port = be16(tcp, 2);
  out.method = stratum_method(tcp.substr(tcp_header));
  return !out.method.empty();
}

StratumSniffer::~StratumSniffer() {
  if (fd_ >= 0) ::close(fd_);
}

bool StratumSniffer::open(std::string* error) {
  int fd = ::socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ALL));
  if (fd < 0) {
    *error = std::string("packet socket: ") + std::strerror(errno);
    return false;
  }
  fd_ = fd;
  return true;
}

std::vector<StratumPacket> StratumSniffer::drain(size_t max_packets) {
  std::vector<StratumPacket> out;
  if (fd_ < 0) return out;
  std::array<char, kSnap> buf{};
  for (size_t i = 0; i < max_packets; ++i) {
    sockaddr_ll from{};
    socklen_t from_len = sizeof from;
    ssize_t n = ::recvfrom(fd_, buf.data(), buf.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &from_len);
    if (n <= 0) break;
    // Loopback shows each packet twice (outgoing and incoming): keep one.
    if (from.sll_pkttype == PACKET_OUTGOING) continue;
    uint16_t proto = ntohs(from.sll_protocol);
    if (proto != ETH_P_IP && proto != ETH_P_IPV6) continue;
    StratumPacket p;
    if (parse_stratum_packet(std::string_view(buf.data(), static_cast<size_t>(n)), p)) out.push_back(std::move(p));
  }
  return out;
}

}  // namespace kg::node
