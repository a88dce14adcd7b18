// Validation of events whose user comes from a JWT (identity.jwt): how the
// token's claims merge with what the app sent.
#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "server/event/event_validator.h"
#include "server/identity/jwt_testing.h"

namespace riskd {
namespace {

using ::riskd::testing::JwtSigner;
using ::riskd::v1::Event;

// A fixed server clock: 2024-05-01T10:00:00Z.
const absl::Time kNow = absl::FromUnixSeconds(1714557600);
const std::string kSecret = "0123456789abcdef0123456789abcdef";

EventValidator Validator() {
  JwtIdentityConfig jwt;
  jwt.name = "session";
  jwt.email_claim = "email";
  jwt.registered_at_claim = "created_at";
  jwt.kept_claims = {{"plan", "plan"}};
  jwt.key = *JwtKey::HmacSecret(kSecret);
  return EventValidator(ValidationOptions{.jwt_identity = jwt});
}

std::string Token(absl::string_view claims, int64_t exp = absl::ToUnixSeconds(kNow) + 600) {
  return JwtSigner::Hs256(kSecret).Token(absl::StrCat(R"({"exp":)", exp, claims, "}"));
}

const char kAlice[] =
    R"(,"sub":"alice","email":" Alice@Example.COM","created_at":"2023-11-14","plan":"pro")";

Event Transaction(const std::string& token) {
  Event event;
  event.set_type(riskd::v1::EVENT_TYPE_TRANSACTION);
  event.mutable_context()->set_ip("198.51.100.7");
  (*event.mutable_context()->mutable_headers())["cookie"] = "session=" + token;
  return event;
}

NormalizedEvent ValidOrDie(const Event& event) {
  absl::StatusOr<NormalizedEvent> out = Validator().Validate(event, kNow);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *std::move(out) : NormalizedEvent{};
}

void ExpectInvalid(const Event& event, const std::string& message) {
  absl::StatusOr<NormalizedEvent> out = Validator().Validate(event, kNow);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(out.status().message(), message);
}

TEST(EventValidatorJwtTest, TheTokenGivesUserEmailRegistrationAndProperties) {
  NormalizedEvent out = ValidOrDie(Transaction(Token(kAlice)));
  EXPECT_EQ(out.user_id, "alice");
  EXPECT_EQ(out.email, "alice@example.com");
  EXPECT_EQ(out.email_domain, "example.com");
  EXPECT_EQ(out.registered_at, absl::FromUnixSeconds(1699920000));  // 2023-11-14
  EXPECT_EQ(out.properties,
            (std::vector<std::pair<std::string, std::string>>{{"jwt.plan", "pro"}}));
}

TEST(EventValidatorJwtTest, WhatTheAppSentWinsOverClaims) {
  Event event = Transaction(Token(kAlice));
  event.mutable_user()->set_email("alice@work.example");
  event.mutable_user()->set_registered_at("2020-01-01");
  (*event.mutable_properties())["jwt.plan"] = "free";  // the token's key: replaced
  (*event.mutable_properties())["cart"] = "3";
  NormalizedEvent out = ValidOrDie(event);
  EXPECT_EQ(out.email, "alice@work.example");
  EXPECT_EQ(out.registered_at, absl::FromUnixSeconds(1577836800));
  EXPECT_EQ(out.properties,
            (std::vector<std::pair<std::string, std::string>>{{"cart", "3"}, {"jwt.plan", "pro"}}));
}

TEST(EventValidatorJwtTest, UnusableClaimsNameTheTokenAndTheClaim) {
  ExpectInvalid(Transaction(Token(R"(,"sub":"alice","email":"nobody")")),
                "context.headers.cookie[session]: JWT claim \"email\": \"nobody\" has no domain "
                "(expected name@domain)");
  ExpectInvalid(Transaction(Token(R"(,"sub":"alice","created_at":"last tuesday")")),
                "context.headers.cookie[session]: JWT claim \"created_at\": \"last tuesday\" is "
                "neither ISO 8601 nor unix seconds");
  ExpectInvalid(
      Transaction(Token(absl::StrCat(R"(,"sub":")", std::string(300, 'a'), R"(")"))),
      "context.headers.cookie[session]: JWT claim \"sub\": is 300 bytes, more than the limit of "
      "256");
}

TEST(EventValidatorJwtTest, WithoutAUsableTokenAUserIdIsStillRequired) {
  Event event = Transaction("");
  ExpectInvalid(event,
                "user.id: is required for EVENT_TYPE_TRANSACTION (and there is no usable JWT in "
                "context.headers.cookie[session])");
  event.mutable_user()->set_id("bob");
  EXPECT_EQ(ValidOrDie(event).user_id, "bob");
}

// Expiry is judged at occurred_at, so that a recorded event replays.
TEST(EventValidatorJwtTest, ExpiryIsJudgedWhenTheEventHappened) {
  const int64_t exp = absl::ToUnixSeconds(kNow) - 3600;
  Event event = Transaction(Token(kAlice, exp));
  ExpectInvalid(event,
                "context.headers.cookie[session]: JWT expired at 2024-05-01T09:00:00Z (event at "
                "2024-05-01T10:00:00Z, leeway 30s)");
  event.mutable_occurred_at()->set_seconds(exp - 60);
  EXPECT_EQ(ValidOrDie(event).user_id, "alice");
}

}  // namespace
}  // namespace riskd
