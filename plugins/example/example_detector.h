// The example detector: flags scripted HTTP clients by their user agent.
// It is the template to copy for a new detector (see docs/writing-a-detector.md).
#ifndef RISKD_PLUGINS_EXAMPLE_EXAMPLE_DETECTOR_H_
#define RISKD_PLUGINS_EXAMPLE_EXAMPLE_DETECTOR_H_

#include <string>
#include <vector>

#include "riskd/detector.h"

namespace riskd_example {

class ExampleDetector {
 public:
  static riskd::Description Describe();

  // Throws riskd::SettingError naming the setting when one is unusable.
  explicit ExampleDetector(const riskd::Settings& settings);

  // Pure and thread-safe: reads only the event and this object's settings.
  void Evaluate(const riskd::Event& event, riskd::Result& result) const;

 private:
  std::vector<std::string> lowercase_markers_;
  double scripted_client_score_;
  double missing_user_agent_score_;
};

}  // namespace riskd_example

#endif  // RISKD_PLUGINS_EXAMPLE_EXAMPLE_DETECTOR_H_
