#include "server/identity/jwt_key.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "server/identity/jwt_testing.h"

namespace riskd {
namespace {

using ::riskd::testing::JwtSigner;

constexpr absl::string_view kInput = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9";
const std::string kSecret(32, 's');

std::unique_ptr<JwtKey> PublicKeyOf(const JwtSigner& signer, JwtAlgorithm algorithm) {
  absl::StatusOr<std::unique_ptr<JwtKey>> key =
      JwtKey::PublicKeyPem(algorithm, signer.PublicKeyPem());
  EXPECT_TRUE(key.ok()) << key.status();
  return key.ok() ? *std::move(key) : nullptr;
}

std::string FlipBit(std::string bytes, size_t index) {
  bytes[index] ^= 0x01;
  return bytes;
}

void ExpectKeyRefused(JwtAlgorithm algorithm, const std::string& pem, absl::string_view why) {
  absl::StatusOr<std::unique_ptr<JwtKey>> key = JwtKey::PublicKeyPem(algorithm, pem);
  ASSERT_FALSE(key.ok());
  EXPECT_TRUE(absl::StrContains(key.status().message(), why)) << key.status();
}

// Each algorithm: the signer's signature verifies; one flipped bit in the
// signature or in the signed text does not; another key's signature does not.
void ExpectVerifiesOnlyItsOwn(const JwtKey& key, const JwtSigner& signer,
                              const JwtSigner& stranger) {
  const std::string signature = signer.Sign(kInput);
  EXPECT_TRUE(key.Verify(kInput, signature).ok()) << key.Verify(kInput, signature);
  for (size_t i : {size_t{0}, signature.size() / 2, signature.size() - 1}) {
    EXPECT_EQ(key.Verify(kInput, FlipBit(signature, i)).message(), "signature does not verify");
  }
  EXPECT_EQ(key.Verify(FlipBit(std::string(kInput), 30), signature).message(),
            "signature does not verify");
  EXPECT_EQ(key.Verify(kInput, stranger.Sign(kInput)).message(), "signature does not verify");
  EXPECT_FALSE(key.Verify(kInput, "").ok());
}

TEST(JwtKeyTest, AlgorithmNames) {
  EXPECT_EQ(ParseJwtAlgorithm("RS256"), JwtAlgorithm::kRs256);
  EXPECT_EQ(JwtAlgorithmName(JwtAlgorithm::kEs256), "ES256");
  EXPECT_EQ(ParseJwtAlgorithm("none"), std::nullopt);
  EXPECT_EQ(ParseJwtAlgorithm("hs256"), std::nullopt);  // "alg" is case-sensitive
}

TEST(JwtKeyTest, Hs256) {
  absl::StatusOr<std::unique_ptr<JwtKey>> key = JwtKey::HmacSecret(kSecret);
  ASSERT_TRUE(key.ok()) << key.status();
  ExpectVerifiesOnlyItsOwn(**key, JwtSigner::Hs256(kSecret),
                           JwtSigner::Hs256(std::string(32, 't')));
}

TEST(JwtKeyTest, Hs256RefusesAShortSecret) {
  absl::StatusOr<std::unique_ptr<JwtKey>> key = JwtKey::HmacSecret("short");
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().message(),
            "the secret is 5 bytes; HS256 needs at least 32 (RFC 7518 section 3.2)");
}

TEST(JwtKeyTest, Rs256) {
  JwtSigner signer = JwtSigner::Rs256();
  std::unique_ptr<JwtKey> key = PublicKeyOf(signer, JwtAlgorithm::kRs256);
  ASSERT_NE(key, nullptr);
  ExpectVerifiesOnlyItsOwn(*key, signer, JwtSigner::Rs256());
}

TEST(JwtKeyTest, Es256) {
  JwtSigner signer = JwtSigner::Es256();
  std::unique_ptr<JwtKey> key = PublicKeyOf(signer, JwtAlgorithm::kEs256);
  ASSERT_NE(key, nullptr);
  ExpectVerifiesOnlyItsOwn(*key, signer, JwtSigner::Es256());
  // A DER signature, as OpenSSL itself would produce, is not the JWS form.
  EXPECT_EQ(key->Verify(kInput, std::string(70, 'x')).message(),
            "signature is 70 bytes; ES256 signatures are 64");
}

// Verify copies a context prepared once; the copies must not interfere when
// the server's threads check tokens at the same time.
TEST(JwtKeyTest, OneKeyVerifiesFromManyThreadsAtOnce) {
  const JwtSigner hs = JwtSigner::Hs256(kSecret);
  const JwtSigner es = JwtSigner::Es256();
  std::unique_ptr<JwtKey> hs_key = *JwtKey::HmacSecret(kSecret);
  std::unique_ptr<JwtKey> es_key = PublicKeyOf(es, JwtAlgorithm::kEs256);
  ASSERT_NE(es_key, nullptr);
  const std::string hs_good = hs.Sign(kInput), es_good = es.Sign(kInput);
  const std::string hs_bad = FlipBit(hs_good, 3), es_bad = FlipBit(es_good, 3);
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 100; ++i) {
        wrong += !hs_key->Verify(kInput, hs_good).ok() + hs_key->Verify(kInput, hs_bad).ok() +
                 !es_key->Verify(kInput, es_good).ok() + es_key->Verify(kInput, es_bad).ok();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong, 0);
}

TEST(JwtKeyTest, RefusesKeysOfTheWrongKind) {
  const std::string rsa = JwtSigner::Rs256().PublicKeyPem();
  const std::string ec = JwtSigner::Es256().PublicKeyPem();
  ExpectKeyRefused(JwtAlgorithm::kRs256, ec, "is not an RSA key");
  ExpectKeyRefused(JwtAlgorithm::kEs256, rsa, "is not an elliptic-curve key");
  ExpectKeyRefused(JwtAlgorithm::kEs256, JwtSigner::Es256("P-384").PublicKeyPem(),
                   "is a key on curve secp384r1; ES256 needs P-256");
  ExpectKeyRefused(JwtAlgorithm::kRs256, JwtSigner::Rs256(1024).PublicKeyPem(),
                   "is a 1024-bit RSA key; RS256 needs at least 2048 bits");
  ExpectKeyRefused(JwtAlgorithm::kHs256, rsa, "HS256 takes a secret");
}

TEST(JwtKeyTest, RefusesWhatIsNotAPemPublicKey) {
  ExpectKeyRefused(JwtAlgorithm::kRs256, "not a key", "is not a PEM public key");
  ExpectKeyRefused(JwtAlgorithm::kRs256,
                   "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
                   "is not a PEM public key");
}

}  // namespace
}  // namespace riskd
