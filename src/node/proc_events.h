// Exec events from the kernel's process connector (a netlink socket that
// names each process as it calls execve). It needs CAP_NET_ADMIN and the
// initial network namespace (a DaemonSet with hostNetwork); where it cannot
// be opened, the monitor polls /proc instead.
#pragma once

#include <string>
#include <vector>

namespace kg::node {

class ProcEvents {
 public:
  ProcEvents() = default;
  ~ProcEvents();
  ProcEvents(const ProcEvents&) = delete;
  ProcEvents& operator=(const ProcEvents&) = delete;

  // Subscribes; false (with the reason in `error`) when not permitted here.
  bool open(std::string* error);
  bool is_open() const { return fd_ >= 0; }
  int fd() const { return fd_; }

  // The PIDs (thread group IDs) that exec'd since the last call, without
  // blocking. Sets `lost` when the kernel dropped events (buffer overrun):
  // the caller should then look at /proc.
  std::vector<int> drain(bool& lost);

 private:
  int fd_ = -1;
};

}  // namespace kg::node
