#include "server/identity/identity_resolver.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/identity/base64url.h"
#include "server/identity/jwt_testing.h"

namespace riskd {
namespace {

using ::riskd::testing::JwtSigner;
using ::riskd::v1::Event;

// 2024-05-01T10:00:00Z
const absl::Time kAt = absl::FromUnixSeconds(1714557600);
const std::string kSecret = "0123456789abcdef0123456789abcdef";
const std::string kCookie = "context.headers.cookie[session]";

std::string Claims(absl::string_view extra = "") {
  return absl::StrCat(R"({"sub":"alice","email":"Alice@Example.com","created_at":1700000000,)",
                      R"("plan":"pro","exp":)", absl::ToUnixSeconds(kAt) + 600, extra, "}");
}

JwtIdentityConfig Hs256Config() {
  JwtIdentityConfig config;
  config.carrier = JwtIdentityConfig::Carrier::kCookie;
  config.name = "session";
  config.email_claim = "email";
  config.registered_at_claim = "created_at";
  config.kept_claims = {{"plan", "plan"}, {"tier", "missing_claim"}};
  config.key = *JwtKey::HmacSecret(kSecret);
  return config;
}

Event WithCookie(const std::string& cookie, riskd::v1::EventType type,
                 const std::string& user_id = "") {
  Event event;
  event.set_type(type);
  event.mutable_user()->set_id(user_id);
  (*event.mutable_context()->mutable_headers())["Cookie"] = cookie;
  return event;
}

Event TransactionWithToken(const std::string& token, const std::string& user_id = "") {
  return WithCookie(absl::StrCat("theme=dark; session=", token), riskd::v1::EVENT_TYPE_TRANSACTION,
                    user_id);
}

TokenIdentity ResolveOk(const IdentityResolver& resolver, const Event& event) {
  absl::StatusOr<std::optional<TokenIdentity>> identity = resolver.Resolve(event, kAt);
  EXPECT_TRUE(identity.ok()) << identity.status();
  EXPECT_TRUE(identity.ok() && identity->has_value()) << "no identity";
  return identity.ok() && identity->has_value() ? **identity : TokenIdentity{};
}

void ExpectNone(const IdentityResolver& resolver, const Event& event) {
  absl::StatusOr<std::optional<TokenIdentity>> identity = resolver.Resolve(event, kAt);
  ASSERT_TRUE(identity.ok()) << identity.status();
  EXPECT_FALSE(identity->has_value()) << "resolved " << (*identity)->user_id.value;
}

void ExpectInvalid(const IdentityResolver& resolver, const Event& event,
                   const std::string& message) {
  absl::StatusOr<std::optional<TokenIdentity>> identity = resolver.Resolve(event, kAt);
  ASSERT_FALSE(identity.ok()) << "resolved";
  EXPECT_EQ(identity.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(identity.status().message(), message);
}

// The token with its payload replaced and the signature kept.
std::string WithPayload(const std::string& token, absl::string_view payload) {
  const size_t first = token.find('.');
  const size_t last = token.rfind('.');
  return absl::StrCat(token.substr(0, first + 1), EncodeBase64Url(payload), token.substr(last));
}

TEST(IdentityResolverTest, AValidCookieTokenGivesTheUserAndKeptClaims) {
  IdentityResolver resolver(Hs256Config());
  TokenIdentity identity =
      ResolveOk(resolver, TransactionWithToken(JwtSigner::Hs256(kSecret).Token(Claims())));
  EXPECT_EQ(identity.source, kCookie);
  EXPECT_EQ(identity.user_id.value, "alice");
  ASSERT_TRUE(identity.email.has_value());
  EXPECT_EQ(identity.email->value, "Alice@Example.com");  // the validator normalises it
  ASSERT_TRUE(identity.registered_at.has_value());
  EXPECT_EQ(identity.registered_at->value, "1700000000");
  ASSERT_EQ(identity.properties.size(), 1u);  // "missing_claim" is absent from the token
  EXPECT_EQ(identity.properties[0].first, "jwt.plan");
  EXPECT_EQ(identity.properties[0].second.value, "pro");
  EXPECT_EQ(identity.FieldOf(*identity.email), kCookie + ": JWT claim \"email\"");
}

TEST(IdentityResolverTest, AnIntegerUserIdClaim) {
  JwtIdentityConfig config = Hs256Config();
  config.user_id_claim = "uid";
  IdentityResolver resolver(config);
  const JwtSigner signer = JwtSigner::Hs256(kSecret);
  EXPECT_EQ(ResolveOk(resolver, TransactionWithToken(signer.Token(Claims(R"(,"uid":4217)"))))
                .user_id.value,
            "4217");
  ExpectInvalid(resolver, TransactionWithToken(signer.Token(Claims(R"(,"uid":4.5)"))),
                kCookie + ": JWT claim \"uid\" is not a string or an exact integer");
  ExpectInvalid(resolver, TransactionWithToken(signer.Token(Claims())),
                kCookie + ": JWT has no \"uid\" claim");
  ExpectInvalid(resolver, TransactionWithToken(signer.Token(Claims(R"(,"uid":"")"))),
                kCookie + ": JWT claim \"uid\" is empty");
}

TEST(IdentityResolverTest, ABearerTokenInAHeader) {
  JwtIdentityConfig config = Hs256Config();
  config.carrier = JwtIdentityConfig::Carrier::kHeader;
  config.name = "authorization";
  IdentityResolver resolver(config);
  const std::string token = JwtSigner::Hs256(kSecret).Token(Claims());
  Event event;
  event.set_type(riskd::v1::EVENT_TYPE_TRANSACTION);
  auto& headers = *event.mutable_context()->mutable_headers();
  headers["Authorization"] = absl::StrCat("Bearer ", token);
  EXPECT_EQ(ResolveOk(resolver, event).source, "context.headers[authorization]");
  headers["Authorization"] = token;  // a bare token
  EXPECT_EQ(ResolveOk(resolver, event).user_id.value, "alice");
  headers["Authorization"] = "Basic YWxpY2U6c2VjcmV0";  // another scheme: no JWT
  ExpectNone(resolver, event);
}

TEST(IdentityResolverTest, NoTokenOrAnEmptyOne) {
  IdentityResolver resolver(Hs256Config());
  ExpectNone(resolver, WithCookie("theme=dark", riskd::v1::EVENT_TYPE_TRANSACTION));
  ExpectNone(resolver, WithCookie("session=; theme=dark", riskd::v1::EVENT_TYPE_TRANSACTION));
  Event no_headers;
  no_headers.set_type(riskd::v1::EVENT_TYPE_TRANSACTION);
  ExpectNone(resolver, no_headers);
}

TEST(IdentityResolverTest, ATamperedPayloadIsRejected) {
  IdentityResolver resolver(Hs256Config());
  const std::string token = JwtSigner::Hs256(kSecret).Token(Claims());
  std::string claims = Claims();
  claims.replace(claims.find("alice"), 5, "admin");
  ExpectInvalid(resolver, TransactionWithToken(WithPayload(token, claims)),
                kCookie + ": JWT signature does not verify");
}

TEST(IdentityResolverTest, ATamperedSignatureIsRejected) {
  IdentityResolver resolver(Hs256Config());
  std::string token = JwtSigner::Hs256(kSecret).Token(Claims());
  // The first character of the signature carries six whole bits.
  char& c = token[token.rfind('.') + 1];
  c = c == 'A' ? 'B' : 'A';
  ExpectInvalid(resolver, TransactionWithToken(token), kCookie + ": JWT signature does not verify");
}

TEST(IdentityResolverTest, ATokenSignedWithAnotherSecretIsRejected) {
  IdentityResolver resolver(Hs256Config());
  const std::string token = JwtSigner::Hs256(std::string(32, 'x')).Token(Claims());
  ExpectInvalid(resolver, TransactionWithToken(token), kCookie + ": JWT signature does not verify");
}

TEST(IdentityResolverTest, AlgNoneIsRefused) {
  IdentityResolver resolver(Hs256Config());
  const std::string unsigned_token =
      absl::StrCat(EncodeBase64Url(R"({"alg":"none"})"), ".", EncodeBase64Url(Claims()), ".");
  ExpectInvalid(resolver, TransactionWithToken(unsigned_token),
                kCookie + ": JWT algorithm \"none\" is refused (expected HS256)");
}

// The classic confusion: an HS256 token "signed" with the RSA public key as
// the secret must not pass where RS256 is configured.
TEST(IdentityResolverTest, AnotherAlgorithmThanTheConfiguredOneIsRefused) {
  JwtSigner rsa = JwtSigner::Rs256();
  JwtIdentityConfig config = Hs256Config();
  config.key = *JwtKey::PublicKeyPem(JwtAlgorithm::kRs256, rsa.PublicKeyPem());
  IdentityResolver resolver(config);
  EXPECT_EQ(ResolveOk(resolver, TransactionWithToken(rsa.Token(Claims()))).user_id.value, "alice");
  const std::string forged = JwtSigner::Hs256(rsa.PublicKeyPem()).Token(Claims());
  ExpectInvalid(resolver, TransactionWithToken(forged),
                kCookie + ": JWT algorithm \"HS256\" is refused (expected RS256)");
}

TEST(IdentityResolverTest, Es256) {
  JwtSigner ec = JwtSigner::Es256();
  JwtIdentityConfig config = Hs256Config();
  config.key = *JwtKey::PublicKeyPem(JwtAlgorithm::kEs256, ec.PublicKeyPem());
  IdentityResolver resolver(config);
  EXPECT_EQ(ResolveOk(resolver, TransactionWithToken(ec.Token(Claims()))).user_id.value, "alice");
  ExpectInvalid(resolver, TransactionWithToken(JwtSigner::Es256().Token(Claims())),
                kCookie + ": JWT signature does not verify");
}

TEST(IdentityResolverTest, AnExpiredTokenIsRejectedWithItsExpiry) {
  IdentityResolver resolver(Hs256Config());
  const std::string token = JwtSigner::Hs256(kSecret).Token(
      absl::StrCat(R"({"sub":"alice","exp":)", absl::ToUnixSeconds(kAt) - 3600, "}"));
  ExpectInvalid(resolver, TransactionWithToken(token),
                kCookie +
                    ": JWT expired at 2024-05-01T09:00:00Z (event at 2024-05-01T10:00:00Z, "
                    "leeway 30s)");
}

TEST(IdentityResolverTest, OnInvalidIgnoreCarriesOnWithoutTheToken) {
  JwtIdentityConfig config = Hs256Config();
  config.reject_invalid = false;
  IdentityResolver resolver(config);
  ExpectNone(resolver, TransactionWithToken("not-a-jwt"));
  ExpectNone(resolver,
             TransactionWithToken(JwtSigner::Hs256(std::string(32, 'x')).Token(Claims())));
  // A valid token is used as ever.
  EXPECT_EQ(ResolveOk(resolver, TransactionWithToken(JwtSigner::Hs256(kSecret).Token(Claims())))
                .user_id.value,
            "alice");
}

TEST(IdentityResolverTest, UnverifiedModeReadsAnyTokenButStillChecksExpiry) {
  JwtIdentityConfig config = Hs256Config();
  config.key = nullptr;
  IdentityResolver resolver(config);
  const std::string unsigned_token =
      absl::StrCat(EncodeBase64Url(R"({"alg":"none"})"), ".", EncodeBase64Url(Claims()), ".");
  EXPECT_EQ(ResolveOk(resolver, TransactionWithToken(unsigned_token)).user_id.value, "alice");
  const std::string expired = absl::StrCat(
      EncodeBase64Url(R"({"alg":"none"})"), ".",
      EncodeBase64Url(absl::StrCat(R"({"sub":"a","exp":)", absl::ToUnixSeconds(kAt) - 3600, "}")),
      ".");
  absl::StatusOr<std::optional<TokenIdentity>> identity =
      resolver.Resolve(TransactionWithToken(expired), kAt);
  EXPECT_FALSE(identity.ok());
}

TEST(IdentityResolverTest, IssuerAndAudience) {
  JwtIdentityConfig config = Hs256Config();
  config.issuer = "https://auth.example.com";
  config.audience = "shop";
  IdentityResolver resolver(config);
  const JwtSigner signer = JwtSigner::Hs256(kSecret);
  const std::string iss = R"(,"iss":"https://auth.example.com")";
  ResolveOk(resolver, TransactionWithToken(signer.Token(Claims(iss + R"(,"aud":"shop")"))));
  ResolveOk(resolver,
            TransactionWithToken(signer.Token(Claims(iss + R"(,"aud":["blog","shop"])"))));
  ExpectInvalid(resolver,
                TransactionWithToken(signer.Token(Claims(R"(,"iss":"evil","aud":"shop")"))),
                kCookie + ": JWT issuer (\"iss\") is not \"https://auth.example.com\"");
  ExpectInvalid(resolver, TransactionWithToken(signer.Token(Claims(iss + R"(,"aud":"blog")"))),
                kCookie + ": JWT audience (\"aud\") does not include \"shop\"");
}

// --- user.id and the token -----------------------------------------------

TEST(IdentityResolverTest, TheSameUserInBothIsFine) {
  IdentityResolver resolver(Hs256Config());
  EXPECT_EQ(
      ResolveOk(resolver, TransactionWithToken(JwtSigner::Hs256(kSecret).Token(Claims()), "alice"))
          .user_id.value,
      "alice");
}

TEST(IdentityResolverTest, InsideASessionADifferentUserIsRejected) {
  IdentityResolver resolver(Hs256Config());
  const std::string token = JwtSigner::Hs256(kSecret).Token(Claims());
  ExpectInvalid(resolver, TransactionWithToken(token, "bob"),
                "user.id: \"bob\" is not the user of the JWT in " + kCookie +
                    " (claim \"sub\" is \"alice\")");
  Event update = TransactionWithToken(token, "bob");
  update.set_type(riskd::v1::EVENT_TYPE_PROFILE_UPDATE);
  EXPECT_FALSE(resolver.Resolve(update, kAt).ok());
}

// At sign-in the cookie may be the previous session's: user.id wins, and a
// broken token does not let a failed login escape scoring.
TEST(IdentityResolverTest, AroundSignInUserIdWinsOverAnyToken) {
  IdentityResolver resolver(Hs256Config());
  const std::string alices = JwtSigner::Hs256(kSecret).Token(Claims());
  for (auto type :
       {riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED, riskd::v1::EVENT_TYPE_LOGIN_FAILED,
        riskd::v1::EVENT_TYPE_REGISTRATION, riskd::v1::EVENT_TYPE_PASSWORD_RESET_REQUESTED,
        riskd::v1::EVENT_TYPE_CHALLENGE_FAILED}) {
    SCOPED_TRACE(riskd::v1::EventType_Name(type));
    ExpectNone(resolver, WithCookie("session=" + alices, type, "bob"));
    ExpectNone(resolver, WithCookie("session=tampered.x.y", type, "bob"));
    EXPECT_EQ(ResolveOk(resolver, WithCookie("session=" + alices, type, "alice")).email->value,
              "Alice@Example.com");
  }
  // Without user.id the token decides, and a bad one is rejected.
  ExpectInvalid(resolver, WithCookie("session=x.y", riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED),
                kCookie + ": JWT has 2 dot-separated parts, not 3 (header.payload.signature)");
}

}  // namespace
}  // namespace riskd
