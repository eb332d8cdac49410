// A stand-in miner for the node watch tests: connects to the pool named by
// -o (stratum+tcp://HOST:PORT or HOST:PORT, loopback only), speaks the
// stratum protocol (mining.subscribe, mining.authorize) unless --plain, where
// it sends an ordinary HTTP request instead, then idles until --seconds pass.
// Run under another name (a symlink) to look like xmrig or like nothing.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include <arpa/inet.h>
#include <netinet/in.h>

namespace {

bool read_line(int fd, int timeout_ms) {
  char c = 0;
  pollfd p{fd, POLLIN, 0};
  while (::poll(&p, 1, timeout_ms) > 0) {
    if (::read(fd, &c, 1) != 1) return false;
    if (c == '\n') return true;
  }
  return false;
}

bool send_all(int fd, const std::string& text) {
  return ::send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  bool plain = false;
  int seconds = 10;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "-o" && i + 1 < argc) url = argv[++i];
    if (a == "--plain") plain = true;
    if (a == "--seconds" && i + 1 < argc) seconds = std::atoi(argv[++i]);
  }
  if (url.rfind("stratum+tcp://", 0) == 0) url = url.substr(14);
  size_t colon = url.rfind(':');
  if (colon == std::string::npos) return 2;
  std::string host = url.substr(0, colon);
  int port = std::atoi(url.c_str() + colon + 1);
  if (host != "127.0.0.1") return 2;  // loopback only
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) return 3;
  if (plain) {
    send_all(fd, "GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
  } else {
    send_all(fd, R"({"id":1,"method":"mining.subscribe","params":["kgminer/1.0"]})"
                 "\n");
    read_line(fd, 2000);
    send_all(fd, R"({"params":["kgwallet.worker1","x"],"id":2,"method":"mining.authorize"})"
                 "\n");
    read_line(fd, 2000);
  }
  auto end = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < end) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) > 0) {
      char buf[256];
      if (::read(fd, buf, sizeof buf) <= 0) break;  // the pool went away
    }
  }
  ::close(fd);
  return 0;
}
