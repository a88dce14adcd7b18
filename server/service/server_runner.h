// Runs riskd: loads the config, serves gRPC, reloads on SIGHUP or when the
// config or a plugin file changes, and shuts down gracefully on SIGTERM.
#ifndef RISKD_SERVER_SERVICE_SERVER_RUNNER_H_
#define RISKD_SERVER_SERVICE_SERVER_RUNNER_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "server/common/logging.h"
#include "server/config/config.h"

namespace riskd {

// Command-line values that override the config file.
struct Overrides {
  std::optional<std::string> listen;
  std::optional<std::string> data_dir;
  std::optional<LogLevel> log_level;
};

// LoadConfig, then the overrides.
absl::StatusOr<Config> LoadConfigWithOverrides(const std::string& path, const Overrides& overrides);

// `riskd --check-config`: loads the config and every plugin without serving.
// Prints what it found, or the error; returns the process exit code.
int CheckConfig(const std::string& path, const Overrides& overrides);

// Serves until SIGTERM or SIGINT; returns the process exit code. Must be
// called before any other thread is started (it takes over signal handling).
int RunServer(const std::string& config_path, const Overrides& overrides);

}  // namespace riskd

#endif  // RISKD_SERVER_SERVICE_SERVER_RUNNER_H_
