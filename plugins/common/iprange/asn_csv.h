// Reads an IP-to-ASN CSV: one inclusive range per line, "start,end,asn,org",
// as in @ip-location-db/asn (asn-ipv4.csv, asn-ipv6.csv).
#ifndef RISKD_PLUGINS_COMMON_IPRANGE_ASN_CSV_H_
#define RISKD_PLUGINS_COMMON_IPRANGE_ASN_CSV_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "iprange/ip_address.h"

namespace riskd_iprange {

// Calls `wanted(asn)` for every row and, for the rows it accepts, parses the
// range and calls `row(range, asn, org)` (org as written, maybe quoted: see
// UnquoteCsvField). Only the ASN column of the other rows is parsed, which
// keeps reading a few ASNs out of 500,000 rows short. Throws
// riskd::SettingError for `key` naming the file and line of a malformed row.
// Returns the number of rows read.
size_t ReadAsnCsv(
    const std::string& path, const std::string& key,
    const std::function<bool(uint32_t asn)>& wanted,
    const std::function<void(const IpRange& range, uint32_t asn, std::string_view org)>& row);

// A CSV field without its quotes ("Amazon.com, Inc." keeps its comma; ""
// inside quotes is one ").
std::string UnquoteCsvField(std::string_view field);

}  // namespace riskd_iprange

#endif  // RISKD_PLUGINS_COMMON_IPRANGE_ASN_CSV_H_
