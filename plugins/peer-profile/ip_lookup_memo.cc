#include "ip_lookup_memo.h"

#include <atomic>
#include <cstring>

namespace riskd_peer_profile {
namespace {

// Country codes are two letters; anything longer is not remembered.
constexpr size_t kMaxCountry = 7;

struct LastLookup {
  uint64_t memo_id = 0;  // 0: empty
  int32_t family = 0;
  uint8_t ip[16] = {};
  uint32_t asn = 0;
  bool has_location = false;
  char country[kMaxCountry + 1] = {};
  bool has_longitude = false;
  double longitude = 0;
};

thread_local LastLookup last;

std::atomic<uint64_t> next_memo_id{1};

}  // namespace

IpLookupMemo::IpLookupMemo() : id_(next_memo_id.fetch_add(1)) {}

std::optional<IpLookup> IpLookupMemo::Find(int32_t family, const uint8_t* ip_bytes) const {
  if (last.memo_id != id_ || last.family != family || std::memcmp(last.ip, ip_bytes, 16) != 0) {
    return std::nullopt;
  }
  IpLookup lookup{.asn = last.asn};
  if (last.has_location) {
    lookup.where = Location{last.country, std::nullopt};
    if (last.has_longitude) lookup.where->longitude = last.longitude;
  }
  return lookup;
}

void IpLookupMemo::Remember(int32_t family, const uint8_t* ip_bytes, const IpLookup& lookup) const {
  if (lookup.where && lookup.where->country_code.size() > kMaxCountry) {
    last.memo_id = 0;
    return;
  }
  last.memo_id = id_;
  last.family = family;
  std::memcpy(last.ip, ip_bytes, 16);
  last.asn = lookup.asn;
  last.has_location = lookup.where.has_value();
  std::memset(last.country, 0, sizeof last.country);
  last.has_longitude = false;
  if (lookup.where) {
    std::memcpy(last.country, lookup.where->country_code.data(), lookup.where->country_code.size());
    last.has_longitude = lookup.where->longitude.has_value();
    last.longitude = lookup.where->longitude.value_or(0);
  }
}

}  // namespace riskd_peer_profile
