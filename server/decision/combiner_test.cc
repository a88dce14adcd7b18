#include "server/decision/combiner.h"

#include <gtest/gtest.h>

#include <vector>

namespace riskd {
namespace {

constexpr double kEps = 1e-12;

TEST(CombinerTest, NoScoresGiveZeroForEveryKind) {
  std::vector<WeightedScore> none;
  EXPECT_EQ(Combine(CombinerKind::kNoisyOr, none), 0.0);
  EXPECT_EQ(Combine(CombinerKind::kWeightedMean, none), 0.0);
  EXPECT_EQ(Combine(CombinerKind::kMax, none), 0.0);
}

TEST(CombinerTest, NoisyOrAccumulatesIndependentEvidence) {
  // 1 - (1 - 1*0.5) * (1 - 0.5*0.4) = 1 - 0.5 * 0.8 = 0.6
  std::vector<WeightedScore> scores = {{0.5, 1.0}, {0.4, 0.5}};
  EXPECT_NEAR(Combine(CombinerKind::kNoisyOr, scores), 0.6, kEps);
}

TEST(CombinerTest, NoisyOrOfThreeScores) {
  // 1 - (1 - 0.3) * (1 - 0.3) * (1 - 0.3) = 1 - 0.343 = 0.657
  std::vector<WeightedScore> scores = {{0.3, 1.0}, {0.6, 0.5}, {0.5, 0.6}};
  EXPECT_NEAR(Combine(CombinerKind::kNoisyOr, scores), 0.657, kEps);
}

TEST(CombinerTest, NoisyOrIsAtLeastTheStrongestSingleScore) {
  std::vector<WeightedScore> scores = {{0.7, 1.0}, {0.2, 1.0}};
  // 1 - 0.3 * 0.8 = 0.76
  EXPECT_NEAR(Combine(CombinerKind::kNoisyOr, scores), 0.76, kEps);
  EXPECT_GE(Combine(CombinerKind::kNoisyOr, scores), 0.7);
}

TEST(CombinerTest, NoisyOrOfACertainScoreIsOne) {
  std::vector<WeightedScore> scores = {{1.0, 1.0}, {0.1, 0.3}};
  EXPECT_NEAR(Combine(CombinerKind::kNoisyOr, scores), 1.0, kEps);
}

TEST(CombinerTest, WeightedMeanIsTheConsensus) {
  // (1*0.8 + 0.5*0.2) / (1 + 0.5) = 0.9 / 1.5 = 0.6
  std::vector<WeightedScore> scores = {{0.8, 1.0}, {0.2, 0.5}};
  EXPECT_NEAR(Combine(CombinerKind::kWeightedMean, scores), 0.6, kEps);
}

TEST(CombinerTest, WeightedMeanOfEqualWeightsIsThePlainMean) {
  std::vector<WeightedScore> scores = {{0.9, 0.4}, {0.3, 0.4}, {0.0, 0.4}};
  EXPECT_NEAR(Combine(CombinerKind::kWeightedMean, scores), 0.4, kEps);
}

TEST(CombinerTest, MaxTakesTheStrongestWeightedScore) {
  // Weighted: 0.9*0.5 = 0.45, 0.6*1 = 0.6, 0.2*1 = 0.2.
  std::vector<WeightedScore> scores = {{0.9, 0.5}, {0.6, 1.0}, {0.2, 1.0}};
  EXPECT_NEAR(Combine(CombinerKind::kMax, scores), 0.6, kEps);
}

TEST(CombinerTest, ZeroWeightsContributeNothing) {
  std::vector<WeightedScore> scores = {{1.0, 0.0}, {0.5, 0.0}};
  EXPECT_EQ(Combine(CombinerKind::kNoisyOr, scores), 0.0);
  EXPECT_EQ(Combine(CombinerKind::kWeightedMean, scores), 0.0);
  EXPECT_EQ(Combine(CombinerKind::kMax, scores), 0.0);
}

TEST(CombinerTest, ZeroWeightDetectorDoesNotDiluteWeightedMean) {
  std::vector<WeightedScore> scores = {{0.8, 1.0}, {0.0, 0.0}};
  EXPECT_NEAR(Combine(CombinerKind::kWeightedMean, scores), 0.8, kEps);
}

TEST(CombinerTest, ZeroScoresGiveZero) {
  std::vector<WeightedScore> scores = {{0.0, 1.0}, {0.0, 0.7}};
  EXPECT_EQ(Combine(CombinerKind::kNoisyOr, scores), 0.0);
  EXPECT_EQ(Combine(CombinerKind::kWeightedMean, scores), 0.0);
  EXPECT_EQ(Combine(CombinerKind::kMax, scores), 0.0);
}

TEST(CombinerTest, ResultStaysWithinZeroAndOne) {
  std::vector<std::vector<WeightedScore>> inputs = {
      {{1.0, 1.0}, {1.0, 1.0}, {1.0, 1.0}},
      {{0.99, 1.0}, {0.99, 1.0}, {0.99, 1.0}, {0.99, 1.0}, {0.99, 1.0}},
      {{0.0, 1.0}, {1.0, 0.0}},
      {{0.5, 0.5}},
  };
  for (CombinerKind kind :
       {CombinerKind::kNoisyOr, CombinerKind::kWeightedMean, CombinerKind::kMax}) {
    for (const auto& scores : inputs) {
      double risk = Combine(kind, scores);
      EXPECT_GE(risk, 0.0);
      EXPECT_LE(risk, 1.0);
    }
  }
}

TEST(CombinerTest, KindsDifferOnTheSameInput) {
  std::vector<WeightedScore> scores = {{0.5, 1.0}, {0.5, 1.0}};
  EXPECT_NEAR(Combine(CombinerKind::kNoisyOr, scores), 0.75, kEps);
  EXPECT_NEAR(Combine(CombinerKind::kWeightedMean, scores), 0.5, kEps);
  EXPECT_NEAR(Combine(CombinerKind::kMax, scores), 0.5, kEps);
}

}  // namespace
}  // namespace riskd
