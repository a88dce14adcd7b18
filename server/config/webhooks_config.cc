#include "server/config/webhooks_config.h"

#include <cstdlib>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "server/common/status_macros.h"
#include "server/webhooks/webhook_event.h"

namespace riskd {
namespace {

// A weak key would make the signature guessable.
constexpr size_t kMinSecretLength = 16;

// "" when `url` is an absolute http(s) URL with a host (and a valid port if
// any), else what is wrong with it.
std::string CheckUrl(absl::string_view url) {
  absl::string_view rest = url;
  if (!absl::ConsumePrefix(&rest, "http://") && !absl::ConsumePrefix(&rest, "https://")) {
    return "must start with http:// or https://";
  }
  for (char c : url) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c)) || absl::ascii_iscntrl(c)) {
      return "must not contain spaces or control characters";
    }
  }
  absl::string_view authority = rest.substr(0, rest.find_first_of("/?#"));
  if (absl::StrContains(authority, '@')) return "must not carry credentials (user@host)";
  absl::string_view host = authority, port;
  if (absl::StartsWith(authority, "[")) {  // [IPv6]:port
    size_t close = authority.find(']');
    if (close == absl::string_view::npos) return "has an unclosed [ in its host";
    host = authority.substr(0, close + 1);
    absl::string_view after = authority.substr(close + 1);
    if (!after.empty() && !absl::ConsumePrefix(&after, ":")) return "has junk after its host";
    port = after;
    if (!after.empty() && port.empty()) return "has an empty port";
  } else if (size_t colon = authority.rfind(':'); colon != absl::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) return "has an empty port";
  }
  if (host.empty() || host == "[]") return "has no host";
  if (!port.empty()) {
    int n = 0;
    if (!absl::SimpleAtoi(port, &n) || n < 1 || n > 65535) {
      return absl::StrCat("has a bad port \"", port, "\"");
    }
  }
  return "";
}

bool IsValidName(absl::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

class WebhooksParser {
 public:
  explicit WebhooksParser(const YamlReader& yaml) : yaml_(yaml) {}

  absl::Status Parse(const YAML::Node& node, WebhooksConfig& config) {
    RISKD_RETURN_IF_ERROR(
        yaml_.CheckKeys(node, "webhooks", {"endpoints", "retry", "poll_interval_ms"}));
    if (node["poll_interval_ms"]) {
      RISKD_ASSIGN_OR_RETURN(
          config.poll_interval,
          Millis(node["poll_interval_ms"], "webhooks.poll_interval_ms", 10, 3'600'000));
    }
    if (node["retry"]) RISKD_RETURN_IF_ERROR(ParseRetry(node["retry"], config));
    if (node["endpoints"]) RISKD_RETURN_IF_ERROR(ParseEndpoints(node["endpoints"], config));
    return absl::OkStatus();
  }

 private:
  absl::StatusOr<absl::Duration> Millis(const YAML::Node& node, const std::string& path,
                                        int64_t min, int64_t max) {
    RISKD_ASSIGN_OR_RETURN(int64_t ms, yaml_.Int(node, path));
    if (ms < min || ms > max) {
      return yaml_.Error(node, path, absl::StrCat("must be between ", min, " and ", max));
    }
    return absl::Milliseconds(ms);
  }

  absl::Status ParseRetry(const YAML::Node& node, WebhooksConfig& config) {
    const std::string path = "webhooks.retry";
    RISKD_RETURN_IF_ERROR(yaml_.CheckKeys(
        node, path, {"initial_backoff_ms", "max_backoff_ms", "max_age_hours", "max_attempts"}));
    if (node["initial_backoff_ms"]) {
      RISKD_ASSIGN_OR_RETURN(
          config.initial_backoff,
          Millis(node["initial_backoff_ms"], path + ".initial_backoff_ms", 1, 86'400'000));
    }
    if (node["max_backoff_ms"]) {
      RISKD_ASSIGN_OR_RETURN(config.max_backoff, Millis(node["max_backoff_ms"],
                                                        path + ".max_backoff_ms", 1, 86'400'000));
    }
    if (config.max_backoff < config.initial_backoff) {
      const YAML::Node where = node["max_backoff_ms"] ? node["max_backoff_ms"] : node;
      return yaml_.Error(where, path + ".max_backoff_ms",
                         absl::StrCat("must not be below initial_backoff_ms (",
                                      absl::ToInt64Milliseconds(config.initial_backoff), ")"));
    }
    if (node["max_age_hours"]) {
      RISKD_ASSIGN_OR_RETURN(
          double h, yaml_.DoubleIn(node["max_age_hours"], path + ".max_age_hours", 0.0001, 720));
      config.max_age = absl::Seconds(h * 3600);
    }
    if (node["max_attempts"]) {
      RISKD_ASSIGN_OR_RETURN(int64_t n, yaml_.Int(node["max_attempts"], path + ".max_attempts"));
      if (n < 0 || n > 1000) {
        return yaml_.Error(node["max_attempts"], path + ".max_attempts",
                           "must be between 0 (no limit but max_age_hours) and 1000");
      }
      config.max_attempts = static_cast<int>(n);
    }
    return absl::OkStatus();
  }

  absl::Status ParseEndpoints(const YAML::Node& node, WebhooksConfig& config) {
    RISKD_RETURN_IF_ERROR(yaml_.ExpectSequence(node, "webhooks.endpoints"));
    absl::flat_hash_set<std::string> names;
    for (size_t i = 0; i < node.size(); ++i) {
      const YAML::Node entry = node[i];
      const std::string path = absl::StrCat("webhooks.endpoints[", i, "]");
      RISKD_RETURN_IF_ERROR(yaml_.CheckKeys(
          entry, path, {"name", "url", "secret_env", "secret", "events", "timeout_ms"}));
      WebhookEndpointConfig e;
      if (!entry["name"]) return yaml_.Error(entry, path + ".name", "is required");
      RISKD_ASSIGN_OR_RETURN(e.name, yaml_.String(entry["name"], path + ".name"));
      if (!IsValidName(e.name)) {
        return yaml_.Error(entry["name"], path + ".name",
                           "may hold only letters, digits, '-', '_' and '.'");
      }
      if (!names.insert(e.name).second) {
        return yaml_.Error(entry["name"], path + ".name",
                           absl::StrCat("\"", e.name, "\" is used by an earlier endpoint"));
      }
      if (!entry["url"]) return yaml_.Error(entry, path + ".url", "is required");
      RISKD_ASSIGN_OR_RETURN(e.url, yaml_.String(entry["url"], path + ".url"));
      if (std::string problem = CheckUrl(e.url); !problem.empty()) {
        return yaml_.Error(entry["url"], path + ".url", absl::StrCat("\"", e.url, "\" ", problem));
      }
      RISKD_ASSIGN_OR_RETURN(e.secret, Secret(entry, path));
      if (!entry["events"]) {
        return yaml_.Error(
            entry, path + ".events",
            absl::StrCat("is required (a list of: ", absl::StrJoin(kWebhookEventKinds, ", "), ")"));
      }
      RISKD_ASSIGN_OR_RETURN(e.events, yaml_.StringList(entry["events"], path + ".events"));
      if (e.events.empty()) {
        return yaml_.Error(entry["events"], path + ".events", "must name at least one event");
      }
      for (size_t k = 0; k < e.events.size(); ++k) {
        if (!IsWebhookEventKind(e.events[k])) {
          return yaml_.Error(entry["events"][k], absl::StrCat(path, ".events[", k, "]"),
                             absl::StrCat("unknown event \"", e.events[k], "\" (expected one of: ",
                                          absl::StrJoin(kWebhookEventKinds, ", "), ")"));
        }
      }
      if (entry["timeout_ms"]) {
        RISKD_ASSIGN_OR_RETURN(e.timeout,
                               Millis(entry["timeout_ms"], path + ".timeout_ms", 1, 600'000));
      }
      config.endpoints.push_back(std::move(e));
    }
    return absl::OkStatus();
  }

  // Exactly one of secret_env (the name of an environment variable) and secret.
  absl::StatusOr<std::string> Secret(const YAML::Node& entry, const std::string& path) {
    if (entry["secret_env"] && entry["secret"]) {
      return yaml_.Error(entry["secret"], path + ".secret",
                         "give either secret_env or secret, not both");
    }
    std::string secret;
    const YAML::Node where = entry["secret_env"] ? entry["secret_env"] : entry["secret"];
    const std::string key = path + (entry["secret_env"] ? ".secret_env" : ".secret");
    if (entry["secret_env"]) {
      RISKD_ASSIGN_OR_RETURN(std::string var, yaml_.String(where, key));
      const char* value = std::getenv(var.c_str());
      if (value == nullptr) {
        return yaml_.Error(where, key,
                           absl::StrCat("the environment variable ", var, " is not set"));
      }
      secret = value;
      if (secret.size() < kMinSecretLength) {
        return yaml_.Error(where, key,
                           absl::StrCat("the environment variable ", var, " holds ", secret.size(),
                                        " characters; a secret needs at least ", kMinSecretLength));
      }
    } else if (entry["secret"]) {
      RISKD_ASSIGN_OR_RETURN(secret, yaml_.String(where, key));
      if (secret.size() < kMinSecretLength) {
        return yaml_.Error(where, key,
                           absl::StrCat("has ", secret.size(),
                                        " characters; a secret needs at least ", kMinSecretLength));
      }
    } else {
      return yaml_.Error(entry, path + ".secret_env",
                         "is required (the name of the environment variable holding the "
                         "signing secret; or give the secret itself as `secret`)");
    }
    return secret;
  }

  const YamlReader& yaml_;
};

}  // namespace

absl::Status ParseWebhooksConfig(const YamlReader& yaml, const YAML::Node& node,
                                 WebhooksConfig& config) {
  return WebhooksParser(yaml).Parse(node, config);
}

}  // namespace riskd
