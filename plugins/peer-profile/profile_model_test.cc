// The likelihood ratio's arithmetic on hand-made histories and counts.
#include "profile_model.h"

#include <gtest/gtest.h>

#include "stable_hash.h"

namespace riskd_peer_profile {
namespace {

TEST(LevelFactorTest, AValueTheUserNeverUsedScoresTheHistoryItOutweighs) {
  // p_u = alpha p_g / (n + alpha): the ratio is (n + alpha) / alpha whatever
  // the population says.
  EXPECT_DOUBLE_EQ(LevelFactor(0, 10, 50, 1000, 1.0), 11.0);
  EXPECT_DOUBLE_EQ(LevelFactor(0, 10, 0, 1000, 1.0), 11.0);
  EXPECT_DOUBLE_EQ(LevelFactor(0, 10, 50, 1000, 2.0), 6.0);
  // Under a parent the user never used, the level adds nothing.
  EXPECT_DOUBLE_EQ(LevelFactor(0, 0, 5, 50, 1.0), 1.0);
}

TEST(LevelFactorTest, AHabitualValueIsEvidenceForTheUserTheRarerItIs) {
  // All 10 logins from it: p_u ~ 1, so the ratio is about p_g.
  const double common = LevelFactor(10, 10, 499, 999, 1.0);  // p_g = 0.5
  const double rare = LevelFactor(10, 10, 9, 999, 1.0);      // p_g = 0.01
  EXPECT_NEAR(common, 0.5 * 11 / 10.5, 1e-12);
  EXPECT_NEAR(rare, 0.01 * 11 / 10.01, 1e-12);
  EXPECT_LT(rare, common);
}

LoginFeatures Login(const std::string& country, const std::string& asn, const std::string& ip,
                    int hour) {
  LoginFeatures f;
  f.present[kCountry] = f.present[kAsn] = f.present[kIp] = true;
  f.hash[kCountry] = StableHash(country, kCountry);
  f.hash[kAsn] = ChildHash(f.hash[kCountry], asn);
  f.hash[kIp] = ChildHash(f.hash[kAsn], ip);
  f.local_hour = hour;
  return f;
}

TEST(AssessProfileTest, TheRatioMultipliesAlongTheHierarchy) {
  UserHistory history;
  const LoginFeatures home = Login("GB", "20712", "81.2.69.160", 9);
  for (int i = 0; i < 10; ++i) history.Learn(home, 8, 64);
  GlobalCounts global;
  global.logins = 999;
  global.values[kCountry] = 299;
  global.values[kAsn] = 9;
  global.values[kIp] = 9;
  const ModelParameters parameters;

  ProfileAssessment at_home = AssessProfile(history, home, global, parameters);
  const double country = 0.3 * 11 / (10 + 0.3);
  const double asn = (10.0 / 300) * 11 / (10 + 10.0 / 300);
  const double ip = 1.0 * 11 / (10 + 1.0);
  const double hour = (1.0 / 24) / ((5 + 4.0 / 24) / 14);  // half of 10 at 9:00
  EXPECT_NEAR(at_home.likelihood_ratio, country * asn * ip * hour, 1e-12);
  EXPECT_FALSE(at_home.features[kCountry].new_for_user);
  EXPECT_DOUBLE_EQ(at_home.hour_share, 1.0);

  // Another IP of the same ISP: only the last level is new.
  ProfileAssessment neighbour =
      AssessProfile(history, Login("GB", "20712", "81.2.69.161", 9), global, parameters);
  EXPECT_TRUE(neighbour.features[kIp].new_for_user);
  EXPECT_FALSE(neighbour.features[kAsn].new_for_user);
  EXPECT_NEAR(neighbour.features[kIp].factor, 11.0, 1e-12);

  // Another country at another hour: the country level carries it all.
  ProfileAssessment abroad =
      AssessProfile(history, Login("AU", "9342", "203.2.218.214", 19), global, parameters);
  EXPECT_DOUBLE_EQ(abroad.features[kCountry].factor, 11.0);
  EXPECT_DOUBLE_EQ(abroad.features[kAsn].factor, 1.0);
  EXPECT_DOUBLE_EQ(abroad.features[kIp].factor, 1.0);
  EXPECT_DOUBLE_EQ(abroad.hour_share, 0.0);
  EXPECT_DOUBLE_EQ(abroad.hour_factor, 14.0 / 4);
  EXPECT_DOUBLE_EQ(abroad.likelihood_ratio, 11.0 * 14 / 4);
}

TEST(AssessProfileTest, NeighbouringHoursCountHalf) {
  UserHistory history;
  for (int i = 0; i < 8; ++i) history.Learn(Login("GB", "1", "x", 9), 8, 64);
  GlobalCounts global;
  EXPECT_DOUBLE_EQ(AssessProfile(history, Login("GB", "1", "x", 10), global, {}).hour_share, 0.5);
  EXPECT_DOUBLE_EQ(AssessProfile(history, Login("GB", "1", "x", 11), global, {}).hour_share, 0.0);
}

}  // namespace
}  // namespace riskd_peer_profile
