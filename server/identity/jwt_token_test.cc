#include "server/identity/jwt_token.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/identity/base64url.h"

namespace riskd {
namespace {

// 2024-05-01T10:00:00Z
const absl::Time kAt = absl::FromUnixSeconds(1714557600);
constexpr int64_t kAtSeconds = 1714557600;

std::string Compact(absl::string_view header, absl::string_view payload,
                    absl::string_view signature = "sig") {
  return absl::StrCat(EncodeBase64Url(header), ".", EncodeBase64Url(payload), ".",
                      EncodeBase64Url(signature));
}

std::string WithClaims(absl::string_view payload) {
  return Compact(R"({"alg":"HS256","typ":"JWT"})", payload);
}

JwtToken ParseOk(const std::string& compact) {
  absl::StatusOr<JwtToken> token = ParseJwt(compact);
  EXPECT_TRUE(token.ok()) << token.status();
  return token.ok() ? *std::move(token) : JwtToken{};
}

void ExpectParseError(const std::string& compact, absl::string_view why) {
  absl::StatusOr<JwtToken> token = ParseJwt(compact);
  ASSERT_FALSE(token.ok());
  EXPECT_TRUE(absl::StrContains(token.status().message(), why)) << token.status();
}

TEST(JwtTokenTest, ParsesTheThreeParts) {
  const std::string compact = WithClaims(R"({"sub":"alice","n":1})");
  JwtToken token = ParseOk(compact);
  EXPECT_EQ(token.algorithm, "HS256");
  EXPECT_EQ(token.claims.fields().at("sub").string_value(), "alice");
  EXPECT_EQ(token.signature, "sig");
  EXPECT_EQ(token.signing_input, compact.substr(0, compact.rfind('.')));
}

TEST(JwtTokenTest, RefusesMalformedTokens) {
  ExpectParseError("abc.def", "has 2 dot-separated parts, not 3");
  ExpectParseError("a.b.c.d.e", "has 5 dot-separated parts");  // an encrypted JWE
  ExpectParseError(absl::StrCat(EncodeBase64Url(R"({"alg":"HS256"})"), ".e30.x+y"),
                   "signature is not base64url");
  ExpectParseError(Compact("not json", "{}"), "header is not a JSON object");
  ExpectParseError(Compact(R"({"typ":"JWT"})", "{}"), "header has no \"alg\"");
  ExpectParseError(Compact(R"({"alg":7})", "{}"), "header has no \"alg\"");
  ExpectParseError(WithClaims("[1,2]"), "payload is not a JSON object");
  ExpectParseError(WithClaims("\"alice\""), "payload is not a JSON object");
  ExpectParseError(absl::StrCat(EncodeBase64Url(R"({"alg":"HS256"})"), ".Zh.c2ln"),
                   "payload is not base64url");
}

TEST(JwtTokenTest, RefusesCriticalExtensions) {
  ExpectParseError(Compact(R"({"alg":"HS256","crit":["exp"]})", "{}"),
                   "header has \"crit\" extensions");
}

TEST(JwtTokenTest, RefusesOversizedTokens) {
  ExpectParseError(WithClaims(absl::StrCat(R"({"pad":")", std::string(7000, 'x'), R"("})")),
                   "more than the limit of 8192");
}

absl::Status Times(absl::string_view payload, JwtTimeRules rules = {}) {
  return CheckJwtTimes(ParseOk(WithClaims(payload)), kAt, rules);
}

TEST(JwtTokenTest, ExpiryWithLeeway) {
  const JwtTimeRules rules{.leeway = absl::Seconds(30)};
  EXPECT_TRUE(Times(absl::StrCat(R"({"exp":)", kAtSeconds + 3600, "}"), rules).ok());
  EXPECT_TRUE(Times(absl::StrCat(R"({"exp":)", kAtSeconds - 30, "}"), rules).ok());
  absl::Status expired = Times(absl::StrCat(R"({"exp":)", kAtSeconds - 31, "}"), rules);
  EXPECT_EQ(expired.message(),
            "expired at 2024-05-01T09:59:29Z (event at 2024-05-01T10:00:00Z, leeway 30s)");
  EXPECT_FALSE(Times(absl::StrCat(R"({"exp":)", kAtSeconds - 1, "}"), {.leeway = {}}).ok());
}

TEST(JwtTokenTest, NotBeforeWithLeeway) {
  EXPECT_TRUE(
      Times(absl::StrCat(R"({"exp":)", kAtSeconds + 60, R"(,"nbf":)", kAtSeconds + 30, "}")).ok());
  absl::Status early =
      Times(absl::StrCat(R"({"exp":)", kAtSeconds + 600, R"(,"nbf":)", kAtSeconds + 31, "}"));
  EXPECT_EQ(early.message(),
            "is not valid before 2024-05-01T10:00:31Z (event at "
            "2024-05-01T10:00:00Z, leeway 30s)");
}

TEST(JwtTokenTest, ExpiryRequiredOrOptional) {
  EXPECT_EQ(Times(R"({"sub":"alice"})").message(), "has no \"exp\" (expiry) claim");
  EXPECT_TRUE(Times(R"({"sub":"alice"})", {.expiry_required = false}).ok());
  // Present, it is checked either way.
  EXPECT_FALSE(
      Times(absl::StrCat(R"({"exp":)", kAtSeconds - 600, "}"), {.expiry_required = false}).ok());
}

TEST(JwtTokenTest, DatesMustBeNumbers) {
  EXPECT_EQ(Times(R"({"exp":"2030-01-01"})").message(),
            "claim \"exp\" is not a date in seconds since 1970");
  EXPECT_EQ(Times(absl::StrCat(R"({"exp":)", kAtSeconds + 60, R"(,"nbf":true})")).message(),
            "claim \"nbf\" is not a date in seconds since 1970");
}

TEST(JwtTokenTest, ClaimText) {
  JwtToken token =
      ParseOk(WithClaims(R"({"s":"text","i":42,"big":9007199254740993,"f":1.5,"b":true,"n":null,)"
                         R"("o":{"a":1},"l":["x",2]})"));
  EXPECT_EQ(ClaimText(token, "s"), "text");
  EXPECT_EQ(ClaimText(token, "i"), "42");
  EXPECT_EQ(ClaimText(token, "f"), "1.5");
  EXPECT_EQ(ClaimText(token, "b"), "true");
  EXPECT_EQ(ClaimText(token, "n"), std::nullopt);
  EXPECT_EQ(ClaimText(token, "absent"), std::nullopt);
  EXPECT_EQ(ClaimText(token, "o"), R"({"a":1})");
  EXPECT_EQ(ClaimText(token, "l"), R"(["x",2])");
  // Past 2^53 a JSON number is not exact: it is not printed as an integer.
  EXPECT_NE(ClaimText(token, "big"), "9007199254740993");
}

}  // namespace
}  // namespace riskd
