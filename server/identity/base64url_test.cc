#include "server/identity/base64url.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/match.h"

namespace riskd {
namespace {

std::string DecodeOk(absl::string_view text) {
  absl::StatusOr<std::string> bytes = DecodeBase64Url(text);
  EXPECT_TRUE(bytes.ok()) << text << ": " << bytes.status();
  return bytes.ok() ? *bytes : "";
}

void ExpectRejected(absl::string_view text, absl::string_view why) {
  absl::StatusOr<std::string> bytes = DecodeBase64Url(text);
  ASSERT_FALSE(bytes.ok()) << text << " decoded";
  EXPECT_TRUE(absl::StrContains(bytes.status().message(), why)) << bytes.status();
}

// RFC 4648 section 10, without the padding JWTs leave out.
TEST(Base64UrlTest, DecodesTheRfcVectors) {
  EXPECT_EQ(DecodeOk(""), "");
  EXPECT_EQ(DecodeOk("Zg"), "f");
  EXPECT_EQ(DecodeOk("Zm8"), "fo");
  EXPECT_EQ(DecodeOk("Zm9v"), "foo");
  EXPECT_EQ(DecodeOk("Zm9vYg"), "foob");
  EXPECT_EQ(DecodeOk("Zm9vYmE"), "fooba");
  EXPECT_EQ(DecodeOk("Zm9vYmFy"), "foobar");
}

TEST(Base64UrlTest, UsesTheUrlAlphabet) {
  // 0xfb 0xff is "+/8" in standard base64.
  EXPECT_EQ(DecodeOk("-_8"), "\xfb\xff");
  ExpectRejected("+/8", "character 1 is '+'");
}

TEST(Base64UrlTest, RoundTripsEveryByteAtEveryLength) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes.push_back(static_cast<char>(255 - i));
    const std::string encoded = EncodeBase64Url(bytes);
    EXPECT_EQ(encoded.find('='), std::string::npos) << "padded: " << encoded;
    EXPECT_EQ(DecodeOk(encoded), bytes) << "length " << bytes.size();
  }
}

TEST(Base64UrlTest, RefusesPaddingAndWhitespace) {
  ExpectRejected("Zg==", "character 3 is '='");
  ExpectRejected("Zm9v Yg", "character 5 is ' '");
  ExpectRejected("Zm9v\nYg", "character 5 is '\\n'");
}

TEST(Base64UrlTest, RefusesALengthThatCannotBeWholeBytes) {
  ExpectRejected("Zm9vY", "5 characters cannot encode whole bytes");
}

// "Zh" carries 'f' plus four bits that must be zero: accepting it would give
// a signature a second spelling.
TEST(Base64UrlTest, RefusesStrayBitsInTheLastCharacter) {
  ExpectRejected("Zh", "bits set past the end");
  ExpectRejected("Zm9", "bits set past the end");
  EXPECT_EQ(DecodeOk("Zm8"), "fo");
}

}  // namespace
}  // namespace riskd
