#include "geo_history.h"

#include <gtest/gtest.h>

namespace riskd_geo_velocity {
namespace {

constexpr int64_t kHour = 3600 * 1000;

Sighting At(int64_t at_ms, double latitude, double longitude, std::string country,
            bool city_level = true, int accuracy = 0) {
  return {at_ms, latitude, longitude, accuracy, std::move(country), city_level};
}
const Sighting kLondon = At(0, 51.5081, -0.1278, "GB");
const Sighting kSydney = At(0, -33.8784, 151.1949, "AU");
const Sighting kBracknell = At(0, 51.4036, -0.7618, "GB");  // 45 km from London

Sighting Later(Sighting s, int64_t at_ms) {
  s.at_ms = at_ms;
  return s;
}

TEST(GeoHistoryTest, EncodesAndDecodesEverything) {
  GeoHistory history;
  HistoryLimits limits;
  history.Add(Later(kLondon, 1'700'000'000'000), limits);
  history.Add(At(1'700'000'100'000, -33.87841, 151.19491, "AU", true, 20), limits);
  history.Add(At(1'700'000'200'000, 37.751, -97.822, "US", /*city_level=*/false, 1000), limits);

  GeoHistory decoded = GeoHistory::Decode(history.Encode());
  EXPECT_EQ(decoded.located_events(), 3u);
  ASSERT_EQ(decoded.sightings().size(), 3u);
  const Sighting& sydney = decoded.sightings()[1];
  EXPECT_EQ(sydney.at_ms, 1'700'000'100'000);
  EXPECT_NEAR(sydney.latitude, -33.87841, 1e-5);
  EXPECT_NEAR(sydney.longitude, 151.19491, 1e-5);
  EXPECT_EQ(sydney.accuracy_radius_km, 20);
  EXPECT_EQ(sydney.country, "AU");
  EXPECT_TRUE(sydney.city_level);
  EXPECT_FALSE(decoded.sightings()[2].city_level);
  EXPECT_EQ(decoded.places().size(), 2u) << "country centres are not places";
  ASSERT_EQ(decoded.countries().size(), 3u);
  EXPECT_EQ(decoded.countries()[2].code, "US");
  EXPECT_EQ(decoded.countries()[2].last_ms, 1'700'000'200'000);
  EXPECT_EQ(decoded.Encode(), history.Encode());
}

TEST(GeoHistoryTest, AFullHistoryStaysCompact) {
  GeoHistory history;
  HistoryLimits limits;  // 8 sightings, 8 places, 16 countries
  const char* codes[] = {"AA", "AB", "AC", "AD", "AE", "AF", "AG", "AH",
                         "AI", "AJ", "AK", "AL", "AM", "AN", "AO", "AP"};
  for (int i = 0; i < 16; ++i) history.Add(At(i * kHour, i * 5.0, i * 10.0, codes[i]), limits);
  EXPECT_EQ(history.sightings().size(), 8u);
  EXPECT_EQ(history.places().size(), 8u);
  EXPECT_EQ(history.countries().size(), 16u);
  EXPECT_LE(history.Encode().size(), 600u);
}

TEST(GeoHistoryTest, UnreadableValuesGiveAnEmptyHistory) {
  GeoHistory history;
  history.Add(kLondon, {});
  const std::string good = history.Encode();
  std::string other_magic = good, other_version = good;
  other_magic[0] = 'h';
  other_version[1] = 2;
  for (const std::string& bad :
       {std::string(), std::string("garbage"), good.substr(0, good.size() - 1), good + "x",
        other_magic, other_version}) {
    GeoHistory decoded = GeoHistory::Decode(bad);
    EXPECT_TRUE(decoded.empty());
    EXPECT_TRUE(decoded.sightings().empty());
    EXPECT_TRUE(decoded.countries().empty());
  }
}

TEST(GeoHistoryTest, SightingsStayInTimeOrderAndTheOldestGo) {
  GeoHistory history;
  HistoryLimits limits{.sightings = 3};
  for (int64_t hour : {5, 1, 3, 4, 2}) history.Add(Later(kLondon, hour * kHour), limits);
  ASSERT_EQ(history.sightings().size(), 3u);
  EXPECT_EQ(history.sightings()[0].at_ms, 3 * kHour);
  EXPECT_EQ(history.sightings()[1].at_ms, 4 * kHour);
  EXPECT_EQ(history.sightings()[2].at_ms, 5 * kHour);
  EXPECT_EQ(history.located_events(), 5u);
}

TEST(GeoHistoryTest, NearbySightingsCountAsOnePlace) {
  GeoHistory history;
  history.Add(Later(kLondon, 1), {});
  history.Add(Later(kBracknell, 2), {});
  history.Add(Later(kSydney, 3), {});
  ASSERT_EQ(history.places().size(), 2u);
  EXPECT_EQ(history.places()[0].count, 2u);
  EXPECT_NEAR(history.places()[0].latitude, 51.5081, 1e-9) << "a place keeps its first point";
  EXPECT_EQ(history.places()[0].last_ms, 2);
  EXPECT_EQ(history.places()[1].count, 1u);
}

TEST(GeoHistoryTest, AFullListGivesUpTheLeastUsedThenTheOldest) {
  GeoHistory history;
  HistoryLimits limits{.places = 2, .countries = 2};
  history.Add(Later(kLondon, 10), limits);
  history.Add(Later(kLondon, 20), limits);
  history.Add(Later(kSydney, 30), limits);
  history.Add(At(40, 40.81, -73.97, "US"), limits);  // evicts Sydney (1 use)
  ASSERT_EQ(history.places().size(), 2u);
  EXPECT_EQ(history.places()[0].count, 2u);
  EXPECT_NEAR(history.places()[1].latitude, 40.81, 1e-9);
  ASSERT_EQ(history.countries().size(), 2u);
  EXPECT_EQ(history.countries()[0].code, "GB");
  EXPECT_EQ(history.countries()[1].code, "US");
}

}  // namespace
}  // namespace riskd_geo_velocity
