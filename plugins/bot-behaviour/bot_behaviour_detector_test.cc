// bot_user_agent, headless_browser, missing_headers and the settings.
#include "bot_behaviour_detector.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "riskd/detector_testing.h"

namespace riskd_bot_behaviour {
namespace {

using riskd::testing::CapturedResult;
using riskd::testing::EventBuilder;
using riskd::testing::MakeSettings;

constexpr char kFirefox[] =
    "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0";
constexpr char kHeadlessChrome[] =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/120.0.0.0 Safari/537.36";

class BotBehaviourDetectorTest : public ::testing::Test {
 protected:
  riskd::Settings Settings(std::map<std::string, std::string> overrides = {}) {
    overrides.emplace("crawler_patterns_file", data_.Write("crawlers.json", R"([
      {"pattern": "Googlebot\\/", "instances": ["Googlebot/2.1"]},
      {"pattern": "[wW]get", "instances": []},
      {"pattern": "python-requests"}
    ])"));
    overrides.emplace("disabled_signals",
                      "credential_stuffing,password_spray,brute_force,machine_timing");
    return MakeSettings(BotBehaviourDetector::Describe(), overrides);
  }

  struct Outcome {
    double score;
    std::vector<std::pair<std::string, std::string>> signals;
    std::string Detail(const std::string& name) const {
      for (const auto& [n, d] : signals) {
        if (n == name) return d;
      }
      return "";
    }
  };
  static Outcome Run(const BotBehaviourDetector& detector, EventBuilder& event) {
    CapturedResult result;
    detector.Evaluate(event.Build(), result.result());
    return {result.score(), result.signals()};
  }
  static Outcome RunAgent(const BotBehaviourDetector& detector, const std::string& user_agent) {
    EventBuilder event;
    event.set_user_agent(user_agent);
    return Run(detector, event);
  }
  std::string SettingErrorOf(std::map<std::string, std::string> overrides,
                             std::string* key = nullptr) {
    try {
      BotBehaviourDetector detector(Settings(std::move(overrides)));
    } catch (const riskd::SettingError& e) {
      if (key) *key = e.key();
      return e.what();
    }
    return "no error";
  }

  riskd::testing::TempDataDir data_;
};

TEST_F(BotBehaviourDetectorTest, CrawlerPatternsFlagBotUserAgents) {
  BotBehaviourDetector detector(Settings());
  EXPECT_EQ(detector.bot_pattern_count(), 3u);
  Outcome o = RunAgent(detector,
                       "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
  ASSERT_EQ(o.signals.size(), 1u);
  EXPECT_EQ(o.signals[0].first, "bot_user_agent");
  EXPECT_EQ(o.signals[0].second, "user agent matches \"Googlebot\\/\" (crawler_patterns_file)");
  EXPECT_DOUBLE_EQ(o.score, 0.7);
  EXPECT_EQ(RunAgent(detector, "Wget/1.21").Detail("bot_user_agent"),
            "user agent matches \"[wW]get\" (crawler_patterns_file)");
  // Patterns are case-sensitive, as the list writes them.
  EXPECT_TRUE(RunAgent(detector, "PYTHON-REQUESTS/2.31").signals.empty());
  EXPECT_TRUE(RunAgent(detector, kFirefox).signals.empty());
  EXPECT_EQ(RunAgent(detector, kFirefox).score, 0.0);
}

TEST_F(BotBehaviourDetectorTest, ExtraAndAllowPatterns) {
  BotBehaviourDetector detector(Settings({{"extra_bot_patterns", "^MyScraper/\\d+"},
                                          {"allow_patterns", "OurUptimeCheck,Googlebot/2\\.1"}}));
  EXPECT_EQ(RunAgent(detector, "MyScraper/3 (internal)").Detail("bot_user_agent"),
            "user agent matches \"^MyScraper/\\d+\" (extra_bot_patterns)");
  EXPECT_TRUE(RunAgent(detector, "x MyScraper/3").signals.empty());
  // Allowed agents raise neither bot_user_agent nor headless_browser.
  EXPECT_TRUE(RunAgent(detector, "Googlebot/2.1").signals.empty());
  EXPECT_TRUE(RunAgent(detector, std::string(kHeadlessChrome) + " OurUptimeCheck").signals.empty());
  EXPECT_FALSE(RunAgent(detector, "Googlebot/2.2").signals.empty());
}

TEST_F(BotBehaviourDetectorTest, HeadlessBrowsersByUserAgentOrClientHints) {
  BotBehaviourDetector detector(Settings());
  Outcome o = RunAgent(detector, kHeadlessChrome);
  EXPECT_EQ(o.Detail("headless_browser"), "user agent matches \"Headless\"");
  EXPECT_DOUBLE_EQ(o.score, 0.8);
  EXPECT_EQ(RunAgent(detector, "Mozilla/5.0 ... Chrome/120.0.0.0 Safari/537.36 puppeteer")
                .Detail("headless_browser"),
            "user agent matches \"Puppeteer\"");

  EventBuilder hinted;
  hinted.set_user_agent("Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0.0.0 Safari/537.36");
  hinted.add_header("sec-ch-ua", "\"Not_A Brand\";v=\"8\", \"HeadlessChrome\";v=\"120\"");
  EXPECT_EQ(Run(detector, hinted).Detail("headless_browser"), "sec-ch-ua matches \"Headless\"");
  // Electron apps (VS Code, Slack) are real users' desktop apps.
  EXPECT_TRUE(RunAgent(detector,
                       "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                       "(KHTML, like Gecko) Code/1.115.0 Chrome/142.0.7444.265 "
                       "Electron/39.8.5 Safari/537.36")
                  .signals.empty());
}

TEST_F(BotBehaviourDetectorTest, MissingHeadersOnlyWhenTheAppForwardsHeaders) {
  BotBehaviourDetector detector(Settings());
  // curl, headers forwarded as received.
  EventBuilder curl;
  curl.set_user_agent("curl/8.5.0");
  curl.add_header("host", "example.com").add_header("user-agent", "curl/8.5.0");
  curl.add_header("accept", "*/*");
  Outcome o = Run(detector, curl);
  EXPECT_EQ(o.Detail("missing_headers"), "no accept-language, accept-encoding among 3 headers");
  EXPECT_DOUBLE_EQ(o.score, 0.4);

  // A browser's request.
  EventBuilder browser;
  browser.set_user_agent(kFirefox);
  browser.add_header("host", "example.com").add_header("user-agent", kFirefox);
  browser.add_header("accept", "text/html,application/xhtml+xml");
  browser.add_header("accept-language", "en-GB,en;q=0.5");
  browser.add_header("accept-encoding", "gzip, deflate, br");
  EXPECT_TRUE(Run(detector, browser).signals.empty());

  // An app that forwards one or two headers it picked is not judged.
  EventBuilder picked;
  picked.set_user_agent(kFirefox).add_header("accept-language", "en-GB");
  EXPECT_TRUE(Run(detector, picked).signals.empty());
  EventBuilder none;
  none.set_user_agent(kFirefox);
  EXPECT_TRUE(Run(detector, none).signals.empty());

  // The user agent counts when given as context.user_agent or as the header.
  EventBuilder no_agent;
  no_agent.add_header("accept", "*/*").add_header("accept-language", "en");
  no_agent.add_header("accept-encoding", "gzip");
  EXPECT_EQ(Run(detector, no_agent).Detail("missing_headers"), "no user-agent among 3 headers");
}

TEST_F(BotBehaviourDetectorTest, SignalsAddUpToTheHighestScore) {
  BotBehaviourDetector detector(Settings({{"headless_browser_score", "0.6"}}));
  EventBuilder event;
  event.set_user_agent("python-requests/2.31 HeadlessChrome");
  event.add_header("user-agent", "x").add_header("accept", "*/*").add_header("host", "a");
  Outcome o = Run(detector, event);
  EXPECT_EQ(o.signals.size(), 3u);
  EXPECT_DOUBLE_EQ(o.score, 0.7);
}

TEST_F(BotBehaviourDetectorTest, BadPatternsNameTheSettingAndLine) {
  std::string key;
  std::string path =
      data_.Write("bad.json", "[\n  {\"pattern\": \"ok\"},\n  {\"pattern\": \"(?<!x)y\"}\n]");
  EXPECT_EQ(SettingErrorOf({{"crawler_patterns_file", path}}, &key),
            path + ": line 3: pattern \"(?<!x)y\": invalid perl operator: (?<");
  EXPECT_EQ(key, "crawler_patterns_file");
  std::string broken = data_.Write("broken.json", "[\n  {\"pattern\": \"a\"\n");
  EXPECT_EQ(SettingErrorOf({{"crawler_patterns_file", broken}}, &key),
            broken + ": line 3: expected '}', got the end");
  EXPECT_EQ(SettingErrorOf({{"extra_bot_patterns", "ok,bad(("}}, &key),
            "pattern \"bad((\": missing ): bad((");
  EXPECT_EQ(key, "extra_bot_patterns");
  EXPECT_EQ(SettingErrorOf({{"headless_patterns", "[z-a]"}}, &key),
            "pattern \"[z-a]\": invalid character class range: z-a");
  EXPECT_EQ(key, "headless_patterns");
}

TEST_F(BotBehaviourDetectorTest, OutOfRangeSettingsNameTheSetting) {
  std::string key;
  EXPECT_EQ(SettingErrorOf({{"bot_user_agent_score", "1.5"}}, &key),
            "must be between 0 and 1, got 1.5");
  EXPECT_EQ(key, "bot_user_agent_score");
  EXPECT_EQ(SettingErrorOf({{"credential_stuffing_window_s", "0"}}, &key),
            "must be between 1 and 2592000, got 0");
  EXPECT_EQ(key, "credential_stuffing_window_s");
  EXPECT_EQ(SettingErrorOf({{"machine_timing_intervals", "1"}}, &key),
            "must be between 2 and 100, got 1");
  EXPECT_EQ(SettingErrorOf({{"machine_timing_per", "user"}}, &key),
            "must be ip or device, got \"user\"");
  EXPECT_EQ(key, "machine_timing_per");
  EXPECT_EQ(SettingErrorOf({{"password_spray_max_failures_per_user", "0"}}, &key),
            "must be above 0, got 0");
  EXPECT_EQ(SettingErrorOf({{"browser_headers", "accept,Accept-Language"}}, &key),
            "\"Accept-Language\" is not a lower-case header name");
  EXPECT_EQ(key, "browser_headers");
  EXPECT_EQ(SettingErrorOf({{"ipv6_prefix_length", "129"}}, &key),
            "must be between 16 and 128, got 129");
}

// The shipped list (scripts/fetch-data.sh) loads whole. The measurement on
// all its example agents and on 10,000 real browsers goes through riskd, in
// tests/integration/bot_behaviour_test.cc.
TEST(BotBehaviourRealDataTest, ShippedPatternsLoad) {
  const std::string path =
      std::string(RISKD_SOURCE_DIR) + "/data/crawler-user-agents/crawler-user-agents.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no data/: run scripts/fetch-data.sh";
  BotBehaviourDetector detector(
      MakeSettings(BotBehaviourDetector::Describe(), {{"crawler_patterns_file", path}}));
  EXPECT_GE(detector.bot_pattern_count(), 1500u);
  EventBuilder event;
  event.set_user_agent("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)");
  CapturedResult result;
  detector.Evaluate(event.Build(), result.result());
  EXPECT_TRUE(result.HasSignal("bot_user_agent"));
}

}  // namespace
}  // namespace riskd_bot_behaviour
