// What the RocksDB engine last read or wrote for its most recently used keys,
// as stored (expiry envelope included), so that a decision's batched read and
// its guard check find the user's record here instead of searching RocksDB's
// memtables and files again. A key known to be absent is cached too.
//
// Not thread-safe: RocksDbStore keeps one per lock stripe and uses it under
// that stripe's mutex. Bounded by bytes, least recently used out first.
#ifndef RISKD_SERVER_STATE_ROCKSDB_VALUE_CACHE_H_
#define RISKD_SERVER_STATE_ROCKSDB_VALUE_CACHE_H_

#include <list>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace riskd {

class ValueCache {
 public:
  explicit ValueCache(size_t capacity_bytes = 0) : capacity_bytes_(capacity_bytes) {}
  ValueCache(const ValueCache&) = delete;
  ValueCache& operator=(const ValueCache&) = delete;

  void set_capacity_bytes(size_t capacity_bytes);

  // What is stored under `key` (nullptr inside: known absent), or nullptr
  // when the cache does not know. Valid until the next call on the cache.
  struct Lookup {
    bool known = false;
    const std::string* stored = nullptr;
  };
  Lookup Find(absl::string_view key);

  // Records what `key` now holds (nullopt: absent).
  void Put(absl::string_view key, std::optional<absl::string_view> stored);
  void Erase(absl::string_view key);

  size_t bytes() const { return bytes_; }
  size_t size() const { return index_.size(); }

 private:
  struct Entry {
    std::string key;
    std::optional<std::string> stored;
  };
  using Order = std::list<Entry>;  // most recently used first

  static size_t CostOf(size_t key_size, size_t stored_size);
  void EvictToCapacity();

  size_t capacity_bytes_;
  size_t bytes_ = 0;
  Order order_;
  // Keys view the entries' own key strings, which list nodes keep in place.
  absl::flat_hash_map<absl::string_view, Order::iterator> index_;
};

}  // namespace riskd

#endif  // RISKD_SERVER_STATE_ROCKSDB_VALUE_CACHE_H_
