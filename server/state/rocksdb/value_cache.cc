#include "server/state/rocksdb/value_cache.h"

namespace riskd {
namespace {

// A list node, its two strings' headers and an index slot, roughly.
constexpr size_t kEntryOverhead = 128;

}  // namespace

size_t ValueCache::CostOf(size_t key_size, size_t stored_size) {
  return kEntryOverhead + key_size + stored_size;
}

void ValueCache::set_capacity_bytes(size_t capacity_bytes) {
  capacity_bytes_ = capacity_bytes;
  EvictToCapacity();
}

ValueCache::Lookup ValueCache::Find(absl::string_view key) {
  auto it = index_.find(key);
  if (it == index_.end()) return {};
  order_.splice(order_.begin(), order_, it->second);
  const Entry& entry = *it->second;
  return {.known = true, .stored = entry.stored ? &*entry.stored : nullptr};
}

void ValueCache::Put(absl::string_view key, std::optional<absl::string_view> stored) {
  const size_t cost = CostOf(key.size(), stored ? stored->size() : 0);
  if (cost > capacity_bytes_) {  // too large to keep: forget any older value
    Erase(key);
    return;
  }
  auto it = index_.find(key);
  if (it != index_.end()) {
    Entry& entry = *it->second;
    bytes_ -= CostOf(entry.key.size(), entry.stored ? entry.stored->size() : 0);
    if (stored && entry.stored) {
      entry.stored->assign(stored->data(), stored->size());  // keeps its buffer
    } else if (stored) {
      entry.stored.emplace(stored->data(), stored->size());
    } else {
      entry.stored.reset();
    }
    order_.splice(order_.begin(), order_, it->second);
  } else {
    order_.push_front(
        Entry{std::string(key), stored ? std::optional<std::string>(*stored) : std::nullopt});
    index_.emplace(order_.front().key, order_.begin());
  }
  bytes_ += cost;
  EvictToCapacity();
}

void ValueCache::Erase(absl::string_view key) {
  auto it = index_.find(key);
  if (it == index_.end()) return;
  Order::iterator entry = it->second;
  bytes_ -= CostOf(entry->key.size(), entry->stored ? entry->stored->size() : 0);
  index_.erase(it);
  order_.erase(entry);
}

void ValueCache::EvictToCapacity() {
  while (bytes_ > capacity_bytes_ && !order_.empty()) Erase(order_.back().key);
}

}  // namespace riskd
