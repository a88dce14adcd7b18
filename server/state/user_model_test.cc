// The bounded lists of a user's record: most recent first, counted, trimmed
// to their bounds, whatever the order events come in.
#include "server/state/user_model.h"

#include "gtest/gtest.h"

namespace riskd {
namespace {

using riskd::state::v1::UserRecord;

NormalizedEvent Login(const std::string& device, const std::string& ip, int minute) {
  NormalizedEvent event;
  event.type = riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED;
  event.request_id_generated = true;
  event.occurred_at = absl::FromUnixSeconds(1700000000) + absl::Minutes(minute);
  event.user_id = "alice";
  event.device_id = device;
  event.user_agent = "agent of " + device;
  event.ip = *IpAddress::Parse(ip);
  return event;
}

// Applies a login with the default funnel rules (its case steps are not
// what these tests look at).
bool ApplyEvent(const UserModelOptions& options, const NormalizedEvent& event,
                const Decision& decision, bool with_verdict, UserRecord& record) {
  std::vector<CaseStep> steps;
  return riskd::ApplyEvent(options, FunnelOptions{}, event, decision, with_verdict, record, steps);
}

std::vector<std::string> DeviceIds(const UserRecord& record) {
  std::vector<std::string> ids;
  for (const auto& d : record.devices()) ids.push_back(d.id());
  return ids;
}

TEST(UserModelTest, DevicesAreMostRecentFirstCountedAndBounded) {
  UserModelOptions options;
  options.max_devices = 3;
  UserRecord record;
  const Decision decision;
  ApplyEvent(options, Login("d1", "192.0.2.1", 0), decision, true, record);
  ApplyEvent(options, Login("d2", "192.0.2.2", 1), decision, true, record);
  ApplyEvent(options, Login("d3", "192.0.2.3", 2), decision, true, record);
  EXPECT_EQ(DeviceIds(record), (std::vector<std::string>{"d3", "d2", "d1"}));

  ApplyEvent(options, Login("d1", "198.51.100.9", 3), decision, true, record);
  EXPECT_EQ(DeviceIds(record), (std::vector<std::string>{"d1", "d3", "d2"}));
  const auto& d1 = record.devices(0);
  EXPECT_EQ(d1.events(), 2u);
  EXPECT_EQ(d1.first_seen_ms(), 1700000000000);
  EXPECT_EQ(d1.last_seen_ms(), 1700000000000 + 3 * 60000);
  EXPECT_EQ(d1.last_ip(), "198.51.100.9");

  ApplyEvent(options, Login("d4", "192.0.2.4", 4), decision, true, record);
  EXPECT_EQ(DeviceIds(record), (std::vector<std::string>{"d4", "d1", "d3"}))
      << "the least recently seen device goes";
}

TEST(UserModelTest, IpsAreMostRecentFirstCountedAndBounded) {
  UserModelOptions options;
  options.max_ips = 2;
  UserRecord record;
  const Decision decision;
  ApplyEvent(options, Login("d", "192.0.2.1", 0), decision, true, record);
  ApplyEvent(options, Login("d", "192.0.2.2", 1), decision, true, record);
  ApplyEvent(options, Login("d", "192.0.2.1", 2), decision, true, record);
  ASSERT_EQ(record.ips_size(), 2);
  EXPECT_EQ(record.ips(0).value(), "192.0.2.1");
  EXPECT_EQ(record.ips(0).count(), 2u);
  EXPECT_EQ(record.ips(1).value(), "192.0.2.2");
  EXPECT_EQ(record.ips(1).count(), 1u);

  ApplyEvent(options, Login("d", "192.0.2.3", 3), decision, true, record);
  ASSERT_EQ(record.ips_size(), 2);
  EXPECT_EQ(record.ips(0).value(), "192.0.2.3");
  EXPECT_EQ(record.ips(1).value(), "192.0.2.1");
}

TEST(UserModelTest, AnEventEarlierThanTheLastKeepsTheLatestLastSeen) {
  UserRecord record;
  const Decision decision;
  ApplyEvent(UserModelOptions(), Login("d", "192.0.2.1", 10), decision, true, record);
  ApplyEvent(UserModelOptions(), Login("d", "192.0.2.1", 5), decision, true, record);
  EXPECT_EQ(record.devices(0).last_seen_ms(), 1700000000000 + 10 * 60000);
  EXPECT_EQ(record.ips(0).last_seen_ms(), 1700000000000 + 10 * 60000);
  EXPECT_EQ(record.devices(0).first_seen_ms(), 1700000000000 + 10 * 60000);
}

}  // namespace
}  // namespace riskd
