// Scaling out: riskd replicas sharing one real Redis Cluster, and riskd
// answering through a Redis outage and recovering by itself.
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "tests/support/riskd_process.h"
#include "tests/support/shared_redis_cluster.h"

namespace riskd::testing {
namespace {

using riskd::v1::AuthenticateResponse;
using riskd::v1::Event;
using riskd::v1::UserProfile;

constexpr char kDetectors[] = R"(
detectors:
  - plugin: @TEST_PLUGINS@/riskd-fixture.so
    settings: {required_label: redis-test}
thresholds:
  default: {challenge_at: 0.5, deny_at: 0.9}
)";

TEST(RedisStateTest, TwoReplicasAgreeOnAUserWhileEventsArriveAtBoth) {
  std::string state = RedisStateConfig();
  ASSERT_FALSE(state.empty());
  std::string config = WriteConfig(MakeTempDir(), state + kDetectors);
  auto a = RiskdProcess::Start(config);
  auto b = RiskdProcess::Start(config);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);

  constexpr int kEach = 60;
  auto send = [](RiskdProcess& riskd, riskd::v1::EventType type, const std::string& device) {
    for (int i = 0; i < kEach; ++i) {
      Event event = BrowserLogin("shared-user");
      event.set_type(type);
      event.mutable_context()->set_device_id(device);
      AuthenticateResponse response;
      grpc::Status status = Authenticate(riskd, event, &response);
      ASSERT_TRUE(status.ok()) << status.error_message();
      ASSERT_EQ(response.state_error(), "");
    }
  };
  std::thread to_a(send, std::ref(*a), riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED, "laptop");
  std::thread to_b(send, std::ref(*b), riskd::v1::EVENT_TYPE_LOGIN_FAILED, "phone");
  to_a.join();
  to_b.join();

  UserProfile from_a = GetUserOk(*a, "shared-user");
  UserProfile from_b = GetUserOk(*b, "shared-user");
  EXPECT_EQ(from_a.events(), 2u * kEach) << "no update was lost between the replicas";
  EXPECT_EQ(from_a.logins_succeeded(), static_cast<uint32_t>(kEach));
  EXPECT_EQ(from_a.logins_failed(), static_cast<uint32_t>(kEach));
  EXPECT_EQ(from_a.devices_size(), 2);
  EXPECT_EQ(from_b.SerializeAsString(), from_a.SerializeAsString()) << "both see one user";
}

TEST(RedisStateTest, RiskdAnswersThroughAnOutageAndRecoversByItself) {
  LocalRedisCluster* cluster = SharedRedisCluster();
  ASSERT_NE(cluster, nullptr);
  std::string dir = MakeTempDir();
  auto open =
      RiskdProcess::Start(WriteConfig(dir, RedisStateConfig("open") + kDetectors, "open.yaml"));
  auto closed =
      RiskdProcess::Start(WriteConfig(dir, RedisStateConfig("closed") + kDetectors, "closed.yaml"));
  ASSERT_NE(open, nullptr);
  ASSERT_NE(closed, nullptr);
  AuthenticateResponse r;
  ASSERT_TRUE(Authenticate(*open, BrowserLogin("olga"), &r).ok());
  ASSERT_EQ(r.state_error(), "");

  for (int node = 0; node < cluster->size(); ++node) ASSERT_TRUE(cluster->StopNode(node).ok());

  ASSERT_TRUE(Authenticate(*open, BrowserLogin("olga"), &r).ok());
  EXPECT_NE(r.state_error(), "") << "the response says state was not used";
  EXPECT_EQ(r.verdict(), riskd::v1::VERDICT_ALLOW) << "fail-open decides without history";
  ASSERT_TRUE(Authenticate(*closed, BrowserLogin("olga"), &r).ok());
  EXPECT_NE(r.state_error(), "");
  EXPECT_EQ(r.verdict(), riskd::v1::VERDICT_CHALLENGE);
  EXPECT_EQ(r.policy(), "state.on_unavailable");

  for (int node = 0; node < cluster->size(); ++node) ASSERT_TRUE(cluster->RestartNode(node).ok());

  // Recovers by itself, without a restart of riskd (bounded wait: a busy
  // machine may take a few seconds to reconnect).
  auto recovers = [](RiskdProcess& riskd, AuthenticateResponse* r) {
    for (int attempt = 0; attempt < 200; ++attempt) {
      if (Authenticate(riskd, BrowserLogin("olga"), r).ok() && r->state_error().empty()) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  };
  EXPECT_TRUE(recovers(*open, &r)) << r.state_error();
  UserProfile olga = GetUserOk(*open, "olga");
  EXPECT_EQ(olga.events(), 2u) << "the event before the outage and the one after";
  EXPECT_TRUE(recovers(*closed, &r)) << r.state_error();
  EXPECT_NE(r.policy(), "state.on_unavailable");
}

}  // namespace
}  // namespace riskd::testing
