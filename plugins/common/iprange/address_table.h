// IPv4 and IPv6 ranges, each with a 32-bit label: one RangeTable per family,
// looked up by a parsed range or by an event's family and bytes.
#ifndef RISKD_PLUGINS_COMMON_IPRANGE_ADDRESS_TABLE_H_
#define RISKD_PLUGINS_COMMON_IPRANGE_ADDRESS_TABLE_H_

#include <cstdint>

#include "iprange/ip_address.h"
#include "iprange/range_table.h"
#include "riskd/detector_abi.h"

namespace riskd_iprange {

class AddressTable {
 public:
  static constexpr uint32_t kNotFound = RangeTable<uint32_t>::kNotFound;

  // Overlaps are resolved as RangeTable::Build does. Build() must run before Find().
  void Add(const IpRange& range, uint32_t label) {
    if (range.family == Family::kV4) {
      v4_.Add(static_cast<uint32_t>(range.first), static_cast<uint32_t>(range.last), label);
    } else {
      v6_.Add(range.first, range.last, label);
    }
  }
  void Build() {
    v4_.Build();
    v6_.Build();
  }

  // The label of the range holding the address, or kNotFound. `bytes` are in
  // network order as in riskd_event (4 bytes used for IPv4).
  uint32_t Find(riskd_ip_family family, const uint8_t* bytes) const {
    if (family == RISKD_IP_V4) return v4_.Find(V4FromBytes(bytes));
    if (family == RISKD_IP_V6) return v6_.Find(V6FromBytes(bytes));
    return kNotFound;
  }
  // `address`: a single address (first == last).
  uint32_t Find(const IpRange& address) const {
    return address.family == Family::kV4 ? v4_.Find(static_cast<uint32_t>(address.first))
                                         : v6_.Find(address.first);
  }

  size_t range_count() const { return v4_.size() + v6_.size(); }

 private:
  RangeTable<uint32_t> v4_;
  RangeTable<Uint128> v6_;
};

}  // namespace riskd_iprange

#endif  // RISKD_PLUGINS_COMMON_IPRANGE_ADDRESS_TABLE_H_
