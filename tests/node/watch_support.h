// Real processes in cgroups of their own for the node watch tests: a
// cgroup in containerd's layout (systemd driver), processes started in it,
// and their cleanup. Header-only: the test build compiles *_test.cc files only.
#pragma once

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace kg::testing {

// Where a cgroup v2 hierarchy is mounted: /sys/fs/cgroup (unified) or
// /sys/fs/cgroup/unified (hybrid); "" when none.
inline std::string cgroup2_root() {
  if (::access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0) return "/sys/fs/cgroup";
  if (::access("/sys/fs/cgroup/unified/cgroup.procs", F_OK) == 0) return "/sys/fs/cgroup/unified";
  return {};
}

inline std::string random_hex(size_t n) {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::string out;
  while (out.size() < n) out += "0123456789abcdef"[rng() % 16];
  return out;
}

// A cgroup in the layout containerd and the kubelet's systemd driver use,
// removed (when empty) at the end.
class TestContainer {
 public:
  // A new pod UID and container ID, or the given ones (of a pod the API server knows).
  explicit TestContainer(std::string pod_uid = random_hex(8) + "-" + random_hex(4) + "-" + random_hex(4) + "-" +
                                               random_hex(4) + "-" + random_hex(12),
                         std::string id = random_hex(64))
      : pod_uid_(std::move(pod_uid)), id_(std::move(id)) {
    std::string root = cgroup2_root();
    if (root.empty()) return;
    std::string uid_ = pod_uid_;
    std::replace(uid_.begin(), uid_.end(), '-', '_');
    std::vector<std::string> parts = {"kubepods.slice", "kubepods-besteffort.slice",
                                      "kubepods-besteffort-pod" + uid_ + ".slice", "cri-containerd-" + id_ + ".scope"};
    std::string path = root;
    for (const auto& p : parts) {
      path += "/" + p;
      if (::mkdir(path.c_str(), 0755) == 0) {
        created_.push_back(path);
      } else if (errno != EEXIST) {
        return;
      }
    }
    procs_ = path + "/cgroup.procs";
  }
  ~TestContainer() {
    for (auto it = created_.rbegin(); it != created_.rend(); ++it) {
      for (int i = 0; i < 50 && ::rmdir(it->c_str()) != 0 && errno == EBUSY; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  TestContainer(const TestContainer&) = delete;
  TestContainer& operator=(const TestContainer&) = delete;

  bool ok() const { return !procs_.empty(); }
  const std::string& procs() const { return procs_; }
  const std::string& pod_uid() const { return pod_uid_; }
  const std::string& id() const { return id_; }

 private:
  std::string pod_uid_;
  std::string id_;
  std::string procs_;
  std::vector<std::string> created_;
};

// A real process in its own process group (and, when `procs` is given, in
// that cgroup before it execs), its output thrown away.
inline pid_t spawn(const std::vector<std::string>& argv, const std::string& procs = "") {
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  ::setpgid(0, 0);
  if (!procs.empty()) {
    int fd = ::open(procs.c_str(), O_WRONLY);
    if (fd < 0 || ::write(fd, "0\n", 2) != 2) ::_exit(126);
    ::close(fd);
  }
  int null = ::open("/dev/null", O_RDWR);
  ::dup2(null, 1);
  ::dup2(null, 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execv(args[0], args.data());
  ::_exit(127);
}

inline void stop(pid_t pid) {
  if (pid <= 0) return;
  ::kill(-pid, SIGKILL);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
}

// Kills what a test started even when an assertion returns early.
struct Processes {
  std::vector<pid_t> pids;
  pid_t add(pid_t pid) {
    pids.push_back(pid);
    return pid;
  }
  ~Processes() {
    for (pid_t p : pids) stop(p);
  }
};

}  // namespace kg::testing
