#include "local_part.h"

#include <gtest/gtest.h>

namespace riskd_disposable_email {
namespace {

TEST(LocalPartTest, StripSubaddress) {
  EXPECT_EQ(StripSubaddress("user+tag"), "user");
  EXPECT_EQ(StripSubaddress("user+a+b"), "user");
  EXPECT_EQ(StripSubaddress("user"), "user");
  EXPECT_EQ(StripSubaddress("+tag"), "");
}

// Ordinary addresses must not fire: false positives cost real users.
TEST(LocalPartTest, PeopleLookLikePeople) {
  for (const char* local : {"john.smith1987",
                            "firstname.lastname",
                            "j.doe",
                            "jdoe",
                            "jsmith",
                            "maria.garcia",
                            "li.wei",
                            "nguyen.van.an",
                            "123456789",
                            "4915112345678",
                            "ernst.schmidt",
                            "ernstschmidt",
                            "frankschmidt",
                            "anna-lena.mueller",
                            "o.connor",
                            "mike_1990",
                            "r2d2",
                            "user2024",
                            "info",
                            "sales",
                            "x",
                            "brzeczyszczykiewicz",
                            "t.nguyen.88",
                            "a.b.c.d.e.f",
                            "mr.smth",
                            "dj.krzysztof",
                            "k9unit",
                            "jo3l.m4rtin"}) {
    EXPECT_EQ(SuspiciousLocalPartReason(local), "") << local;
  }
}

TEST(LocalPartTest, GeneratedStringsFire) {
  EXPECT_EQ(SuspiciousLocalPartReason("x7k2p9q4"),
            "local part \"x7k2p9q4\" alternates letters and digits 7 times");
  EXPECT_NE(SuspiciousLocalPartReason("5d41402abc4b2a76b9719d911017c592"), "");
  EXPECT_NE(SuspiciousLocalPartReason("a1b2c3d4e5"), "");
  EXPECT_EQ(SuspiciousLocalPartReason("xkcdqrtzw"),
            "local part \"xkcdqrtzw\" has a run of 9 letters without a vowel");
  EXPECT_EQ(SuspiciousLocalPartReason("ab83747291"), "local part \"ab83747291\" is 80% digits");
  EXPECT_NE(SuspiciousLocalPartReason("user.83747291"), "");
}

}  // namespace
}  // namespace riskd_disposable_email
