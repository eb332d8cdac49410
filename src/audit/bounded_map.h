// A map that forgets its least recently written entries past a fixed size:
// the detector's memory must not grow with the log, whatever the log holds.
#pragma once

#include <cstddef>
#include <list>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace kg::audit {

template <typename V>
class BoundedMap {
 public:
  explicit BoundedMap(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // Inserts or replaces; the entry becomes the most recent.
  void put(const std::string& key, V value) {
    auto it = index_.find(key);
    if (it != index_.end()) {
      order_.erase(it->second);
      index_.erase(it);
    }
    order_.emplace_front(key, std::move(value));
    index_.emplace(order_.front().first, order_.begin());
    while (index_.size() > capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
  }

  const V* get(const std::string& key) const {
    auto it = index_.find(key);
    return it == index_.end() ? nullptr : &it->second->second;
  }

  void erase(const std::string& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    order_.erase(it->second);
    index_.erase(it);
  }

  size_t size() const { return index_.size(); }
  size_t capacity() const { return capacity_; }

 private:
  using Order = std::list<std::pair<std::string, V>>;
  size_t capacity_;
  Order order_;
  std::unordered_map<std::string, typename Order::iterator> index_;
};

}  // namespace kg::audit
