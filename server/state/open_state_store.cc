#include "server/state/open_state_store.h"

#include "absl/strings/str_cat.h"
#include "server/state/redis/redis_cluster_store.h"
#include "server/state/rocksdb/rocksdb_store.h"

namespace riskd {

absl::StatusOr<std::unique_ptr<StateStore>> OpenStateStore(const Config& config) {
  switch (config.state.engine) {
    case StateConfig::Engine::kRocksDb: {
      absl::StatusOr<std::unique_ptr<RocksDbStore>> store =
          RocksDbStore::Open({.path = config.data_dir + "/state",
                              .sync_writes = config.state.sync_writes,
                              .value_cache_bytes = config.state.value_cache_bytes});
      if (!store.ok()) return store.status();
      return std::unique_ptr<StateStore>(*std::move(store));
    }
    case StateConfig::Engine::kRedisCluster: {
      absl::StatusOr<std::unique_ptr<RedisClusterStore>> store =
          RedisClusterStore::Connect({.seeds = config.state.redis_nodes,
                                      .key_prefix = config.state.redis_key_prefix,
                                      .connect_timeout = config.state.redis_connect_timeout,
                                      .command_timeout = config.state.redis_command_timeout});
      if (!store.ok()) {
        return absl::Status(
            store.status().code(),
            absl::StrCat(config.path, ": state.redis_cluster: ", store.status().message()));
      }
      return std::unique_ptr<StateStore>(*std::move(store));
    }
  }
  return absl::InternalError("unknown state engine");
}

}  // namespace riskd
