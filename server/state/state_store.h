// The state interface riskd's decision path uses, with two engines:
// embedded RocksDB (the default) and Redis Cluster (to scale out). One
// conformance suite (state_store_conformance_test.cc) runs against both.
//
// Keys are bytes. Keys of one user carry the hash tag "{<user id>}" (see
// state_keys.h) so that in Redis Cluster they live in one slot, which is what
// lets a Transaction over them be atomic.
#ifndef RISKD_SERVER_STATE_STATE_STORE_H_
#define RISKD_SERVER_STATE_STATE_STORE_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace riskd {

class StateStore {
 public:
  virtual ~StateStore() = default;

  // Reads `keys` in one batch: one RocksDB MultiGet, one pipelined round
  // trip per Redis node. result[i] is nullopt when keys[i] is absent or
  // expired. UNAVAILABLE when the store cannot be reached.
  virtual absl::StatusOr<std::vector<std::optional<std::string>>> MultiGet(
      absl::Span<const std::string> keys) = 0;

  struct Mutation {
    std::string key;
    std::optional<std::string> value;           // nullopt deletes the key
    absl::Duration ttl = absl::ZeroDuration();  // zero: never expires
    // When set, `value` is ignored: atomically adds this to the integer at
    // `key` (absent: 0), stored as decimal text. `ttl` applies when the add
    // creates the key; a counter keeps the expiry it was created with, so a
    // time-bucket counter ("ip:{1.2.3.4}:fails:<minute>") ends with its window.
    // Adding to a value that is not an integer fails the whole Commit.
    std::optional<int64_t> add;
  };

  // An atomic update of keys that share one hash tag. With a guard, it is
  // applied only if `guard_key` currently holds `guard_value` (nullopt: the
  // key is absent): compare-and-set, so that concurrent read-modify-write
  // cycles on one user, from one riskd or several, never lose an update.
  struct Transaction {
    std::optional<std::string> guard_key;
    std::optional<std::string> guard_value;
    std::vector<Mutation> mutations;
  };

  // Applies `transactions` in one batch, each atomically, before returning.
  // Durability is the engine's: RocksDB's write-ahead log survives a crash of
  // riskd (and power loss with sync_writes); Redis keeps what its master
  // acknowledged as its AOF is configured (appendfsync everysec may lose up to
  // a second if Redis itself crashes; there is no WAIT on replicas).
  // result[i] is false only when transaction i's guard did not hold; then
  // none of its mutations were applied. UNAVAILABLE when the store cannot be
  // reached (some transactions may then have been applied).
  virtual absl::StatusOr<std::vector<bool>> Commit(std::vector<Transaction> transactions) = 0;

  struct ScanPage {
    std::vector<std::pair<std::string, std::string>> items;  // key, value
    std::string next_cursor;                                 // "" when the scan is complete
  };
  // Lists keys that start with `prefix`, at most about `limit` per page,
  // resuming after `cursor` ("" to start). Every key present for the whole
  // scan is returned at least once, whatever is written meanwhile (Redis
  // may return a key twice, and keeps this promise only while the cluster's
  // set of masters is stable; callers that must not show duplicates dedupe).
  // A prefix holding a whole hash tag ("wh:{wh:3}:q:") names keys of one
  // slot: they come in key order, once each, and Redis lists that slot only
  // instead of scanning every master's keyspace.
  virtual absl::StatusOr<ScanPage> Scan(absl::string_view prefix, absl::string_view cursor,
                                        size_t limit) = 0;

  // True when calls may wait on the network: the service then runs them on
  // its I/O pool instead of gRPC's threads.
  virtual bool MayBlock() const = 0;

  // "rocksdb:/var/lib/riskd" or "redis-cluster:127.0.0.1:7000,...".
  virtual std::string Describe() const = 0;
};

}  // namespace riskd

#endif  // RISKD_SERVER_STATE_STATE_STORE_H_
