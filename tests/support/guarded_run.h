// Runs the kubeguard binary as a user would, bounded: a time guard (the child
// is killed when it overruns, so a hang fails instead of blocking the suite)
// and its peak memory measured by the kernel (wait4's ru_maxrss). Standard
// input, output and error go to the files given.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace kg::testing {

struct GuardedRun {
  int code = -1;           // exit status; -1 when killed by a signal or the guard
  int signal = 0;          // the signal that ended it, 0 when it exited
  bool timed_out = false;  // killed by the time guard
  long max_rss_kb = 0;     // peak resident memory
  double seconds = 0;      // wall clock
  double cpu_seconds = 0;  // user + system: what the run cost, however loaded the machine
};

struct GuardedIo {
  std::string stdin_path = "/dev/null";
  std::string stdout_path = "/dev/null";
  std::string stderr_path = "/dev/null";
};

// Sanitizer builds use several times the memory and time of the product.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr long kSanitizerScale = 3;
#else
inline constexpr long kSanitizerScale = 1;
#endif

// `timeout_s` is the hang guard (wall clock, generous: the machine may be
// loaded); tests bound the run's cost by cpu_seconds.
inline GuardedRun run_guarded(const std::vector<std::string>& args, const GuardedIo& io, int timeout_s = 60) {
  GuardedRun out;
  std::vector<std::string> argv_text;
  argv_text.emplace_back(KG_BINARY);
  argv_text.insert(argv_text.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  auto start = std::chrono::steady_clock::now();
  pid_t pid = fork();
  if (pid < 0) return out;
  if (pid == 0) {
    auto redirect = [](const std::string& path, int fd, int flags) {
      int f = ::open(path.c_str(), flags | O_NONBLOCK, 0644);
      if (f < 0) _exit(126);
      if (flags == O_RDONLY) ::fcntl(f, F_SETFL, ::fcntl(f, F_GETFL) & ~O_NONBLOCK);
      ::dup2(f, fd);
      ::close(f);
    };
    redirect(io.stdin_path, STDIN_FILENO, O_RDONLY);
    redirect(io.stdout_path, STDOUT_FILENO, O_WRONLY | O_CREAT | O_TRUNC);
    redirect(io.stderr_path, STDERR_FILENO, O_WRONLY | O_CREAT | O_TRUNC);
    ::execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  struct rusage usage {};
  for (;;) {
    pid_t done = ::wait4(pid, &status, WNOHANG, &usage);
    if (done == pid) break;
    if (std::chrono::steady_clock::now() - start > std::chrono::seconds(timeout_s)) {
      out.timed_out = true;
      ::kill(pid, SIGKILL);
      ::wait4(pid, &status, 0, &usage);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out.max_rss_kb = usage.ru_maxrss;
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  out.cpu_seconds = secs(usage.ru_utime) + secs(usage.ru_stime);
  if (WIFEXITED(status) && !out.timed_out) out.code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) out.signal = WTERMSIG(status);
  return out;
}

}  // namespace kg::testing
