// Opens the state engine the config names.
#ifndef RISKD_SERVER_STATE_OPEN_STATE_STORE_H_
#define RISKD_SERVER_STATE_OPEN_STATE_STORE_H_

#include <memory>

#include "absl/status/statusor.h"
#include "server/config/config.h"
#include "server/state/state_store.h"

namespace riskd {

// rocksdb: <data_dir>/state. redis_cluster: the configured seed nodes.
absl::StatusOr<std::unique_ptr<StateStore>> OpenStateStore(const Config& config);

}  // namespace riskd

#endif  // RISKD_SERVER_STATE_OPEN_STATE_STORE_H_
