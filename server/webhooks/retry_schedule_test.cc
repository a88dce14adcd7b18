#include "server/webhooks/retry_schedule.h"

#include "gtest/gtest.h"

namespace riskd {
namespace {

WebhooksConfig Config() {
  WebhooksConfig config;
  config.initial_backoff = absl::Seconds(1);
  config.max_backoff = absl::Seconds(60);
  config.max_age = absl::Hours(1);
  return config;
}

TEST(RetryScheduleTest, BackoffDoublesPerFailureUpToTheCap) {
  const WebhooksConfig config = Config();
  // Without jitter (uniform 1) the pause is the whole base: 1, 2, 4, ... 60.
  EXPECT_EQ(RetryBackoff(config, 1, 1.0), absl::Seconds(1));
  EXPECT_EQ(RetryBackoff(config, 2, 1.0), absl::Seconds(2));
  EXPECT_EQ(RetryBackoff(config, 3, 1.0), absl::Seconds(4));
  EXPECT_EQ(RetryBackoff(config, 6, 1.0), absl::Seconds(32));
  EXPECT_EQ(RetryBackoff(config, 7, 1.0), absl::Seconds(60));
  EXPECT_EQ(RetryBackoff(config, 500, 1.0), absl::Seconds(60));
}

TEST(RetryScheduleTest, JitterTakesUpToHalfOfThePause) {
  const WebhooksConfig config = Config();
  EXPECT_EQ(RetryBackoff(config, 3, 0.0), absl::Seconds(2));
  EXPECT_EQ(RetryBackoff(config, 3, 0.5), absl::Seconds(3));
  EXPECT_EQ(RetryBackoff(config, 7, 0.0), absl::Seconds(30));
}

TEST(RetryScheduleTest, RetriesUntilMaxAgeThenGivesUp) {
  const WebhooksConfig config = Config();
  const absl::Time enqueued = absl::FromUnixSeconds(1'000'000);
  EXPECT_EQ(NextAttempt(config, enqueued, 1, enqueued + absl::Seconds(5), 1.0),
            enqueued + absl::Seconds(6));
  // Near the deadline the last retry moves up to it instead of past it.
  EXPECT_EQ(NextAttempt(config, enqueued, 20, enqueued + absl::Minutes(59.5), 1.0),
            enqueued + absl::Hours(1));
  EXPECT_EQ(NextAttempt(config, enqueued, 21, enqueued + absl::Hours(1), 1.0), std::nullopt);
}

TEST(RetryScheduleTest, MaxAttemptsGivesUpEarlier) {
  WebhooksConfig config = Config();
  config.max_attempts = 3;
  const absl::Time enqueued = absl::FromUnixSeconds(1'000'000);
  EXPECT_NE(NextAttempt(config, enqueued, 2, enqueued + absl::Seconds(3), 0.5), std::nullopt);
  EXPECT_EQ(NextAttempt(config, enqueued, 3, enqueued + absl::Seconds(7), 0.5), std::nullopt);
}

}  // namespace
}  // namespace riskd
