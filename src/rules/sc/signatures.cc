#include "rules/sc/signatures.h"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <span>

#include <re2/re2.h>
#include <re2/set.h>

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

// One RE2::Set per kind answers "does any pattern of this kind match?" in a
// single pass; only a text that matches is searched again pattern by pattern
// for the evidence. Almost every command line matches nothing.
struct KindPatterns {
  std::unique_ptr<RE2::Set> any;
  std::vector<std::unique_ptr<const RE2>> each;
};

std::array<KindPatterns, 3> compile_patterns() {
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  std::array<KindPatterns, 3> out;
  for (auto& k : out) k.any = std::make_unique<RE2::Set>(options, RE2::UNANCHORED);
  for (const auto& p : kPatterns) {
    auto& k = out[static_cast<size_t>(p.kind)];
    k.any->Add(p.regex, nullptr);
    // The outer group captures the whole match as evidence.
    k.each.push_back(std::make_unique<const RE2>(std::string("(") + p.regex + ")", options));
  }
  for (auto& k : out) {
    if (k.each.empty() || !k.any->Compile()) k.any.reset();
  }
  return out;
}

const KindPatterns& patterns_of(SignatureKind kind) {
  // Compiled once; immutable afterwards.
  static const std::array<KindPatterns, 3> kCompiled = compile_patterns();
  return kCompiled[static_cast<size_t>(kind)];
}

std::string_view found_in(std::string_view text, std::span<const std::string_view> needles) {
  for (auto m : needles) {
    if (text.find(m) != std::string_view::npos) return m;
  }
  return {};
}

std::string shortened(std::string_view s) {
  constexpr size_t kMax = 80;
  if (s.size() <= kMax) return std::string(s);
  return std::string(s.substr(0, kMax)) + "...";
}

}  // namespace

std::vector<ExecutedText> executed_text(const k8s::ContainerView& c) {
  std::vector<ExecutedText> out;
  auto add = [&](std::string_view field, const doc::Node* node) {
    if (node == nullptr) return;
    std::string text = joined(node);
    if (!text.empty()) out.push_back(ExecutedText{std::move(text), field, node});
  };
  const doc::Node* command = c.node->get("command");
  const doc::Node* args = c.node->get("args");
  add(".command", command);
  add(".args", args);
  if (const doc::Node* lifecycle = c.node->get("lifecycle")) {
    add(".lifecycle.postStart.exec.command", lifecycle->find({"postStart", "exec", "command"}));
    add(".lifecycle.preStop.exec.command", lifecycle->find({"preStop", "exec", "command"}));
  }
  // command and args run as one command line; a pattern may span both.
  if (command != nullptr && args != nullptr) {
    out.push_back(ExecutedText{joined(command) + " " + joined(args), ".args", args});
  }
  return out;
}

std::optional<SignatureHit> find_signature(const k8s::ContainerView& c, SignatureKind kind) {
  if (kind == SignatureKind::Miner) {
    std::string image = lower(k8s::parse_image(c.image).path);
    if (!found_in(image, kMinerNames).empty()) {
      return SignatureHit{kind, "image " + std::string(c.image), c.path + ".image", c.node->get("image")};
    }
  }
  const KindPatterns& patterns = patterns_of(kind);
  for (const auto& t : executed_text(c)) {
    if (kind == SignatureKind::Miner) {
      std::string text = lower(t.text);
      std::string_view m = found_in(text, kMinerMarkers);
      if (m.empty()) m = found_in(text, kPoolHosts);
      if (m.empty()) m = found_in(text, kMinerNames);
      if (!m.empty()) return SignatureHit{kind, std::string(m), c.path + std::string(t.field), t.node};
      continue;
    }
    if (patterns.any == nullptr || !patterns.any->Match(t.text, nullptr)) continue;
    std::string text = lower(t.text);  // evidence is quoted in lower case, like the miner markers
    for (const auto& regex : patterns.each) {
      re2::StringPiece match;
      if (RE2::PartialMatch(text, *regex, &match)) {
        return SignatureHit{kind, shortened(std::string_view(match.data(), match.size())),
                            c.path + std::string(t.field), t.node};
      }
    }
  }
  return std::nullopt;
}

std::optional<std::string> find_process_signature(std::string_view program, std::string_view command_line,
                                                  SignatureKind kind) {
  std::string low = lower(command_line);
  if (kind == SignatureKind::Miner) {
    if (auto m = found_in(lower(program), kMinerNames); !m.empty()) return std::string(m);
    for (auto list :
         {std::span<const std::string_view>(kMinerMarkers), std::span<const std::string_view>(kPoolHosts)}) {
      if (auto m = found_in(low, list); !m.empty()) return std::string(m);
    }
    return std::nullopt;
  }
  const KindPatterns& patterns = patterns_of(kind);
  if (patterns.any == nullptr || !patterns.any->Match(command_line, nullptr)) return std::nullopt;
  for (const auto& regex : patterns.each) {
    re2::StringPiece match;
    if (RE2::PartialMatch(low, *regex, &match)) return shortened(std::string_view(match.data(), match.size()));
  }
  return std::nullopt;
}

}  // namespace kg::rules::sc
