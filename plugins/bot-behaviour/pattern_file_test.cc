#include "pattern_file.h"

#include <gtest/gtest.h>

#include "riskd/detector_testing.h"

namespace riskd_bot_behaviour {
namespace {

std::string Message(std::string_view text) {
  try {
    ParsePatternList(text);
  } catch (const PatternFileError& e) {
    return e.what();
  }
  return "no error";
}

TEST(PatternFileTest, CrawlerUserAgentsFormatKeepsPatternsAndTheirLines) {
  std::vector<PatternEntry> entries = ParsePatternList(R"json([
  {
    "pattern": "Googlebot\\/",
    "url": "http://www.google.com/bot.html",
    "instances": ["Googlebot/2.1 (+http://www.google.com/bot.html)"],
    "depends_on": {"x": [1, 2.5e3, -3, true, false, null]}
  },
  {"tags": [], "pattern": "bingbot\u002F"}
])json");
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].pattern, "Googlebot\\/");
  EXPECT_EQ(entries[0].line, 3);
  EXPECT_EQ(entries[1].pattern, "bingbot/");
  EXPECT_EQ(entries[1].line, 8);
}

TEST(PatternFileTest, ArrayOfStringsAndPlainText) {
  std::vector<PatternEntry> json =
      ParsePatternList(R"(["bot", "crawl(er)?", "\u00e9\ud83d\ude00"])");
  ASSERT_EQ(json.size(), 3u);
  EXPECT_EQ(json[1].pattern, "crawl(er)?");
  EXPECT_EQ(json[2].pattern, "\xc3\xa9\xf0\x9f\x98\x80");

  std::vector<PatternEntry> text = ParsePatternList("# my bots\n\n  MyCrawler/\\d+  \nUptimeBot\n");
  ASSERT_EQ(text.size(), 2u);
  EXPECT_EQ(text[0].pattern, "MyCrawler/\\d+");
  EXPECT_EQ(text[0].line, 3);
  EXPECT_EQ(text[1].line, 4);
  EXPECT_TRUE(ParsePatternList("[]").empty());
}

TEST(PatternFileTest, BrokenJsonNamesTheLine) {
  EXPECT_EQ(Message("[\n  {\"url\": \"x\"}\n]"), "line 2: an object without a \"pattern\" string");
  EXPECT_EQ(Message("[\n  {\"pattern\": 3}\n]"), "line 2: \"pattern\" must be a string");
  EXPECT_EQ(Message("[\n\"a\",\n\"b\n]"), "line 3: unterminated string");
  EXPECT_EQ(Message("[\"a\" \"b\"]"), "line 1: expected ']', got '\"'");
  EXPECT_EQ(Message("[\"a\"] x"), "line 1: unexpected text after the closing ']'");
  EXPECT_EQ(Message("[{\"pattern\": \"a\", \"x\": nope}]"), "line 1: expected a JSON value");
  EXPECT_EQ(Message("[\"\\q\"]"), "line 1: unknown escape \\q");
  EXPECT_EQ(Message("[{\"pattern\": \"a\""), "line 1: expected '}', got the end");
}

TEST(PatternFileTest, ReadErrorsNameThePath) {
  riskd::testing::TempDataDir data;
  std::string path = data.Write("bots.json", "[\n{\"pattern\": \"a\"},\n{}\n]");
  try {
    ReadPatternFile(path);
    FAIL();
  } catch (const PatternFileError& e) {
    EXPECT_EQ(std::string(e.what()), path + ": line 3: an object without a \"pattern\" string");
  }
  try {
    ReadPatternFile(data.path().string() + "/missing.json");
    FAIL();
  } catch (const PatternFileError& e) {
    EXPECT_EQ(std::string(e.what()), data.path().string() + "/missing.json: cannot open");
  }
}

}  // namespace
}  // namespace riskd_bot_behaviour
