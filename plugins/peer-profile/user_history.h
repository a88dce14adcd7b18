// One user's history, kept by peer-profile as one compact value per user:
// the values seen at each feature with their counts, an hour-of-day
// histogram, and the activity numbers the peer comparison needs.
//
// Bounded: at most max_values entries per feature (16 at most), each a
// 32-bit id of the hashed value and a count; 24 hour counts; 16 recent IP ids.
// A realistic history encodes to about 400 bytes. Counts decay: when the
// logins counted exceed max_logins, every count is halved (and values whose
// count drops to 0 are forgotten), so old habits fade and the history's
// weight is capped.
#ifndef RISKD_PLUGINS_PEER_PROFILE_USER_HISTORY_H_
#define RISKD_PLUGINS_PEER_PROFILE_USER_HISTORY_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "login_features.h"

namespace riskd_peer_profile {

inline constexpr int kMaxValuesPerFeature = 16;
inline constexpr int kMaxRecentIps = 16;

struct ValueCount {
  uint32_t id = 0;  // the low 32 bits of the value's hash
  uint32_t count = 0;
  // The half-window (Windows::HalfWindow) in which this user last counted
  // the value in the global statistics; 0: never.
  uint32_t counted = 0;
};

// Per feature, then the total (index kFeatureCount): half-windows.
using CountedWindows = std::array<uint32_t, kFeatureCount + 1>;

// Most recently seen first.
struct FeatureValues {
  std::array<ValueCount, kMaxValuesPerFeature> items{};
  int size = 0;
};

struct UserHistory {
  // Succeeded logins learned (decayed with the counts).
  uint32_t logins = 0;
  std::array<FeatureValues, kFeatureCount> values{};
  std::array<uint32_t, 24> hours{};  // learned logins per local hour
  uint32_t counted = 0;              // half-window in which the user was last counted in the total

  // Activity of the account, every event type (for the peer comparison).
  int64_t activity_hour = 0;  // unix hours of the account's latest active hour
  uint32_t hour_events = 0;   // events in that hour
  uint32_t attempts = 0;      // logins tried (succeeded + failed)
  uint32_t failures = 0;      // failed logins
  uint32_t distinct_ips = 0;  // distinct IPs seen (approximately: see recent_ips)
  std::array<uint32_t, kMaxRecentIps> recent_ips{};  // ids, most recent first
  int recent_ip_count = 0;

  // The count of value `hash` at `feature`; 0 when unseen.
  uint32_t Count(Feature feature, uint64_t hash) const;

  // Learns a succeeded login: +1 to each present feature's value (evicting
  // the least counted, least recent one when full) and to the local hour.
  // Marks each value, and the user, counted in `half_window` and returns
  // where they were last counted (0: never; absent features 0 too).
  CountedWindows Learn(const LoginFeatures& login, int max_values, uint32_t max_logins,
                       uint32_t half_window = 0);

  // Counts one event of any type in the account's activity; returns true
  // when it starts a new active hour (the previous one is then complete).
  bool CountActivity(int64_t occurred_at_ms, bool login_attempt, bool failed,
                     const LoginFeatures& login);

  std::string Encode() const;
  // False (and *out untouched) for bytes that are not a history of this
  // format: the caller starts afresh.
  static bool Decode(std::string_view bytes, UserHistory* out);
};

}  // namespace riskd_peer_profile

#endif  // RISKD_PLUGINS_PEER_PROFILE_USER_HISTORY_H_
