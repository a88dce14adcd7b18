// An event after validation: every field parsed, normalised and within limits.
#ifndef RISKD_SERVER_EVENT_NORMALIZED_EVENT_H_
#define RISKD_SERVER_EVENT_NORMALIZED_EVENT_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "riskd/v1/riskd.pb.h"
#include "server/common/ip_address.h"

namespace riskd {

struct NormalizedEvent {
  riskd::v1::EventType type = riskd::v1::EVENT_TYPE_UNSPECIFIED;
  std::string request_id;  // sent, or generated
  bool request_id_generated = false;  // a generated id cannot be retried
  absl::Time occurred_at;
  std::optional<absl::Time> registered_at;
  std::string user_id;
  std::string email;            // lower-case, trimmed
  std::string email_domain;     // without a trailing dot
  std::optional<IpAddress> ip;  // the client, after trusted proxies
  std::string country;          // of `ip`, from the config's geoip files; may be ""
  std::string user_agent;
  std::string device_id;  // sent, or derived from the browser's headers
  bool device_id_derived = false;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::vector<std::pair<std::string, std::string>> properties;
};

}  // namespace riskd

#endif  // RISKD_SERVER_EVENT_NORMALIZED_EVENT_H_
