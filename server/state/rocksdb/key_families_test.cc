#include "server/state/rocksdb/key_families.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace riskd {
namespace {

TEST(KeyFamiliesTest, DetectorFunnelAndRetryKeysAreInThePointFamily) {
  EXPECT_EQ(FamilyOf("p:bot-behaviour:{81.42.6.10}:t"), KeyFamily::kPoint);
  EXPECT_EQ(FamilyOf("f:{funnel}:d:1796601600:0"), KeyFamily::kPoint);
  EXPECT_EQ(FamilyOf("r:{user1}:req-7"), KeyFamily::kPoint);
}

TEST(KeyFamiliesTest, ScannedKeysStayOrdered) {
  EXPECT_EQ(FamilyOf("u:{user1}"), KeyFamily::kOrdered);
  EXPECT_EQ(FamilyOf("wh:{wh:3}:q:0000001796601600000:id"), KeyFamily::kOrdered);
  EXPECT_EQ(FamilyOf("pa:{x}"), KeyFamily::kOrdered);  // only "p:" itself is routed
  EXPECT_EQ(FamilyOf(""), KeyFamily::kOrdered);
}

TEST(KeyFamiliesTest, AScanStaysInOneFamilyOrIsRefused) {
  EXPECT_EQ(*FamilyOfScan("u:"), KeyFamily::kOrdered);
  EXPECT_EQ(*FamilyOfScan("p:peer-profile:"), KeyFamily::kPoint);
  EXPECT_EQ(*FamilyOfScan("conf-x:{box}:q:"), KeyFamily::kOrdered);
  for (absl::string_view spanning : {"", "p", "f", "r"}) {
    absl::StatusOr<KeyFamily> family = FamilyOfScan(spanning);
    EXPECT_EQ(family.status().code(), absl::StatusCode::kInvalidArgument) << spanning;
    EXPECT_NE(family.status().message().find(absl::StrCat("scan prefix \"", spanning, "\"")),
              std::string::npos)
        << family.status();
  }
}

}  // namespace
}  // namespace riskd
