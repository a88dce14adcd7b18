#include "bot_behaviour_detector.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "pattern_file.h"
#include "request_headers.h"

namespace riskd_bot_behaviour {
namespace {

constexpr const char* kSignals[] = {"bot_user_agent",      "headless_browser", "missing_headers",
                                    "credential_stuffing", "password_spray",   "brute_force",
                                    "machine_timing"};
constexpr int64_t kMaxWindowSeconds = 30 * 24 * 3600;

double PositiveSetting(const riskd::Settings& settings, const std::string& key) {
  double value = settings.GetDouble(key);
  if (!(value > 0.0) || !std::isfinite(value)) {
    throw riskd::SettingError(key, "must be above 0, got " + settings.GetString(key));
  }
  return value;
}

std::string Format(const char* format, double value) {
  char text[32];
  std::snprintf(text, sizeof(text), format, value);
  return text;
}

std::string Count(double value) { return Format("%.0f", value); }
std::string Percent(double ratio) { return Format("%.0f", ratio * 100) + "%"; }

// "10 min", "24 h", "90 s".
std::string WindowText(int64_t ms) {
  int64_t s = ms / 1000;
  if (s % 3600 == 0) return std::to_string(s / 3600) + " h";
  if (s % 60 == 0) return std::to_string(s / 60) + " min";
  return std::to_string(s) + " s";
}

std::string Quoted(std::string_view text) {
  std::string out = "\"";
  out.append(text).append("\"");
  return out;
}

}  // namespace

class BotBehaviourDetector::Findings {
 public:
  explicit Findings(riskd::Result& result) : result_(result) {}
  void Add(std::string_view signal, double score, const std::string& detail) {
    result_.AddSignal(signal, detail);
    score_ = std::max(score_, score);
  }
  double score() const { return score_; }

 private:
  riskd::Result& result_;
  double score_ = 0.0;
};

riskd::Description BotBehaviourDetector::Describe() {
  auto score = [](const char* key, const char* value, const char* description) {
    return riskd::SettingSpec{.key = key,
                              .type = RISKD_SETTING_DOUBLE,
                              .default_value = value,
                              .description = description};
  };
  auto integer = [](const char* key, const char* value, const char* description) {
    return riskd::SettingSpec{
        .key = key, .type = RISKD_SETTING_INT, .default_value = value, .description = description};
  };
  return {
      .name = "bot-behaviour",
      .version = "1.0.0",
      .description =
          "Flags bot and headless-browser user agents, requests without a browser's headers, "
          "credential stuffing, password spraying, distributed brute force and machine-regular "
          "timing.",
      .settings =
          {
              {.key = "crawler_patterns_file",
               .type = RISKD_SETTING_FILE,
               .default_value = "../data/crawler-user-agents/crawler-user-agents.json",
               .description = "Bot user-agent regular expressions (RE2): crawler-user-agents' "
                              "JSON, a JSON array of strings, or one pattern a line."},
              {.key = "extra_bot_patterns",
               .type = RISKD_SETTING_STRING_LIST,
               .default_value = "",
               .description = "More bot user-agent patterns (RE2, case-sensitive)."},
              {.key = "allow_patterns",
               .type = RISKD_SETTING_STRING_LIST,
               .default_value = "",
               .description = "User agents matching one of these (RE2, case-sensitive) never "
                              "raise bot_user_agent or headless_browser: your own monitors."},
              {.key = "headless_patterns",
               .type = RISKD_SETTING_STRING_LIST,
               .default_value = "Headless,PhantomJS,SlimerJS,HtmlUnit,jsdom/,Puppeteer,"
                                "Playwright,Selenium,WebDriver,Cypress/,Nightmare",
               .description = "Markers of automated browsers in the user agent or the "
                              "sec-ch-ua header (RE2, case-insensitive)."},
              {.key = "browser_headers",
               .type = RISKD_SETTING_STRING_LIST,
               .default_value = "accept,accept-language,accept-encoding,user-agent",
               .description = "Headers every browser sends; missing_headers names those absent."},
              integer("missing_headers_min_sent", "3",
                      "Judge missing headers only when the event carries at least this many "
                      "headers (apps that forward none or a few are not penalised)."),
              integer("credential_stuffing_window_s", "600", "Credential stuffing window."),
              integer("credential_stuffing_min_users", "20",
                      "Distinct users one IP tried in the window."),
              score("credential_stuffing_min_failure_ratio", "0.8",
                    "Share of that IP's logins that failed."),
              integer("password_spray_window_s", "86400", "Password spray window."),
              integer("password_spray_min_users", "30",
                      "Distinct users with failed logins from one IP in the window."),
              {.key = "password_spray_max_failures_per_user",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "3",
               .description = "At most this many failed logins per such user on average."},
              score("password_spray_min_failure_ratio", "0.9",
                    "Share of that IP's logins that failed."),
              integer("brute_force_window_s", "3600", "Brute force window."),
              integer("brute_force_min_failures", "10", "Failed logins of one user in the window."),
              integer("brute_force_min_ips", "3", "Distinct IPs those failures came from."),
              integer("machine_timing_intervals", "10",
                      "Gaps between a client's events measured (needs one event more)."),
              score("machine_timing_max_variation", "0.1",
                    "Fires when the gaps' standard deviation is below this share of their mean."),
              integer("machine_timing_max_gap_s", "600", "A longer pause starts over."),
              {.key = "machine_timing_per",
               .type = RISKD_SETTING_STRING,
               .default_value = "ip",
               .description = "Whose events are timed: ip or device."},
              integer("ipv6_prefix_length", "64",
                      "IPv6 clients are counted per network of this prefix."),
              {.key = "disabled_signals",
               .type = RISKD_SETTING_STRING_LIST,
               .default_value = "",
               .description = "Signals not to evaluate (their state is then not read or kept)."},
              score("bot_user_agent_score", "0.7", "Score of bot_user_agent."),
              score("headless_browser_score", "0.8", "Score of headless_browser."),
              score("missing_headers_score", "0.4", "Score of missing_headers."),
              score("credential_stuffing_score", "1.0", "Score of credential_stuffing."),
              score("password_spray_score", "0.8", "Score of password_spray."),
              score("brute_force_score", "0.7", "Score of brute_force."),
              score("machine_timing_score", "0.5", "Score of machine_timing."),
          },
      .signals = std::vector<std::string>(std::begin(kSignals), std::end(kSignals)),
  };
}

BotBehaviourDetector::BotBehaviourDetector(const riskd::Settings& settings)
    : missing_headers_min_sent_(
          settings.GetIntBetween("missing_headers_min_sent", 0, /*the host's header limit=*/100)),
      disabled_(settings.GetStringList("disabled_signals")),
      ipv6_prefix_length_(settings.GetIntBetween("ipv6_prefix_length", 16, 128)),
      scores_{settings.GetFraction("bot_user_agent_score"),
              settings.GetFraction("headless_browser_score"),
              settings.GetFraction("missing_headers_score"),
              settings.GetFraction("credential_stuffing_score"),
              settings.GetFraction("password_spray_score"),
              settings.GetFraction("brute_force_score"),
              settings.GetFraction("machine_timing_score")},
      stuffing_{.min_users = static_cast<double>(
                    settings.GetIntBetween("credential_stuffing_min_users", 1, 1'000'000)),
                .min_failure_ratio = settings.GetFraction("credential_stuffing_min_failure_ratio")},
      spray_{.min_users = static_cast<double>(
                 settings.GetIntBetween("password_spray_min_users", 1, 1'000'000)),
             .max_failures_per_user =
                 PositiveSetting(settings, "password_spray_max_failures_per_user"),
             .min_failure_ratio = settings.GetFraction("password_spray_min_failure_ratio")},
      brute_force_{
          .min_failures =
              static_cast<double>(settings.GetIntBetween("brute_force_min_failures", 1, 1'000'000)),
          .min_ips =
              static_cast<double>(settings.GetIntBetween("brute_force_min_ips", 1, 1'000'000))},
      timing_max_variation_(settings.GetFraction("machine_timing_max_variation")) {
  for (const std::string& name : disabled_) {
    if (std::find(std::begin(kSignals), std::end(kSignals), name) == std::end(kSignals)) {
      std::string known;
      for (const char* s : kSignals) known += known.empty() ? s : std::string(", ") + s;
      throw riskd::SettingError("disabled_signals", "unknown signal " + Quoted(name) +
                                                        " (this detector raises: " + known + ")");
    }
  }
  for (const std::string& name : settings.GetStringList("browser_headers")) {
    if (name.empty() || std::any_of(name.begin(), name.end(), [](char c) {
          return !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_');
        })) {
      throw riskd::SettingError("browser_headers",
                                Quoted(name) + " is not a lower-case header name");
    }
    browser_headers_.push_back(name);
  }
  std::string per = settings.GetString("machine_timing_per");
  if (per != "ip" && per != "device") {
    throw riskd::SettingError("machine_timing_per", "must be ip or device, got " + Quoted(per));
  }
  timing_per_device_ = per == "device";

  auto window_ms = [&](const std::string& key) {
    return settings.GetIntBetween(key, 1, kMaxWindowSeconds) * 1000;
  };
  const int64_t stuffing_ms = window_ms("credential_stuffing_window_s");
  const int64_t spray_ms = window_ms("password_spray_window_s");
  const int64_t brute_force_ms = window_ms("brute_force_window_s");
  const int intervals =
      static_cast<int>(settings.GetIntBetween("machine_timing_intervals", 2, 100));
  const int64_t max_gap_ms = window_ms("machine_timing_max_gap_s");
  if (Enabled("credential_stuffing")) stuffing_window_.emplace("cs", stuffing_ms, true);
  if (Enabled("password_spray")) spray_window_.emplace("ps", spray_ms, true);
  if (Enabled("brute_force")) brute_force_window_.emplace("bf", brute_force_ms, false);
  if (Enabled("machine_timing")) timing_.emplace(intervals, max_gap_ms);

  LoadPatterns(settings);
}

void BotBehaviourDetector::LoadPatterns(const riskd::Settings& settings) {
  auto add_list = [](PatternSet& set, const riskd::Settings& settings, const std::string& key) {
    for (const std::string& pattern : settings.GetStringList(key)) {
      if (std::string error = set.Add(pattern); !error.empty()) {
        throw riskd::SettingError(key, "pattern " + Quoted(pattern) + ": " + error);
      }
    }
  };
  const std::string file_key = "crawler_patterns_file";
  const std::string path = settings.GetString(file_key);
  try {
    for (const PatternEntry& entry : ReadPatternFile(path)) {
      if (std::string error = bot_patterns_.Add(entry.pattern); !error.empty()) {
        throw riskd::SettingError(file_key, path + ": line " + std::to_string(entry.line) +
                                                ": pattern " + Quoted(entry.pattern) + ": " +
                                                error);
      }
    }
  } catch (const PatternFileError& e) {
    throw riskd::SettingError(file_key, e.what());
  }
  file_pattern_count_ = bot_patterns_.size();
  add_list(bot_patterns_, settings, "extra_bot_patterns");
  add_list(allow_patterns_, settings, "allow_patterns");
  add_list(headless_patterns_, settings, "headless_patterns");
  bot_patterns_.Compile();
  allow_patterns_.Compile();
  headless_patterns_.Compile();
}

bool BotBehaviourDetector::Enabled(std::string_view signal) const {
  return std::find(disabled_.begin(), disabled_.end(), signal) == disabled_.end();
}

std::string BotBehaviourDetector::TimingKey(const EventSubjects& subjects) const {
  const std::string& tag = timing_per_device_ ? subjects.device_tag : subjects.ip_tag;
  return tag.empty() ? "" : tag + ":t";
}

WindowCounter::Sample BotBehaviourDetector::IpSample(const EventSubjects& subjects) const {
  return {.subject_tag = subjects.ip_tag,
          .other = subjects.user_hash,
          .at_ms = subjects.at_ms,
          .counted = subjects.login,
          .failed = subjects.failed};
}

WindowCounter::Sample BotBehaviourDetector::SpraySample(const EventSubjects& subjects) const {
  WindowCounter::Sample sample = IpSample(subjects);
  // Only failing users count: the many users who log in fine from a shared
  // address then leave no marker behind for a whole spray window.
  if (!subjects.failed) sample.other = {};
  return sample;
}

WindowCounter::Sample BotBehaviourDetector::UserSample(const EventSubjects& subjects) const {
  return {.subject_tag = subjects.user_tag,
          .other = subjects.ip_hash,
          .at_ms = subjects.at_ms,
          .counted = subjects.failed,
          .failed = subjects.failed};
}

std::vector<std::string> BotBehaviourDetector::StateKeys(const riskd::Event& event) const {
  std::vector<std::string> keys;
  keys.reserve(20);
  const EventSubjects subjects = SubjectsOf(event, ipv6_prefix_length_);
  if (!subjects.ip_tag.empty()) {
    if (stuffing_window_) {
      WindowCounter::AddKeys(stuffing_window_->KeysOf(IpSample(subjects)), keys);
    }
    if (spray_window_) WindowCounter::AddKeys(spray_window_->KeysOf(SpraySample(subjects)), keys);
  }
  if (brute_force_window_ && !subjects.user_tag.empty()) {
    WindowCounter::AddKeys(brute_force_window_->KeysOf(UserSample(subjects)), keys);
  }
  if (timing_) {
    if (std::string key = TimingKey(subjects); !key.empty()) keys.push_back(std::move(key));
  }
  return keys;
}

void BotBehaviourDetector::Evaluate(const riskd::Event& event, riskd::Result& result) const {
  Findings findings(result);
  CheckUserAgent(event, findings);
  CheckHeaders(event, findings);
  if (stuffing_window_ || spray_window_ || brute_force_window_ || timing_) {
    const EventSubjects subjects = SubjectsOf(event, ipv6_prefix_length_);
    CheckLogins(event, subjects, findings, result);
    CheckTiming(event, subjects, findings, result);
  }
  result.SetScore(findings.score());
}

void BotBehaviourDetector::CheckUserAgent(const riskd::Event& event, Findings& findings) const {
  const std::string_view user_agent = UserAgentOf(event);
  if (!user_agent.empty() && allow_patterns_.FirstMatch(user_agent) >= 0) return;
  if (Enabled("bot_user_agent") && !user_agent.empty()) {
    if (int match = bot_patterns_.FirstMatch(user_agent); match >= 0) {
      const bool from_file = static_cast<size_t>(match) < file_pattern_count_;
      findings.Add("bot_user_agent", scores_.bot_user_agent,
                   "user agent matches " + Quoted(bot_patterns_.pattern(match)) + " (" +
                       (from_file ? "crawler_patterns_file" : "extra_bot_patterns") + ")");
    }
  }
  if (Enabled("headless_browser")) {
    if (int match = headless_patterns_.FirstMatch(user_agent); match >= 0) {
      findings.Add("headless_browser", scores_.headless_browser,
                   "user agent matches " + Quoted(headless_patterns_.pattern(match)));
    } else if (std::optional<std::string_view> brands = event.header("sec-ch-ua")) {
      if (int brand = headless_patterns_.FirstMatch(*brands); brand >= 0) {
        findings.Add("headless_browser", scores_.headless_browser,
                     "sec-ch-ua matches " + Quoted(headless_patterns_.pattern(brand)));
      }
    }
  }
}

void BotBehaviourDetector::CheckHeaders(const riskd::Event& event, Findings& findings) const {
  if (!Enabled("missing_headers")) return;
  std::vector<std::string> missing =
      MissingHeaders(event, browser_headers_, missing_headers_min_sent_);
  if (missing.empty()) return;
  std::string detail = "no ";
  for (size_t i = 0; i < missing.size(); ++i) detail.append(i ? ", " : "").append(missing[i]);
  detail.append(" among ").append(std::to_string(event.raw().header_count)).append(" headers");
  findings.Add("missing_headers", scores_.missing_headers, detail);
}

void BotBehaviourDetector::CheckLogins(const riskd::Event& event, const EventSubjects& subjects,
                                       Findings& findings, riskd::Result& result) const {
  bool stuffing = false;
  if (stuffing_window_ && !subjects.ip_tag.empty()) {
    const WindowCounter::Sample sample = IpSample(subjects);
    const WindowCounter::SampleKeys keys = stuffing_window_->KeysOf(sample);
    const WindowCounter::Counts c = stuffing_window_->Count(sample, keys, event);
    const double failed = c.events > 0 ? c.failures / c.events : 0.0;
    if (c.distinct >= stuffing_.min_users && c.events > 0 &&
        failed >= stuffing_.min_failure_ratio) {
      stuffing = true;
      findings.Add("credential_stuffing", scores_.credential_stuffing,
                   subjects.ip + ": " + Count(c.distinct) + " users, " + Count(c.events) +
                       " logins, " + Percent(failed) + " failed in the last " +
                       WindowText(stuffing_window_->window_ms()));
    }
    stuffing_window_->Record(sample, keys, c, result);
  }
  if (spray_window_ && !subjects.ip_tag.empty()) {
    const WindowCounter::Sample sample = SpraySample(subjects);
    const WindowCounter::SampleKeys keys = spray_window_->KeysOf(sample);
    const WindowCounter::Counts c = spray_window_->Count(sample, keys, event);
    const double failed = c.events > 0 ? c.failures / c.events : 0.0;
    const double per_user = c.distinct > 0 ? c.failures / c.distinct : 0.0;
    // A fast run is credential stuffing; spraying is the slow run below it.
    if (!stuffing && c.distinct >= spray_.min_users && c.events > 0 &&
        failed >= spray_.min_failure_ratio && per_user <= spray_.max_failures_per_user) {
      findings.Add("password_spray", scores_.password_spray,
                   subjects.ip + ": " + Count(c.distinct) + " users failed " +
                       Format("%.1f", per_user) + " times each, " + Percent(failed) +
                       " of logins failed in the last " + WindowText(spray_window_->window_ms()));
    }
    spray_window_->Record(sample, keys, c, result);
  }
  if (brute_force_window_ && !subjects.user_tag.empty()) {
    const WindowCounter::Sample sample = UserSample(subjects);
    const WindowCounter::SampleKeys keys = brute_force_window_->KeysOf(sample);
    const WindowCounter::Counts c = brute_force_window_->Count(sample, keys, event);
    if (c.events >= brute_force_.min_failures && c.distinct >= brute_force_.min_ips) {
      findings.Add("brute_force", scores_.brute_force,
                   "user " + Quoted(event.user_id()) + ": " + Count(c.events) +
                       " failed logins from " + Count(c.distinct) + " IPs in the last " +
                       WindowText(brute_force_window_->window_ms()));
    }
    brute_force_window_->Record(sample, keys, c, result);
  }
}

void BotBehaviourDetector::CheckTiming(const riskd::Event& event, const EventSubjects& subjects,
                                       Findings& findings, riskd::Result& result) const {
  if (!timing_) return;
  const std::string key = TimingKey(subjects);
  if (key.empty()) return;
  TimingSeries::Update update = timing_->Add(event.state(key), subjects.at_ms);
  if (update.intervals >= timing_->intervals() && update.variation < timing_max_variation_) {
    const std::string& who = timing_per_device_ ? std::string(event.device_id()) : subjects.ip;
    findings.Add("machine_timing", scores_.machine_timing,
                 who + ": the last " + std::to_string(update.intervals) + " gaps average " +
                     Format("%.0f", update.mean_ms) + " ms and vary by " +
                     Format("%.1f", update.variation * 100) + "% (below " +
                     Percent(timing_max_variation_) + ")");
  }
  result.PutState(key, update.value, timing_->max_gap_ms());
}

}  // namespace riskd_bot_behaviour

RISKD_DETECTOR_PLUGIN(riskd_bot_behaviour::BotBehaviourDetector)
