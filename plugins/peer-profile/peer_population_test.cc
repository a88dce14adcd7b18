// Age buckets, the window series, and statistics from counters.
#include "peer_population.h"

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "riskd/detector_testing.h"
#include "windows.h"

namespace riskd_peer_profile {
namespace {

constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kDay = 24 * kHour;

TEST(AgeBucketTest, BucketsDoubleInLength) {
  EXPECT_EQ(AgeBucket(0), 0);
  EXPECT_EQ(AgeBucket(kDay - 1), 0);
  EXPECT_EQ(AgeBucket(kDay), 1);
  EXPECT_EQ(AgeBucket(3 * kDay - 1), 1);
  EXPECT_EQ(AgeBucket(3 * kDay), 2);
  EXPECT_EQ(AgeBucket(7 * kDay), 3);
  EXPECT_EQ(AgeBucket(15 * kDay), 4);
  EXPECT_EQ(AgeBucket(30 * kDay), 4);
  EXPECT_EQ(AgeBucket(31 * kDay), 5);
  EXPECT_EQ(AgeBucket(-kDay), 0) << "registered after the event (clock skew)";
}

TEST(WindowsTest, ReadsTheOlderOfTheTwoCurrentWindows) {
  Windows windows(100 * kHour);
  // Series a's windows start at 0, 100h, ...; series b's at 50h, 150h, ...
  EXPECT_EQ(windows.ForRead(10 * kHour).Name(), "b0");  // b's window began at -50h
  EXPECT_EQ(windows.ForRead(60 * kHour).Name(), "a0");  // a's began at 0, b's at 50h
  EXPECT_EQ(windows.ForRead(120 * kHour).Name(), "b1");
  EXPECT_EQ(windows.ForRead(160 * kHour).Name(), "a1");
  auto written = windows.ForWrite(120 * kHour);
  EXPECT_EQ(written[0].Name(), "a1");
  EXPECT_EQ(written[1].Name(), "b1");
  // Whatever the time, what is read was written for 50h to 100h.
  for (int64_t t = 0; t < 400 * kHour; t += kHour / 3) {
    const Window read = windows.ForRead(t);
    const int64_t start = read.index * 100 * kHour - (read.series == 'b' ? 50 * kHour : 0);
    EXPECT_GE(t - start, 50 * kHour);
    EXPECT_LT(t - start, 100 * kHour);
  }
  EXPECT_EQ(windows.ttl_ms(), 101 * kHour);
}

TEST(PeerPopulationTest, MeanAndDeviationFromTheCounters) {
  PeerPopulation population(Windows(100 * kHour));
  riskd::testing::CapturedResult result;
  const int64_t t = 60 * kHour;
  population.Add(2, {1, 1, 0.0}, t, result.result());
  population.Add(2, {3, 1, 0.5}, t, result.result());
  ASSERT_EQ(result.adds().size(), 2u * 2 * 7);
  std::map<std::string, int64_t> counters;
  for (const auto& [key, delta] : result.adds()) counters[key] += delta;
  EXPECT_EQ(counters["{pp:a0:2}:n"], 2);
  EXPECT_EQ(counters["{pp:a0:2}:s0"], 4);
  EXPECT_EQ(counters["{pp:a0:2}:q0"], 10);
  EXPECT_EQ(counters["{pp:a0:2}:s2"], 500) << "ratios in thousandths";
  EXPECT_EQ(counters["{pp:b1:2}:n"], 2) << "b's window 1 began at 50h";

  std::vector<std::string> keys;
  population.AppendKeys(2, t, keys);
  ASSERT_EQ(keys.size(), 7u);
  riskd::testing::EventBuilder event;
  for (const std::string& key : keys) event.add_state(key, std::to_string(counters[key]));
  riskd::Event built = event.Build();
  StateReader reader(built);
  PopulationStats stats = population.Read(2, t, reader);
  EXPECT_EQ(stats.hours, 2);
  EXPECT_DOUBLE_EQ(stats.mean[kEventsPerHour], 2.0);
  EXPECT_DOUBLE_EQ(stats.sd[kEventsPerHour], 1.0);
  EXPECT_DOUBLE_EQ(stats.mean[kDistinctIps], 1.0);
  EXPECT_DOUBLE_EQ(stats.sd[kDistinctIps], 1.0) << "no variation: the floor";
  EXPECT_DOUBLE_EQ(stats.mean[kFailureRatio], 0.25);
  EXPECT_DOUBLE_EQ(stats.sd[kFailureRatio], 0.25);

  Deviation d = PeerPopulation::LargestDeviation({5, 2, 0.5}, stats);
  EXPECT_EQ(d.metric, kEventsPerHour);
  EXPECT_DOUBLE_EQ(d.z, 3.0);
}

}  // namespace
}  // namespace riskd_peer_profile
