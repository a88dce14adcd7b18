#include "server/state/open_state_store.h"

#include "absl/strings/str_cat.h"
#include "server/state/rocksdb/rocksdb_store.h"

namespace riskd {

absl::StatusOr<std::unique_ptr<StateStore>> OpenStateStore(const Config& config) {
  switch (config.state.engine) {
    case StateConfig::Engine::kRocksDb: {
      absl::StatusOr<std::unique_ptr<RocksDbStore>> store = RocksDbStore::Open(
          {.path = config.data_dir + "/state", .sync_writes = config.state.sync_writes});
      if (!store.ok()) return store.status();
      return std::unique_ptr<StateStore>(*std::move(store));
    }
    case StateConfig::Engine::kRedisCluster:
      return absl::UnimplementedError(
          absl::StrCat(config.path, ": state.engine redis_cluster is not built into this riskd"));
  }
  return absl::InternalError("unknown state engine");
}

}  // namespace riskd
