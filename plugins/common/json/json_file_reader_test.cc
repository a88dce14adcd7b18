#include "json/json_file_reader.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace riskd_json {
namespace {

// The strings of a top-level array of strings.
std::vector<std::string> Strings(std::string_view text) {
  std::vector<std::string> out;
  JsonFileReader reader(text);
  reader.ReadDocumentArray([&] { out.push_back(reader.ReadString()); });
  return out;
}

// The strings of a top-level array of names.
std::vector<std::string> PrintableStrings(std::string_view text) {
  std::vector<std::string> out;
  JsonFileReader reader(text);
  reader.ReadDocumentArray([&] { out.push_back(reader.ReadPrintableString("a domain")); });
  return out;
}

// The error `read` throws, "no error" when it reads.
template <typename Read>
std::string ErrorOf(Read read) {
  try {
    read();
  } catch (const JsonFileError& e) {
    return e.what();
  }
  return "no error";
}

std::string StringsError(std::string_view text) {
  return ErrorOf([&] { Strings(text); });
}

std::string SkipError(std::string_view text) {
  return ErrorOf([&] { JsonFileReader(text).SkipValue(); });
}

TEST(JsonFileReaderTest, DecodesEveryEscape) {
  EXPECT_EQ(Strings(R"( [ "q\" b\\ s\/ \b\f\n\r\t", "\u00e9\u4E2D\ud83d\ude00\u0041", "" ] )"),
            (std::vector<std::string>{"q\" b\\ s/ \b\f\n\r\t",
                                      "\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80"
                                      "A",
                                      ""}));
  EXPECT_TRUE(Strings("[]").empty());
  EXPECT_TRUE(Strings("\n[ \n ]\n").empty());
}

TEST(JsonFileReaderTest, PrintableStringsRefuseControlAndUnknownEscapes) {
  EXPECT_EQ(PrintableStrings(R"(["a\"\\\/\u0062"])"), std::vector<std::string>{"a\"\\/b"});
  for (char letter : std::string("bfnrtq")) {
    const std::string text = std::string("[\"a\\") + letter + "\"]";
    EXPECT_EQ(ErrorOf([&] { PrintableStrings(text); }),
              std::string("line 1: unsupported escape \\") + letter + " in a domain");
  }
}

TEST(JsonFileReaderTest, WalksObjectsAndSkipsEveryOtherValue) {
  const std::string text = R"json([
  {
    "keep": "one",
    "n": [0, -1.5e3, 2E+2, true, false, null, "s", [], {}],
    "o": {"deep": {"deeper": [{"x": "y"}]}}
  },
  {}, {"keep": "two"}
])json";
  JsonFileReader reader(text);
  std::vector<std::pair<std::string, int>> kept;  // value, line
  std::vector<std::string> keys;
  reader.ReadDocumentArray([&] {
    reader.ReadObject([&](const std::string& key) {
      keys.push_back(key);
      if (key == "keep") {
        const int line = reader.Line();
        kept.emplace_back(reader.ReadString(), line);
      } else {
        reader.SkipValue();
      }
    });
  });
  EXPECT_EQ(kept, (std::vector<std::pair<std::string, int>>{{"one", 3}, {"two", 7}}));
  EXPECT_EQ(keys, (std::vector<std::string>{"keep", "n", "o", "keep"}));
}

TEST(JsonFileReaderTest, SyntaxErrorsNameTheLine) {
  EXPECT_EQ(StringsError("[\"a\",\n\"b\""), "line 2: expected ']', got the end");
  EXPECT_EQ(StringsError("[\"a\" \"b\"]"), "line 1: expected ']', got '\"'");
  EXPECT_EQ(StringsError("[\"a\"]\n\n x"), "line 3: unexpected text after the closing ']'");
  EXPECT_EQ(StringsError("{}"), "line 1: expected '[', got '{'");
  EXPECT_EQ(StringsError("[1]"), "line 1: expected '\"', got '1'");
  EXPECT_EQ(SkipError("nope"), "line 1: expected a JSON value");
  EXPECT_EQ(SkipError("{\"a\" 1}"), "line 1: expected ':', got '1'");
  EXPECT_EQ(SkipError("{\"a\": 1,\n 2}"), "line 2: expected '\"', got '2'");
}

TEST(JsonFileReaderTest, StringErrorsNameTheLineTheStringStartsOn) {
  EXPECT_EQ(StringsError("[\n\"a\",\n\"b\n]"), "line 3: unterminated string");
  EXPECT_EQ(StringsError("[\"a"), "line 1: unterminated string");
  EXPECT_EQ(StringsError("[\"a\\"), "line 1: unterminated string");
  EXPECT_EQ(StringsError("[\"\\q\"]"), "line 1: unknown escape \\q");
  EXPECT_EQ(StringsError("[\"\\u00"), "line 1: truncated \\u escape");
  EXPECT_EQ(StringsError("[\"\\u00g1\"]"), "line 1: bad \\u escape");
  EXPECT_EQ(StringsError("[\"\\ud83d\\u0041\"]"), "line 1: bad surrogate pair");
}

TEST(JsonFileReaderTest, RefusesDeepNestingInSkippedValues) {
  const auto nested = [](int depth) { return std::string(depth, '[') + std::string(depth, ']'); };
  EXPECT_EQ(SkipError(nested(JsonFileReader::kMaxSkipDepth)), "no error");
  EXPECT_EQ(SkipError(nested(JsonFileReader::kMaxSkipDepth + 1)), "line 1: nested too deeply");
  EXPECT_EQ(SkipError(std::string(100000, '[')), "line 1: nested too deeply");
}

TEST(JsonFileReaderTest, ErrorCarriesItsLine) {
  try {
    Strings("\n\n[\"a\"");
    FAIL() << "expected a JsonFileError";
  } catch (const JsonFileError& e) {
    EXPECT_EQ(e.line(), 3);
    EXPECT_STREQ(e.what(), "line 3: expected ']', got the end");
  }
}

TEST(JsonFileReaderTest, LooksLikeJsonArray) {
  EXPECT_TRUE(LooksLikeJsonArray("[]"));
  EXPECT_TRUE(LooksLikeJsonArray(" \r\n\t[\"a\"]"));
  EXPECT_FALSE(LooksLikeJsonArray(""));
  EXPECT_FALSE(LooksLikeJsonArray("  \n"));
  EXPECT_FALSE(LooksLikeJsonArray("# [comment]\n["));
  EXPECT_FALSE(LooksLikeJsonArray("{\"a\": []}"));
}

}  // namespace
}  // namespace riskd_json
