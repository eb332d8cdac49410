#include "supply/registry_fixture.h"

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <netinet/in.h>

#include "supply/json.h"
#include "support/test_support.h"

namespace kg::testing {
namespace {

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

}  // namespace

std::string TestRegistry::data(const std::string& relative) { return source("tests/supply/data/" + relative); }

std::map<std::string, std::string> TestRegistry::digests() {
  std::map<std::string, std::string> out;
  std::istringstream in(read_file(data("digests.txt")));
  std::string line;
  while (std::getline(in, line)) {
    auto eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    out[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return out;
}

std::vector<std::string> TestRegistry::layout_refs() {
  std::vector<std::string> out;
  auto index = supply::parse_json(read_file(data("layout/index.json")), "index.json");
  if (!index.root) return out;
  const doc::Node* manifests = index.root->get("manifests");
  if (manifests == nullptr) return out;
  for (const auto& m : manifests->items()) {
    const doc::Node* a = m.get("annotations");
    if (a != nullptr) out.emplace_back(supply::string_at(*a, "org.opencontainers.image.ref.name"));
  }
  return out;
}

std::string TestRegistry::run(const std::string& command) const {
  std::string full = fmt::format("{} {} 2>&1", env_, command);
  FILE* p = ::popen(full.c_str(), "r");
  if (p == nullptr) return "popen failed";
  std::string out;
  std::array<char, 4096> buf{};
  size_t n = 0;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  int rc = ::pclose(p);
  return rc == 0 ? std::string() : fmt::format("`{}` failed ({}): {}", command, rc, out.empty() ? "(no output)" : out);
}

TestRegistry::TestRegistry(RegistryAuth auth, int token_seconds) : auth_(auth) {
  for (const char* tool : {"docker-registry", "skopeo", "htpasswd"}) {
    if (std::system(fmt::format("command -v {} >/dev/null 2>&1", tool).c_str()) != 0) {
      error_ = fmt::format("{} is not installed (scripts/install-deps.sh installs it)", tool);
      return;
    }
  }
  std::string pattern = (std::filesystem::temp_directory_path() / "kubeguard-registry-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    error_ = "mkdtemp failed";
    return;
  }
  dir_ = pattern;
  for (int attempt = 0; attempt < 3; ++attempt) {
    int port = free_port();
    address_ = fmt::format("127.0.0.1:{}", port);
    // The mode is always named, so a KUBEGUARD_REG_AUTH_MODE left in the
    // environment (from `registry.sh env`) cannot change what a test gets.
    env_ = fmt::format("KUBEGUARD_REG_DIR={} KUBEGUARD_REG_PORT={} KUBEGUARD_REG_AUTH_MODE={}", dir_, port,
                       auth == RegistryAuth::Token ? "token" : "basic");
    if (auth == RegistryAuth::Token) {
      env_ += token_seconds > 0
                  ? fmt::format(" KUBEGUARD_REG_TOKEN_TTL={} KUBEGUARD_REG_TOKEN_BACKDATE=60", token_seconds)
                  : std::string(" KUBEGUARD_REG_TOKEN_TTL=300 KUBEGUARD_REG_TOKEN_BACKDATE=0");
    }
    error_ = run(fmt::format("bash {} start >/dev/null", source("scripts/registry.sh")));
    if (error_.empty()) break;
  }
  if (error_.empty()) {
    std::filesystem::create_directories(dir_ + "/certs");
    std::filesystem::copy_file(ca_file(), dir_ + "/certs/ca.crt", std::filesystem::copy_options::overwrite_existing);
  }
}

TestRegistry::~TestRegistry() {
  if (dir_.empty()) return;
  run(fmt::format("bash {} stop", source("scripts/registry.sh")));
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string TestRegistry::push(const std::string& ref, const std::string& dest) const {
  return run(
      fmt::format("skopeo copy -q --preserve-digests --dest-cert-dir {}/certs --dest-authfile {}/auth.json "
                  "oci:{}:{} docker://{}/{}",
                  dir_, dir_, data("layout"), ref, address_, dest.empty() ? ref : dest));
}

std::string TestRegistry::push_layout(const std::string& layout, const std::string& ref, const std::string& dest,
                                      const std::string& flags) const {
  return push_source(fmt::format("oci:{}:{}", layout, ref), dest, flags);
}

std::string TestRegistry::push_source(const std::string& source, const std::string& dest,
                                      const std::string& flags) const {
  return run(fmt::format("skopeo copy -q {} --dest-cert-dir {}/certs --dest-authfile {}/auth.json {} docker://{}/{}",
                         flags, dir_, dir_, source, address_, dest));
}

std::string TestRegistry::push_all() const {
  for (const auto& ref : layout_refs()) {
    std::string e = push(ref);
    if (!e.empty()) return e;
  }
  return {};
}

std::string TestRegistry::push_repositories(const std::vector<std::string>& repositories) const {
  for (const auto& ref : layout_refs()) {
    std::string repo = ref.substr(0, ref.find(':'));
    if (std::find(repositories.begin(), repositories.end(), repo) == repositories.end()) continue;
    std::string e = push(ref);
    if (!e.empty()) return e;
  }
  return {};
}

std::string TestRegistry::password() const {
  std::string pw = read_file(dir_ + "/password");
  while (!pw.empty() && (pw.back() == '\n' || pw.back() == '\r')) pw.pop_back();
  return pw;
}

}  // namespace kg::testing
