// One configured detector: a plugin instance created with its settings.
#ifndef RISKD_SERVER_PLUGIN_HOST_DETECTOR_INSTANCE_H_
#define RISKD_SERVER_PLUGIN_HOST_DETECTOR_INSTANCE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "riskd/detector_abi.h"
#include "server/config/config.h"
#include "server/plugin_host/plugin_library.h"

namespace riskd {

struct RaisedSignal {
  std::string name;
  std::string detail;
};

// A state write a detector asked for, with its own (unprefixed) key.
struct StateWrite {
  std::string key;
  std::optional<std::string> value;  // put, unless `add` is set
  std::optional<int64_t> add;        // add to a counter
  int64_t ttl_ms = 0;
  bool shared = false;  // an add that may be summed and written later (ABI 1.4)
};

// What one evaluation produced. `error` is set when the result is unusable
// (the plugin failed, threw, timed out or returned an invalid score).
struct DetectorRun {
  double score = 0.0;
  std::vector<RaisedSignal> signals;
  std::vector<StateWrite> writes;  // dropped with the result on error
  std::string error;
  absl::Duration duration;
};

class DetectorInstance {
 public:
  // Binds `config.settings` to the plugin's schema and calls create().
  static absl::StatusOr<std::unique_ptr<DetectorInstance>> Create(
      std::shared_ptr<PluginLibrary> library, const DetectorConfig& config,
      const std::string& config_file);
  ~DetectorInstance();
  DetectorInstance(const DetectorInstance&) = delete;
  DetectorInstance& operator=(const DetectorInstance&) = delete;

  // Thread-safe. A run longer than `timeout` is discarded with an error: the
  // host cannot pre-empt plugin code, but it never uses a late answer.
  DetectorRun Evaluate(const riskd_event& event, absl::Duration timeout) const;

  // The state keys this event needs (ABI 1.2; none for older plugins).
  std::vector<std::string> StateKeys(const riskd_event& event) const;

  const PluginLibrary& library() const { return *library_; }
  // The data files its settings name: a change to one reloads the config.
  const std::vector<std::string>& data_files() const { return data_files_; }

 private:
  DetectorInstance(std::shared_ptr<PluginLibrary> library, riskd_detector* detector,
                   std::vector<std::string> data_files)
      : library_(std::move(library)), detector_(detector), data_files_(std::move(data_files)) {}

  // Declared first so that it is destroyed last: the library must outlive
  // the instance it created.
  std::shared_ptr<PluginLibrary> library_;
  riskd_detector* detector_;
  std::vector<std::string> data_files_;
};

}  // namespace riskd

#endif  // RISKD_SERVER_PLUGIN_HOST_DETECTOR_INSTANCE_H_
