// riskd: the account-protection decision service.
//
//   riskd --config config/riskd.yaml [--listen HOST:PORT] [--data-dir DIR]
//   riskd --check-config config/riskd.yaml
#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/synchronization/mutex.h"
#include "server/common/logging.h"
#include "server/service/server_runner.h"

ABSL_FLAG(std::string, config, "config/riskd.yaml", "The YAML config file.");
ABSL_FLAG(std::string, check_config, "",
          "Load this config file and every plugin it names, report problems, and exit "
          "without serving.");
ABSL_FLAG(std::string, listen, "", "HOST:PORT to serve on; overrides `listen` in the file.");
ABSL_FLAG(std::string, data_dir, "", "State directory; overrides `data_dir` in the file.");
ABSL_FLAG(std::string, log_level, "",
          "debug, info, warning or error; overrides `log_level` in the file.");

namespace {

// absl flags are spelled with underscores; accept the documented dashes too
// (--check-config, --data-dir, --log-level).
std::vector<char*> DashesToUnderscores(int argc, char** argv, std::vector<std::string>& storage) {
  storage.assign(argv, argv + argc);
  std::vector<char*> out;
  for (std::string& arg : storage) {
    if (arg.rfind("--", 0) == 0) {
      size_t end = std::min(arg.find('='), arg.size());
      std::replace(arg.begin() + 2, arg.begin() + end, '-', '_');
    }
    out.push_back(arg.data());
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  // Debian's abseil checks every Mutex acquisition for lock-order cycles, a
  // debugging aid that costs ~5% of each decision (bench/RESULTS.md). The
  // unit tests keep it on; the server runs without.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::SetProgramUsageMessage(
      "riskd --config FILE [--listen HOST:PORT] [--data-dir DIR] [--log-level LEVEL]\n"
      "       riskd --check-config FILE");
  std::vector<std::string> storage;
  std::vector<char*> args = DashesToUnderscores(argc, argv, storage);
  absl::ParseCommandLine(static_cast<int>(args.size()), args.data());

  riskd::Overrides overrides;
  if (!absl::GetFlag(FLAGS_listen).empty()) overrides.listen = absl::GetFlag(FLAGS_listen);
  if (!absl::GetFlag(FLAGS_data_dir).empty()) overrides.data_dir = absl::GetFlag(FLAGS_data_dir);
  if (!absl::GetFlag(FLAGS_log_level).empty()) {
    absl::StatusOr<riskd::LogLevel> level = riskd::ParseLogLevel(absl::GetFlag(FLAGS_log_level));
    if (!level.ok()) {
      std::fprintf(stderr, "riskd: --log-level: %s\n",
                   std::string(level.status().message()).c_str());
      return 2;
    }
    overrides.log_level = *level;
  }

  if (!absl::GetFlag(FLAGS_check_config).empty()) {
    return riskd::CheckConfig(absl::GetFlag(FLAGS_check_config), overrides);
  }
  return riskd::RunServer(absl::GetFlag(FLAGS_config), overrides);
}
