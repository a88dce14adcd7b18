// The bounds and rules of the user model, from the config's `state:` section.
#ifndef RISKD_SERVER_STATE_USER_MODEL_OPTIONS_H_
#define RISKD_SERVER_STATE_USER_MODEL_OPTIONS_H_

#include <cstddef>

#include "absl/time/time.h"

namespace riskd {

struct UserModelOptions {
  // Bounds that keep a record small whatever the history.
  int max_devices = 8;
  int max_ips = 8;
  int max_countries = 8;
  int max_asns = 8;
  int max_request_hashes = 16;
  size_t max_stored_user_agent = 128;

  absl::Duration risk_half_life = absl::Hours(24 * 7);
  // shared_account: this many devices, or 2 countries, active within the window.
  int shared_account_devices = 3;
  absl::Duration shared_account_window = absl::Hours(1);
  // lost_password: this many failed logins in a row.
  int lost_password_failures = 3;
  // inactive: last seen longer ago than this.
  absl::Duration inactive_after = absl::Hours(24 * 15);
  // tor: seen from a Tor exit or open proxy within this.
  absl::Duration tor_memory = absl::Hours(24 * 30);
};

}  // namespace riskd

#endif  // RISKD_SERVER_STATE_USER_MODEL_OPTIONS_H_
