#include "node/proc_events.h"

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>

#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>

namespace kg::node {

ProcEvents::~ProcEvents() {
  if (fd_ >= 0) ::close(fd_);
}

bool ProcEvents::open(std::string* error) {
  int fd = ::socket(PF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR);
  if (fd < 0) {
    *error = std::string("netlink connector socket: ") + std::strerror(errno);
    return false;
  }
  sockaddr_nl addr{};
  addr.nl_family = AF_NETLINK;
  addr.nl_groups = CN_IDX_PROC;
  addr.nl_pid = 0;  // the kernel picks a unique port
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    *error = std::string("netlink connector bind: ") + std::strerror(errno);
    ::close(fd);
    return false;
  }
  // A larger receive buffer rides out bursts of execs (a build, a cron run).
  int size = 4 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  // nlmsghdr, cn_msg (whose flexible data member holds the op), the op.
  constexpr size_t kSize = NLMSG_LENGTH(sizeof(cn_msg) + sizeof(proc_cn_mcast_op));
  alignas(nlmsghdr) std::array<char, kSize> request{};
  nlmsghdr header{};
  header.nlmsg_len = kSize;
  header.nlmsg_type = NLMSG_DONE;
  cn_msg message{};
  message.id.idx = CN_IDX_PROC;
  message.id.val = CN_VAL_PROC;
  message.len = sizeof(proc_cn_mcast_op);
  proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
  std::memcpy(request.data(), &header, sizeof header);
  std::memcpy(request.data() + NLMSG_HDRLEN, &message, sizeof message);
  std::memcpy(request.data() + NLMSG_HDRLEN + sizeof message, &op, sizeof op);
  if (::send(fd, request.data(), request.size(), 0) < 0) {
    *error = std::string("process connector subscribe: ") + std::strerror(errno);
    ::close(fd);
    return false;
  }
  fd_ = fd;
  return true;
}

std::vector<int> ProcEvents::drain(bool& lost) {
  std::vector<int> out;
  lost = false;
  if (fd_ < 0) return out;
  alignas(nlmsghdr) std::array<char, 64 * 1024> buf{};
  for (;;) {
    ssize_t n = ::recv(fd_, buf.data(), buf.size(), MSG_DONTWAIT);
    if (n < 0) {
      if (errno == ENOBUFS) {
        lost = true;
        continue;
      }
      break;  // EAGAIN: nothing more for now
    }
    if (n == 0) break;
    auto len = static_cast<unsigned>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_NOOP) continue;
      const auto* data = static_cast<const char*>(NLMSG_DATA(h));
      cn_msg message{};
      std::memcpy(&message, data, sizeof message);
      if (message.id.idx != CN_IDX_PROC || message.id.val != CN_VAL_PROC) continue;
      if (message.len < sizeof(proc_event)) continue;
      proc_event event{};
      std::memcpy(&event, data + sizeof message, sizeof event);
      if (event.what == proc_event::PROC_EVENT_EXEC) out.push_back(event.event_data.exec.process_tgid);
    }
  }
  return out;
}

}  // namespace kg::node
