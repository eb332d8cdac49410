// TCP and UDP sockets from /proc/net/{tcp,tcp6,udp,udp6}, and which process
// holds each (its /proc/PID/fd links name the socket's inode).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace kg::node {

enum class Protocol : uint8_t { Tcp, Udp };

struct Socket {
  Protocol protocol = Protocol::Tcp;
  std::string local_address;  // "127.0.0.1", "::1"
  uint16_t local_port = 0;
  std::string remote_address;
  uint16_t remote_port = 0;
  uint8_t state = 0;  // TCP state number (1 established, 2 syn-sent, 10 listen); 7 for an unconnected UDP socket
  uint32_t uid = 0;
  uint64_t inode = 0;

  bool established() const { return state == 1; }
  bool connecting() const { return state == 2; }
};

// Parses the text of one /proc/net table; lines it cannot read are skipped.
std::vector<Socket> parse_net_table(std::string_view text, Protocol protocol);

// Every socket of the four tables under `proc_root` (/proc/net is the
// reading process's network namespace: the host's with hostNetwork).
std::vector<Socket> read_sockets(std::string_view proc_root);

// Socket inode -> PID, from the fd links of the processes under `proc_root`.
// Only inodes in `wanted` are looked for; the walk stops when all are found.
std::map<uint64_t, int> socket_owners(std::string_view proc_root, const std::vector<uint64_t>& wanted);

// The inode of the socket behind /proc/PID/fd/N, or 0.
uint64_t fd_socket(std::string_view proc_root, int pid, int fd);

}  // namespace kg::node
