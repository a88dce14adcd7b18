// The bot-behaviour detector: clients that say they are bots (user-agent
// patterns), headless browsers, requests without the headers every browser
// sends, credential stuffing, password spraying, distributed brute force on
// one account, and event timing too regular to be a person's.
#ifndef RISKD_PLUGINS_BOT_BEHAVIOUR_BOT_BEHAVIOUR_DETECTOR_H_
#define RISKD_PLUGINS_BOT_BEHAVIOUR_BOT_BEHAVIOUR_DETECTOR_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "event_subjects.h"
#include "machine_timing.h"
#include "pattern_set.h"
#include "riskd/detector.h"
#include "window_counter.h"

namespace riskd_bot_behaviour {

class BotBehaviourDetector {
 public:
  static riskd::Description Describe();

  // Reads and compiles the pattern file and lists. Throws riskd::SettingError
  // naming the setting when one is unusable.
  explicit BotBehaviourDetector(const riskd::Settings& settings);

  // The per-IP, per-user and timing keys this event needs.
  std::vector<std::string> StateKeys(const riskd::Event& event) const;

  // Pure and thread-safe: reads the event, its state values and the members.
  void Evaluate(const riskd::Event& event, riskd::Result& result) const;

  size_t bot_pattern_count() const { return bot_patterns_.size(); }

 private:
  // A signal's threshold check against a window's counts.
  struct StuffingRule {
    double min_users;
    double min_failure_ratio;
  };
  struct SprayRule {
    double min_users;
    double max_failures_per_user;
    double min_failure_ratio;
  };
  struct BruteForceRule {
    double min_failures;
    double min_ips;
  };
  // Scores of the signals, in the order of Describe().signals.
  struct Scores {
    double bot_user_agent, headless_browser, missing_headers, credential_stuffing, password_spray,
        brute_force, machine_timing;
  };
  // Collects the signals of one evaluation and the highest score.
  class Findings;

  bool Enabled(std::string_view signal) const;
  void LoadPatterns(const riskd::Settings& settings);
  std::string TimingKey(const EventSubjects& subjects) const;
  WindowCounter::Sample IpSample(const EventSubjects& subjects) const;
  WindowCounter::Sample SpraySample(const EventSubjects& subjects) const;
  WindowCounter::Sample UserSample(const EventSubjects& subjects) const;

  void CheckUserAgent(const riskd::Event& event, Findings& findings) const;
  void CheckHeaders(const riskd::Event& event, Findings& findings) const;
  void CheckLogins(const riskd::Event& event, const EventSubjects& subjects, Findings& findings,
                   riskd::Result& result) const;
  void CheckTiming(const riskd::Event& event, const EventSubjects& subjects, Findings& findings,
                   riskd::Result& result) const;

  PatternSet bot_patterns_{/*case_insensitive=*/false};
  size_t file_pattern_count_ = 0;  // the first patterns of bot_patterns_ come from the file
  PatternSet allow_patterns_{/*case_insensitive=*/false};
  PatternSet headless_patterns_{/*case_insensitive=*/true};
  std::vector<std::string> browser_headers_;
  size_t missing_headers_min_sent_;
  std::vector<std::string> disabled_;
  int ipv6_prefix_length_;
  Scores scores_;

  std::optional<WindowCounter> stuffing_window_;
  StuffingRule stuffing_;
  std::optional<WindowCounter> spray_window_;
  SprayRule spray_;
  std::optional<WindowCounter> brute_force_window_;
  BruteForceRule brute_force_;
  std::optional<TimingSeries> timing_;
  double timing_max_variation_;
  bool timing_per_device_;
};

}  // namespace riskd_bot_behaviour

#endif  // RISKD_PLUGINS_BOT_BEHAVIOUR_BOT_BEHAVIOUR_DETECTOR_H_
