// The embedded state engine: RocksDB in riskd's data directory, write-ahead
// log on, so that what riskd acknowledged survives kill -9.
//
// riskd is the only writer of its database (RocksDB's LOCK file keeps a
// second process out) and every write goes through Commit, under the lock
// stripe of each key it touches. That makes an in-process cache of recent
// values exact: Commit updates it with the database, so a decision's read
// and its guard check find the user's record there, and the guard costs a
// comparison in memory instead of a second search of RocksDB.
#ifndef RISKD_SERVER_STATE_ROCKSDB_ROCKSDB_STORE_H_
#define RISKD_SERVER_STATE_ROCKSDB_ROCKSDB_STORE_H_

#include <array>
#include <functional>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "server/state/rocksdb/key_families.h"
#include "server/state/rocksdb/value_cache.h"
#include "server/state/state_store.h"

namespace rocksdb {
class ColumnFamilyHandle;
class DB;
}  // namespace rocksdb

namespace riskd {

struct RocksDbOptions {
  std::string path;
  // fsync the log on every commit: survives power loss, not only a crash of
  // riskd, at the cost of a disk flush per decision.
  bool sync_writes = false;
  size_t block_cache_bytes = 64 << 20;
  // One memtable's worth, split between the two column families
  // (key_families.h).
  size_t write_buffer_bytes = 64 << 20;
  // Recent values kept in riskd's memory (ValueCache), over all stripes. At
  // 64 MiB the bench's 100,000-user mix (its ~18,000 active users, their
  // detectors' keys and the keys found absent) evicted all the time; at 256
  // MiB a decision costs ~28% less CPU (bench/RESULTS.md).
  size_t value_cache_bytes = size_t{256} << 20;
  // Tests only: runs inside MultiGet between a read that missed the cache and
  // the cache's fill, to place a commit there.
  std::function<void()> after_read_before_cache_fill;
};

class RocksDbStore final : public StateStore {
 public:
  // Opens (creating when needed) the database. Fails with the path and
  // RocksDB's reason, e.g. when another riskd holds the directory.
  static absl::StatusOr<std::unique_ptr<RocksDbStore>> Open(const RocksDbOptions& options);
  ~RocksDbStore() override;

  absl::StatusOr<std::vector<std::optional<std::string>>> MultiGet(
      absl::Span<const std::string> keys) override;
  absl::StatusOr<std::vector<bool>> Commit(std::vector<Transaction> transactions) override;
  absl::StatusOr<ScanPage> Scan(absl::string_view prefix, absl::string_view cursor,
                                size_t limit) override;
  bool MayBlock() const override { return false; }
  std::string Describe() const override { return "rocksdb:" + options_.path; }

 private:
  RocksDbStore(RocksDbOptions options, std::unique_ptr<rocksdb::DB> db,
               std::array<rocksdb::ColumnFamilyHandle*, 2> families);
  // The column family that holds `key` (key_families.h).
  rocksdb::ColumnFamilyHandle* FamilyFor(absl::string_view key) const {
    return families_[static_cast<size_t>(FamilyOf(key))];
  }

  // A commit holds the stripe of every key it touches (keys of one hash tag
  // share one), so that guard checks, writes and the cache's update are one
  // atomic step.
  struct Stripe {
    absl::Mutex mu;
    ValueCache cache;  // guarded by mu
    // Bumped by every commit that writes here (under mu): a read that missed
    // the cache may fill it only if no write came in between.
    uint64_t writes = 0;  // guarded by mu
  };
  static constexpr size_t kStripes = 64;
  static size_t StripeOf(absl::string_view key);

  RocksDbOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  // Indexed by KeyFamily; owned, released before db_ closes.
  std::array<rocksdb::ColumnFamilyHandle*, 2> families_;
  std::array<Stripe, kStripes> stripes_;
};

}  // namespace riskd

#endif  // RISKD_SERVER_STATE_ROCKSDB_ROCKSDB_STORE_H_
