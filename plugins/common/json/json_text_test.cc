#include "json/json_text.h"

#include <gtest/gtest.h>

#include <string>

namespace riskd_json {
namespace {

TEST(JsonTextTest, HexDigitValue) {
  EXPECT_EQ(HexDigitValue('0'), 0);
  EXPECT_EQ(HexDigitValue('9'), 9);
  EXPECT_EQ(HexDigitValue('a'), 10);
  EXPECT_EQ(HexDigitValue('F'), 15);
  for (char c : std::string("gG/:@`- \"\0", 10)) EXPECT_EQ(HexDigitValue(c), -1) << int(c);
}

TEST(JsonTextTest, SimpleEscapes) {
  EXPECT_EQ(
      std::string({SimpleEscape('"'), SimpleEscape('\\'), SimpleEscape('/'), SimpleEscape('b'),
                   SimpleEscape('f'), SimpleEscape('n'), SimpleEscape('r'), SimpleEscape('t')}),
      "\"\\/\b\f\n\r\t");
  for (char c : std::string("uqxU0'")) EXPECT_EQ(SimpleEscape(c), '\0') << c;
}

std::string Utf8(uint32_t code) {
  std::string out;
  AppendUtf8(code, out);
  return out;
}

TEST(JsonTextTest, AppendUtf8AtEachLengthsEdges) {
  EXPECT_EQ(Utf8(0x41), "A");
  EXPECT_EQ(Utf8(0x7F), "\x7F");
  EXPECT_EQ(Utf8(0x80), "\xC2\x80");
  EXPECT_EQ(Utf8(0xE9), "\xC3\xA9");
  EXPECT_EQ(Utf8(0x7FF), "\xDF\xBF");
  EXPECT_EQ(Utf8(0x800), "\xE0\xA0\x80");
  EXPECT_EQ(Utf8(0x4E2D), "\xE4\xB8\xAD");
  EXPECT_EQ(Utf8(0xFFFF), "\xEF\xBF\xBF");
  EXPECT_EQ(Utf8(0x10000), "\xF0\x90\x80\x80");
  EXPECT_EQ(Utf8(0x10FFFF), "\xF4\x8F\xBF\xBF");
}

TEST(JsonTextTest, SurrogatePairs) {
  EXPECT_TRUE(IsHighSurrogate(0xD83D));
  EXPECT_FALSE(IsHighSurrogate(0xDE00));
  EXPECT_TRUE(IsLowSurrogate(0xDE00));
  EXPECT_FALSE(IsLowSurrogate(0xD83D));
  EXPECT_EQ(JoinSurrogates(0xD83D, 0xDE00), 0x1F600u);  // 😀
  EXPECT_EQ(JoinSurrogates(0xD800, 0xDC00), 0x10000u);
  EXPECT_EQ(JoinSurrogates(0xDBFF, 0xDFFF), 0x10FFFFu);
}

}  // namespace
}  // namespace riskd_json
