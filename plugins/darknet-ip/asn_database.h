// Reads an IP-to-ASN CSV (start,end,asn,org per line, as in
// @ip-location-db/asn) and keeps only the ranges of chosen ASNs.
#ifndef RISKD_PLUGINS_DARKNET_IP_ASN_DATABASE_H_
#define RISKD_PLUGINS_DARKNET_IP_ASN_DATABASE_H_

#include <cstdint>
#include <string>
#include <unordered_set>

#include "ip_list.h"

namespace riskd_darknet_ip {

// Adds to `list` every range whose ASN is in `asns`, labelled
// "AS<asn> <org>". Rows of other ASNs are only checked for their ASN column,
// which keeps start-up short. Throws riskd::SettingError for `key` naming the
// file and line of a malformed row. Returns the number of rows read.
size_t LoadAsnRanges(const std::string& path, const std::string& key,
                     const std::unordered_set<uint32_t>& asns, IpList& list);

}  // namespace riskd_darknet_ip

#endif  // RISKD_PLUGINS_DARKNET_IP_ASN_DATABASE_H_
