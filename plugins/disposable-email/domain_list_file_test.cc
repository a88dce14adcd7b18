#include "domain_list_file.h"

#include <gtest/gtest.h>

namespace riskd_disposable_email {
namespace {

TEST(DomainListFileTest, ParsesAJsonArrayAndNormalisesEntries) {
  EXPECT_EQ(ParseDomainList(R"(
    [ "Mailinator.COM", "*.33mail.com", "trailing.dot.", "",
      "esc\u0061ped.net", "sl\/ash.org" ]
  )"),
            (std::vector<std::string>{"mailinator.com", "33mail.com", "trailing.dot", "escaped.net",
                                      "sl/ash.org"}));
  EXPECT_TRUE(ParseDomainList("[]").empty());
  EXPECT_TRUE(ParseDomainList("").empty());
}

TEST(DomainListFileTest, ParsesPlainTextWithComments) {
  EXPECT_EQ(ParseDomainList("# disposable\nmailinator.com\r\n\n  yopmail.com  # note\n"),
            (std::vector<std::string>{"mailinator.com", "yopmail.com"}));
}

TEST(DomainListFileTest, MalformedJsonNamesTheLine) {
  auto error = [](std::string_view text) {
    try {
      ParseDomainList(text);
    } catch (const ListFileError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_EQ(error("[\"a.com\",\n\"b.com\""), "line 2: expected ']', got the end");
  EXPECT_EQ(error("[\"a.com\"] x"), "line 1: unexpected text after the closing ']'");
  EXPECT_EQ(error("[\"a.com"), "line 1: unterminated string");
  EXPECT_EQ(error("[\"a\\n.com\"]"), "line 1: unsupported escape \\n in a domain");
  EXPECT_EQ(error("[1]"), "line 1: expected '\"', got '1'");
}

TEST(DomainListFileTest, MissingFileNamesThePath) {
  try {
    ReadDomainListFile("/nonexistent/list.json");
    FAIL() << "expected a ListFileError";
  } catch (const ListFileError& e) {
    EXPECT_STREQ(e.what(), "/nonexistent/list.json: cannot open");
  }
}

TEST(DomainListFileTest, NormalizeDomain) {
  EXPECT_EQ(NormalizeDomain("  *.Example.COM.. "), "example.com");
  EXPECT_EQ(NormalizeDomain("@example.com"), "example.com");
  EXPECT_EQ(NormalizeDomain("."), "");
}

}  // namespace
}  // namespace riskd_disposable_email
