#include "server/identity/identity_resolver.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "server/common/logging.h"
#include "server/identity/cookie_header.h"

namespace riskd {
namespace {

using google::protobuf::Value;

// Events a user makes inside a session, where the session's token and the
// app's user.id must agree.
bool InsideSession(riskd::v1::EventType type) {
  return type == riskd::v1::EVENT_TYPE_PROFILE_UPDATE || type == riskd::v1::EVENT_TYPE_TRANSACTION;
}

// "aud" is a string or a list of strings (RFC 7519 section 4.1.3).
bool AudienceContains(const Value& aud, const std::string& audience) {
  if (aud.kind_case() == Value::kStringValue) return aud.string_value() == audience;
  if (aud.kind_case() != Value::kListValue) return false;
  for (const Value& item : aud.list_value().values()) {
    if (item.kind_case() == Value::kStringValue && item.string_value() == audience) return true;
  }
  return false;
}

}  // namespace

std::string TokenIdentity::FieldOf(const TokenClaim& c) const {
  return absl::StrCat(source, ": JWT claim \"", c.claim, "\"");
}

IdentityResolver::IdentityResolver(JwtIdentityConfig config) : config_(std::move(config)) {
  source_ = config_.carrier == JwtIdentityConfig::Carrier::kCookie
                ? absl::StrCat("context.headers.cookie[", config_.name, "]")
                : absl::StrCat("context.headers[", config_.name, "]");
}

std::optional<absl::string_view> IdentityResolver::FindToken(const riskd::v1::Event& event) const {
  const bool in_cookie = config_.carrier == JwtIdentityConfig::Carrier::kCookie;
  const absl::string_view header_name =
      in_cookie ? absl::string_view("cookie") : absl::string_view(config_.name);
  for (const auto& [name, value] : event.context().headers()) {
    if (!absl::EqualsIgnoreCase(name, header_name)) continue;
    if (in_cookie) return FindCookie(value, config_.name);
    absl::string_view token = absl::StripAsciiWhitespace(value);
    // "Bearer <token>" (RFC 6750), or the bare token in a header of the app's
    // own; any other scheme ("Basic ...") carries no JWT.
    const size_t space = token.find(' ');
    if (space == absl::string_view::npos) return token;
    if (!absl::EqualsIgnoreCase(token.substr(0, space), "bearer")) return std::nullopt;
    return absl::StripLeadingAsciiWhitespace(token.substr(space + 1));
  }
  return std::nullopt;
}

absl::Status IdentityResolver::Verify(const JwtToken& token, absl::Time at) const {
  if (config_.key != nullptr) {
    const absl::string_view expected = JwtAlgorithmName(config_.key->algorithm());
    // The configured algorithm, never the token's choice: a token must not
    // pick "none", or HS256 keyed with a public key that everyone knows.
    if (token.algorithm != expected) {
      return absl::InvalidArgumentError(
          absl::StrCat("algorithm \"", token.algorithm, "\" is refused (expected ", expected, ")"));
    }
    if (absl::Status s = config_.key->Verify(token.signing_input, token.signature); !s.ok()) {
      return s;
    }
  }
  if (absl::Status s = CheckJwtTimes(token, at, {config_.expiry_required, config_.leeway});
      !s.ok()) {
    return s;
  }
  if (!config_.issuer.empty()) {
    const Value* iss = token.Claim("iss");
    if (iss == nullptr || iss->kind_case() != Value::kStringValue ||
        iss->string_value() != config_.issuer) {
      return absl::InvalidArgumentError(
          absl::StrCat("issuer (\"iss\") is not \"", config_.issuer, "\""));
    }
  }
  if (!config_.audience.empty()) {
    const Value* aud = token.Claim("aud");
    if (aud == nullptr || !AudienceContains(*aud, config_.audience)) {
      return absl::InvalidArgumentError(
          absl::StrCat("audience (\"aud\") does not include \"", config_.audience, "\""));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<TokenIdentity> IdentityResolver::Read(absl::string_view compact,
                                                     absl::Time at) const {
  auto invalid = [this](absl::string_view problem) {
    return absl::InvalidArgumentError(absl::StrCat(source_, ": JWT ", problem));
  };
  absl::StatusOr<JwtToken> token = ParseJwt(compact);
  if (!token.ok()) return invalid(token.status().message());
  if (absl::Status s = Verify(*token, at); !s.ok()) return invalid(s.message());

  TokenIdentity identity;
  identity.source = source_;
  const Value* user = token->Claim(config_.user_id_claim);
  const bool is_text = user != nullptr && user->kind_case() == Value::kStringValue;
  const bool is_integer = user != nullptr && user->kind_case() == Value::kNumberValue &&
                          IsExactInteger(user->number_value());
  if (!is_text && !is_integer) {
    return invalid(user == nullptr ? absl::StrCat("has no \"", config_.user_id_claim, "\" claim")
                                   : absl::StrCat("claim \"", config_.user_id_claim,
                                                  "\" is not a string or an exact integer"));
  }
  identity.user_id = {config_.user_id_claim, *ClaimText(*token, config_.user_id_claim)};
  if (identity.user_id.value.empty()) {
    return invalid(absl::StrCat("claim \"", config_.user_id_claim, "\" is empty"));
  }
  auto optional_claim = [&](const std::string& claim) -> std::optional<TokenClaim> {
    if (claim.empty()) return std::nullopt;
    std::optional<std::string> text = ClaimText(*token, claim);
    if (!text || text->empty()) return std::nullopt;
    return TokenClaim{claim, *std::move(text)};
  };
  identity.email = optional_claim(config_.email_claim);
  identity.registered_at = optional_claim(config_.registered_at_claim);
  for (const auto& [property, claim] : config_.kept_claims) {
    if (std::optional<std::string> text = ClaimText(*token, claim)) {
      identity.properties.emplace_back(absl::StrCat(kJwtPropertyPrefix, property),
                                       TokenClaim{claim, *std::move(text)});
    }
  }
  return identity;
}

absl::StatusOr<std::optional<TokenIdentity>> IdentityResolver::Resolve(
    const riskd::v1::Event& event, absl::Time at) const {
  std::optional<absl::string_view> compact = FindToken(event);
  if (!compact || compact->empty()) return std::nullopt;  // "session=" after a logout
  const std::string& sent_user = event.user().id();
  const bool user_id_wins = !sent_user.empty() && !InsideSession(event.type());

  absl::StatusOr<TokenIdentity> identity = Read(*compact, at);
  if (!identity.ok()) {
    if (user_id_wins || !config_.reject_invalid) {
      if (LogEnabled(LogLevel::kDebug)) {
        Log(LogLevel::kDebug, "JWT ignored",
            {{"request_id", event.request_id()},
             {"error", std::string(identity.status().message())}});
      }
      return std::nullopt;
    }
    return identity.status();
  }
  if (!sent_user.empty() && identity->user_id.value != sent_user) {
    if (user_id_wins) return std::nullopt;
    return absl::InvalidArgumentError(absl::StrCat(
        "user.id: \"", sent_user, "\" is not the user of the JWT in ", source_, " (claim \"",
        identity->user_id.claim, "\" is \"", identity->user_id.value, "\")"));
  }
  return identity;
}

}  // namespace riskd
