// Who an event is about, as the detector's state keys name them: the client
// IP (IPv6 grouped by prefix, since one client holds a whole /64), the user
// and the device, each as a Redis Cluster hash tag so that all keys of one IP
// (or one user) live in one slot and are read in one round trip.
#ifndef RISKD_PLUGINS_BOT_BEHAVIOUR_EVENT_SUBJECTS_H_
#define RISKD_PLUGINS_BOT_BEHAVIOUR_EVENT_SUBJECTS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "riskd/detector.h"

namespace riskd_bot_behaviour {

struct EventSubjects {
  int64_t at_ms = 0;
  bool login = false;      // a succeeded or failed login naming a user
  bool failed = false;     // a failed login
  std::string ip;          // "203.0.113.9", "2001:db8:1:2::/64"; empty without an IP
  std::string ip_tag;      // "{203.0.113.9}"; empty without an IP
  std::string ip_hash;     // ShortHash(ip)
  std::string user_tag;    // "{u:alice}"; empty without a user id
  std::string user_hash;   // ShortHash(user id)
  std::string device_tag;  // "{d:dev_0123}"; empty without a device id
};

// `ipv6_prefix_length`: 1..128; IPv6 addresses are grouped by that prefix.
EventSubjects SubjectsOf(const riskd::Event& event, int ipv6_prefix_length);

// The IPv6 network of `bytes` with `prefix_length` bits, in text:
// "2001:db8:1:2::/64" (a /128 prints the whole address without the suffix).
std::string Ipv6Network(const uint8_t* bytes, int prefix_length);

// A short stable hash (FNV-1a, 64 bits, 16 hex digits) for marker keys: the
// same on every replica and build, unlike std::hash.
std::string ShortHash(std::string_view text);

// `id` inside braces, with '{', '}' and '%' escaped so the tag stays one tag.
std::string HashTag(std::string_view kind, std::string_view id);

}  // namespace riskd_bot_behaviour

#endif  // RISKD_PLUGINS_BOT_BEHAVIOUR_EVENT_SUBJECTS_H_
