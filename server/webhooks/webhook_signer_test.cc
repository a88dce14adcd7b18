#include "server/webhooks/webhook_signer.h"

#include "gtest/gtest.h"

namespace riskd {
namespace {

// RFC 4231, test case 2.
TEST(WebhookSignerTest, HmacSha256MatchesTheRfcVector) {
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(WebhookSignerTest, Sha256MatchesTheFipsVector) {
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// The expected value is Python's:
//   hmac.new(b"whsec-test-0123456789", b'1700000000.{"event":"review.opened"}',
//            hashlib.sha256).hexdigest()
TEST(WebhookSignerTest, SignatureHeaderSignsTimestampDotBody) {
  EXPECT_EQ(WebhookSignature("whsec-test-0123456789", absl::FromUnixSeconds(1700000000),
                             R"({"event":"review.opened"})"),
            "t=1700000000,v1=2c9816bd91878a2d96580cb0304c13510ee9bd21bba534863350f1317625b32f");
}

TEST(WebhookSignerTest, AnotherTimeOrSecretGivesAnotherSignature) {
  const std::string body = R"({"event":"review.opened"})";
  const std::string signature =
      WebhookSignature("whsec-test-0123456789", absl::FromUnixSeconds(1700000000), body);
  EXPECT_NE(WebhookSignature("whsec-test-0123456789", absl::FromUnixSeconds(1700000001), body),
            signature);
  EXPECT_NE(WebhookSignature("whsec-test-9876543210", absl::FromUnixSeconds(1700000000), body),
            signature);
}

}  // namespace
}  // namespace riskd
