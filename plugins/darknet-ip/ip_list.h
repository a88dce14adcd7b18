// A set of IPv4 and IPv6 ranges, each with a label saying where it came from.
#ifndef RISKD_PLUGINS_DARKNET_IP_IP_LIST_H_
#define RISKD_PLUGINS_DARKNET_IP_IP_LIST_H_

#include <cstdint>
#include <string>
#include <vector>

#include "iprange/address_table.h"
#include "iprange/ip_address.h"
#include "riskd/detector_abi.h"

namespace riskd_darknet_ip {

using riskd_iprange::Family;
using riskd_iprange::IpRange;
using riskd_iprange::ParseAddress;
using riskd_iprange::ParseAddressOrCidr;

class IpList {
 public:
  // Returns a label id to pass to Add; equal labels may share one id.
  uint32_t AddLabel(std::string label);
  void Add(const IpRange& range, uint32_t label) { ranges_.Add(range, label); }
  // Call once after the last Add, before Find.
  void Build() { ranges_.Build(); }

  // The label of the entry holding the address, or nullptr. `bytes` are in
  // network order as in riskd_event (4 bytes used for IPv4).
  const std::string* Find(riskd_ip_family family, const uint8_t* bytes) const;
  const std::string* Find(const IpRange& address) const;

  size_t range_count() const { return ranges_.range_count(); }

 private:
  std::vector<std::string> labels_;
  riskd_iprange::AddressTable ranges_;
};

}  // namespace riskd_darknet_ip

#endif  // RISKD_PLUGINS_DARKNET_IP_IP_LIST_H_
