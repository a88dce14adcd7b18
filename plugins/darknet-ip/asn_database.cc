#include "asn_database.h"

#include <string_view>
#include <unordered_map>

#include "iprange/asn_csv.h"

namespace riskd_darknet_ip {

size_t LoadAsnRanges(const std::string& path, const std::string& key,
                     const std::unordered_set<uint32_t>& asns, IpList& list) {
  std::unordered_map<std::string, uint32_t> label_ids;  // one label per ASN and org
  return riskd_iprange::ReadAsnCsv(
      path, key, [&](uint32_t asn) { return asns.count(asn) > 0; },
      [&](const IpRange& range, uint32_t asn, std::string_view org) {
        std::string label = "AS" + std::to_string(asn) + " " + riskd_iprange::UnquoteCsvField(org);
        auto [it, added] = label_ids.try_emplace(std::move(label), 0);
        if (added) it->second = list.AddLabel(it->first);
        list.Add(range, it->second);
      });
}

}  // namespace riskd_darknet_ip
