#include "iprange/asn_table.h"

#include "iprange/asn_csv.h"

namespace riskd_iprange {

size_t AsnTable::Load(const std::string& path, const std::string& key) {
  return ReadAsnCsv(
      path, key, [](uint32_t) { return true; },
      [this](const IpRange& range, uint32_t asn, std::string_view) { ranges_.Add(range, asn); });
}

uint32_t AsnTable::Find(riskd_ip_family family, const uint8_t* bytes) const {
  const uint32_t asn = ranges_.Find(family, bytes);
  return asn == AddressTable::kNotFound ? 0 : asn;
}

uint32_t AsnTable::Find(const IpRange& address) const {
  const uint32_t asn = ranges_.Find(address);
  return asn == AddressTable::kNotFound ? 0 : asn;
}

}  // namespace riskd_iprange
