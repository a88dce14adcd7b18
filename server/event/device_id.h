// A stable device id for apps that send none.
#ifndef RISKD_SERVER_EVENT_DEVICE_ID_H_
#define RISKD_SERVER_EVENT_DEVICE_ID_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"

namespace riskd {

// Hashes the user agent and the headers a browser sends identically on every
// request (accept-language, client hints). Stable across riskd versions and
// restarts: FNV-1a, not std::hash. Returns "" when there is nothing to hash,
// so server-side events without browser context do not all share one device.
// `headers` must have lower-case names.
std::string DeriveDeviceId(absl::string_view user_agent,
                           const std::vector<std::pair<std::string, std::string>>& headers);

}  // namespace riskd

#endif  // RISKD_SERVER_EVENT_DEVICE_ID_H_
