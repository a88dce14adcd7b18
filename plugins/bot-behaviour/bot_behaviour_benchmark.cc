// Cost of one BotBehaviourDetector::Evaluate (and StateKeys) with the shipped
// patterns (scripts/fetch-data.sh), and of creating the detector (start-up
// and every reload). Not run by ctest:
//   <build>/plugins/bot-behaviour/bot_behaviour_benchmark
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "bot_behaviour_detector.h"
#include "riskd/detector_testing.h"

namespace riskd_bot_behaviour {
namespace {

using riskd::testing::EventBuilder;
using riskd::testing::MakeSettings;

const std::string kPatterns =
    std::string(RISKD_SOURCE_DIR) + "/data/crawler-user-agents/crawler-user-agents.json";

const BotBehaviourDetector& Detector() {
  static const auto* detector = new BotBehaviourDetector(
      MakeSettings(BotBehaviourDetector::Describe(), {{"crawler_patterns_file", kPatterns}}));
  return *detector;
}

constexpr char kChrome[] =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36";
constexpr char kIphone[] =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) CriOS/148.0.0.0 Mobile/15E148 Safari/604.1";
constexpr char kGooglebot[] =
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";

// A failed login with a browser's headers and the state a busy IP would have.
EventBuilder Login(const std::string& user_agent, bool with_state) {
  EventBuilder event;
  event.set_type(riskd::EventType::kLoginFailed);
  event.set_user_id("alice").set_ip("203.0.113.9").set_user_agent(user_agent);
  event.set_occurred_at_ms(1'700'006'400'000 + 123'456);
  event.add_header("host", "example.com").add_header("user-agent", user_agent);
  event.add_header("accept", "text/html").add_header("accept-language", "en-GB");
  event.add_header("accept-encoding", "gzip");
  if (with_state) {
    for (const std::string& key : Detector().StateKeys(event.Build())) {
      event.add_state(key, key.back() == 't' ? "1700006500000,1700006510000,1700006523000" : "7");
    }
  }
  return event;
}

// UA matching, headers and login windows, with the state read.
void BM_Evaluate(benchmark::State& state, const std::string& user_agent) {
  const BotBehaviourDetector& detector = Detector();
  EventBuilder builder = Login(user_agent, /*with_state=*/true);
  riskd::Event event = builder.Build();
  riskd::testing::DiscardedResult discarded;
  riskd::Result& result = discarded.result();
  for (auto _ : state) detector.Evaluate(event, result);
}
BENCHMARK_CAPTURE(BM_Evaluate, chrome_desktop, std::string(kChrome));
BENCHMARK_CAPTURE(BM_Evaluate, chrome_iphone, std::string(kIphone));
BENCHMARK_CAPTURE(BM_Evaluate, googlebot, std::string(kGooglebot));

// The keys of one login event (called by the host before Evaluate).
void BM_StateKeys(benchmark::State& state) {
  const BotBehaviourDetector& detector = Detector();
  EventBuilder builder = Login(kChrome, /*with_state=*/false);
  riskd::Event event = builder.Build();
  for (auto _ : state) benchmark::DoNotOptimize(detector.StateKeys(event));
}
BENCHMARK(BM_StateKeys);

// User-agent checks alone: the stateful signals off.
void BM_UserAgentOnly(benchmark::State& state, const std::string& user_agent) {
  static const auto* detector = new BotBehaviourDetector(MakeSettings(
      BotBehaviourDetector::Describe(),
      {{"crawler_patterns_file", kPatterns},
       {"disabled_signals", "credential_stuffing,password_spray,brute_force,machine_timing"}}));
  EventBuilder builder = Login(user_agent, /*with_state=*/false);
  riskd::Event event = builder.Build();
  riskd::testing::DiscardedResult discarded;
  riskd::Result& result = discarded.result();
  for (auto _ : state) detector->Evaluate(event, result);
}
BENCHMARK_CAPTURE(BM_UserAgentOnly, chrome_desktop, std::string(kChrome));
BENCHMARK_CAPTURE(BM_UserAgentOnly, chrome_iphone, std::string(kIphone));
BENCHMARK_CAPTURE(BM_UserAgentOnly, googlebot, std::string(kGooglebot));

// The user-agents package's 10,000 real browser user agents ("userAgent"
// values; a plain scan is enough for the benchmark's input).
std::vector<std::string> RealBrowsers() {
  std::ifstream in(std::string(RISKD_SOURCE_DIR) + "/data/user-agents/dist/user-agents.json");
  std::stringstream text;
  text << in.rdbuf();
  const std::string json = text.str(), field = "\"userAgent\": \"";
  std::vector<std::string> out;
  for (size_t at = json.find(field); at != std::string::npos; at = json.find(field, at)) {
    at += field.size();
    std::string ua;
    for (; at < json.size() && json[at] != '"'; ++at) {
      if (json[at] == '\\') ++at;
      ua += json[at];
    }
    out.push_back(std::move(ua));
  }
  return out;
}

// The user-agent checks over 10,000 different browsers in turn: the DFA's
// states for all of them, rather than one agent's, compete for the caches.
void BM_UserAgentOnly_RealBrowsers(benchmark::State& state) {
  static const auto* detector = new BotBehaviourDetector(MakeSettings(
      BotBehaviourDetector::Describe(),
      {{"crawler_patterns_file", kPatterns},
       {"disabled_signals", "credential_stuffing,password_spray,brute_force,machine_timing"}}));
  std::vector<EventBuilder> builders;
  for (const std::string& ua : RealBrowsers()) builders.push_back(Login(ua, false));
  if (builders.empty()) {
    state.SkipWithError("no data/user-agents: run scripts/fetch-data.sh");
    return;
  }
  riskd::testing::DiscardedResult discarded;
  riskd::Result& result = discarded.result();
  size_t i = 0;
  for (auto _ : state) {
    detector->Evaluate(builders[i].Build(), result);
    i = (i + 1) % builders.size();
  }
}
BENCHMARK(BM_UserAgentOnly_RealBrowsers);

void BM_Load(benchmark::State& state) {
  for (auto _ : state) {
    BotBehaviourDetector detector(
        MakeSettings(BotBehaviourDetector::Describe(), {{"crawler_patterns_file", kPatterns}}));
    benchmark::DoNotOptimize(detector.bot_pattern_count());
  }
}
BENCHMARK(BM_Load)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace riskd_bot_behaviour

BENCHMARK_MAIN();
