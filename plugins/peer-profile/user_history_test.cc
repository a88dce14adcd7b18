// The per-user history: counts, eviction, decay, activity, and the encoding.
#include "user_history.h"

#include <gtest/gtest.h>

#include <string>

#include "login_features.h"
#include "stable_hash.h"

namespace riskd_peer_profile {
namespace {

LoginFeatures Login(const std::string& ip, int hour = 9) {
  LoginFeatures f;
  f.present[kIp] = f.present[kDevice] = true;
  f.hash[kIp] = StableHash(ip);
  f.hash[kDevice] = StableHash("dev");
  f.local_hour = hour;
  return f;
}

TEST(UserHistoryTest, CountsTheValuesOfEachFeature) {
  UserHistory h;
  for (int i = 0; i < 3; ++i) h.Learn(Login("a"), 8, 64);
  h.Learn(Login("b", 10), 8, 64);
  EXPECT_EQ(h.logins, 4u);
  EXPECT_EQ(h.Count(kIp, StableHash("a")), 3u);
  EXPECT_EQ(h.Count(kIp, StableHash("b")), 1u);
  EXPECT_EQ(h.Count(kIp, StableHash("c")), 0u);
  EXPECT_EQ(h.Count(kDevice, StableHash("dev")), 4u);
  EXPECT_EQ(h.Count(kCountry, StableHash("dev")), 0u) << "features are apart";
  EXPECT_EQ(h.hours[9], 3u);
  EXPECT_EQ(h.hours[10], 1u);
}

TEST(UserHistoryTest, LearnSaysWhereEachValueWasLastCounted) {
  UserHistory h;
  CountedWindows first = h.Learn(Login("a"), 8, 64, 7);
  EXPECT_EQ(first[kIp], 0u) << "never";
  EXPECT_EQ(first[kFeatureCount], 0u) << "the user, never";
  EXPECT_EQ(first[kCountry], 0u) << "absent";
  CountedWindows second = h.Learn(Login("b"), 8, 64, 8);
  EXPECT_EQ(second[kIp], 0u) << "b is new";
  EXPECT_EQ(second[kDevice], 7u);
  EXPECT_EQ(second[kFeatureCount], 7u);
  EXPECT_EQ(h.Learn(Login("a"), 8, 64, 9)[kIp], 7u);
}

TEST(UserHistoryTest, AFullListForgetsTheLeastCountedLeastRecentValue) {
  UserHistory h;
  h.Learn(Login("a"), 3, 64);
  h.Learn(Login("a"), 3, 64);
  h.Learn(Login("b"), 3, 64);
  h.Learn(Login("c"), 3, 64);
  h.Learn(Login("d"), 3, 64);  // b and c have 1 each; b is older
  EXPECT_EQ(h.values[kIp].size, 3);
  EXPECT_EQ(h.Count(kIp, StableHash("b")), 0u);
  EXPECT_EQ(h.Count(kIp, StableHash("c")), 1u);
  EXPECT_EQ(h.Count(kIp, StableHash("d")), 1u);
  EXPECT_EQ(h.Count(kIp, StableHash("a")), 2u);
}

TEST(UserHistoryTest, CountsHalvePastTheCap) {
  UserHistory h;
  for (int i = 0; i < 8; ++i) h.Learn(Login("home"), 8, 8);
  h.Learn(Login("once"), 8, 8);  // the ninth login: everything halves
  EXPECT_EQ(h.logins, 4u);
  EXPECT_EQ(h.Count(kIp, StableHash("home")), 4u);
  EXPECT_EQ(h.Count(kIp, StableHash("once")), 0u) << "a count of 1 halves to nothing";
  EXPECT_EQ(h.hours[9], 4u);
}

TEST(UserHistoryTest, ActivityPerHourAndDistinctIps) {
  UserHistory h;
  constexpr int64_t kHour = 3600 * 1000;
  EXPECT_FALSE(h.CountActivity(100 * kHour, true, true, Login("a")));
  EXPECT_FALSE(h.CountActivity(100 * kHour + 5, true, false, Login("a")));
  EXPECT_FALSE(h.CountActivity(100 * kHour + 9, false, false, Login("b")));
  EXPECT_EQ(h.hour_events, 3u);
  EXPECT_EQ(h.attempts, 2u);
  EXPECT_EQ(h.failures, 1u);
  EXPECT_EQ(h.distinct_ips, 2u);
  EXPECT_TRUE(h.CountActivity(103 * kHour, true, false, Login("a"))) << "a new active hour";
  EXPECT_EQ(h.hour_events, 1u);
  EXPECT_EQ(h.distinct_ips, 2u);
  // More IPs than remembered: each new one still counts once.
  for (int i = 0; i < 40; ++i) h.CountActivity(103 * kHour, false, false, Login(std::to_string(i)));
  EXPECT_EQ(h.distinct_ips, 42u);
  EXPECT_EQ(h.recent_ip_count, kMaxRecentIps);
}

TEST(UserHistoryTest, EncodesCompactlyAndDecodesExactly) {
  UserHistory h;
  LoginFeatures f;
  for (int i = 0; i < kFeatureCount; ++i) f.present[i] = true;
  for (int login = 0; login < 200; ++login) {
    for (int i = 0; i < kFeatureCount; ++i) f.hash[i] = StableHash(std::to_string(login % 11), i);
    f.local_hour = login % 24;
    h.Learn(f, 8, 64, /*half_window=*/6000 + login / 50);  // 2026 at 168 h windows
    h.CountActivity(int64_t{login} * 3600 * 1000, true, login % 5 == 0, f);
  }
  const std::string bytes = h.Encode();
  // 7 features x 8 values x (4-byte id + count + half-window) + hours +
  // activity + 16 IPs.
  EXPECT_LT(bytes.size(), 512u);
  UserHistory back;
  ASSERT_TRUE(UserHistory::Decode(bytes, &back));
  EXPECT_EQ(back.Encode(), bytes);
  EXPECT_EQ(back.logins, h.logins);
  EXPECT_EQ(back.Count(kUserAgent, f.hash[kUserAgent]), h.Count(kUserAgent, f.hash[kUserAgent]));
  EXPECT_EQ(back.activity_hour, 199);
  EXPECT_EQ(back.failures, 40u);

  // Anything else is refused, not misread.
  EXPECT_FALSE(UserHistory::Decode("", &back));
  EXPECT_FALSE(UserHistory::Decode(bytes.substr(0, bytes.size() - 1), &back));
  EXPECT_FALSE(UserHistory::Decode(bytes + "x", &back));
  std::string other_version = bytes;
  other_version[0] = 2;
  EXPECT_FALSE(UserHistory::Decode(other_version, &back));
}

}  // namespace
}  // namespace riskd_peer_profile
