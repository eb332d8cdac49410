#include "cluster/exec_credential.h"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <ctime>
#include <sstream>
#include <vector>

#include <fmt/format.h>

#include "doc/source.h"
#include "util/json_writer.h"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX, not in a header

namespace kg::cluster {
namespace {

constexpr size_t kMaxOutput = size_t{1} << 20;
constexpr int kTimeoutSeconds = 120;

std::string base64_encode(std::string_view data) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    uint32_t n = (uint32_t(uint8_t(data[i])) << 16) | (uint32_t(uint8_t(data[i + 1])) << 8) | uint8_t(data[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == data.size()) {
    uint32_t n = uint32_t(uint8_t(data[i])) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == data.size()) {
    uint32_t n = (uint32_t(uint8_t(data[i])) << 16) | (uint32_t(uint8_t(data[i + 1])) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

// KUBERNETES_EXEC_INFO: the ExecCredential request the plugin reads.
std::string exec_info(const ExecConfig& exec, const ExecClusterInfo& cluster, bool interactive) {
  std::ostringstream text;
  {
    util::JsonWriter w(text, false);
    w.begin_object();
    w.field("apiVersion", std::string_view(exec.api_version));
    w.field("kind", "ExecCredential");
    w.key("spec").begin_object();
    w.field("interactive", interactive);
    if (exec.provide_cluster_info) {
      w.key("cluster").begin_object();
      w.field("server", std::string_view(cluster.server));
      if (!cluster.tls_server_name.empty()) w.field("tls-server-name", std::string_view(cluster.tls_server_name));
      if (cluster.insecure_skip_tls_verify) w.field("insecure-skip-tls-verify", true);
      if (!cluster.ca_pem.empty()) {
        w.field("certificate-authority-data", std::string_view(base64_encode(cluster.ca_pem)));
      }
      w.end_object();
    }
    w.end_object();
    w.end_object();
  }
  return text.str();
}

std::string_view string_of(const doc::Node* node) {
  if (node == nullptr || !node->is_scalar() || node->is_null()) return {};
  return node->str();
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::optional<int64_t> parse_rfc3339(std::string_view text) {
  // YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM)
  if (text.size() < 20 || text[4] != '-' || text[7] != '-' || (text[10] != 'T' && text[10] != 't') || text[13] != ':' ||
      text[16] != ':') {
    return std::nullopt;
  }
  auto num = [&](size_t at, size_t len) -> std::optional<int> {
    int v = 0;
    for (size_t i = at; i < at + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return std::nullopt;
      v = v * 10 + (text[i] - '0');
    }
    return v;
  };
  auto year = num(0, 4), month = num(5, 2), day = num(8, 2), hour = num(11, 2), minute = num(14, 2),
       second = num(17, 2);
  if (!year || !month || !day || !hour || !minute || !second || *month < 1 || *month > 12 || *day < 1 || *day > 31 ||
      *hour > 23 || *minute > 59 || *second > 60) {
    return std::nullopt;
  }
  size_t at = 19;
  if (at < text.size() && text[at] == '.') {
    ++at;
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') ++at;
  }
  int64_t offset = 0;
  if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
    ++at;
  } else if (at + 6 == text.size() && (text[at] == '+' || text[at] == '-') && text[at + 3] == ':') {
    auto oh = num(at + 1, 2), om = num(at + 4, 2);
    if (!oh || !om) return std::nullopt;
    offset = (int64_t{*oh} * 60 + *om) * 60 * (text[at] == '+' ? 1 : -1);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != text.size()) return std::nullopt;
  std::tm tm{};
  tm.tm_year = *year - 1900;
  tm.tm_mon = *month - 1;
  tm.tm_mday = *day;
  tm.tm_hour = *hour;
  tm.tm_min = *minute;
  tm.tm_sec = *second;
  return static_cast<int64_t>(timegm(&tm)) - offset;
}

Expected<ExecCredential> parse_exec_credential(std::string_view json, std::string_view api_version) {
  std::optional<doc::Node> root;
  std::string problem;
  doc::load_text(
      json, "exec plugin output", [&](doc::Document&& d) { root.emplace(std::move(d.root)); },
      [&](doc::LoadError&& e) { problem = e.message; });
  if (!problem.empty() || !root || !root->is_mapping()) {
    return Error{ErrorKind::Decode, "exec plugin: its output is not an ExecCredential JSON object"};
  }
  if (string_of(root->get("kind")) != "ExecCredential") {
    return Error{ErrorKind::Decode, "exec plugin: its output's kind is not ExecCredential"};
  }
  if (string_of(root->get("apiVersion")) != api_version) {
    return Error{ErrorKind::Decode, fmt::format("exec plugin: answered apiVersion '{}', was asked for '{}'",
                                                string_of(root->get("apiVersion")), api_version)};
  }
  const doc::Node* status = root->get("status");
  if (status == nullptr || !status->is_mapping()) {
    return Error{ErrorKind::Decode, "exec plugin: its ExecCredential has no status"};
  }
  ExecCredential cred;
  cred.token = std::string(string_of(status->get("token")));
  cred.client_cert_pem = std::string(string_of(status->get("clientCertificateData")));
  cred.client_key_pem = std::string(string_of(status->get("clientKeyData")));
  if (cred.client_cert_pem.empty() != cred.client_key_pem.empty()) {
    return Error{ErrorKind::Decode, "exec plugin: status gives a client certificate without its key, or a key alone"};
  }
  if (cred.token.empty() && cred.client_cert_pem.empty()) {
    return Error{ErrorKind::Decode, "exec plugin: status has neither token nor clientCertificateData"};
  }
  if (std::string_view expiry = string_of(status->get("expirationTimestamp")); !expiry.empty()) {
    cred.expires_unix = parse_rfc3339(expiry);
    if (!cred.expires_unix) {
      return Error{ErrorKind::Decode, fmt::format("exec plugin: expirationTimestamp '{}' is not RFC 3339", expiry)};
    }
  }
  return cred;
}

Expected<ExecCredential> run_exec_plugin(const ExecConfig& exec, const ExecClusterInfo& cluster) {
  // A plugin may prompt (a device-code login) only when we have a terminal
  // and the kubeconfig allows it.
  bool terminal = ::isatty(STDIN_FILENO) != 0;
  bool interactive = terminal && exec.interactive_mode != "Never";
  if (exec.interactive_mode == "Always" && !terminal) {
    return Error{
        ErrorKind::Config,
        fmt::format("exec plugin {}: interactiveMode is Always but standard input is not a terminal", exec.command)};
  }
  std::vector<std::string> env_text;
  for (char** e = environ; *e != nullptr; ++e) env_text.emplace_back(*e);
  for (const auto& [name, value] : exec.env) env_text.push_back(name + "=" + value);
  env_text.push_back("KUBERNETES_EXEC_INFO=" + exec_info(exec, cluster, interactive));
  std::vector<char*> envp;
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_text{exec.command};
  argv_text.insert(argv_text.end(), exec.args.begin(), exec.args.end());
  std::vector<char*> argv;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);

  int out_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    return Error{ErrorKind::Io, fmt::format("exec plugin: pipe: {}", std::strerror(errno))};
  }
  Fd read_end{out_pipe[0]};
  Fd write_end{out_pipe[1]};
  // posix_spawn, not fork: the process may have threads (a watch), and
  // glibc reports a command that cannot run as an error here.
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  if (!interactive) posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  pid_t pid = 0;
  int spawned = ::posix_spawnp(&pid, argv[0], &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawned != 0) {
    std::string hint = exec.install_hint.empty() ? std::string() : "\n" + exec.install_hint;
    return Error{ErrorKind::Config,
                 fmt::format("exec plugin: cannot run '{}': {}{}", exec.command, std::strerror(spawned), hint)};
  }
  ::close(write_end.fd);
  write_end.fd = -1;

  std::string output;
  bool too_long = false;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kTimeoutSeconds);
  bool timed_out = false;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{read_end.fd, POLLIN, 0};
    int ready = ::poll(&p, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    char buffer[8192];
    ssize_t n = ::read(read_end.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (output.size() + static_cast<size_t>(n) > kMaxOutput) {
      too_long = true;
      break;
    }
    output.append(buffer, static_cast<size_t>(n));
  }
  if (timed_out || too_long) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) {
    return Error{ErrorKind::Config,
                 fmt::format("exec plugin {}: no answer within {} s", exec.command, kTimeoutSeconds)};
  }
  if (too_long) {
    return Error{ErrorKind::Decode,
                 fmt::format("exec plugin {}: output larger than {} bytes", exec.command, kMaxOutput)};
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Error{ErrorKind::Config, fmt::format("exec plugin {} failed (exit status {})", exec.command,
                                                WIFEXITED(status) ? WEXITSTATUS(status) : -1)};
  }
  return parse_exec_credential(output, exec.api_version);
}

}  // namespace kg::cluster
