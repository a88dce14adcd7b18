// A detector whose behaviour the tests set through its settings and the
// event's properties: a fixed or per-event score, signals, a delay, a throw.
#include <chrono>
#include <fstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "riskd/detector.h"

#ifndef FIXTURE_VERSION
#define FIXTURE_VERSION "0.1.0"
#endif

namespace riskd_test {

class FixtureDetector {
 public:
  static riskd::Description Describe() {
    return {
        .name = "fixture",
        .version = FIXTURE_VERSION,
        .description = "Test detector driven by its settings and event properties.",
        .settings =
            {
                {.key = "score",
                 .type = RISKD_SETTING_DOUBLE,
                 .default_value = "0",
                 .description = "Score of every event (property fixture_score overrides)."},
                {.key = "signals",
                 .type = RISKD_SETTING_STRING_LIST,
                 .default_value = "",
                 .description = "Signals raised on every event."},
                {.key = "sleep_ms",
                 .type = RISKD_SETTING_INT,
                 .default_value = "0",
                 .description = "Delay before answering, for timeout tests."},
                {.key = "throw_message",
                 .type = RISKD_SETTING_STRING,
                 .default_value = "",
                 .description = "When set, Evaluate throws this."},
                {.key = "positive",
                 .type = RISKD_SETTING_INT,
                 .default_value = "1",
                 .description = "Must be > 0: exercises plugin-side validation."},
                {.key = "count_per_ip",
                 .type = RISKD_SETTING_BOOL,
                 .default_value = "false",
                 .description = "Count events per IP in state (ABI 1.2) and report the count."},
                {.key = "shared_count",
                 .type = RISKD_SETTING_BOOL,
                 .default_value = "false",
                 .description = "Count all events in a shared counter (ABI 1.4) and report "
                                "the count read."},
                {.key = "label_file",
                 .type = RISKD_SETTING_FILE,
                 .required = false,
                 .default_value = std::nullopt,
                 .description = "A data file; its first line is the detail of fixture_other."},
                {.key = "required_label",
                 .type = RISKD_SETTING_STRING,
                 .required = true,
                 .default_value = std::nullopt,
                 .description = "Any text; exercises required settings."},
                {.key = "echo_property",
                 .type = RISKD_SETTING_STRING,
                 .default_value = "",
                 .description = "A property whose value fixture_other reports, when present."},
            },
        .signals = {"fixture_alert", "fixture_other"},
    };
  }

  explicit FixtureDetector(const riskd::Settings& settings)
      : score_(settings.GetDouble("score")),
        signals_(settings.GetStringList("signals")),
        sleep_(std::chrono::milliseconds(settings.GetInt("sleep_ms"))),
        throw_message_(settings.GetString("throw_message")),
        count_per_ip_(settings.GetBool("count_per_ip")),
        shared_count_(settings.GetBool("shared_count")),
        echo_property_(settings.GetString("echo_property")) {
    if (settings.Has("label_file")) {
      std::ifstream file(settings.GetString("label_file"));
      if (!std::getline(file, label_) || label_.empty()) {
        throw riskd::SettingError("label_file", "the file is empty");
      }
    }
    if (settings.GetInt("positive") <= 0) {
      throw riskd::SettingError("positive",
                                "must be greater than 0, got " + settings.GetString("positive"));
    }
  }

  std::vector<std::string> StateKeys(const riskd::Event& event) const {
    if (shared_count_) return {kSharedCountKey};
    if (!count_per_ip_ || event.ip().empty()) return {};
    return {CountKey(event), LastUserKey(event)};
  }

  void Evaluate(const riskd::Event& event, riskd::Result& result) const {
    // Per-event overrides, so one config can serve many test cases.
    std::optional<std::string_view> throw_now = event.property("fixture_throw");
    if (!throw_message_.empty() || throw_now) {
      throw std::runtime_error(throw_now ? std::string(*throw_now) : throw_message_);
    }
    if (sleep_.count() > 0) std::this_thread::sleep_for(sleep_);
    double score = score_;
    if (std::optional<std::string_view> s = event.property("fixture_score")) {
      score = std::stod(std::string(*s));
    }
    result.SetScore(score);
    for (const std::string& signal : signals_) result.AddSignal(signal, "raised by fixture");
    if (!label_.empty()) result.AddSignal("fixture_other", label_);
    if (count_per_ip_ && !event.ip().empty()) {
      std::string seen(event.state(CountKey(event)).value_or("0"));
      std::string last(event.state(LastUserKey(event)).value_or("nobody"));
      result.AddSignal("fixture_other", "seen " + seen + " before from this IP, last by " + last);
      result.AddToCounter(CountKey(event), 1, /*ttl_ms=*/60'000);
      result.PutState(LastUserKey(event), event.user_id());
    }
    if (shared_count_) {
      std::string read(event.state(kSharedCountKey).value_or("0"));
      result.AddSignal("fixture_other", "shared count " + read);
      result.AddToSharedCounter(kSharedCountKey, 1, /*ttl_ms=*/600'000);
    }
    if (!echo_property_.empty()) {
      if (std::optional<std::string_view> value = event.property(echo_property_)) {
        result.AddSignal("fixture_other", echo_property_ + "=" + std::string(*value));
      }
    }
    if (event.property("fixture_trust")) {
      // What the host said about the device (ABI 1.3).
      result.AddSignal("fixture_other",
                       "device_trust=" + std::to_string(static_cast<int>(event.device_trust())));
    }
    if (std::optional<std::string_view> s = event.property("fixture_signal")) {
      result.AddSignal(*s, "requested by the event");
    }
  }

 private:
  double score_;
  std::vector<std::string> signals_;
  std::chrono::milliseconds sleep_;
  std::string throw_message_;
  std::string label_;  // from label_file
  static constexpr char kSharedCountKey[] = "shared:events";
  bool count_per_ip_;
  bool shared_count_;
  std::string echo_property_;

  // Both keys carry the IP as hash tag: one Redis slot per IP.
  static std::string CountKey(const riskd::Event& e) { return "{" + std::string(e.ip()) + "}:n"; }
  static std::string LastUserKey(const riskd::Event& e) {
    return "{" + std::string(e.ip()) + "}:last";
  }
};

}  // namespace riskd_test

RISKD_DETECTOR_PLUGIN(riskd_test::FixtureDetector)
