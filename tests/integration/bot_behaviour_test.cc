// The bot-behaviour detector through the real riskd binary over gRPC, on the
// real data in data/ (scripts/fetch-data.sh): crawler-user-agents' example
// user agents are flagged and the user-agents package's 10,000 real browsers
// are not; a credential-stuffing run is denied from the configured threshold
// on (on RocksDB and on Redis Cluster) while the users it targeted still log
// in from their own devices; the shipped default config acts on the signals;
// the pattern file is reloaded when it changes and refused when it is broken.
#include <google/protobuf/struct.pb.h>
#include <google/protobuf/util/json_util.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "tests/support/response_lookup.h"
#include "tests/support/riskd_process.h"
#include "tests/support/shared_redis_cluster.h"

namespace riskd::testing {
namespace {

using riskd::v1::AuthenticateResponse;
using riskd::v1::Event;

const std::string kSource = RISKD_SOURCE_DIR;
const std::string kCrawlers = kSource + "/data/crawler-user-agents/crawler-user-agents.json";
const std::string kBrowsers = kSource + "/data/user-agents/dist/user-agents.json";

constexpr char kFirefox[] =
    "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0";

// The whole file as JSON (protobuf's parser: the test may use a real one).
google::protobuf::ListValue ReadJsonArray(const std::string& path) {
  google::protobuf::ListValue list;
  auto status = google::protobuf::util::JsonStringToMessage(ReadFile(path), &list);
  EXPECT_TRUE(status.ok()) << path << ": " << status.ToString();
  return list;
}

// Every example user agent crawler-user-agents ships ("instances").
std::vector<std::string> CrawlerExamples() {
  std::vector<std::string> out;
  const google::protobuf::ListValue list = ReadJsonArray(kCrawlers);
  for (const auto& entry : list.values()) {
    auto it = entry.struct_value().fields().find("instances");
    if (it == entry.struct_value().fields().end()) continue;
    for (const auto& ua : it->second.list_value().values()) out.push_back(ua.string_value());
  }
  return out;
}

// The userAgent of each of the user-agents package's real browsers.
std::vector<std::string> BrowserUserAgents() {
  std::vector<std::string> out;
  const google::protobuf::ListValue list = ReadJsonArray(kBrowsers);
  for (const auto& entry : list.values()) {
    out.push_back(entry.struct_value().fields().at("userAgent").string_value());
  }
  return out;
}

// The headers a browser's login request carries, as an app forwards them.
void AddBrowserHeaders(Event& event) {
  auto& headers = *event.mutable_context()->mutable_headers();
  headers["Host"] = "shop.example";
  headers["User-Agent"] = event.context().user_agent();
  headers["Accept"] = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
  headers["Accept-Language"] = "en-GB,en;q=0.5";
  headers["Accept-Encoding"] = "gzip, deflate, br";
}

Event Login(riskd::v1::EventType type, const std::string& user, const std::string& ip,
            absl::Time at) {
  Event event = BrowserLogin(user, ip);
  event.set_type(type);
  event.mutable_context()->set_user_agent(kFirefox);
  AddBrowserHeaders(event);
  event.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(at));
  event.mutable_occurred_at()->set_nanos(static_cast<int32_t>(
      absl::ToInt64Nanoseconds(at - absl::FromUnixSeconds(absl::ToUnixSeconds(at)))));
  return event;
}

// The start of the 10-minute bucket before the current one: a run that starts
// there and lasts less than 10 minutes is counted in one bucket, whatever the
// wall clock, so the threshold is met exactly where configured.
absl::Time PreviousBucketStart(absl::Duration window) {
  int64_t w = absl::ToInt64Seconds(window);
  return absl::FromUnixSeconds((absl::ToUnixSeconds(absl::Now()) / w - 1) * w);
}

// ---------------------------------------------------------------------------
// User agents: the measurement the issue asks for, through riskd.

constexpr char kUserAgentConfig[] = R"(
detectors:
  - plugin: @PLUGINS@/riskd-bot-behaviour.so
    weight: 0.9
    # This measures matching; time belongs to the benchmark, and a busy test
    # machine can pause a thread past the default 20 ms.
    timeout_ms: 2000
    settings:
      crawler_patterns_file: @CRAWLERS@
      # The user-agent checks alone: the windows are tested below.
      disabled_signals: [credential_stuffing, password_spray, brute_force, machine_timing]
)";

class BotUserAgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kCrawlers) || !std::filesystem::exists(kBrowsers)) {
      GTEST_SKIP() << "no data/: run scripts/fetch-data.sh";
    }
    riskd_ = RiskdProcess::Start(WriteConfig(
        MakeTempDir(), absl::StrReplaceAll(kUserAgentConfig, {{"@CRAWLERS@", kCrawlers}})));
    ASSERT_NE(riskd_, nullptr);
  }

  // How many of `user_agents` riskd flags as a bot or a headless browser,
  // over 4 concurrent streams; `flagged_examples` keeps a few.
  int CountFlagged(const std::vector<std::string>& user_agents,
                   std::vector<std::string>* examples) {
    std::atomic<int> flagged{0}, failed{0};
    std::mutex mutex;
    std::string first_failure;
    std::vector<std::vector<std::string>> found(4);
    std::vector<std::thread> streams;
    for (int s = 0; s < 4; ++s) {
      streams.emplace_back([&, s] {
        for (size_t i = s; i < user_agents.size(); i += 4) {
          Event event = BrowserLogin(absl::StrCat("ua-sample-", i % 64), "81.2.69.160");
          event.mutable_context()->set_user_agent(user_agents[i]);
          AuthenticateResponse r;
          grpc::Status status = Authenticate(*riskd_, event, &r);
          if (!status.ok() || r.detectors_size() != 1 || !r.detectors(0).error().empty()) {
            // A detector that failed raises nothing: count it apart.
            if (failed++ == 0) {
              std::lock_guard<std::mutex> lock(mutex);
              first_failure =
                  absl::StrCat(user_agents[i], ": ", status.error_message(), " ", r.DebugString());
            }
            continue;
          }
          if (HasSignal(r, "bot_user_agent") || HasSignal(r, "headless_browser")) {
            ++flagged;
            if (found[s].size() < 3) found[s].push_back(user_agents[i]);
          }
        }
      });
    }
    for (std::thread& t : streams) t.join();
    EXPECT_EQ(failed.load(), 0) << "calls or evaluations that failed, first: " << first_failure;
    for (const auto& f : found) examples->insert(examples->end(), f.begin(), f.end());
    return flagged.load();
  }

  std::unique_ptr<RiskdProcess> riskd_;
};

TEST_F(BotUserAgentTest, AtLeast95PercentOfCrawlerExamplesAreFlagged) {
  std::vector<std::string> examples = CrawlerExamples();
  ASSERT_GE(examples.size(), 2000u);
  std::vector<std::string> flagged_examples;
  int flagged = CountFlagged(examples, &flagged_examples);
  std::cout << "crawler-user-agents examples flagged: " << flagged << " of " << examples.size()
            << "\n";
  EXPECT_GE(flagged * 100, static_cast<int>(examples.size()) * 95);
}

TEST_F(BotUserAgentTest, AtMostOnePercentOfRealBrowsersAreFlagged) {
  std::vector<std::string> browsers = BrowserUserAgents();
  ASSERT_EQ(browsers.size(), 10000u);
  std::vector<std::string> flagged_examples;
  int flagged = CountFlagged(browsers, &flagged_examples);
  std::cout << "user-agents browsers flagged: " << flagged << " of " << browsers.size() << "\n";
  for (const std::string& ua : flagged_examples) std::cout << "  flagged: " << ua << "\n";
  EXPECT_LE(flagged * 100, static_cast<int>(browsers.size()));
}

// ---------------------------------------------------------------------------
// Credential stuffing, on both state engines.

constexpr char kStuffingConfig[] = R"(
detectors:
  - plugin: @PLUGINS@/riskd-bot-behaviour.so
    weight: 0.9
    timeout_ms: 2000
    settings:
      crawler_patterns_file: @CRAWLERS@
      credential_stuffing_window_s: 600
      credential_stuffing_min_users: 20
      credential_stuffing_min_failure_ratio: 0.8
policies:
  - name: deny-credential-stuffing
    when:
      event_types: [login_failed, login_succeeded]
      signals_any: [credential_stuffing]
    then: deny
)";

class CredentialStuffingTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kCrawlers)) GTEST_SKIP() << "no data/";
    const std::optional<std::string> state = StateConfigFor(GetParam());
    ASSERT_TRUE(state.has_value());
    riskd_ = RiskdProcess::Start(WriteConfig(
        MakeTempDir(), *state + absl::StrReplaceAll(kStuffingConfig, {{"@CRAWLERS@", kCrawlers}})));
    ASSERT_NE(riskd_, nullptr);
  }

  AuthenticateResponse Send(const Event& event) { return AuthenticateOk(*riskd_, event); }

  std::unique_ptr<RiskdProcess> riskd_;
};

TEST_P(CredentialStuffingTest, OneIpOn200UsersIsDeniedFromTheThresholdAndTheUsersStillLogIn) {
  const absl::Time start = PreviousBucketStart(absl::Minutes(10));
  const std::string attacker = "203.0.113.66";
  auto user = [](int i) { return absl::StrCat("victim", i); };
  // The run: 200 users, one attempt each, a leaked password working for 1 in 25.
  for (int i = 1; i <= 200; ++i) {
    const auto type =
        i % 25 == 0 ? riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED : riskd::v1::EVENT_TYPE_LOGIN_FAILED;
    // Uneven gaps, 0.3 to 1.8 s, so that only the stuffing rule is at work.
    AuthenticateResponse r = Send(
        Login(type, user(i), attacker, start + absl::Milliseconds(i * 1000 + (i * 337) % 1500)));
    if (i < 20) {
      EXPECT_EQ(r.verdict(), riskd::v1::VERDICT_ALLOW) << "attempt " << i << "\n"
                                                       << r.DebugString();
      EXPECT_FALSE(HasSignal(r, "credential_stuffing")) << "attempt " << i;
    } else {
      EXPECT_EQ(r.verdict(), riskd::v1::VERDICT_DENY) << "attempt " << i << "\n" << r.DebugString();
      EXPECT_EQ(r.policy(), "deny-credential-stuffing") << "attempt " << i;
    }
    if (i == 20) {
      EXPECT_EQ(SignalDetail(r, "credential_stuffing"),
                "203.0.113.66: 20 users, 20 logins, 100% failed in the last 10 min");
    }
  }
  // The users it targeted, each from their own address and device, later.
  for (int i = 1; i <= 200; ++i) {
    Event own = Login(riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED, user(i),
                      absl::StrCat("100.64.", i / 200, ".", i % 200 + 1),
                      start + absl::Seconds(300) + absl::Milliseconds(i * 10));
    own.mutable_context()->set_device_id(absl::StrCat("phone-of-", user(i)));
    AuthenticateResponse r = Send(own);
    EXPECT_EQ(r.verdict(), riskd::v1::VERDICT_ALLOW) << user(i) << "\n" << r.DebugString();
    EXPECT_EQ(r.signals_size(), 0) << user(i) << "\n" << r.DebugString();
  }
}

INSTANTIATE_TEST_SUITE_P(Engines, CredentialStuffingTest, StateEngines(), StateEngineName);

// ---------------------------------------------------------------------------
// The shipped config/riskd.yaml: its policies act on the detector's signals.

class DefaultConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kCrawlers)) GTEST_SKIP() << "no data/";
    // config/riskd.yaml as shipped, in <dir>/config with <dir>/data beside it,
    // pointing at this build's plugins.
    std::string dir = MakeTempDir();
    std::filesystem::create_directories(dir + "/config");
    std::filesystem::create_directory_symlink(kSource + "/data", dir + "/data");
    // Only the detectors' time budgets are raised, as in the tests above.
    std::string yaml = absl::StrReplaceAll(
        ReadFile(kSource + "/config/riskd.yaml"),
        {{"../build/plugins", "@PLUGINS@"}, {"timeout_ms: 20\n", "timeout_ms: 2000\n"}});
    riskd_ = RiskdProcess::Start(WriteConfig(dir + "/config", yaml));
    ASSERT_NE(riskd_, nullptr);
  }
  AuthenticateResponse Send(const Event& event) {
    AuthenticateResponse response;
    grpc::Status status = Authenticate(*riskd_, event, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  }
  std::unique_ptr<RiskdProcess> riskd_;
};

TEST_F(DefaultConfigTest, StuffingIsDeniedAndBotLoginsAreChallenged) {
  const absl::Time start = PreviousBucketStart(absl::Minutes(10));
  for (int i = 1; i <= 25; ++i) {
    AuthenticateResponse r =
        Send(Login(riskd::v1::EVENT_TYPE_LOGIN_FAILED, absl::StrCat("target", i), "203.0.113.70",
                   start + absl::Milliseconds(i * 1000 + (i * 337) % 1500)));
    EXPECT_EQ(r.verdict() == riskd::v1::VERDICT_DENY, i >= 20) << i << "\n" << r.DebugString();
    if (i >= 20) {
      EXPECT_EQ(r.policy(), "deny-credential-stuffing");
    }
  }
  // The password that worked, from the same IP: denied too.
  AuthenticateResponse hit = Send(Login(riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED, "target7",
                                        "203.0.113.70", start + absl::Seconds(40)));
  EXPECT_EQ(hit.verdict(), riskd::v1::VERDICT_DENY) << hit.DebugString();

  Event crawler = Login(riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED, "bob", "81.2.69.160", absl::Now());
  crawler.mutable_context()->set_user_agent(
      "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)");
  AuthenticateResponse bot = Send(crawler);
  EXPECT_EQ(bot.verdict(), riskd::v1::VERDICT_CHALLENGE) << bot.DebugString();
  EXPECT_EQ(bot.policy(), "challenge-bot-logins");

  Event headless =
      Login(riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED, "carol", "81.2.69.161", absl::Now());
  headless.mutable_context()->set_user_agent(
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
      "HeadlessChrome/120.0.0.0 Safari/537.36");
  EXPECT_EQ(Send(headless).policy(), "challenge-bot-logins");

  AuthenticateResponse person =
      Send(Login(riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED, "dave", "81.2.69.162", absl::Now()));
  EXPECT_EQ(person.verdict(), riskd::v1::VERDICT_ALLOW) << person.DebugString();
}

TEST_F(DefaultConfigTest, DistributedBruteForceChallengesTheAccountsLogin) {
  const absl::Time start = PreviousBucketStart(absl::Hours(1));
  for (int i = 1; i <= 10; ++i) {
    Send(Login(riskd::v1::EVENT_TYPE_LOGIN_FAILED, "frank", absl::StrCat("198.18.0.", i),
               start + absl::Seconds(i * 7)));
  }
  Event own = Login(riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED, "frank", "81.2.69.170",
                    start + absl::Seconds(100));
  own.mutable_context()->set_device_id("phone-of-frank");
  AuthenticateResponse r = Send(own);
  EXPECT_EQ(r.verdict(), riskd::v1::VERDICT_CHALLENGE) << r.DebugString();
  EXPECT_EQ(r.policy(), "challenge-attacked-logins");
  EXPECT_EQ(SignalDetail(r, "brute_force"),
            "user \"frank\": 10 failed logins from 10 IPs in the last 1 h");
}

// ---------------------------------------------------------------------------
// The pattern file: the operator's own, watched and reloaded.

class PatternFileReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    WritePatterns("# our bots\nGooglebot\n");
    config_ = WriteConfig(dir_, absl::StrCat(R"(
reload: {watch_file: true, interval_ms: 100}
detectors:
  - plugin: @PLUGINS@/riskd-bot-behaviour.so
    settings:
      crawler_patterns_file: )",
                                             dir_, "/bots.txt\n"));
  }
  // Written aside and renamed in, as an operator's deploy would.
  void WritePatterns(const std::string& text) {
    std::ofstream(dir_ + "/bots.txt.new") << text;
    std::filesystem::rename(dir_ + "/bots.txt.new", dir_ + "/bots.txt");
  }
  bool Flagged(const std::string& user_agent) {
    Event event = BrowserLogin("erin");
    event.mutable_context()->set_user_agent(user_agent);
    AuthenticateResponse r;
    EXPECT_TRUE(Authenticate(*riskd_, event, &r).ok());
    return HasSignal(r, "bot_user_agent");
  }
  std::string dir_, config_;
  std::unique_ptr<RiskdProcess> riskd_;
};

TEST_F(PatternFileReloadTest, AnEditedFileIsPickedUpAndABrokenOneKeepsTheOldPatterns) {
  riskd_ = RiskdProcess::Start(config_);
  ASSERT_NE(riskd_, nullptr);
  EXPECT_TRUE(Flagged("Googlebot/2.1"));
  EXPECT_FALSE(Flagged("EvilScraper/1.0"));

  WritePatterns("Googlebot\nEvilScraper/\\d\n");
  ASSERT_TRUE(riskd_->WaitForLog("msg=\"config reloaded\"")) << riskd_->Log();
  EXPECT_TRUE(Flagged("EvilScraper/1.0"));

  WritePatterns("Googlebot\nEvilScraper/\\d\nBroken((\n");
  ASSERT_TRUE(riskd_->WaitForLog("config reload failed")) << riskd_->Log();
  EXPECT_NE(riskd_->Log().find(absl::StrCat("detectors[0].settings.crawler_patterns_file: ")),
            std::string::npos)
      << riskd_->Log();
  EXPECT_NE(riskd_->Log().find(absl::StrCat(dir_,
                                            "/bots.txt: line 3: pattern \\\"Broken((\\\": "
                                            "missing ): Broken((")),
            std::string::npos)
      << riskd_->Log();
  EXPECT_TRUE(Flagged("EvilScraper/1.0")) << "the old patterns keep serving";
}

TEST_F(PatternFileReloadTest, ABrokenOrMissingFileStopsStartUpWithItsLine) {
  WritePatterns("[\n  {\"pattern\": \"Googlebot\"},\n  {\"pattern\": \"(?<=x)bot\"}\n]\n");
  RunResult broken = RunRiskdToCompletion({"--config", config_, "--listen", "127.0.0.1:0"});
  EXPECT_EQ(broken.exit_code, 1) << broken.output;
  EXPECT_NE(broken.output.find(
                absl::StrCat("riskd.yaml:6: detectors[0].settings.crawler_patterns_file: ")),
            std::string::npos)
      << broken.output;
  EXPECT_NE(broken.output.find(absl::StrCat(
                dir_, "/bots.txt: line 3: pattern \"(?<=x)bot\": invalid perl operator: (?<")),
            std::string::npos)
      << broken.output;

  std::filesystem::remove(dir_ + "/bots.txt");
  RunResult missing = RunRiskdToCompletion({"--check-config", config_});
  EXPECT_EQ(missing.exit_code, 1) << missing.output;
  EXPECT_NE(missing.output.find("riskd.yaml:6: detectors[0].settings.crawler_patterns_file: "),
            std::string::npos)
      << missing.output;
}

}  // namespace
}  // namespace riskd::testing
