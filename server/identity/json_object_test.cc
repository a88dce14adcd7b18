#include "server/identity/json_object.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/message_differencer.h"

namespace riskd {
namespace {

using google::protobuf::Struct;

Struct ParseOk(absl::string_view json) {
  absl::StatusOr<Struct> parsed = ParseJsonObject(json);
  EXPECT_TRUE(parsed.ok()) << json << ": " << parsed.status();
  return parsed.ok() ? *parsed : Struct();
}

void ExpectRefused(absl::string_view json, absl::string_view why) {
  absl::StatusOr<Struct> parsed = ParseJsonObject(json);
  ASSERT_FALSE(parsed.ok()) << json << " parsed";
  EXPECT_TRUE(absl::StrContains(parsed.status().message(), why)) << json << ": " << parsed.status();
}

// On valid input the reader must agree with protobuf's own JSON parser.
TEST(JsonObjectTest, AgreesWithProtobufOnValidObjects) {
  for (absl::string_view json : {
           R"({})",
           R"( { "sub" : "alice" , "n" : 42 } )",
           R"({"f":-1.5e3,"z":0,"neg":-0.25,"big":1E+20,"small":2e-5})",
           R"({"t":true,"f":false,"n":null})",
           R"({"o":{"a":[1,"two",{"three":3}],"b":{}},"l":[]})",
           R"({"esc":"q\" b\\ s\/ \b\f\n\r\t"})",
           R"({"u":"\u00e9\u4e2d\ud83d\ude00","raw":"é中😀"})",
           "{\"ws\":\n\t[1 ,\r\n 2]}",
       }) {
    SCOPED_TRACE(json);
    Struct expected;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(std::string(json), &expected).ok());
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(ParseOk(json), expected))
        << ParseOk(json).DebugString() << "\nprotobuf:\n"
        << expected.DebugString();
  }
}

TEST(JsonObjectTest, DecodesEscapesToUtf8) {
  Struct s = ParseOk(R"({"u":"\u00e9\ud83d\ude00\u0041"})");
  EXPECT_EQ(s.fields().at("u").string_value(),
            "\xc3\xa9\xf0\x9f\x98\x80"
            "A");
}

TEST(JsonObjectTest, OnlyAnObjectAtTheTop) {
  ExpectRefused("", "expected an object at byte 1");
  ExpectRefused("[1]", "expected an object");
  ExpectRefused("\"alice\"", "expected an object");
  ExpectRefused("42", "expected an object");
  ExpectRefused("{} {}", "unexpected text after the object at byte 4");
}

TEST(JsonObjectTest, RefusesMalformedSyntax) {
  ExpectRefused(R"({"a":1,})", "expected a key in double quotes");
  ExpectRefused(R"({a:1})", "expected a key in double quotes");
  ExpectRefused(R"({'a':1})", "expected a key in double quotes");
  ExpectRefused(R"({"a" 1})", "expected ':'");
  ExpectRefused(R"({"a":1 "b":2})", "expected ',' or '}'");
  ExpectRefused(R"({"a":[1 2]})", "expected ',' or ']'");
  ExpectRefused(R"({"a":})", "expected a value");
  ExpectRefused(R"({"a":tru})", "expected a value");
  ExpectRefused(R"({"a":nul})", "expected a value");
  ExpectRefused(R"({"a":1)", "expected ',' or '}'");
  ExpectRefused(R"({"a":"b)", "unterminated string");
}

TEST(JsonObjectTest, RefusesNumbersJsonDoesNotAllow) {
  for (absl::string_view bad :
       {"01", "+1", ".5", "1.", "1e", "1e+", "-", "0x10", "NaN", "Infinity", "-Infinity"}) {
    SCOPED_TRACE(bad);
    EXPECT_FALSE(ParseJsonObject(absl::StrCat(R"({"n":)", bad, "}")).ok());
  }
  ExpectRefused(R"({"n":1e400})", "number out of range at byte 6");
}

TEST(JsonObjectTest, RefusesBadStrings) {
  ExpectRefused("{\"a\":\"tab\there\"}", "control character in a string");
  ExpectRefused(R"({"a":"\x41"})", "unknown escape \\x");
  ExpectRefused(R"({"a":"\u00g1"})", "expected four hex digits after \\u");
  ExpectRefused(R"({"a":"\ud83d"})", "lone high surrogate");
  ExpectRefused(R"({"a":"\ud83d\u0041"})", "lone high surrogate");
  ExpectRefused(R"({"a":"\ude00"})", "lone low surrogate");
  ExpectRefused("{\"a\":\"\xff\"}", "invalid UTF-8");
  ExpectRefused("{\"a\":\"\xc0\xaf\"}", "invalid UTF-8");      // overlong '/'
  ExpectRefused("{\"a\":\"\xed\xa0\x80\"}", "invalid UTF-8");  // an encoded surrogate
  ExpectRefused("{\"a\":\"\xe4\xb8\"}", "invalid UTF-8");      // truncated
}

TEST(JsonObjectTest, RefusesDuplicateKeys) {
  ExpectRefused(R"({"sub":"alice","sub":"admin"})", "duplicate key \"sub\" at byte 16");
  ExpectRefused(R"({"o":{"k":1,"k":2}})", "duplicate key \"k\"");
}

TEST(JsonObjectTest, RefusesDeepNesting) {
  const auto nested = [](int depth) {
    std::string json;
    for (int i = 1; i < depth; ++i) json += R"({"a":)";
    json += "{}";
    for (int i = 1; i < depth; ++i) json += "}";
    return json;
  };
  EXPECT_TRUE(ParseJsonObject(nested(kMaxJsonDepth)).ok());
  ExpectRefused(nested(kMaxJsonDepth + 1), "nested too deeply");
  ExpectRefused(absl::StrCat(R"({"a":)", std::string(1000, '['), std::string(1000, ']'), "}"),
                "nested too deeply");
}

}  // namespace
}  // namespace riskd
