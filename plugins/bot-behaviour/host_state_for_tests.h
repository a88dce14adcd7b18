// For unit tests: plays the host's part around one detector, keeping its state
// in a map between events (reads what StateKeys names, applies the puts and
// counter adds after Evaluate). Expiry is not modelled.
#ifndef RISKD_PLUGINS_BOT_BEHAVIOUR_HOST_STATE_FOR_TESTS_H_
#define RISKD_PLUGINS_BOT_BEHAVIOUR_HOST_STATE_FOR_TESTS_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "riskd/detector_testing.h"

namespace riskd_bot_behaviour {

struct Outcome {
  double score = 0;
  std::vector<std::pair<std::string, std::string>> signals;
  std::vector<std::string> keys;  // what StateKeys asked for

  bool Has(const std::string& name) const { return !Detail(name).empty(); }
  std::string Detail(const std::string& name) const {
    for (const auto& [n, d] : signals) {
      if (n == name) return d;
    }
    return "";
  }
};

template <typename Detector>
class HostStateForTests {
 public:
  explicit HostStateForTests(const Detector& detector) : detector_(detector) {}

  Outcome Run(riskd::testing::EventBuilder builder) {
    Outcome outcome;
    outcome.keys = detector_.StateKeys(builder.Build());
    for (const std::string& key : outcome.keys) {
      auto it = values_.find(key);
      if (it != values_.end()) builder.add_state(key, it->second);
    }
    riskd::testing::CapturedResult result;
    detector_.Evaluate(builder.Build(), result.result());
    for (const auto& [key, value] : result.puts()) values_[key] = value;
    for (const auto& [key, delta] : result.adds()) {
      auto it = values_.find(key);
      values_[key] = std::to_string((it == values_.end() ? 0 : std::stoll(it->second)) + delta);
    }
    outcome.score = result.score();
    outcome.signals = result.signals();
    return outcome;
  }

  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  const Detector& detector_;
  std::map<std::string, std::string> values_;
};

}  // namespace riskd_bot_behaviour

#endif  // RISKD_PLUGINS_BOT_BEHAVIOUR_HOST_STATE_FOR_TESTS_H_
