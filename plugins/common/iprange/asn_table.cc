#include "iprange/asn_table.h"

#include "iprange/asn_csv.h"

namespace riskd_iprange {

size_t AsnTable::Load(const std::string& path, const std::string& key) {
  return ReadAsnCsv(
      path, key, [](uint32_t) { return true; },
      [this](const IpRange& range, uint32_t asn, std::string_view) {
        if (range.family == Family::kV4) {
          v4_.Add(static_cast<uint32_t>(range.first), static_cast<uint32_t>(range.last), asn);
        } else {
          v6_.Add(range.first, range.last, asn);
        }
      });
}

void AsnTable::Build() {
  v4_.Build();
  v6_.Build();
}

uint32_t AsnTable::Find(riskd_ip_family family, const uint8_t* bytes) const {
  uint32_t asn = RangeTable<uint32_t>::kNotFound;
  if (family == RISKD_IP_V4) {
    asn = v4_.Find(V4FromBytes(bytes));
  } else if (family == RISKD_IP_V6) {
    asn = v6_.Find(V6FromBytes(bytes));
  }
  return asn == RangeTable<uint32_t>::kNotFound ? 0 : asn;
}

uint32_t AsnTable::Find(const IpRange& address) const {
  uint32_t asn = address.family == Family::kV4 ? v4_.Find(static_cast<uint32_t>(address.first))
                                               : v6_.Find(address.first);
  return asn == RangeTable<uint32_t>::kNotFound ? 0 : asn;
}

}  // namespace riskd_iprange
