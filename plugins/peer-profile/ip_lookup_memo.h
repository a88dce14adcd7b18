// The last IP lookup (ASN and location) of each thread, for one detector
// instance. riskd calls StateKeys and then Evaluate for an event on the same
// thread, and both need the IP's features: the second finds the lookup here
// instead of searching the GeoIP database again (~13k instructions each).
//
// Plain data in a thread_local, so that it needs no destructor: a thread may
// outlive the plugin's library after a reload unloads it.
#ifndef RISKD_PLUGINS_PEER_PROFILE_IP_LOOKUP_MEMO_H_
#define RISKD_PLUGINS_PEER_PROFILE_IP_LOOKUP_MEMO_H_

#include <cstdint>
#include <optional>

#include "login_features.h"

namespace riskd_peer_profile {

struct IpLookup {
  std::optional<Location> where;
  uint32_t asn = 0;
};

class IpLookupMemo {
 public:
  // A memo of its own per detector instance: a reloaded instance may read
  // other data files.
  IpLookupMemo();

  // The remembered lookup of `ip_bytes` (16 bytes, family 4 or 6), if it is
  // this thread's last for this instance.
  std::optional<IpLookup> Find(int32_t family, const uint8_t* ip_bytes) const;
  void Remember(int32_t family, const uint8_t* ip_bytes, const IpLookup& lookup) const;

 private:
  uint64_t id_;
};

}  // namespace riskd_peer_profile

#endif  // RISKD_PLUGINS_PEER_PROFILE_IP_LOOKUP_MEMO_H_
