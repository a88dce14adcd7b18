#include "server/identity/cookie_header.h"

#include <gtest/gtest.h>

namespace riskd {
namespace {

TEST(CookieHeaderTest, FindsACookieAmongOthers) {
  EXPECT_EQ(FindCookie("theme=dark; session=abc.def.ghi; lang=fr", "session"), "abc.def.ghi");
  EXPECT_EQ(FindCookie("session=abc", "session"), "abc");
  EXPECT_EQ(FindCookie("a=1;session=abc;b=2", "session"), "abc");
}

TEST(CookieHeaderTest, AbsentCookie) {
  EXPECT_EQ(FindCookie("theme=dark; lang=fr", "session"), std::nullopt);
  EXPECT_EQ(FindCookie("", "session"), std::nullopt);
  EXPECT_EQ(FindCookie("session", "session"), std::nullopt);  // no '=': not a pair
}

TEST(CookieHeaderTest, NamesMatchWholeAndCaseSensitively) {
  EXPECT_EQ(FindCookie("xsession=1; session_old=2; session=3", "session"), "3");
  EXPECT_EQ(FindCookie("Session=1", "session"), std::nullopt);
}

TEST(CookieHeaderTest, TheFirstOfTwoWins) {
  EXPECT_EQ(FindCookie("session=specific; session=general", "session"), "specific");
}

TEST(CookieHeaderTest, ValuesKeepTheirEqualsSignsAndLoseQuotesAndSpaces) {
  EXPECT_EQ(FindCookie("session=a=b=c", "session"), "a=b=c");
  EXPECT_EQ(FindCookie("session=\"abc\"", "session"), "abc");
  EXPECT_EQ(FindCookie("  session = abc  ; b=2", "session"), "abc");
}

TEST(CookieHeaderTest, AnEmptyValueIsFoundEmpty) {
  EXPECT_EQ(FindCookie("session=; b=2", "session"), "");
}

TEST(CookieHeaderTest, MergedHeadersSeparatedByCommas) {
  EXPECT_EQ(FindCookie("a=1, session=abc", "session"), "abc");
}

}  // namespace
}  // namespace riskd
