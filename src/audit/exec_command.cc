#include "audit/exec_command.h"

#include <algorithm>

namespace kg::audit {
namespace {

int hex(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string_view basename(std::string_view word) {
  size_t slash = word.rfind('/');
  return slash == std::string_view::npos ? word : word.substr(slash + 1);
}

CommandClass class_of_word(std::string_view word) {
  static constexpr std::string_view kShells[] = {"sh",     "bash",    "ash",     "dash",       "zsh",  "ksh", "csh",
                                                 "tcsh",   "fish",    "busybox", "powershell", "pwsh", "cmd", "cmd.exe",
                                                 "python", "python3", "perl",    "ruby",       "node"};
  static constexpr std::string_view kPackages[] = {"apt",  "apt-get", "apk", "yum",  "dnf", "microdnf", "zypper", "pip",
                                                   "pip3", "npm",     "gem", "dpkg", "rpm", "pacman",   "emerge"};
  static constexpr std::string_view kDownloaders[] = {"curl", "wget", "nc",  "ncat",  "netcat", "socat",
                                                      "scp",  "tftp", "ftp", "rsync", "aria2c", "fetch"};
  static constexpr std::string_view kMiners[] = {"xmrig",    "minerd",       "cpuminer", "ethminer",
                                                 "xmr-stak", "nanominer",    "lolminer", "t-rex",
                                                 "nbminer",  "phoenixminer", "cgminer",  "bfgminer"};
  std::string_view name = basename(word);
  auto in = [name](const auto& list) { return std::find(std::begin(list), std::end(list), name) != std::end(list); };
  if (in(kMiners) || word.find("stratum+tcp://") != std::string_view::npos ||
      name.find("miner") != std::string_view::npos) {
    return CommandClass::Miner;
  }
  if (in(kDownloaders)) return CommandClass::Downloader;
  if (in(kPackages)) return CommandClass::PackageManager;
  if (in(kShells)) return CommandClass::Shell;
  return CommandClass::Other;
}

}  // namespace

std::string url_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%' && i + 2 < text.size() && hex(text[i + 1]) >= 0 && hex(text[i + 2]) >= 0) {
      out += static_cast<char>(hex(text[i + 1]) * 16 + hex(text[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

ExecCommand parse_exec_uri(std::string_view request_uri) {
  ExecCommand out;
  size_t q = request_uri.find('?');
  if (q == std::string_view::npos) return out;
  std::string_view query = request_uri.substr(q + 1);
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    size_t eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    std::string_view key = pair.substr(0, eq);
    std::string value = url_decode(pair.substr(eq + 1));
    if (key == "command") out.argv.push_back(std::move(value));
    else if (key == "container") out.container = std::move(value);
  }
  return out;
}

namespace {

// `tar` creating or extracting an archive through standard input or output:
// `kubectl cp` runs `tar cf - PATH` (copy out) and `tar -xmf -` (copy in).
bool is_tar_copy(const std::vector<std::string_view>& words, size_t at) {
  for (size_t i = at + 1; i < words.size() && i < at + 4; ++i) {
    std::string_view w = words[i];
    if (w == "--create" || w == "--extract") return true;
    if (w.starts_with("--")) continue;
    std::string_view flags = w.starts_with('-') ? w.substr(1) : w;
    if (flags.find_first_not_of("cxzjvfmpPJO") == std::string_view::npos &&
        flags.find_first_of("cx") != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

bool reads_credentials(std::string_view text) {
  static constexpr std::string_view kPaths[] = {"/var/run/secrets/kubernetes.io/serviceaccount",
                                                "/run/secrets/kubernetes.io/serviceaccount",
                                                "serviceaccount/token",
                                                "/var/run/secrets/eks.amazonaws.com",
                                                "/var/run/secrets/tokens",
                                                "/var/run/secrets/azure",
                                                "KUBERNETES_SERVICE_ACCOUNT"};
  return std::any_of(std::begin(kPaths), std::end(kPaths),
                     [&](std::string_view p) { return text.find(p) != std::string_view::npos; });
}

bool runs_what_it_fetched(std::string_view text) {
  static constexpr std::string_view kRun[] = {"| sh",      "|sh",       "| bash",  "|bash",    "|/bin/sh",
                                              "| /bin/sh", "| python",  "|python", "chmod +x", "chmod 7",
                                              "chmod a+x", "chmod u+x", "| ash",   "|ash"};
  return std::any_of(std::begin(kRun), std::end(kRun),
                     [&](std::string_view p) { return text.find(p) != std::string_view::npos; });
}

}  // namespace

CommandClass classify(const std::vector<std::string>& argv) {
  CommandClass worst = CommandClass::Other;
  std::string joined;
  for (const auto& arg : argv) {
    if (!joined.empty()) joined += ' ';
    joined += arg;
  }
  std::vector<std::string_view> words;
  for (const auto& arg : argv) {
    // Words of `sh -c "apt-get update && curl ..."` count too.
    size_t at = 0;
    while (at < arg.size()) {
      size_t end = arg.find_first_of(" \t;&|()`$'\"", at);
      if (end == std::string::npos) end = arg.size();
      if (end > at) {
        words.push_back(std::string_view(arg).substr(at, end - at));
        worst = std::max(worst, class_of_word(words.back()));
      }
      at = end + 1;
    }
  }
  for (size_t i = 0; i < words.size(); ++i) {
    if (basename(words[i]) == "tar" && is_tar_copy(words, i)) worst = std::max(worst, CommandClass::FileCopy);
  }
  if (worst == CommandClass::Downloader && runs_what_it_fetched(joined)) worst = CommandClass::DownloadAndRun;
  if (reads_credentials(joined) && worst < CommandClass::TokenRead) worst = CommandClass::TokenRead;
  return worst;
}

std::string_view class_name(CommandClass c) {
  switch (c) {
    case CommandClass::Other: return "other";
    case CommandClass::Shell: return "shell";
    case CommandClass::FileCopy: return "file copy (tar, kubectl cp)";
    case CommandClass::PackageManager: return "package manager";
    case CommandClass::Downloader: return "downloader";
    case CommandClass::DownloadAndRun: return "downloads and runs";
    case CommandClass::TokenRead: return "reads the service-account token or mounted credentials";
    case CommandClass::Miner: return "miner";
  }
  return "other";
}

}  // namespace kg::audit
