// IP address -> AS number over a whole IP-to-ASN CSV (every row), for
// detectors that need the ASN of any address, not a chosen few.
#ifndef RISKD_PLUGINS_COMMON_IPRANGE_ASN_TABLE_H_
#define RISKD_PLUGINS_COMMON_IPRANGE_ASN_TABLE_H_

#include <cstdint>
#include <string>

#include "iprange/address_table.h"
#include "iprange/ip_address.h"
#include "riskd/detector_abi.h"

namespace riskd_iprange {

class AsnTable {
 public:
  // Adds every row of a start,end,asn,org CSV (IPv4, IPv6 or both). Throws
  // riskd::SettingError for `key` as ReadAsnCsv does. Returns the rows read.
  size_t Load(const std::string& path, const std::string& key);
  // Call once after the last Load, before Find.
  void Build() { ranges_.Build(); }

  // The AS number announcing the address, 0 when no row holds it (private
  // and unannounced space). `bytes` in network order as in riskd_event.
  uint32_t Find(riskd_ip_family family, const uint8_t* bytes) const;
  uint32_t Find(const IpRange& address) const;

  size_t range_count() const { return ranges_.range_count(); }

 private:
  // The label is the ASN itself: adjacent ranges of one ASN merge.
  AddressTable ranges_;
};

}  // namespace riskd_iprange

#endif  // RISKD_PLUGINS_COMMON_IPRANGE_ASN_TABLE_H_
