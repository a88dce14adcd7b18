// identity: in the config, through LoadConfig: what loads, and every error
// naming the file, line and key.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/config/config.h"
#include "server/identity/jwt_testing.h"

namespace riskd {
namespace {

using ::riskd::testing::JwtSigner;

constexpr char kSecretVariable[] = "RISKD_TEST_JWT_SECRET";

class IdentitySectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "riskd_identity_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    setenv(kSecretVariable, "0123456789abcdef0123456789abcdef", 1);
  }
  void TearDown() override {
    unsetenv(kSecretVariable);
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  void WriteFile(const std::string& name, const std::string& text) {
    std::ofstream(dir_ + "/" + name) << text;
  }

  absl::StatusOr<Config> Load(absl::string_view yaml) {
    WriteFile("riskd.yaml", std::string(yaml));
    return LoadConfig(dir_ + "/riskd.yaml");
  }

  JwtIdentityConfig LoadOk(absl::string_view yaml) {
    absl::StatusOr<Config> config = Load(yaml);
    EXPECT_TRUE(config.ok()) << config.status();
    EXPECT_TRUE(config.ok() && config->identity.jwt.has_value());
    return config.ok() && config->identity.jwt ? *config->identity.jwt : JwtIdentityConfig{};
  }

  // Asserts an INVALID_ARGUMENT that starts "<file>:<line>: <rest>".
  void ExpectError(absl::string_view yaml, int line, absl::string_view rest) {
    absl::StatusOr<Config> config = Load(yaml);
    ASSERT_FALSE(config.ok()) << "loaded:\n" << yaml;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    std::string prefix = absl::StrCat(dir_, "/riskd.yaml:", line, ": ", rest);
    EXPECT_TRUE(absl::StartsWith(config.status().message(), prefix))
        << "got:      " << config.status().message() << "\nexpected: " << prefix << "...";
  }

  std::string dir_;
};

TEST_F(IdentitySectionTest, NoIdentitySectionMeansNoToken) {
  absl::StatusOr<Config> config = Load("mode: enforce\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->identity.jwt.has_value());
}

TEST_F(IdentitySectionTest, AFullHs256Section) {
  JwtIdentityConfig jwt = LoadOk(
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n"
      "    user_id_claim: uid\n"
      "    claims: {email: mail, registered_at: created_at, plan: subscription}\n"
      "    verify: {algorithm: HS256, secret_env: RISKD_TEST_JWT_SECRET}\n"
      "    expiry: optional\n"
      "    leeway_seconds: 5\n"
      "    issuer: https://auth.example.com\n"
      "    audience: shop\n"
      "    on_invalid: ignore\n");
  EXPECT_EQ(jwt.carrier, JwtIdentityConfig::Carrier::kCookie);
  EXPECT_EQ(jwt.name, "session");
  EXPECT_EQ(jwt.user_id_claim, "uid");
  EXPECT_EQ(jwt.email_claim, "mail");
  EXPECT_EQ(jwt.registered_at_claim, "created_at");
  ASSERT_EQ(jwt.kept_claims.size(), 1u);
  EXPECT_EQ(jwt.kept_claims[0], std::make_pair(std::string("plan"), std::string("subscription")));
  ASSERT_NE(jwt.key, nullptr);
  EXPECT_EQ(jwt.key->algorithm(), JwtAlgorithm::kHs256);
  EXPECT_FALSE(jwt.expiry_required);
  EXPECT_EQ(jwt.leeway, absl::Seconds(5));
  EXPECT_EQ(jwt.issuer, "https://auth.example.com");
  EXPECT_EQ(jwt.audience, "shop");
  EXPECT_FALSE(jwt.reject_invalid);
}

TEST_F(IdentitySectionTest, DefaultsAndAHeader) {
  JwtIdentityConfig jwt = LoadOk(
      "identity:\n"
      "  jwt:\n"
      "    header: Authorization\n"
      "    verify: none\n");
  EXPECT_EQ(jwt.carrier, JwtIdentityConfig::Carrier::kHeader);
  EXPECT_EQ(jwt.name, "authorization");
  EXPECT_EQ(jwt.user_id_claim, "sub");
  EXPECT_EQ(jwt.key, nullptr);
  EXPECT_TRUE(jwt.expiry_required);
  EXPECT_EQ(jwt.leeway, absl::Seconds(30));
  EXPECT_TRUE(jwt.reject_invalid);
}

TEST_F(IdentitySectionTest, PublicKeyFilesRelativeToTheConfig) {
  WriteFile("rs.pem", JwtSigner::Rs256().PublicKeyPem());
  WriteFile("es.pem", JwtSigner::Es256().PublicKeyPem());
  EXPECT_EQ(LoadOk("identity:\n"
                   "  jwt:\n"
                   "    cookie: s\n"
                   "    verify: {algorithm: RS256, public_key_file: rs.pem}\n")
                .key->algorithm(),
            JwtAlgorithm::kRs256);
  EXPECT_EQ(LoadOk(absl::StrCat("identity:\n"
                                "  jwt:\n"
                                "    cookie: s\n"
                                "    verify: {algorithm: ES256, public_key_file: ",
                                dir_, "/es.pem}\n"))
                .key->algorithm(),
            JwtAlgorithm::kEs256);
}

TEST_F(IdentitySectionTest, WhereTheTokenIs) {
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n"
      "    header: authorization\n"
      "    verify: none\n",
      4, "identity.jwt.header: set cookie or header, not both");
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    verify: none\n",
      3, "identity.jwt: say where the token is: cookie: NAME, or header: NAME");
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    header: Cookie\n"
      "    verify: none\n",
      3, "identity.jwt.header: for a token in a cookie, write cookie:");
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    cookie: ''\n"
      "    verify: none\n",
      3, "identity.jwt.cookie: must not be empty");
}

TEST_F(IdentitySectionTest, UnknownKeys) {
  ExpectError(
      "identity:\n"
      "  saml: {}\n",
      2, "identity.saml: unknown key (expected one of: jwt)");
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n"
      "    verify: none\n"
      "    leeway: 30s\n",
      5, "identity.jwt.leeway: unknown key (expected one of: cookie, header,");
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n"
      "    verify: {algorithm: HS256, secret: hunter2}\n",
      4,
      "identity.jwt.verify.secret: unknown key (expected one of: algorithm, secret_env, "
      "public_key_file)");
}

TEST_F(IdentitySectionTest, VerifyMustBeSaid) {
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n",
      3, "identity.jwt.verify: is required: an algorithm and its key, or none");
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n"
      "    verify: no\n",
      4, "identity.jwt.verify: expected none or a mapping with algorithm and its key, got \"no\"");
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n"
      "    verify: {secret_env: X}\n",
      4, "identity.jwt.verify.algorithm: is required (HS256, RS256 or ES256)");
}

TEST_F(IdentitySectionTest, UnknownAlgorithm) {
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n"
      "    verify:\n"
      "      algorithm: PS256\n",
      5, "identity.jwt.verify.algorithm: \"PS256\" is not one of: HS256, RS256, ES256");
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n"
      "    verify:\n"
      "      algorithm: none\n",
      5, "identity.jwt.verify.algorithm: \"none\" is not one of");
}

TEST_F(IdentitySectionTest, Hs256Secrets) {
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n"
      "    verify:\n"
      "      algorithm: HS256\n"
      "      secret_env: RISKD_TEST_JWT_UNSET\n",
      6,
      "identity.jwt.verify.secret_env: the environment variable RISKD_TEST_JWT_UNSET is not set");
  setenv(kSecretVariable, "", 1);
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n"
      "    verify: {algorithm: HS256, secret_env: RISKD_TEST_JWT_SECRET}\n",
      4, "identity.jwt.verify.secret_env: the environment variable RISKD_TEST_JWT_SECRET is empty");
  setenv(kSecretVariable, "hunter2", 1);
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n"
      "    verify: {algorithm: HS256, secret_env: RISKD_TEST_JWT_SECRET}\n",
      4,
      "identity.jwt.verify.secret_env: RISKD_TEST_JWT_SECRET: the secret is 7 bytes; HS256 "
      "needs at least 32");
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n"
      "    verify: {algorithm: HS256}\n",
      4, "identity.jwt.verify.secret_env: is required for HS256");
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n"
      "    verify:\n"
      "      algorithm: HS256\n"
      "      public_key_file: key.pem\n",
      6, "identity.jwt.verify.public_key_file: is for RS256 and ES256; HS256 takes secret_env");
}

TEST_F(IdentitySectionTest, PublicKeyFiles) {
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n"
      "    verify: {algorithm: RS256}\n",
      4, "identity.jwt.verify.public_key_file: is required for RS256: a PEM public key");
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n"
      "    verify:\n"
      "      algorithm: ES256\n"
      "      public_key_file: missing.pem\n",
      6,
      absl::StrCat("identity.jwt.verify.public_key_file: cannot read ", dir_,
                   "/missing.pem: No such file or directory"));
  WriteFile("garbage.pem", "hello\n");
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n"
      "    verify: {algorithm: RS256, public_key_file: garbage.pem}\n",
      4,
      absl::StrCat("identity.jwt.verify.public_key_file: ", dir_,
                   "/garbage.pem is not a PEM public key"));
  WriteFile("ec.pem", JwtSigner::Es256().PublicKeyPem());
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n"
      "    verify: {algorithm: RS256, public_key_file: ec.pem}\n",
      4, absl::StrCat("identity.jwt.verify.public_key_file: ", dir_, "/ec.pem is not an RSA key"));
  ExpectError(
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n"
      "    verify: {algorithm: ES256, public_key_file: ec.pem, secret_env: "
      "RISKD_TEST_JWT_SECRET}\n",
      4, "identity.jwt.verify.secret_env: is for HS256; ES256 takes public_key_file");
}

TEST_F(IdentitySectionTest, OtherValues) {
  const std::string head =
      "identity:\n"
      "  jwt:\n"
      "    cookie: session\n"
      "    verify: none\n";
  ExpectError(head + "    expiry: sometimes\n", 5,
              "identity.jwt.expiry: \"sometimes\" is not one of: required, optional");
  ExpectError(head + "    on_invalid: drop\n", 5,
              "identity.jwt.on_invalid: \"drop\" is not one of: reject, ignore");
  ExpectError(head + "    leeway_seconds: -1\n", 5,
              "identity.jwt.leeway_seconds: must be between 0 and 3600");
  ExpectError(head + "    leeway_seconds: 30s\n", 5,
              "identity.jwt.leeway_seconds: expected a whole number");
  ExpectError(head + "    claims: [email]\n", 5,
              "identity.jwt.claims: expected a mapping, got a list");
  ExpectError(head + "    claims: {user_id: uid}\n", 5,
              "identity.jwt.claims.user_id: the user id's claim is set by user_id_claim");
  ExpectError(head + "    claims: {email: ''}\n", 5,
              "identity.jwt.claims.email: must name a claim");
}

}  // namespace
}  // namespace riskd
