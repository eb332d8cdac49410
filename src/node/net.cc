#include "node/net.h"

#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <memory>
#include <set>

#include <arpa/inet.h>

#include "node/proc.h"

namespace kg::node {
namespace {

bool hex_value(std::string_view text, uint64_t& out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, 16);
  return ec == std::errc{} && end == text.data() + text.size();
}

// "0100007F:1F90": the address as the kernel's 32-bit words in host byte
// order, then the port.
bool parse_endpoint(std::string_view text, std::string& address, uint16_t& port) {
  size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view hex = text.substr(0, colon);
  uint64_t p = 0;
  if (!hex_value(text.substr(colon + 1), p) || p > 0xffff) return false;
  port = static_cast<uint16_t>(p);
  if (hex.size() != 8 && hex.size() != 32) return false;
  std::array<uint32_t, 4> words{};
  for (size_t i = 0; i < hex.size() / 8; ++i) {
    uint64_t w = 0;
    if (!hex_value(hex.substr(i * 8, 8), w)) return false;
    words[i] = static_cast<uint32_t>(w);  // already in network order in memory on this host
  }
  std::array<char, INET6_ADDRSTRLEN> buf{};
  if (hex.size() == 8) {
    in_addr a{};
    a.s_addr = words[0];
    if (inet_ntop(AF_INET, &a, buf.data(), buf.size()) == nullptr) return false;
  } else {
    in6_addr a{};
    std::copy_n(reinterpret_cast<const unsigned char*>(words.data()), 16, a.s6_addr);
    if (inet_ntop(AF_INET6, &a, buf.data(), buf.size()) == nullptr) return false;
  }
  address = buf.data();
  return true;
}

std::vector<std::string_view> fields_of(std::string_view line) {
  std::vector<std::string_view> out;
  while (!line.empty()) {
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (line.empty()) break;
    size_t sp = line.find(' ');
    out.push_back(line.substr(0, sp));
    if (sp == std::string_view::npos) break;
    line.remove_prefix(sp);
  }
  return out;
}

}  // namespace

std::vector<Socket> parse_net_table(std::string_view text, Protocol protocol) {
  std::vector<Socket> out;
  bool header = true;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (header) {
      header = false;
      continue;
    }
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
    auto f = fields_of(line);
    if (f.size() < 10) continue;
    Socket s;
    s.protocol = protocol;
    uint64_t state = 0;
    uint64_t uid = 0;
    if (!parse_endpoint(f[1], s.local_address, s.local_port) ||
        !parse_endpoint(f[2], s.remote_address, s.remote_port) || !hex_value(f[3], state)) {
      continue;
    }
    auto [e1, ec1] = std::from_chars(f[7].data(), f[7].data() + f[7].size(), uid);
    auto [e2, ec2] = std::from_chars(f[9].data(), f[9].data() + f[9].size(), s.inode);
    if (ec1 != std::errc{} || ec2 != std::errc{}) continue;
    s.state = static_cast<uint8_t>(state);
    s.uid = static_cast<uint32_t>(uid);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<Socket> read_sockets(std::string_view proc_root) {
  std::vector<Socket> out;
  struct Table {
    std::string_view name;
    Protocol protocol;
  };
  for (Table t : {Table{"tcp", Protocol::Tcp}, Table{"tcp6", Protocol::Tcp}, Table{"udp", Protocol::Udp},
                  Table{"udp6", Protocol::Udp}}) {
    auto text = read_bounded(std::string(proc_root) + "/net/" + std::string(t.name), 16u << 20);
    if (!text) continue;
    auto sockets = parse_net_table(*text, t.protocol);
    out.insert(out.end(), std::make_move_iterator(sockets.begin()), std::make_move_iterator(sockets.end()));
  }
  return out;
}

uint64_t fd_socket(std::string_view proc_root, int pid, int fd) {
  std::string path = std::string(proc_root) + "/" + std::to_string(pid) + "/fd/" + std::to_string(fd);
  std::array<char, 64> buf{};
  ssize_t n = ::readlink(path.c_str(), buf.data(), buf.size() - 1);
  if (n <= 0) return 0;
  std::string_view link(buf.data(), static_cast<size_t>(n));
  constexpr std::string_view kPrefix = "socket:[";
  if (!link.starts_with(kPrefix) || !link.ends_with("]")) return 0;
  uint64_t inode = 0;
  link = link.substr(kPrefix.size(), link.size() - kPrefix.size() - 1);
  std::from_chars(link.data(), link.data() + link.size(), inode);
  return inode;
}

std::map<uint64_t, int> socket_owners(std::string_view proc_root, const std::vector<uint64_t>& wanted) {
  std::map<uint64_t, int> out;
  std::set<uint64_t> open(wanted.begin(), wanted.end());
  open.erase(0);
  if (open.empty()) return out;
  for (int pid : list_pids(proc_root)) {
    std::string dir = std::string(proc_root) + "/" + std::to_string(pid) + "/fd";
    std::unique_ptr<DIR, int (*)(DIR*)> d(::opendir(dir.c_str()), ::closedir);
    if (!d) continue;
    while (const dirent* e = ::readdir(d.get())) {
      int fd = 0;
      std::string_view name(e->d_name);
      auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), fd);
      if (ec != std::errc{} || end != name.data() + name.size()) continue;
      uint64_t inode = fd_socket(proc_root, pid, fd);
      if (inode != 0 && open.erase(inode) > 0) out[inode] = pid;
    }
    if (open.empty()) break;
  }
  return out;
}

}  // namespace kg::node
