#include "machine_timing.h"

#include <gtest/gtest.h>

#include <string>

namespace riskd_bot_behaviour {
namespace {

TEST(TimingSeriesTest, KeepsTheLastIntervalsPlusOneTimes) {
  TimingSeries series(3, 60'000);
  std::string value;
  TimingSeries::Update u;
  for (int64_t t : {1000, 2000, 3000, 4000, 5000}) {
    u = series.Add(value.empty() ? std::nullopt : std::optional<std::string_view>(value), t);
    value = u.value;
  }
  EXPECT_EQ(u.value, "2000,3000,4000,5000");
  EXPECT_EQ(u.intervals, 3);
  EXPECT_DOUBLE_EQ(u.mean_ms, 1000);
  EXPECT_DOUBLE_EQ(u.variation, 0);
}

TEST(TimingSeriesTest, VariationIsDeviationOverMean) {
  TimingSeries series(2, 60'000);
  // Gaps 1000 and 3000: mean 2000, standard deviation 1000.
  TimingSeries::Update u = series.Add("0,1000", 4000);
  EXPECT_EQ(u.intervals, 2);
  EXPECT_DOUBLE_EQ(u.mean_ms, 2000);
  EXPECT_DOUBLE_EQ(u.variation, 0.5);
}

TEST(TimingSeriesTest, ALongPauseStartsOver) {
  TimingSeries series(3, 60'000);
  TimingSeries::Update u = series.Add("1000,2000,3000", 3000 + 60'001);
  EXPECT_EQ(u.value, "63001");
  EXPECT_EQ(u.intervals, 0);
}

TEST(TimingSeriesTest, LateEventsAreSortedIn) {
  TimingSeries series(3, 60'000);
  EXPECT_EQ(series.Add("1000,3000", 2000).value, "1000,2000,3000");
}

TEST(TimingSeriesTest, MalformedStateStartsANewSeries) {
  TimingSeries series(3, 60'000);
  EXPECT_EQ(series.Add("12,x,14", 5000).value, "5000");
  EXPECT_EQ(series.Add("", 5000).value, "5000");
  EXPECT_EQ(series.Add("1000,", 5000).value, "1000,5000");
}

TEST(TimingSeriesTest, SimultaneousEventsHaveNoVariation) {
  TimingSeries series(2, 60'000);
  TimingSeries::Update u = series.Add("5000,5000", 5000);
  EXPECT_EQ(u.intervals, 2);
  EXPECT_DOUBLE_EQ(u.variation, 0);
}

}  // namespace
}  // namespace riskd_bot_behaviour
