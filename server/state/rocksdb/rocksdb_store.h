// The embedded state engine: RocksDB in riskd's data directory, write-ahead
// log on, so that what riskd acknowledged survives kill -9.
#ifndef RISKD_SERVER_STATE_ROCKSDB_ROCKSDB_STORE_H_
#define RISKD_SERVER_STATE_ROCKSDB_ROCKSDB_STORE_H_

#include <array>
#include <memory>
#include <string>

#include "absl/synchronization/mutex.h"
#include "server/state/state_store.h"

namespace rocksdb {
class DB;
}

namespace riskd {

struct RocksDbOptions {
  std::string path;
  // fsync the log on every commit: survives power loss, not only a crash of
  // riskd, at the cost of a disk flush per decision.
  bool sync_writes = false;
  size_t block_cache_bytes = 64 << 20;
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
  RocksDbStore(RocksDbOptions options, std::unique_ptr<rocksdb::DB> db);

  // Guarded transactions on keys of one hash tag hold that tag's stripe, so
  // that the guard check and the write are one atomic step.
  static constexpr size_t kStripes = 64;
  size_t StripeOf(const Transaction& t) const;

  RocksDbOptions options_;
  std::unique_ptr<rocksdb::DB> db_;
  std::array<absl::Mutex, kStripes> stripes_;
};

}  // namespace riskd

#endif  // RISKD_SERVER_STATE_ROCKSDB_ROCKSDB_STORE_H_
