#include "rules/sc/signatures.h"

#include <algorithm>
#include <array>
#include <memory>

#include <re2/re2.h>

#include "k8s/image_ref.h"

namespace kg::rules::sc {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string joined(const doc::Node* list) {
  std::string out;
  if (list == nullptr) return out;
  if (list->is_scalar()) return std::string(list->str());
  for (const auto& item : list->items()) {
    if (!out.empty()) out += ' ';
    out += item.str();
  }
  return out;
}

// Miner binaries and projects, as they appear in image names and command lines.
constexpr auto kMinerNames = std::to_array<std::string_view>(
    {"xmrig",        "minerd",  "cpuminer", "xmr-stak",    "ethminer",    "nbminer",      "lolminer",
     "phoenixminer", "cgminer", "bfgminer", "nanominer",   "srbminer",    "teamredminer", "gminer",
     "t-rex",        "ccminer", "xmrminer", "cryptonight", "moneroocean", "kdevtmpfsi",   "kinsing"});

// Protocol markers and pool hosts that only mining uses.
constexpr auto kMinerMarkers = std::to_array<std::string_view>(
    {"stratum+tcp://", "stratum+ssl://", "stratum2+tcp://", "stratum+tls://", "--donate-level", "--algo=rx/0",
     "-a rx/0", "--coin=monero", "--coin monero", "randomx"});

constexpr auto kPoolHosts = std::to_array<std::string_view>(
    {"minexmr.com",        "supportxmr.com",  "nanopool.org",  "f2pool.com",     "2miners.com",    "hashvault.pro",
     "moneroocean.stream", "c3pool.com",      "xmrpool.eu",    "herominers.com", "unmineable.com", "nicehash.com",
     "ethermine.org",      "flypool.org",     "minergate.com", "viabtc.com",     "antpool.com",    "dwarfpool.com",
     "monerohash.com",     "mining-dutch.nl", "zpool.ca",      "prohashing.com"});

struct Pattern {
  SignatureKind kind;
  const char* regex;
};

// Reverse shells and direct API-server calls with the pod's token. RE2 runs in
// linear time, so hostile command lines cannot make these checks slow.
constexpr std::array kPatterns = {
    Pattern{SignatureKind::ReverseShell, R"((ba|z|k)?sh\s+-i\s*[<>&0-9\s]*/dev/(tcp|udp)/)"},
    Pattern{SignatureKind::ReverseShell, R"(/dev/tcp/[0-9a-z.\-]+/[0-9]+)"},
    Pattern{SignatureKind::ReverseShell, R"(\b(nc|ncat|netcat)(\.traditional|\.openbsd)?\s+(.*\s)?-(e|c)\s*\S*)"},
    Pattern{SignatureKind::ReverseShell, R"(\bsocat\b.*\bexec:)"},
    Pattern{SignatureKind::ReverseShell, R"(mkfifo\s+\S+.*\b(nc|ncat|netcat)\b)"},
    Pattern{SignatureKind::ReverseShell, R"(\b(python[23]?|perl|ruby|php)\b.*socket.*(connect|fsockopen|tcpsocket))"},
    Pattern{
        SignatureKind::ApiServerWithToken,
        R"((curl|wget|http)\b.*serviceaccount/token.*(kubernetes_service_host|kubernetes\.default|/api/v1|/apis/))"},
    Pattern{SignatureKind::ApiServerWithToken,
            R"((kubernetes_service_host|kubernetes\.default|/api/v1|/apis/).*serviceaccount/token)"},
    Pattern{SignatureKind::ApiServerWithToken, R"(\bkubectl\b.*--token[= ].*serviceaccount/token)"},
};

const std::vector<std::unique_ptr<const RE2>>& compiled_patterns() {
  // Compiled once; immutable afterwards.
  static const std::vector<std::unique_ptr<const RE2>> kCompiled = [] {
    std::vector<std::unique_ptr<const RE2>> out;
    RE2::Options options;
    options.set_case_sensitive(false);
    options.set_log_errors(false);
    // The outer group captures the whole match as evidence.
    for (const auto& p : kPatterns) {
      out.push_back(std::make_unique<const RE2>(std::string("(") + p.regex + ")", options));
    }
    return out;
  }();
  return kCompiled;
}

std::string shortened(std::string_view s) {
  constexpr size_t kMax = 80;
  if (s.size() <= kMax) return std::string(s);
  return std::string(s.substr(0, kMax)) + "...";
}

}  // namespace

std::vector<ExecutedText> executed_text(const k8s::ContainerView& c) {
  std::vector<ExecutedText> out;
  auto add = [&](std::string path, const doc::Node* node) {
    if (node == nullptr) return;
    std::string text = joined(node);
    if (!text.empty()) out.push_back(ExecutedText{std::move(text), std::move(path), node});
  };
  add(c.path + ".command", c.node->get("command"));
  add(c.path + ".args", c.node->get("args"));
  add(c.path + ".lifecycle.postStart.exec.command", c.node->find({"lifecycle", "postStart", "exec", "command"}));
  add(c.path + ".lifecycle.preStop.exec.command", c.node->find({"lifecycle", "preStop", "exec", "command"}));
  // command and args run as one command line; a pattern may span both.
  const doc::Node* command = c.node->get("command");
  const doc::Node* args = c.node->get("args");
  if (command != nullptr && args != nullptr) {
    out.push_back(ExecutedText{joined(command) + " " + joined(args), c.path + ".args", args});
  }
  return out;
}

std::vector<SignatureHit> find_signatures(const k8s::ContainerView& c) {
  std::vector<SignatureHit> hits;
  auto seen = [&](SignatureKind kind) {
    return std::any_of(hits.begin(), hits.end(), [&](const auto& h) { return h.kind == kind; });
  };
  std::string image = lower(k8s::parse_image(c.image).path);
  for (auto name : kMinerNames) {
    if (image.find(name) != std::string::npos) {
      hits.push_back({SignatureKind::Miner, "image " + std::string(c.image), c.path + ".image", c.node->get("image")});
      break;
    }
  }
  for (const auto& t : executed_text(c)) {
    std::string text = lower(t.text);
    if (!seen(SignatureKind::Miner)) {
      auto found = [&](auto list) -> std::string_view {
        for (auto m : list) {
          if (text.find(m) != std::string::npos) return m;
        }
        return {};
      };
      std::string_view m = found(kMinerMarkers);
      if (m.empty()) m = found(kPoolHosts);
      if (m.empty()) m = found(kMinerNames);
      if (!m.empty()) hits.push_back({SignatureKind::Miner, std::string(m), t.path, t.node});
    }
    const auto& regexes = compiled_patterns();
    for (size_t i = 0; i < kPatterns.size(); ++i) {
      if (seen(kPatterns[i].kind)) continue;
      re2::StringPiece match;
      if (regexes[i]->ok() && RE2::PartialMatch(text, *regexes[i], &match)) {
        hits.push_back({kPatterns[i].kind, shortened(std::string_view(match.data(), match.size())), t.path, t.node});
      }
    }
  }
  return hits;
}

}  // namespace kg::rules::sc
