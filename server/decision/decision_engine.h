// The decision path for one configuration: validate -> detectors ->
// aggregate -> policies. Immutable once built; a config reload builds a new
// engine and swaps it in (see service/engine_holder.h).
#ifndef RISKD_SERVER_DECISION_DECISION_ENGINE_H_
#define RISKD_SERVER_DECISION_DECISION_ENGINE_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "plugins/common/geoip/geo_database.h"
#include "server/config/config.h"
#include "server/decision/decision.h"
#include "server/decision/policy_evaluator.h"
#include "server/event/event_validator.h"
#include "server/plugin_host/abi_event.h"
#include "server/plugin_host/detector_instance.h"
#include "server/plugin_host/plugin_library.h"

namespace riskd {

class DecisionEngine {
 public:
  // Loads each detector's plugin (through `cache`), creates its instance and
  // checks that policies only name signals some detector declares. Errors
  // name the config file, line and key, and the plugin file.
  static absl::StatusOr<std::unique_ptr<DecisionEngine>> Create(Config config,
                                                                PluginLibraryCache& cache);

  const Config& config() const { return config_; }
  const EventValidator& validator() const { return validator_; }

  struct LoadedDetector {
    const DetectorConfig* config;
    std::unique_ptr<DetectorInstance> instance;
  };
  const std::vector<LoadedDetector>& detectors() const { return detectors_; }

  // The country of `event`'s IP from the config's `geoip:` files ("" when
  // none are configured or the address is not in them).
  std::string CountryOf(const NormalizedEvent& event) const;

  // Per detector, in config order: the state keys it needs for `event`, as
  // the plugin names them (ABI 1.2).
  // `abi_event` is the C view of the event, built once per event by the
  // caller and shared with Decide.
  std::vector<std::vector<std::string>> StateKeys(const AbiEvent& abi_event) const;

  // Per detector, in config order: its keys and the values read for them
  // (nullopt: absent).
  using DetectorState =
      std::vector<std::vector<std::pair<std::string, std::optional<std::string>>>>;

  // Runs every detector and decides. Thread-safe. `state` may be null (no
  // state read, or the store is unavailable): detectors then see none.
  // `trust` is what the user said about the event's device: detectors see
  // it, an approved device's score is lowered and a reported one is denied
  // (the config's `funnel:` section).
  Decision Decide(const NormalizedEvent& event, const AbiEvent& abi_event,
                  const DetectorState* state,
                  riskd_device_trust trust = RISKD_DEVICE_UNKNOWN) const;

 private:
  explicit DecisionEngine(Config config);
  absl::Status CheckPolicySignals() const;

  Config config_;
  EventValidator validator_;
  std::vector<LoadedDetector> detectors_;
  PolicyEvaluator policies_;
  std::unique_ptr<riskd_geoip::GeoDatabase> geo_;  // null without geoip files
};

}  // namespace riskd

#endif  // RISKD_SERVER_DECISION_DECISION_ENGINE_H_
