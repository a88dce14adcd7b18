// Identity from a JWT (identity.jwt), through the real binary: the app sends
// its raw headers instead of user.id, and riskd reads the user from a signed
// token in a cookie or a header.
#include <stdlib.h>

#include <fstream>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/identity/jwt_testing.h"
#include "tests/support/riskd_process.h"

namespace riskd::testing {
namespace {

using riskd::v1::Event;

constexpr char kSecretVariable[] = "RISKD_TEST_JWT_SECRET";
const std::string kSecret = "integration-test-secret-of-32-bytes-or-more";
const std::string kCookieField = "context.headers.cookie[session]";

// A token for `user`, valid for ten minutes unless `exp_offset` says otherwise.
std::string Claims(const std::string& user, int64_t exp_offset = 600) {
  return absl::StrCat(R"({"sub":")", user, R"(","email":")", user,
                      R"(@Example.com","created_at":1700000000,"plan":"pro","exp":)",
                      absl::ToUnixSeconds(absl::Now()) + exp_offset, "}");
}

Event WithHeader(Event event, const std::string& name, const std::string& value) {
  (*event.mutable_context()->mutable_headers())[name] = value;
  return event;
}

// A browser login that names no user: only the session cookie does.
Event LoginWithCookie(const std::string& token) {
  Event event = BrowserLogin("");
  event.mutable_user()->clear_email();
  return WithHeader(event, "Cookie", "theme=dark; session=" + token + "; lang=fr");
}

// The token with its payload replaced and the signature kept.
std::string WithPayload(const std::string& token, const std::string& payload) {
  return absl::StrCat(token.substr(0, token.find('.') + 1), absl::WebSafeBase64Escape(payload),
                      token.substr(token.rfind('.')));
}

void ExpectRejected(RiskdProcess& riskd, const Event& event, const std::string& message_start) {
  riskd::v1::AuthenticateResponse response;
  grpc::Status status = Authenticate(riskd, event, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
  EXPECT_TRUE(absl::StartsWith(status.error_message(), message_start))
      << "got:      " << status.error_message() << "\nexpected: " << message_start << "...";
  riskd::v1::TrackResponse track;
  EXPECT_EQ(Track(riskd, event, &track).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

std::unique_ptr<RiskdProcess> StartWithIdentity(const std::string& identity) {
  return RiskdProcess::Start(WriteConfig(MakeTempDir(), absl::StrCat(identity, R"(
detectors:
  - plugin: @TEST_PLUGINS@/riskd-fixture.so
    settings: {required_label: jwt, echo_property: jwt.plan}
)")));
}

class JwtIdentityTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    setenv(kSecretVariable, kSecret.c_str(), 1);
    constexpr char kIdentity[] = R"(
identity:
  jwt:
    cookie: session
    claims: {email: email, registered_at: created_at, plan: plan}
    verify: {algorithm: HS256, secret_env: RISKD_TEST_JWT_SECRET}
)";
    reject_ = StartWithIdentity(absl::StrCat(kIdentity, "    on_invalid: reject\n")).release();
    ignore_ = StartWithIdentity(absl::StrCat(kIdentity, "    on_invalid: ignore\n")).release();
  }
  static void TearDownTestSuite() {
    delete reject_;
    delete ignore_;
  }
  void SetUp() override {
    ASSERT_NE(reject_, nullptr);
    ASSERT_NE(ignore_, nullptr);
  }

  static inline RiskdProcess* reject_ = nullptr;
  static inline RiskdProcess* ignore_ = nullptr;
  const JwtSigner signer_ = JwtSigner::Hs256(kSecret);
};

TEST_F(JwtIdentityTest, AJwtInACookieGivesTheUser) {
  riskd::v1::AuthenticateResponse response;
  grpc::Status status =
      Authenticate(*reject_, LoginWithCookie(signer_.Token(Claims("cookie-alice"))), &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.user_id(), "cookie-alice");
  // The kept claim reaches detectors as the property jwt.plan.
  bool echoed = false;
  for (const auto& s : response.signals()) echoed |= s.detail() == "jwt.plan=pro";
  EXPECT_TRUE(echoed) << response.DebugString();

  riskd::v1::UserProfile user;
  ASSERT_TRUE(GetUser(*reject_, "cookie-alice", &user).ok());
  EXPECT_EQ(user.email(), "cookie-alice@example.com");
  EXPECT_EQ(user.registered_at().seconds(), 1700000000);
  EXPECT_EQ(user.logins_succeeded(), 1u);

  riskd::v1::TrackResponse track;
  Event transaction = LoginWithCookie(signer_.Token(Claims("cookie-alice")));
  transaction.set_type(riskd::v1::EVENT_TYPE_TRANSACTION);
  ASSERT_TRUE(Track(*reject_, transaction, &track).ok());
  EXPECT_EQ(track.user_id(), "cookie-alice");
}

TEST_F(JwtIdentityTest, ATamperedTokenIsRejectedAndNothingIsRecorded) {
  const std::string token = signer_.Token(Claims("tamper-victim"));
  ExpectRejected(*reject_, LoginWithCookie(WithPayload(token, Claims("tamper-admin"))),
                 kCookieField + ": JWT signature does not verify");
  std::string bad_signature = token;
  char& c = bad_signature[bad_signature.rfind('.') + 1];
  c = c == 'A' ? 'B' : 'A';
  ExpectRejected(*reject_, LoginWithCookie(bad_signature),
                 kCookieField + ": JWT signature does not verify");
  riskd::v1::UserProfile user;
  EXPECT_EQ(GetUser(*reject_, "tamper-admin", &user).error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(GetUser(*reject_, "tamper-victim", &user).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST_F(JwtIdentityTest, OtherInvalidTokensAreRejectedWithTheReason) {
  ExpectRejected(*reject_, LoginWithCookie(signer_.Token(Claims("expired", -3600))),
                 kCookieField + ": JWT expired at ");
  const std::string unsigned_token =
      absl::StrCat(absl::WebSafeBase64Escape(R"({"alg":"none"})"), ".",
                   absl::WebSafeBase64Escape(Claims("unsigned")), ".");
  ExpectRejected(*reject_, LoginWithCookie(unsigned_token),
                 kCookieField + ": JWT algorithm \"none\" is refused (expected HS256)");
  ExpectRejected(*reject_,
                 LoginWithCookie(JwtSigner::Hs256(std::string(40, 'k')).Token(Claims("other"))),
                 kCookieField + ": JWT signature does not verify");
  ExpectRejected(*reject_, LoginWithCookie("garbage"),
                 kCookieField + ": JWT has 1 dot-separated parts, not 3");
  // The server goes on serving.
  riskd::v1::AuthenticateResponse response;
  EXPECT_TRUE(
      Authenticate(*reject_, LoginWithCookie(signer_.Token(Claims("after"))), &response).ok());
}

TEST_F(JwtIdentityTest, NoTokenStillNeedsAUserId) {
  ExpectRejected(*reject_, WithHeader(BrowserLogin(""), "Cookie", "theme=dark"),
                 "user.id: is required for EVENT_TYPE_LOGIN_SUCCEEDED (and there is no usable "
                 "JWT in context.headers.cookie[session])");
  riskd::v1::AuthenticateResponse response;
  ASSERT_TRUE(Authenticate(*reject_, BrowserLogin("no-token-user"), &response).ok());
  EXPECT_EQ(response.user_id(), "no-token-user");
}

// Inside a session the app's user.id and the token must agree; around sign-in
// user.id wins (the cookie may be the previous session's).
TEST_F(JwtIdentityTest, UserIdAndTokenPrecedence) {
  const std::string alices = signer_.Token(Claims("precedence-alice"));
  Event transaction = LoginWithCookie(alices);
  transaction.set_type(riskd::v1::EVENT_TYPE_TRANSACTION);
  transaction.mutable_user()->set_id("precedence-bob");
  ExpectRejected(*reject_, transaction,
                 "user.id: \"precedence-bob\" is not the user of the JWT in " + kCookieField +
                     " (claim \"sub\" is \"precedence-alice\")");

  Event failed_login = LoginWithCookie(alices);
  failed_login.set_type(riskd::v1::EVENT_TYPE_LOGIN_FAILED);
  failed_login.mutable_user()->set_id("precedence-bob");
  riskd::v1::AuthenticateResponse response;
  ASSERT_TRUE(Authenticate(*reject_, failed_login, &response).ok());
  EXPECT_EQ(response.user_id(), "precedence-bob");
  // Even a broken token does not keep a failed login from being scored.
  failed_login = LoginWithCookie("broken.token.here");
  failed_login.set_type(riskd::v1::EVENT_TYPE_LOGIN_FAILED);
  failed_login.mutable_user()->set_id("precedence-bob");
  ASSERT_TRUE(Authenticate(*reject_, failed_login, &response).ok());
  riskd::v1::UserProfile bob;
  ASSERT_TRUE(GetUser(*reject_, "precedence-bob", &bob).ok());
  EXPECT_EQ(bob.logins_failed(), 2u);
}

TEST_F(JwtIdentityTest, OnInvalidIgnoreCarriesOnAsIfThereWereNoToken) {
  const std::string tampered =
      WithPayload(signer_.Token(Claims("ignore-alice")), Claims("ignore-admin"));
  ExpectRejected(*ignore_, LoginWithCookie(tampered),
                 "user.id: is required for EVENT_TYPE_LOGIN_SUCCEEDED (and there is no usable "
                 "JWT in context.headers.cookie[session])");

  Event transaction = LoginWithCookie(tampered);
  transaction.set_type(riskd::v1::EVENT_TYPE_TRANSACTION);
  transaction.mutable_user()->set_id("ignore-bob");
  riskd::v1::AuthenticateResponse response;
  ASSERT_TRUE(Authenticate(*ignore_, transaction, &response).ok());
  EXPECT_EQ(response.user_id(), "ignore-bob");
  // The same event where invalid tokens are rejected.
  ExpectRejected(*reject_, transaction, kCookieField + ": JWT signature does not verify");

  ASSERT_TRUE(
      Authenticate(*ignore_, LoginWithCookie(signer_.Token(Claims("ignore-alice"))), &response)
          .ok());
  EXPECT_EQ(response.user_id(), "ignore-alice");
}

// RS256 and ES256 with a public key file, the token as a Bearer header.
void ExpectPublicKeyWorks(const JwtSigner& signer, const JwtSigner& stranger) {
  const std::string dir = MakeTempDir();
  std::ofstream(dir + "/jwt-public.pem") << signer.PublicKeyPem();
  const std::string yaml = absl::StrCat(
      "identity:\n"
      "  jwt:\n"
      "    header: authorization\n"
      "    claims: {email: email}\n"
      "    verify: {algorithm: ",
      signer.algorithm(), ", public_key_file: jwt-public.pem}\n");
  std::unique_ptr<RiskdProcess> riskd = RiskdProcess::Start(WriteConfig(dir, yaml));
  ASSERT_NE(riskd, nullptr);
  const std::string user = "bearer-" + absl::AsciiStrToLower(signer.algorithm());
  Event event = BrowserLogin("");
  event.mutable_user()->clear_email();
  event.set_type(riskd::v1::EVENT_TYPE_PROFILE_UPDATE);
  riskd::v1::AuthenticateResponse response;
  grpc::Status status = Authenticate(
      *riskd, WithHeader(event, "Authorization", "Bearer " + signer.Token(Claims(user))),
      &response);
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_EQ(response.user_id(), user);
  riskd::v1::UserProfile profile;
  ASSERT_TRUE(GetUser(*riskd, user, &profile).ok());
  EXPECT_EQ(profile.email(), user + "@example.com");
  ExpectRejected(*riskd,
                 WithHeader(event, "Authorization", "Bearer " + stranger.Token(Claims(user))),
                 "context.headers[authorization]: JWT signature does not verify");
}

TEST(JwtPublicKeyTest, Es256InABearerHeader) {
  ExpectPublicKeyWorks(JwtSigner::Es256(), JwtSigner::Es256());
}

TEST(JwtPublicKeyTest, Rs256InABearerHeader) {
  ExpectPublicKeyWorks(JwtSigner::Rs256(), JwtSigner::Rs256());
}

TEST(JwtPublicKeyTest, AConfigWhoseSecretIsMissingIsRefusedNamingTheKey) {
  const std::string config = WriteConfig(MakeTempDir(), R"(
identity:
  jwt:
    cookie: session
    verify:
      algorithm: HS256
      secret_env: RISKD_TEST_JWT_NEVER_SET
)");
  RunResult result = RunRiskdToCompletion({"--check-config", config});
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_TRUE(absl::StrContains(result.output,
                                "riskd.yaml:7: identity.jwt.verify.secret_env: the environment "
                                "variable RISKD_TEST_JWT_NEVER_SET is not set"))
      << result.output;
}

TEST(JwtPublicKeyTest, TheShippedExampleConfigIsValid) {
  std::string plugins = RISKD_PLUGIN_DIR;
  if (plugins != std::string(RISKD_SOURCE_DIR) + "/build/plugins") {
    GTEST_SKIP() << "config/riskd-jwt.yaml names ../build/plugins; this build is elsewhere";
  }
  setenv("RISKD_JWT_SECRET", kSecret.c_str(), 1);
  RunResult check = RunRiskdToCompletion(
      {"--check-config", std::string(RISKD_SOURCE_DIR) + "/config/riskd-jwt.yaml"});
  EXPECT_EQ(check.exit_code, 0) << check.output;
}

}  // namespace
}  // namespace riskd::testing
