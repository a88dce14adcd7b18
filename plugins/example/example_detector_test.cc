#include "example_detector.h"

#include <gtest/gtest.h>

#include "riskd/detector_testing.h"

namespace riskd_example {
namespace {

using riskd::testing::CapturedResult;
using riskd::testing::EventBuilder;
using riskd::testing::MakeSettings;

constexpr char kChrome[] =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
    "Gecko) Chrome/124.0.0.0 Safari/537.36";

TEST(ExampleDetectorTest, BrowserUserAgentScoresZero) {
  ExampleDetector detector(MakeSettings(ExampleDetector::Describe()));
  EventBuilder event;
  event.set_user_agent(kChrome);
  CapturedResult result;
  detector.Evaluate(event.Build(), result.result());
  EXPECT_EQ(result.score(), 0.0);
  EXPECT_TRUE(result.signals().empty());
}

TEST(ExampleDetectorTest, ScriptedClientIsFlaggedCaseInsensitively) {
  ExampleDetector detector(MakeSettings(ExampleDetector::Describe()));
  EventBuilder event;
  event.set_user_agent("Python-Requests/2.31");
  CapturedResult result;
  detector.Evaluate(event.Build(), result.result());
  EXPECT_DOUBLE_EQ(result.score(), 0.9);
  ASSERT_TRUE(result.HasSignal("scripted_client"));
  EXPECT_EQ(result.signals()[0].second, "user agent contains \"python-requests\"");
}

TEST(ExampleDetectorTest, MissingUserAgentHasItsOwnSignalAndScore) {
  ExampleDetector detector(
      MakeSettings(ExampleDetector::Describe(), {{"missing_user_agent_score", "0.3"}}));
  EventBuilder event;
  CapturedResult result;
  detector.Evaluate(event.Build(), result.result());
  EXPECT_DOUBLE_EQ(result.score(), 0.3);
  EXPECT_TRUE(result.HasSignal("missing_user_agent"));
}

TEST(ExampleDetectorTest, CustomMarkersReplaceTheDefaults) {
  ExampleDetector detector(
      MakeSettings(ExampleDetector::Describe(), {{"user_agent_markers", "mybot"}}));
  EventBuilder curl, bot;
  curl.set_user_agent("curl/8.5.0");
  bot.set_user_agent("MyBot/1.0");
  CapturedResult curl_result, bot_result;
  detector.Evaluate(curl.Build(), curl_result.result());
  detector.Evaluate(bot.Build(), bot_result.result());
  EXPECT_FALSE(curl_result.HasSignal("scripted_client"));
  EXPECT_TRUE(bot_result.HasSignal("scripted_client"));
}

TEST(ExampleDetectorTest, OutOfRangeScoreNamesTheSetting) {
  try {
    ExampleDetector detector(
        MakeSettings(ExampleDetector::Describe(), {{"scripted_client_score", "1.5"}}));
    FAIL() << "expected a SettingError";
  } catch (const riskd::SettingError& e) {
    EXPECT_EQ(e.key(), "scripted_client_score");
    EXPECT_STREQ(e.what(), "must be between 0 and 1, got 1.5");
  }
}

}  // namespace
}  // namespace riskd_example
