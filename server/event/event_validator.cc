#include "server/event/event_validator.h"

#include <algorithm>
#include <cctype>

#include "absl/random/random.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "server/event/device_id.h"

namespace riskd {
namespace {

using riskd::v1::EventType;

absl::Status FieldError(absl::string_view field, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(field, ": ", problem));
}

bool RequiresUserId(EventType type) {
  switch (type) {
    case riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED:
    case riskd::v1::EVENT_TYPE_LOGIN_FAILED:
    case riskd::v1::EVENT_TYPE_PROFILE_UPDATE:
    case riskd::v1::EVENT_TYPE_TRANSACTION:
      return true;
    default:
      return false;
  }
}

std::string GenerateRequestId() {
  thread_local absl::BitGen bits;
  return absl::StrFormat("%016x%016x", absl::Uniform<uint64_t>(bits),
                         absl::Uniform<uint64_t>(bits));
}

absl::Status CheckLength(absl::string_view field, absl::string_view value, size_t max_bytes) {
  if (value.size() <= max_bytes) return absl::OkStatus();
  return FieldError(
      field, absl::StrCat("is ", value.size(), " bytes, more than the limit of ", max_bytes));
}

absl::StatusOr<absl::Time> OccurredAt(const riskd::v1::Event& event, absl::Time now) {
  if (!event.has_occurred_at()) return now;
  const auto& ts = event.occurred_at();
  if (ts.nanos() < 0 || ts.nanos() > 999'999'999 || ts.seconds() < 0) {
    return FieldError("occurred_at", "is not a valid timestamp");
  }
  absl::Time at = absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
  if (at > now + kMaxClockSkew) {
    return FieldError(
        "occurred_at",
        absl::StrCat(absl::FormatTime(absl::RFC3339_sec, at, absl::UTCTimeZone()),
                     " is more than 5 minutes in the future (server time ",
                     absl::FormatTime(absl::RFC3339_sec, now, absl::UTCTimeZone()), ")"));
  }
  return at;
}

// `field` names where the address came from: user.email, or a JWT claim.
absl::Status NormalizeEmail(absl::string_view raw, absl::string_view field, NormalizedEvent& out) {
  std::string email = absl::AsciiStrToLower(absl::StripAsciiWhitespace(raw));
  if (email.empty()) return absl::OkStatus();
  if (email.size() > 320) {
    return CheckLength(field, email, 320);
  }
  size_t at = email.rfind('@');
  absl::string_view domain = at == std::string::npos ? "" : absl::string_view(email).substr(at + 1);
  domain = absl::StripSuffix(domain, ".");
  if (at == std::string::npos || at == 0 || domain.empty() ||
      domain.find('@') != absl::string_view::npos) {
    return FieldError(field, absl::StrCat("\"", raw, "\" has no domain (expected name@domain)"));
  }
  out.email_domain = std::string(domain);
  out.email = absl::StrCat(email.substr(0, at + 1), domain);
  return absl::OkStatus();
}

}  // namespace

EventValidator::EventValidator(ValidationOptions options) : options_(std::move(options)) {
  if (options_.jwt_identity) identity_.emplace(*options_.jwt_identity);
}

absl::StatusOr<absl::Time> ParseRegisteredAt(absl::string_view text) {
  int64_t seconds = 0;
  if (absl::SimpleAtoi(text, &seconds)) {
    if (seconds < 0) return absl::InvalidArgumentError("is negative");
    return absl::FromUnixSeconds(seconds);
  }
  // Most specific first; a bare date-time without an offset is UTC.
  constexpr const char* kFormats[] = {"%Y-%m-%d%ET%H:%M:%E*S%Ez", "%Y-%m-%d%ET%H:%M:%E*SZ",
                                      "%Y-%m-%d%ET%H:%M:%E*S", "%Y-%m-%d%ET%H:%M", "%Y-%m-%d"};
  absl::Time t;
  std::string error;
  for (const char* format : kFormats) {
    if (absl::ParseTime(format, text, absl::UTCTimeZone(), &t, &error)) return t;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", text, "\" is neither ISO 8601 nor unix seconds"));
}

absl::StatusOr<std::optional<IpAddress>> EventValidator::ClientIp(
    const riskd::v1::Event& event) const {
  const std::string& text = event.context().ip();
  if (text.empty()) return std::nullopt;
  absl::StatusOr<IpAddress> peer = IpAddress::Parse(text);
  if (!peer.ok()) return FieldError("context.ip", peer.status().message());

  auto is_trusted = [this](const IpAddress& ip) {
    return std::any_of(options_.trusted_proxies.begin(), options_.trusted_proxies.end(),
                       [&](const CidrRange& r) { return r.Contains(ip); });
  };
  if (!is_trusted(*peer)) return *peer;

  // The peer is our own proxy: walk X-Forwarded-For from the right (the hop
  // nearest to us) and take the first address that is not a trusted proxy.
  absl::string_view forwarded;
  for (const auto& [name, value] : event.context().headers()) {
    if (absl::EqualsIgnoreCase(name, "x-forwarded-for")) forwarded = value;
  }
  if (forwarded.empty()) return *peer;
  std::vector<absl::string_view> hops = absl::StrSplit(forwarded, ',');
  IpAddress client = *peer;
  for (auto hop = hops.rbegin(); hop != hops.rend(); ++hop) {
    absl::StatusOr<IpAddress> ip = IpAddress::Parse(absl::StripAsciiWhitespace(*hop));
    if (!ip.ok()) {
      return FieldError("context.headers[x-forwarded-for]", ip.status().message());
    }
    client = *ip;
    if (!is_trusted(client)) break;
  }
  return client;
}

absl::Status EventValidator::ResolveUser(const riskd::v1::Event& event,
                                         const std::optional<TokenIdentity>& token,
                                         NormalizedEvent& out) const {
  const riskd::v1::User& user = event.user();
  if (absl::Status s = CheckLength("user.id", user.id(), kMaxIdBytes); !s.ok()) return s;
  out.user_id = user.id();
  if (out.user_id.empty() && token) {
    const TokenClaim& id = token->user_id;
    if (absl::Status s = CheckLength(token->FieldOf(id), id.value, kMaxIdBytes); !s.ok()) return s;
    out.user_id = id.value;
  }
  if (out.user_id.empty() && RequiresUserId(out.type)) {
    return FieldError("user.id",
                      absl::StrCat("is required for ", riskd::v1::EventType_Name(out.type),
                                   identity_ ? absl::StrCat(" (and there is no usable JWT in ",
                                                            identity_->source(), ")")
                                             : ""));
  }

  // What the app sent wins over the token's claims.
  if (!user.email().empty()) {
    if (absl::Status s = NormalizeEmail(user.email(), "user.email", out); !s.ok()) return s;
  } else if (token && token->email) {
    absl::Status s = NormalizeEmail(token->email->value, token->FieldOf(*token->email), out);
    if (!s.ok()) return s;
  }
  std::string registered_field = "user.registered_at";
  absl::string_view registered_text = user.registered_at();
  if (registered_text.empty() && token && token->registered_at) {
    registered_field = token->FieldOf(*token->registered_at);
    registered_text = token->registered_at->value;
  }
  if (!registered_text.empty()) {
    absl::StatusOr<absl::Time> registered = ParseRegisteredAt(registered_text);
    if (!registered.ok()) return FieldError(registered_field, registered.status().message());
    out.registered_at = *registered;
  }
  return absl::OkStatus();
}

absl::StatusOr<NormalizedEvent> EventValidator::Validate(const riskd::v1::Event& event,
                                                         absl::Time now) const {
  NormalizedEvent out;

  if (event.type() == riskd::v1::EVENT_TYPE_UNSPECIFIED) {
    return FieldError("type", "must be set (for example EVENT_TYPE_LOGIN_SUCCEEDED)");
  }
  if (!riskd::v1::EventType_IsValid(event.type())) {
    return FieldError("type", absl::StrCat("unknown event type ", event.type()));
  }
  out.type = event.type();

  if (absl::Status s = CheckLength("request_id", event.request_id(), kMaxIdBytes); !s.ok()) {
    return s;
  }
  out.request_id_generated = event.request_id().empty();
  out.request_id = out.request_id_generated ? GenerateRequestId() : event.request_id();

  absl::StatusOr<absl::Time> occurred_at = OccurredAt(event, now);
  if (!occurred_at.ok()) return occurred_at.status();
  out.occurred_at = *occurred_at;

  std::optional<TokenIdentity> token;
  if (identity_) {
    absl::StatusOr<std::optional<TokenIdentity>> resolved =
        identity_->Resolve(event, out.occurred_at);
    if (!resolved.ok()) return resolved.status();
    token = *std::move(resolved);
  }
  if (absl::Status s = ResolveUser(event, token, out); !s.ok()) return s;

  const riskd::v1::Context& context = event.context();
  if (absl::Status s = CheckLength("context.user_agent", context.user_agent(), kMaxUserAgentBytes);
      !s.ok()) {
    return s;
  }
  out.user_agent = context.user_agent();

  if (context.headers_size() > static_cast<int>(kMaxHeaders)) {
    return FieldError("context.headers",
                      absl::StrCat("has ", context.headers_size(),
                                   " entries, more than the limit of ", kMaxHeaders));
  }
  for (const auto& [name, value] : context.headers()) {
    std::string field = absl::StrCat("context.headers[", name, "]");
    if (absl::Status s = CheckLength(field, value, kMaxHeaderValueBytes); !s.ok()) return s;
    out.headers.emplace_back(absl::AsciiStrToLower(name), value);
  }
  // Protobuf maps iterate in no fixed order; sort for stable device ids and logs.
  std::sort(out.headers.begin(), out.headers.end());

  absl::StatusOr<std::optional<IpAddress>> ip = ClientIp(event);
  if (!ip.ok()) return ip.status();
  out.ip = *ip;

  if (event.properties_size() > static_cast<int>(kMaxProperties)) {
    return FieldError("properties",
                      absl::StrCat("has ", event.properties_size(),
                                   " entries, more than the limit of ", kMaxProperties));
  }
  for (const auto& [key, value] : event.properties()) {
    if (absl::Status s = CheckLength("properties key", key, kMaxPropertyKeyBytes); !s.ok()) {
      return s;
    }
    std::string field = absl::StrCat("properties[", key, "]");
    if (absl::Status s = CheckLength(field, value, kMaxPropertyValueBytes); !s.ok()) return s;
    out.properties.emplace_back(key, value);
  }
  if (token) {
    // The jwt. keys belong to the token: what the app sent under them goes.
    std::erase_if(out.properties,
                  [](const auto& p) { return absl::StartsWith(p.first, kJwtPropertyPrefix); });
    for (const auto& [key, claim] : token->properties) {
      if (absl::Status s = CheckLength(token->FieldOf(claim), claim.value, kMaxPropertyValueBytes);
          !s.ok()) {
        return s;
      }
      out.properties.emplace_back(key, claim.value);
    }
  }
  std::sort(out.properties.begin(), out.properties.end());

  if (absl::Status s = CheckLength("context.device_id", context.device_id(), kMaxIdBytes);
      !s.ok()) {
    return s;
  }
  out.device_id = context.device_id();
  if (out.device_id.empty()) {
    out.device_id = DeriveDeviceId(out.user_agent, out.headers);
    out.device_id_derived = !out.device_id.empty();
  }
  return out;
}

}  // namespace riskd
