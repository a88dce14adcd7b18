// The `webhooks:` section of riskd's config: where riskd POSTs review and
// incident events, and how it retries. Reloadable as a whole.
#ifndef RISKD_SERVER_CONFIG_WEBHOOKS_CONFIG_H_
#define RISKD_SERVER_CONFIG_WEBHOOKS_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/config/yaml_reader.h"
#include "yaml-cpp/yaml.h"

namespace riskd {

struct WebhookEndpointConfig {
  std::string name;  // unique; stored with each delivery
  std::string url;   // http:// or https://
  // The HMAC key, read from the environment variable `secret_env` at load
  // (or given inline as `secret`).
  std::string secret;
  std::vector<std::string> events;  // the kinds this endpoint receives
  absl::Duration timeout = absl::Seconds(5);

  bool Wants(absl::string_view kind) const {
    for (const std::string& e : events) {
      if (e == kind) return true;
    }
    return false;
  }
};

struct WebhooksConfig {
  std::vector<WebhookEndpointConfig> endpoints;
  // How often each riskd looks for due deliveries.
  absl::Duration poll_interval = absl::Seconds(1);
  // Retries wait initial_backoff, doubling up to max_backoff, with jitter,
  // until a delivery is max_age old (or after max_attempts when not 0); then
  // it moves to the failed list (`riskctl webhooks failed`).
  absl::Duration initial_backoff = absl::Seconds(1);
  absl::Duration max_backoff = absl::Minutes(10);
  absl::Duration max_age = absl::Hours(24);
  int max_attempts = 0;

  const WebhookEndpointConfig* Endpoint(absl::string_view name) const {
    for (const WebhookEndpointConfig& e : endpoints) {
      if (e.name == name) return &e;
    }
    return nullptr;
  }
};

// Parses `node` (the value of `webhooks:`) into `config`. Errors name the
// file, line and key, like the rest of the config.
absl::Status ParseWebhooksConfig(const YamlReader& yaml, const YAML::Node& node,
                                 WebhooksConfig& config);

}  // namespace riskd

#endif  // RISKD_SERVER_CONFIG_WEBHOOKS_CONFIG_H_
