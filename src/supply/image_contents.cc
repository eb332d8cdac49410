#include "supply/image_contents.h"

#include <algorithm>
#include <array>
#include <chrono>

#include <fmt/format.h>

#include "supply/json.h"
#include "supply/layer_reader.h"

namespace kg::supply {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::array<std::string_view, 11> kShells = {"sh",   "bash", "ash",  "dash", "zsh",    "ksh",
                                                      "mksh", "csh",  "tcsh", "fish", "busybox"};
constexpr std::array<std::string_view, 16> kPackageManagers = {
    "apt",  "apt-get", "aptitude", "dpkg",   "apk", "yum", "dnf", "microdnf",
    "tdnf", "rpm",     "zypper",   "pacman", "pip", "gem", "npm", "easy_install"};

std::string_view base_name(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// bin, sbin, usr/bin, usr/local/sbin ...: where a name is a command.
bool in_command_dir(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return false;
  std::string_view dir = base_name(path.substr(0, slash));
  return dir == "bin" || dir == "sbin";
}

bool is_package_manager(std::string_view name) {
  if (std::find(kPackageManagers.begin(), kPackageManagers.end(), name) != kPackageManagers.end()) return true;
  // pip3, pip3.11
  return name.starts_with("pip") && name.size() > 3 &&
         name.substr(3).find_first_not_of("0123456789.") == std::string_view::npos;
}

// A command that exists: a file, or a link whose target is a file.
bool runnable(const ImageFs& fs, const LayerEntry& e, std::string* shown) {
  *shown = "/" + e.path;
  if (e.type == EntryType::File || e.type == EntryType::Hardlink) return true;
  if (e.type != EntryType::Symlink) return false;
  const LayerEntry* target = fs.resolve(e.path);
  if (target == nullptr || (target->type != EntryType::File && target->type != EntryType::Hardlink)) return false;
  *shown += " -> /" + target->path;
  return true;
}

std::string setid_text(const LayerEntry& e) {
  std::string out = "/" + e.path + " (";
  if ((e.mode & 04000u) != 0) out += e.uid == 0 ? "setuid root" : fmt::format("setuid {}", e.uid);
  if ((e.mode & 06000u) == 06000u) out += ", ";
  if ((e.mode & 02000u) != 0) out += e.gid == 0 ? "setgid root" : fmt::format("setgid {}", e.gid);
  return out + ")";
}

// The uid /etc/passwd gives `name`, when the image has the file and the name.
std::optional<std::string> passwd_uid(const ImageFs& fs, std::string_view name) {
  const LayerEntry* passwd = fs.resolve("etc/passwd");
  if (passwd == nullptr || !passwd->content) return std::nullopt;
  std::string_view text = *passwd->content;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    // name:password:uid:gid:...
    size_t c1 = line.find(':');
    if (c1 == std::string_view::npos || line.substr(0, c1) != name) continue;
    size_t c2 = line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) continue;
    size_t c3 = line.find(':', c2 + 1);
    return std::string(line.substr(c2 + 1, c3 == std::string_view::npos ? std::string_view::npos : c3 - c2 - 1));
  }
  return std::nullopt;
}

}  // namespace

bool user_is_root(std::string_view user, const ImageFs& fs) {
  std::string_view name = user.substr(0, user.find(':'));
  if (name.empty() || name == "root") return true;
  if (name.find_first_not_of("0123456789") == std::string_view::npos) {
    return name.find_first_not_of('0') == std::string_view::npos;  // "0", "00"
  }
  auto uid = passwd_uid(fs, name);
  return uid && !uid->empty() && uid->find_first_not_of('0') == std::string::npos;
}

rules::ImageContents summarize(const ImageFs& fs, std::string_view user) {
  rules::ImageContents out;
  out.status = rules::ImageContentsStatus::Read;
  out.user = std::string(user);
  out.user_is_root = user_is_root(user, fs);
  for (const auto& [path, e] : fs.entries()) {
    if ((e.type == EntryType::File || e.type == EntryType::Hardlink) && (e.mode & 06000u) != 0) {
      out.setuid_files.push_back(setid_text(e));
    }
    if (!in_command_dir(path)) continue;
    std::string_view name = base_name(path);
    bool shell = std::find(kShells.begin(), kShells.end(), name) != kShells.end();
    bool manager = !shell && is_package_manager(name);
    if (!shell && !manager) continue;
    std::string shown;
    if (!runnable(fs, e, &shown)) continue;
    (shell ? out.shells : out.package_managers).push_back(std::move(shown));
  }
  return out;
}

ContentsRead read_image_contents(RegistryClient& registry, std::string_view repository, std::string_view digest,
                                 const Platform& platform, const ContentsLimits& limits) {
  ContentsRead out;
  rules::ImageContents& c = out.contents;
  c.status = rules::ImageContentsStatus::Failed;
  auto fail = [&](const util::Error& e) {
    c.reason = e.message;
    out.transient = e.kind == util::ErrorKind::Network;
    return out;
  };
  auto deadline = Clock::now() + std::chrono::seconds(limits.timeout_seconds);
  registry.set_deadline(deadline);
  auto top = registry.manifest(repository, digest);
  if (!top) return fail(top.error());
  auto m = parse_manifest(top->body, top->media_type);
  if (!m) return fail(m.error());
  c.digest = top->digest;
  if (m->is_index) {
    const Descriptor* p = select_platform(*m, platform);
    if (p == nullptr) {
      c.reason = fmt::format("the index has no manifest for {}", platform.text());
      return out;
    }
    auto inner = registry.manifest(repository, p->digest);
    if (!inner) return fail(inner.error());
    m = parse_manifest(inner->body, inner->media_type);
    if (!m) return fail(m.error());
    if (m->is_index) {
      c.reason = "an index inside an index";
      return out;
    }
    c.digest = inner->digest;
  }
  size_t compressed = 0;
  for (const auto& layer : m->layers) compressed += static_cast<size_t>(layer.size);
  if (compressed > limits.max_compressed_bytes) {
    c.reason = fmt::format("the {} layers weigh {} bytes compressed, more than {} (--inspect-max-download)",
                           m->layers.size(), compressed, limits.max_compressed_bytes);
    return out;
  }
  auto config = registry.blob(repository, m->config.digest, size_t{4} << 20);
  if (!config) return fail(config.error());
  JsonValue cv = parse_json(config->body, "image config");
  if (!cv.root || !cv.root->is_mapping()) {
    c.reason = fmt::format("image config {}: not a JSON object {}", m->config.digest, cv.error);
    return out;
  }
  std::string user;
  if (const doc::Node* inner = cv.root->get("config"); inner != nullptr) user = std::string(string_at(*inner, "User"));

  ImageFs fs;
  LayerBudget budget;
  budget.max_unpacked_bytes = limits.max_unpacked_bytes;
  budget.max_entries = limits.max_entries;
  budget.deadline = deadline;
  size_t left = limits.max_compressed_bytes;
  auto keep = [](std::string_view path) { return path == "etc/passwd"; };
  for (size_t i = 0; i < m->layers.size(); ++i) {
    const Descriptor& layer = m->layers[i];
    std::string which = fmt::format("layer {} of {} ({})", i + 1, m->layers.size(), layer.digest);
    // The manifest's sizes were checked; the download is held to them too.
    auto blob = registry.blob(repository, layer.digest, std::max<size_t>(std::min(left, size_t(layer.size)), 1));
    if (!blob) {
      c.reason = fmt::format("{}: {}", which, blob.error().message);
      out.transient = blob.error().kind == util::ErrorKind::Network;
      if (out.transient && Clock::now() >= deadline) {
        c.reason = fmt::format("{}: the time limit of {} s ran out (--inspect-timeout)", which, limits.timeout_seconds);
        out.transient = false;
      }
      return out;
    }
    left -= std::min(left, blob->body.size());
    LayerResult r = read_layer(blob->body, budget, keep);
    if (!r.error.empty()) {
      c.reason =
          r.limit.empty() ? fmt::format("{}: {}", which, r.error) : fmt::format("{}: {} ({})", which, r.error, r.limit);
      return out;
    }
    fs.apply_layer(std::move(r.entries));
  }
  std::string digest_read = c.digest;
  c = summarize(fs, user);
  c.digest = std::move(digest_read);
  return out;
}

}  // namespace kg::supply
