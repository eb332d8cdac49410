#include "supply/image_fs.h"

#include <algorithm>

namespace kg::supply {
namespace {

constexpr std::string_view kWhiteoutPrefix = ".wh.";
constexpr std::string_view kOpaque = ".wh..wh..opq";

std::vector<std::string_view> components(std::string_view path) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    if (end > start) out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string_view parent_of(std::string_view path) {
  size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
}

}  // namespace

std::optional<std::string> normalize_entry_path(std::string_view path) {
  std::string out;
  for (std::string_view part : components(path)) {
    if (part == ".") continue;
    if (part == "..") return std::nullopt;
    if (!out.empty()) out += '/';
    out += part;
  }
  if (out.empty()) return std::nullopt;
  return out;
}

std::optional<Whiteout> whiteout_of(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view dir = slash == std::string_view::npos ? std::string_view() : path.substr(0, slash);
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  if (!base.starts_with(kWhiteoutPrefix)) return std::nullopt;
  if (base == kOpaque) return Whiteout{std::string(dir), true};
  std::string_view name = base.substr(kWhiteoutPrefix.size());
  if (name.empty() || name == "." || name == "..") return std::nullopt;
  return Whiteout{dir.empty() ? std::string(name) : std::string(dir) + "/" + std::string(name), false};
}

void ImageFs::erase_below(std::string_view dir) {
  if (dir.empty()) {  // an opaque root: nothing of the lower layers stays
    entries_.clear();
    return;
  }
  std::string first = std::string(dir) + "/";
  std::string last = std::string(dir) + "0";  // '0' follows '/' in ASCII
  entries_.erase(entries_.lower_bound(first), entries_.lower_bound(last));
}

void ImageFs::apply_layer(std::vector<LayerEntry> entries) {
  // Whiteouts hide what the lower layers hold, never the entries of their own
  // layer, so they go first.
  for (const auto& e : entries) {
    auto w = whiteout_of(e.path);
    if (!w) continue;
    erase_below(w->target);
    if (!w->opaque) entries_.erase(w->target);
  }
  for (auto& e : entries) {
    if (whiteout_of(e.path)) continue;
    if (e.type != EntryType::Directory) {
      erase_below(e.path);  // a file over a lower directory replaces the whole directory
    } else if (auto it = entries_.find(e.path); it != entries_.end() && it->second.type == EntryType::Directory) {
      it->second = std::move(e);  // a directory over a directory merges
      continue;
    }
    std::string key = e.path;
    entries_.insert_or_assign(std::move(key), std::move(e));
  }
}

const LayerEntry* ImageFs::find(std::string_view path) const {
  auto it = entries_.find(path);
  return it == entries_.end() ? nullptr : &it->second;
}

const LayerEntry* ImageFs::resolve(std::string_view path) const {
  std::vector<std::string> todo;  // components still to walk, the next one last
  for (auto part : components(path)) todo.emplace(todo.begin(), part);
  std::string current;
  int hops = 0;
  while (!todo.empty()) {
    std::string part = std::move(todo.back());
    todo.pop_back();
    if (part == ".") continue;
    if (part == "..") {
      current = std::string(parent_of(current));
      continue;
    }
    std::string next = current.empty() ? part : current + "/" + part;
    const LayerEntry* e = find(next);
    if (e == nullptr) {
      if (todo.empty()) return nullptr;
      current = std::move(next);  // a directory the archive did not list: implied by what is under it
      continue;
    }
    if (e->type == EntryType::Symlink) {
      if (++hops > 40) return nullptr;
      if (e->link.starts_with('/')) current.clear();
      auto target = components(e->link);
      for (auto it = target.rbegin(); it != target.rend(); ++it) todo.emplace_back(*it);
      continue;
    }
    current = std::move(next);
  }
  return current.empty() ? nullptr : find(current);
}

}  // namespace kg::supply
