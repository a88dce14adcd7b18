#include "domain_set.h"

#include <gtest/gtest.h>

namespace riskd_disposable_email {
namespace {

TEST(DomainSetTest, FindsTheDomainOrItsNearestListedParent) {
  DomainSet set;
  set.Add("example.com", 1);
  set.Add("mail.example.com", 2);
  set.Add("example.com", 4);
  EXPECT_EQ(set.size(), 2u);
  auto exact = set.Find("example.com");
  ASSERT_TRUE(exact);
  EXPECT_EQ(exact->domain, "example.com");
  EXPECT_EQ(exact->sources, 5u);
  auto deep = set.Find("a.b.mail.example.com");
  ASSERT_TRUE(deep);
  EXPECT_EQ(deep->domain, "mail.example.com");
  EXPECT_EQ(deep->sources, 2u);
}

TEST(DomainSetTest, MatchesOnlyAtLabelBoundaries) {
  DomainSet set;
  set.Add("example.com", 1);
  EXPECT_FALSE(set.Find("badexample.com"));
  EXPECT_FALSE(set.Find("example.com.evil.net"));
  EXPECT_FALSE(set.Find("xample.com"));
  EXPECT_FALSE(set.Find(""));
}

TEST(DomainSetTest, NeverMatchesABareTopLevelLabel) {
  DomainSet set;
  set.Add("com", 1);
  EXPECT_FALSE(set.Find("example.com"));
  EXPECT_FALSE(set.Find("com"));
}

}  // namespace
}  // namespace riskd_disposable_email
