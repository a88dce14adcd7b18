// What riskd remembers, through the real binary, on both state engines
// (embedded RocksDB, and a real local Redis Cluster): durability across
// kill -9, retries counted once, each user flag set and cleared by the events
// that should, and the user listings.
#include <signal.h>

#include <cstring>
#include <optional>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/support/response_lookup.h"
#include "tests/support/riskd_process.h"
#include "tests/support/shared_redis_cluster.h"

namespace riskd::testing {
namespace {

using riskd::v1::AuthenticateResponse;
using riskd::v1::Event;
using riskd::v1::UserProfile;

// The fixture detector raises whatever signal an event's fixture_signal
// property names, and scores what fixture_score says.
constexpr char kDecisionConfig[] = R"(
detectors:
  - plugin: @TEST_PLUGINS@/riskd-fixture.so
    settings: {required_label: state-test, count_per_ip: true}
thresholds:
  default: {challenge_at: 0.5, deny_at: 0.9}
)";

class StateTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    const std::optional<std::string> state = StateConfigFor(GetParam());
    ASSERT_TRUE(state.has_value());
    config_ = WriteConfig(dir_, *state + kDecisionConfig);
    Start();
  }
  void Start() {
    riskd_ = RiskdProcess::Start(config_, {"--data-dir", dir_ + "/data"});
    ASSERT_NE(riskd_, nullptr);
  }

  AuthenticateResponse Send(const Event& event) { return AuthenticateOk(*riskd_, event); }
  static Event Typed(Event event, riskd::v1::EventType type) {
    event.set_type(type);
    return event;
  }
  static Event Scored(Event event, double score) {
    (*event.mutable_properties())["fixture_score"] = absl::StrCat(score);
    return event;
  }
  static Event Signalled(Event event, const std::string& signal) {
    (*event.mutable_properties())["fixture_signal"] = signal;
    return event;
  }

  UserProfile User(const std::string& id) { return GetUserOk(*riskd_, id); }
  bool HasFlag(const std::string& id, const std::string& flag) {
    UserProfile user = User(id);
    return std::find(user.flags().begin(), user.flags().end(), flag) != user.flags().end();
  }

  std::string dir_, config_;
  std::unique_ptr<RiskdProcess> riskd_;
};

TEST_P(StateTest, AcknowledgedEventsSurviveKill9) {
  for (int i = 0; i < 20; ++i) Send(BrowserLogin("alice"));
  for (int i = 0; i < 5; ++i)
    Send(Typed(BrowserLogin("alice"), riskd::v1::EVENT_TYPE_LOGIN_FAILED));
  riskd_->Signal(SIGKILL);
  EXPECT_EQ(riskd_->WaitForExit(), 128 + SIGKILL);
  Start();
  UserProfile alice = User("alice");
  EXPECT_EQ(alice.events(), 25u);
  EXPECT_EQ(alice.logins_succeeded(), 20u);
  EXPECT_EQ(alice.logins_failed(), 5u);
  EXPECT_EQ(alice.consecutive_failures(), 5u);
}

TEST_P(StateTest, DetectorsReadAndWriteTheirOwnStateThroughTheHost) {
  auto detail = [&](const Event& event) { return SignalDetail(Send(event), "fixture_other"); };
  EXPECT_EQ(detail(BrowserLogin("p1", "198.51.100.7")),
            "seen 0 before from this IP, last by nobody");
  EXPECT_EQ(detail(BrowserLogin("p2", "198.51.100.7")), "seen 1 before from this IP, last by p1");
  // A failing detector's writes are dropped with its result.
  Event failing = BrowserLogin("p3", "198.51.100.7");
  (*failing.mutable_properties())["fixture_throw"] = "model down";
  Send(failing);
  EXPECT_EQ(detail(BrowserLogin("p4", "198.51.100.7")), "seen 2 before from this IP, last by p2");
  EXPECT_EQ(detail(BrowserLogin("p1", "2001:db8::9")),
            "seen 0 before from this IP, last by nobody");
  // It is riskd's state: it survives a restart.
  riskd_->Signal(SIGKILL);
  riskd_->WaitForExit();
  Start();
  EXPECT_EQ(detail(BrowserLogin("p5", "198.51.100.7")), "seen 3 before from this IP, last by p4");
}

TEST_P(StateTest, UnknownUserIsNotFound) {
  UserProfile user;
  grpc::Status status = GetUser(*riskd_, "nobody", &user);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(status.error_message(), "user_id: riskd has never seen user \"nobody\"");
}

TEST_P(StateTest, AClientRetryIsAnsweredTheSameAndCountedOnce) {
  Event event = Scored(BrowserLogin("bob"), 0.7);
  event.set_request_id("login-7f3a");
  AuthenticateResponse first = Send(event);
  AuthenticateResponse retry = Send(Scored(event, 0.1));  // the same request, sent again
  EXPECT_FALSE(first.replayed());
  EXPECT_TRUE(retry.replayed());
  EXPECT_EQ(retry.verdict(), first.verdict());
  EXPECT_EQ(retry.risk_score(), first.risk_score());
  EXPECT_EQ(retry.device_id(), first.device_id());
  EXPECT_EQ(User("bob").logins_succeeded(), 1u);
  // A retried Track counts once too.
  Event tracked = Typed(BrowserLogin("bob"), riskd::v1::EVENT_TYPE_PROFILE_UPDATE);
  tracked.set_request_id("profile-1");
  riskd::v1::TrackResponse ignored;
  ASSERT_TRUE(Track(*riskd_, tracked, &ignored).ok());
  ASSERT_TRUE(Track(*riskd_, tracked, &ignored).ok());
  EXPECT_EQ(User("bob").events(), 2u);
}

TEST_P(StateTest, RegistrationDateComesFromTheEventElseFirstSeen) {
  Event event = BrowserLogin("carol");
  event.mutable_user()->set_registered_at("2024-05-01T10:00:00Z");
  Send(event);
  EXPECT_EQ(User("carol").registered_at().seconds(), 1714557600);
  Send(BrowserLogin("dave"));
  UserProfile dave = User("dave");
  EXPECT_EQ(dave.registered_at().seconds(), dave.first_seen().seconds());
}

TEST_P(StateTest, SeenOnceUntilTheSecondEvent) {
  Send(BrowserLogin("erin"));
  EXPECT_TRUE(HasFlag("erin", "seen_once"));
  Send(BrowserLogin("erin"));
  EXPECT_FALSE(HasFlag("erin", "seen_once"));
}

TEST_P(StateTest, LostPasswordAfterThreeFailuresInARowUntilASuccess) {
  Event failed = Typed(BrowserLogin("frank"), riskd::v1::EVENT_TYPE_LOGIN_FAILED);
  Send(failed);
  Send(failed);
  EXPECT_FALSE(HasFlag("frank", "lost_password"));
  Send(failed);
  EXPECT_TRUE(HasFlag("frank", "lost_password"));
  Send(BrowserLogin("frank"));
  EXPECT_FALSE(HasFlag("frank", "lost_password"));
}

TEST_P(StateTest, AChallengeOpensAReviewThatAPassedChallengeCloses) {
  Send(Scored(BrowserLogin("gina"), 0.6));  // challenge
  EXPECT_TRUE(HasFlag("gina", "at_risk"));
  Send(Typed(BrowserLogin("gina"), riskd::v1::EVENT_TYPE_CHALLENGE_SUCCEEDED));
  EXPECT_FALSE(HasFlag("gina", "at_risk"));
}

TEST_P(StateTest, ADeniedSuccessfulLoginMeansCompromisedUntilThePasswordIsReset) {
  Send(Scored(BrowserLogin("hank"), 0.95));  // deny on a succeeded login
  EXPECT_TRUE(HasFlag("hank", "compromised"));
  Send(Typed(BrowserLogin("hank"), riskd::v1::EVENT_TYPE_PASSWORD_RESET_SUCCEEDED));
  EXPECT_FALSE(HasFlag("hank", "compromised"));
  EXPECT_FALSE(HasFlag("hank", "at_risk"));
}

TEST_P(StateTest, TorFlagFollowsTorOrProxySignals) {
  Send(BrowserLogin("ivan"));
  EXPECT_FALSE(HasFlag("ivan", "tor"));
  Send(Signalled(BrowserLogin("ivan"), "tor_exit"));
  EXPECT_TRUE(HasFlag("ivan", "tor"));
  Send(Signalled(BrowserLogin("judy"), "proxy_ip"));
  EXPECT_TRUE(HasFlag("judy", "tor"));
}

TEST_P(StateTest, DisposableEmailFlagFollowsTheCurrentAddress) {
  Event throwaway = Signalled(BrowserLogin("kate"), "disposable_email");
  throwaway.mutable_user()->set_email("kate@mailinator.com");
  Send(throwaway);
  EXPECT_TRUE(HasFlag("kate", "disposable_email"));
  Event updated = Typed(BrowserLogin("kate"), riskd::v1::EVENT_TYPE_PROFILE_UPDATE);
  updated.mutable_user()->set_email("kate@example.org");
  Send(updated);
  EXPECT_FALSE(HasFlag("kate", "disposable_email"));
  EXPECT_EQ(User("kate").email(), "kate@example.org");
}

TEST_P(StateTest, SharedAccountWhenThreeDevicesAreActiveWithinAnHour) {
  for (const char* device : {"phone", "laptop"}) {
    Event e = BrowserLogin("leo");
    e.mutable_context()->set_device_id(device);
    Send(e);
  }
  EXPECT_FALSE(HasFlag("leo", "shared_account"));
  Event third = BrowserLogin("leo");
  third.mutable_context()->set_device_id("tablet-in-another-city");
  Send(third);
  EXPECT_TRUE(HasFlag("leo", "shared_account"));
  EXPECT_EQ(User("leo").devices_size(), 3);
  EXPECT_EQ(User("leo").devices(0).id(), "tablet-in-another-city") << "most recent first";
}

TEST_P(StateTest, InactiveWhenLastSeenMoreThanFifteenDaysAgo) {
  Event old = BrowserLogin("mia");
  old.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(absl::Now() - absl::Hours(24 * 20)));
  Send(old);
  EXPECT_TRUE(HasFlag("mia", "inactive"));
  Send(BrowserLogin("mia"));
  EXPECT_FALSE(HasFlag("mia", "inactive"));
}

TEST_P(StateTest, ListUsersFiltersByFlagAndRiskAndPages) {
  for (int i = 0; i < 7; ++i) Send(Scored(BrowserLogin(absl::StrCat("user", i)), 0.1 * i));
  Event failed = Typed(BrowserLogin("user3"), riskd::v1::EVENT_TYPE_LOGIN_FAILED);
  for (int i = 0; i < 3; ++i) Send(failed);

  auto list = [&](const std::string& flag, double min_risk, int page_size) {
    std::vector<std::string> ids;
    riskd::v1::ListUsersRequest request;
    request.set_flag(flag);
    request.set_min_risk_score(min_risk);
    request.set_page_size(page_size);
    int pages = 0;
    do {
      grpc::ClientContext context;
      riskd::v1::ListUsersResponse response;
      grpc::Status status = riskd_->stub().ListUsers(&context, request, &response);
      EXPECT_TRUE(status.ok()) << status.error_message();
      if (!status.ok()) break;
      for (const auto& u : response.users()) ids.push_back(u.id());
      request.set_page_token(response.next_page_token());
      ++pages;
    } while (!request.page_token().empty() && pages < 20);
    return ids;
  };
  std::vector<std::string> all = list("", 0, 2);
  EXPECT_EQ(all.size(), 7u) << "pages of 2 must cover all 7 users once";
  EXPECT_EQ(list("lost_password", 0, 50), std::vector<std::string>{"user3"});
  std::vector<std::string> risky = list("", 0.45, 50);
  EXPECT_EQ(risky, (std::vector<std::string>{"user5", "user6"}));

  grpc::ClientContext context;
  riskd::v1::ListUsersRequest bad;
  bad.set_flag("vip");
  riskd::v1::ListUsersResponse response;
  grpc::Status status = riskd_->stub().ListUsers(&context, bad, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message().rfind("flag: unknown flag \"vip\"", 0), 0u);
}

INSTANTIATE_TEST_SUITE_P(Engines, StateTest, StateEngines(), StateEngineName);

// A detector's shared counter (ABI 1.4): adds are summed in riskd's memory and
// written about once a second, and a clean stop writes what is left.
class SharedCounterTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    const std::optional<std::string> state = StateConfigFor(GetParam());
    ASSERT_TRUE(state.has_value());
    config_ = WriteConfig(dir_, *state + R"(
detectors:
  - plugin: @TEST_PLUGINS@/riskd-fixture.so
    settings: {required_label: shared-counter-test, shared_count: true}
)");
    Start();
  }
  void Start() {
    riskd_ = RiskdProcess::Start(config_, {"--data-dir", dir_ + "/data"});
    ASSERT_NE(riskd_, nullptr);
  }
  std::string CountRead(const std::string& user) {
    return SignalDetail(AuthenticateOk(*riskd_, BrowserLogin(user)), "fixture_other");
  }

  std::string dir_, config_;
  std::unique_ptr<RiskdProcess> riskd_;
};

TEST_P(SharedCounterTest, AddsReachTheStoreWithinSecondsAndAtACleanStop) {
  EXPECT_EQ(CountRead("s1"), "shared count 0");
  for (const char* user : {"s2", "s3", "s4"}) CountRead(user);
  // Four events added 1 each; a later event reads the sum once it is written
  // (each read also adds 1, so poll by reading a growing count).
  const absl::Time give_up = absl::Now() + absl::Seconds(10);
  int read = 0, events = 4;
  while (read < 4 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(200));
    ASSERT_TRUE(absl::SimpleAtoi(CountRead("poller").substr(strlen("shared count ")), &read));
    ++events;
  }
  EXPECT_GE(read, 4) << "the shared counter was not written within 10 s";
  EXPECT_LE(read, events - 1) << "an event must not see more adds than were made before it";
  // A clean stop writes the adds not written yet: none is lost.
  riskd_->Signal(SIGTERM);
  riskd_->WaitForExit();
  Start();
  EXPECT_EQ(CountRead("after-restart"), absl::StrCat("shared count ", events));
}

INSTANTIATE_TEST_SUITE_P(Engines, SharedCounterTest, StateEngines(), StateEngineName);

}  // namespace
}  // namespace riskd::testing
