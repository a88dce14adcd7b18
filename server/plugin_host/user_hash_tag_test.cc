// The SDK's riskd::UserHashTag must give the tag riskd's own user keys carry,
// or a detector's per-user state would land in another Redis Cluster slot.
#include <gtest/gtest.h>

#include <string>

#include "riskd/detector.h"
#include "server/state/state_keys.h"

namespace riskd {
namespace {

TEST(UserHashTagTest, IsTheTagOfRiskdsOwnUserKeys) {
  for (const std::string id :
       {"alice", "a{b}%c", "}{", "%%", "{}", "user@example.com", "\xc3\xa9t\xc3\xa9"}) {
    SCOPED_TRACE(id);
    const std::string tag = UserHashTag(id);
    EXPECT_EQ(UserKey(id), "u:" + tag);
    EXPECT_EQ(HashTagOf(tag + ":geo"), HashTagOf(UserKey(id)));
  }
  EXPECT_EQ(UserHashTag("a{b}%c"), "{a%7bb%7d%25c}");
}

}  // namespace
}  // namespace riskd
