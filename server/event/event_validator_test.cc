#include "server/event/event_validator.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "riskd/v1/riskd.pb.h"
#include "server/common/ip_address.h"
#include "server/common/ip_address_testing.h"

namespace riskd {
namespace {

using ::riskd::v1::Event;
using ::riskd::v1::EventType;

// A fixed server clock: 2024-05-01T10:00:00Z.
const absl::Time kNow = absl::FromUnixSeconds(1714557600);

// A minimal valid login.
Event Login() {
  Event event;
  event.set_type(riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED);
  event.mutable_user()->set_id("u1");
  event.mutable_context()->set_ip("198.51.100.7");
  return event;
}

void SetOccurredAt(Event& event, absl::Time at) {
  event.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(at));
}

using ::riskd::testing::Cidr;
using ::riskd::testing::Ip;

absl::StatusOr<NormalizedEvent> Validate(const Event& event) {
  return EventValidator(ValidationOptions{}).Validate(event, kNow);
}

// Behind a load balancer at 10.0.0.0/8.
absl::StatusOr<NormalizedEvent> ValidateBehindProxy(const Event& event) {
  ValidationOptions options;
  options.trusted_proxies = {Cidr("10.0.0.0/8"), Cidr("2001:db8:ffff::/48")};
  return EventValidator(std::move(options)).Validate(event, kNow);
}

NormalizedEvent ValidOrDie(const Event& event) {
  absl::StatusOr<NormalizedEvent> out = Validate(event);
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *std::move(out) : NormalizedEvent{};
}

// Asserts INVALID_ARGUMENT whose message starts with "`field`: ".
void ExpectFieldError(const absl::StatusOr<NormalizedEvent>& result, absl::string_view field) {
  ASSERT_FALSE(result.ok()) << "expected an error for " << field;
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(result.status().message(), absl::StrCat(field, ": ")))
      << "message \"" << result.status().message() << "\" does not start with " << field;
}

// --- Accepted events -----------------------------------------------------

TEST(EventValidatorTest, AcceptsMinimalLogin) {
  NormalizedEvent out = ValidOrDie(Login());
  EXPECT_EQ(out.type, riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED);
  EXPECT_EQ(out.user_id, "u1");
  ASSERT_TRUE(out.ip.has_value());
  EXPECT_EQ(*out.ip, Ip("198.51.100.7"));
}

TEST(EventValidatorTest, IpIsOptional) {
  Event event = Login();
  event.mutable_context()->clear_ip();
  NormalizedEvent out = ValidOrDie(event);
  EXPECT_FALSE(out.ip.has_value());
}

TEST(EventValidatorTest, Ipv4MappedIpIsNormalisedToIpv4) {
  Event event = Login();
  event.mutable_context()->set_ip("::ffff:198.51.100.7");
  NormalizedEvent out = ValidOrDie(event);
  ASSERT_TRUE(out.ip.has_value());
  EXPECT_EQ(out.ip->ToString(), "198.51.100.7");
}

// --- context.ip ----------------------------------------------------------

TEST(EventValidatorTest, RejectsUnparseableIp) {
  Event event = Login();
  event.mutable_context()->set_ip("300.1.1.1");
  ExpectFieldError(Validate(event), "context.ip");
  event.mutable_context()->set_ip("example.com");
  ExpectFieldError(Validate(event), "context.ip");
}

// --- type ----------------------------------------------------------------

TEST(EventValidatorTest, RejectsUnspecifiedType) {
  Event event = Login();
  event.set_type(riskd::v1::EVENT_TYPE_UNSPECIFIED);
  ExpectFieldError(Validate(event), "type");
}

TEST(EventValidatorTest, RejectsUnknownTypeNumber) {
  Event event = Login();
  event.set_type(static_cast<EventType>(999));
  ExpectFieldError(Validate(event), "type");
}

// --- user.id -------------------------------------------------------------

class UserIdRequiredTest : public ::testing::TestWithParam<EventType> {};

TEST_P(UserIdRequiredTest, RejectsMissingUserId) {
  Event event = Login();
  event.set_type(GetParam());
  event.mutable_user()->clear_id();
  absl::StatusOr<NormalizedEvent> result = Validate(event);
  ExpectFieldError(result, "user.id");
}

INSTANTIATE_TEST_SUITE_P(AccountEvents, UserIdRequiredTest,
                         ::testing::Values(riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED,
                                           riskd::v1::EVENT_TYPE_LOGIN_FAILED,
                                           riskd::v1::EVENT_TYPE_PROFILE_UPDATE,
                                           riskd::v1::EVENT_TYPE_TRANSACTION),
                         [](const ::testing::TestParamInfo<EventType>& info) {
                           return riskd::v1::EventType_Name(info.param);
                         });

TEST(EventValidatorTest, RegistrationWithoutUserIdIsAccepted) {
  Event event = Login();
  event.set_type(riskd::v1::EVENT_TYPE_REGISTRATION);
  event.mutable_user()->clear_id();
  NormalizedEvent out = ValidOrDie(event);
  EXPECT_EQ(out.user_id, "");
}

TEST(EventValidatorTest, RejectsOverlongUserId) {
  Event event = Login();
  event.mutable_user()->set_id(std::string(kMaxIdBytes + 1, 'u'));
  ExpectFieldError(Validate(event), "user.id");
  event.mutable_user()->set_id(std::string(kMaxIdBytes, 'u'));
  EXPECT_TRUE(Validate(event).ok());
}

// --- occurred_at ---------------------------------------------------------

TEST(EventValidatorTest, UnsetOccurredAtIsNow) {
  NormalizedEvent out = ValidOrDie(Login());
  EXPECT_EQ(out.occurred_at, kNow);
}

TEST(EventValidatorTest, OccurredAtIsKept) {
  Event event = Login();
  event.mutable_occurred_at()->set_seconds(1714557000);
  event.mutable_occurred_at()->set_nanos(500'000'000);
  NormalizedEvent out = ValidOrDie(event);
  EXPECT_EQ(out.occurred_at, absl::FromUnixSeconds(1714557000) + absl::Milliseconds(500));
}

TEST(EventValidatorTest, RejectsOccurredAtMoreThanFiveMinutesAhead) {
  Event event = Login();
  SetOccurredAt(event, kNow + absl::Minutes(5) + absl::Seconds(1));
  ExpectFieldError(Validate(event), "occurred_at");
  SetOccurredAt(event, kNow + absl::Hours(24));
  ExpectFieldError(Validate(event), "occurred_at");
}

TEST(EventValidatorTest, AcceptsOccurredAtWithinClockSkew) {
  Event event = Login();
  SetOccurredAt(event, kNow + absl::Minutes(4));
  NormalizedEvent out = ValidOrDie(event);
  EXPECT_EQ(out.occurred_at, kNow + absl::Minutes(4));
}

TEST(EventValidatorTest, AcceptsOccurredAtFarInThePast) {
  // Replays of recorded traffic.
  Event event = Login();
  SetOccurredAt(event, absl::FromUnixSeconds(946684800));  // 2000-01-01
  NormalizedEvent out = ValidOrDie(event);
  EXPECT_EQ(out.occurred_at, absl::FromUnixSeconds(946684800));
}

TEST(EventValidatorTest, RejectsMalformedTimestamp) {
  Event event = Login();
  event.mutable_occurred_at()->set_seconds(1714557000);
  event.mutable_occurred_at()->set_nanos(-1);
  ExpectFieldError(Validate(event), "occurred_at");
  event.mutable_occurred_at()->set_nanos(1'000'000'000);
  ExpectFieldError(Validate(event), "occurred_at");
}

// --- user.email ----------------------------------------------------------

TEST(EventValidatorTest, RejectsEmailWithoutDomain) {
  for (absl::string_view email : {"bob", "bob@", "@x.com", "bob@."}) {
    SCOPED_TRACE(email);
    Event event = Login();
    event.mutable_user()->set_email(std::string(email));
    ExpectFieldError(Validate(event), "user.email");
  }
}

TEST(EventValidatorTest, EmailIsLowerCasedAndTrimmed) {
  Event event = Login();
  event.mutable_user()->set_email("  Bob.Smith@Example.COM \t");
  NormalizedEvent out = ValidOrDie(event);
  EXPECT_EQ(out.email, "bob.smith@example.com");
  EXPECT_EQ(out.email_domain, "example.com");
}

TEST(EventValidatorTest, TrailingDotOfEmailDomainIsRemoved) {
  Event event = Login();
  event.mutable_user()->set_email("bob@Mail.Example.com.");
  NormalizedEvent out = ValidOrDie(event);
  EXPECT_EQ(out.email, "bob@mail.example.com");
  EXPECT_EQ(out.email_domain, "mail.example.com");
}

TEST(EventValidatorTest, EmailIsOptional) {
  NormalizedEvent out = ValidOrDie(Login());
  EXPECT_EQ(out.email, "");
  EXPECT_EQ(out.email_domain, "");
}

TEST(EventValidatorTest, RejectsOverlongEmail) {
  Event event = Login();
  event.mutable_user()->set_email(absl::StrCat(std::string(320, 'a'), "@x.com"));
  ExpectFieldError(Validate(event), "user.email");
}

// --- user.registered_at --------------------------------------------------

TEST(EventValidatorTest, RegisteredAtIsParsed) {
  Event event = Login();
  event.mutable_user()->set_registered_at("2024-05-01");
  NormalizedEvent out = ValidOrDie(event);
  ASSERT_TRUE(out.registered_at.has_value());
  EXPECT_EQ(*out.registered_at, absl::FromUnixSeconds(1714521600));
}

TEST(EventValidatorTest, RegisteredAtIsOptional) {
  NormalizedEvent out = ValidOrDie(Login());
  EXPECT_FALSE(out.registered_at.has_value());
}

TEST(EventValidatorTest, RejectsBadRegisteredAt) {
  for (absl::string_view text : {"yesterday", "-5", "2024-13-45"}) {
    SCOPED_TRACE(text);
    Event event = Login();
    event.mutable_user()->set_registered_at(std::string(text));
    ExpectFieldError(Validate(event), "user.registered_at");
  }
}

// --- context.user_agent --------------------------------------------------

TEST(EventValidatorTest, RejectsUserAgentOverLimit) {
  Event event = Login();
  event.mutable_context()->set_user_agent(std::string(8193, 'x'));
  ExpectFieldError(Validate(event), "context.user_agent");
}

TEST(EventValidatorTest, AcceptsUserAgentAtLimit) {
  Event event = Login();
  event.mutable_context()->set_user_agent(std::string(8192, 'x'));
  NormalizedEvent out = ValidOrDie(event);
  EXPECT_EQ(out.user_agent.size(), 8192u);
}

// --- context.headers -----------------------------------------------------

void AddHeaders(Event& event, int count) {
  auto& headers = *event.mutable_context()->mutable_headers();
  for (int i = 0; i < count; ++i) headers[absl::StrCat("x-h", i)] = std::string("v");
}

TEST(EventValidatorTest, RejectsMoreThanHundredHeaders) {
  Event event = Login();
  AddHeaders(event, 101);
  ExpectFieldError(Validate(event), "context.headers");
}

TEST(EventValidatorTest, AcceptsHundredHeaders) {
  Event event = Login();
  AddHeaders(event, 100);
  NormalizedEvent out = ValidOrDie(event);
  EXPECT_EQ(out.headers.size(), 100u);
}

TEST(EventValidatorTest, RejectsOversizeHeaderValue) {
  Event event = Login();
  (*event.mutable_context()->mutable_headers())["Cookie"] =
      std::string(kMaxHeaderValueBytes + 1, 'c');
  ExpectFieldError(Validate(event), "context.headers[Cookie]");
}

TEST(EventValidatorTest, HeaderNamesAreLowerCased) {
  Event event = Login();
  auto& headers = *event.mutable_context()->mutable_headers();
  headers["Accept-Language"] = "en-GB";
  headers["X-Request-ID"] = "Abc";
  NormalizedEvent out = ValidOrDie(event);
  std::vector<std::pair<std::string, std::string>> expected = {{"accept-language", "en-GB"},
                                                               {"x-request-id", "Abc"}};
  EXPECT_EQ(out.headers, expected);  // values untouched, sorted by name
}

// --- properties ----------------------------------------------------------

void AddProperties(Event& event, int count) {
  auto& properties = *event.mutable_properties();
  for (int i = 0; i < count; ++i) properties[absl::StrCat("p", i)] = std::string("v");
}

TEST(EventValidatorTest, RejectsMoreThanHundredProperties) {
  Event event = Login();
  AddProperties(event, 101);
  ExpectFieldError(Validate(event), "properties");
}

TEST(EventValidatorTest, AcceptsHundredProperties) {
  Event event = Login();
  AddProperties(event, 100);
  NormalizedEvent out = ValidOrDie(event);
  EXPECT_EQ(out.properties.size(), 100u);
}

TEST(EventValidatorTest, RejectsOversizePropertyValue) {
  Event event = Login();
  (*event.mutable_properties())["amount"] = std::string(kMaxPropertyValueBytes + 1, '9');
  ExpectFieldError(Validate(event), "properties[amount]");
}

TEST(EventValidatorTest, AcceptsPropertyValueAtLimit) {
  Event event = Login();
  (*event.mutable_properties())["amount"] = std::string(kMaxPropertyValueBytes, '9');
  EXPECT_TRUE(Validate(event).ok());
}

TEST(EventValidatorTest, RejectsOversizePropertyKey) {
  Event event = Login();
  (*event.mutable_properties())[std::string(kMaxPropertyKeyBytes + 1, 'k')] = std::string("v");
  ExpectFieldError(Validate(event), "properties key");
}

// --- Other length limits -------------------------------------------------

TEST(EventValidatorTest, RejectsOverlongRequestId) {
  Event event = Login();
  event.set_request_id(std::string(kMaxIdBytes + 1, 'r'));
  ExpectFieldError(Validate(event), "request_id");
}

TEST(EventValidatorTest, RejectsOverlongDeviceId) {
  Event event = Login();
  event.mutable_context()->set_device_id(std::string(kMaxIdBytes + 1, 'd'));
  ExpectFieldError(Validate(event), "context.device_id");
}

// --- request_id ----------------------------------------------------------

TEST(EventValidatorTest, GeneratesRequestIdWhenEmpty) {
  NormalizedEvent out = ValidOrDie(Login());
  ASSERT_EQ(out.request_id.size(), 32u);
  for (char c : out.request_id) {
    EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) << out.request_id;
  }
}

TEST(EventValidatorTest, GeneratedRequestIdsDiffer) {
  EXPECT_NE(ValidOrDie(Login()).request_id, ValidOrDie(Login()).request_id);
}

TEST(EventValidatorTest, KeepsRequestIdSentByTheApp) {
  Event event = Login();
  event.set_request_id("req-42");
  EXPECT_EQ(ValidOrDie(event).request_id, "req-42");
}

// --- device_id -----------------------------------------------------------

constexpr char kChromeUa[] =
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0 Safari/537.36";
constexpr char kFirefoxUa[] =
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0";

Event Browser(absl::string_view user_agent, absl::string_view language) {
  Event event = Login();
  event.mutable_context()->set_user_agent(std::string(user_agent));
  (*event.mutable_context()->mutable_headers())["Accept-Language"] = std::string(language);
  return event;
}

TEST(EventValidatorTest, DerivesDeviceIdFromBrowserHeaders) {
  NormalizedEvent out = ValidOrDie(Browser(kChromeUa, "en-GB"));
  EXPECT_TRUE(absl::StartsWith(out.device_id, "dev_")) << out.device_id;
  EXPECT_TRUE(out.device_id_derived);
}

TEST(EventValidatorTest, DerivedDeviceIdIsStable) {
  Event first = Browser(kChromeUa, "en-GB");
  Event second = Browser(kChromeUa, "en-GB");
  // Per-request headers and other fields do not change the device.
  second.set_request_id("other");
  second.mutable_context()->set_ip("203.0.113.9");
  (*second.mutable_context()->mutable_headers())["X-Request-Id"] = "123";
  EXPECT_EQ(ValidOrDie(first).device_id, ValidOrDie(second).device_id);
}

TEST(EventValidatorTest, DerivedDeviceIdIgnoresHeaderNameCase) {
  Event lower = Login();
  lower.mutable_context()->set_user_agent(kChromeUa);
  (*lower.mutable_context()->mutable_headers())["accept-language"] = "en-GB";
  EXPECT_EQ(ValidOrDie(lower).device_id, ValidOrDie(Browser(kChromeUa, "en-GB")).device_id);
}

TEST(EventValidatorTest, DerivedDeviceIdDiffersForDifferentUserAgent) {
  EXPECT_NE(ValidOrDie(Browser(kChromeUa, "en-GB")).device_id,
            ValidOrDie(Browser(kFirefoxUa, "en-GB")).device_id);
}

TEST(EventValidatorTest, DerivedDeviceIdDiffersForDifferentLanguage) {
  EXPECT_NE(ValidOrDie(Browser(kChromeUa, "en-GB")).device_id,
            ValidOrDie(Browser(kChromeUa, "de-DE")).device_id);
}

TEST(EventValidatorTest, NoDeviceIdWithoutUserAgentOrHeaders) {
  NormalizedEvent out = ValidOrDie(Login());
  EXPECT_EQ(out.device_id, "");
  EXPECT_FALSE(out.device_id_derived);
}

TEST(EventValidatorTest, KeepsDeviceIdSentByTheApp) {
  Event event = Browser(kChromeUa, "en-GB");
  event.mutable_context()->set_device_id("app-device-7");
  NormalizedEvent out = ValidOrDie(event);
  EXPECT_EQ(out.device_id, "app-device-7");
  EXPECT_FALSE(out.device_id_derived);
}

// --- Trusted proxies -----------------------------------------------------

Event FromPeer(absl::string_view peer, absl::string_view forwarded_for) {
  Event event = Login();
  event.mutable_context()->set_ip(std::string(peer));
  (*event.mutable_context()->mutable_headers())["X-Forwarded-For"] = std::string(forwarded_for);
  return event;
}

IpAddress ClientOf(const absl::StatusOr<NormalizedEvent>& result) {
  EXPECT_TRUE(result.ok()) << result.status();
  if (!result.ok() || !result->ip) return IpAddress{};
  return *result->ip;
}

TEST(EventValidatorTest, TrustedProxyClientIsRightMostUntrustedHop) {
  // client, then something the client made up, then our own proxies.
  absl::StatusOr<NormalizedEvent> out =
      ValidateBehindProxy(FromPeer("10.0.0.5", "1.1.1.1, 203.0.113.9, 10.0.0.7"));
  EXPECT_EQ(ClientOf(out), Ip("203.0.113.9"));
}

TEST(EventValidatorTest, TrustedProxySingleHop) {
  EXPECT_EQ(ClientOf(ValidateBehindProxy(FromPeer("10.0.0.5", "203.0.113.9"))), Ip("203.0.113.9"));
}

TEST(EventValidatorTest, TrustedProxyHopsMayBeIpv6) {
  EXPECT_EQ(
      ClientOf(ValidateBehindProxy(FromPeer("2001:db8:ffff::1", "2001:db8:1::5,2001:db8:ffff::2"))),
      Ip("2001:db8:1::5"));
}

TEST(EventValidatorTest, ForwardedForHeaderNameIsCaseInsensitive) {
  Event event = Login();
  event.mutable_context()->set_ip("10.0.0.5");
  (*event.mutable_context()->mutable_headers())["x-forwarded-for"] = "203.0.113.9";
  EXPECT_EQ(ClientOf(ValidateBehindProxy(event)), Ip("203.0.113.9"));
}

TEST(EventValidatorTest, TrustedProxyWithoutForwardedForIsTheClient) {
  Event event = Login();
  event.mutable_context()->set_ip("10.0.0.5");
  EXPECT_EQ(ClientOf(ValidateBehindProxy(event)), Ip("10.0.0.5"));
}

TEST(EventValidatorTest, ForwardedForFromUntrustedPeerIsIgnored) {
  // A client talking to the app directly cannot spoof its address.
  absl::StatusOr<NormalizedEvent> out = ValidateBehindProxy(FromPeer("198.51.100.7", "1.2.3.4"));
  EXPECT_EQ(ClientOf(out), Ip("198.51.100.7"));
}

TEST(EventValidatorTest, ForwardedForIgnoredWithoutTrustedProxies) {
  EXPECT_EQ(ClientOf(Validate(FromPeer("10.0.0.5", "1.2.3.4"))), Ip("10.0.0.5"));
}

TEST(EventValidatorTest, GarbageForwardedForHopFromUntrustedPeerIsIgnored) {
  EXPECT_EQ(ClientOf(ValidateBehindProxy(FromPeer("198.51.100.7", "not-an-ip"))),
            Ip("198.51.100.7"));
}

TEST(EventValidatorTest, RejectsGarbageForwardedForHopFromTrustedPeer) {
  ExpectFieldError(ValidateBehindProxy(FromPeer("10.0.0.5", "not-an-ip, 10.0.0.7")),
                   "context.headers[x-forwarded-for]");
}

// --- ParseRegisteredAt ---------------------------------------------------

TEST(ParseRegisteredAtTest, UnixSeconds) {
  absl::StatusOr<absl::Time> t = ParseRegisteredAt("1714557600");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, absl::FromUnixSeconds(1714557600));
}

TEST(ParseRegisteredAtTest, Iso8601Utc) {
  absl::StatusOr<absl::Time> t = ParseRegisteredAt("2024-05-01T10:00:00Z");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, absl::FromUnixSeconds(1714557600));
}

TEST(ParseRegisteredAtTest, Iso8601WithOffsetIsTheSameInstant) {
  absl::StatusOr<absl::Time> offset = ParseRegisteredAt("2024-05-01T12:00:00+02:00");
  absl::StatusOr<absl::Time> utc = ParseRegisteredAt("2024-05-01T10:00:00Z");
  ASSERT_TRUE(offset.ok()) << offset.status();
  ASSERT_TRUE(utc.ok()) << utc.status();
  EXPECT_EQ(*offset, *utc);
}

TEST(ParseRegisteredAtTest, Iso8601WithoutOffsetIsUtc) {
  absl::StatusOr<absl::Time> t = ParseRegisteredAt("2024-05-01T10:00:00");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, absl::FromUnixSeconds(1714557600));
}

TEST(ParseRegisteredAtTest, DateOnlyIsMidnightUtc) {
  absl::StatusOr<absl::Time> t = ParseRegisteredAt("2024-05-01");
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, absl::FromUnixSeconds(1714521600));
}

TEST(ParseRegisteredAtTest, RejectsText) {
  absl::StatusOr<absl::Time> t = ParseRegisteredAt("yesterday");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ParseRegisteredAtTest, RejectsNegativeSeconds) {
  absl::StatusOr<absl::Time> t = ParseRegisteredAt("-5");
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ParseRegisteredAtTest, RejectsEmptyAndPartialDates) {
  EXPECT_FALSE(ParseRegisteredAt("").ok());
  EXPECT_FALSE(ParseRegisteredAt("2024-05").ok());
  EXPECT_FALSE(ParseRegisteredAt("2024-05-01T").ok());
}

}  // namespace
}  // namespace riskd
