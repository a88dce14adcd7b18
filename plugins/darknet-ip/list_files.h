// Reads the IP lists: one address or CIDR per line, the Tor exit list (that
// format or tor-detect's JSON array) and inline setting values. Every error
// throws riskd::SettingError for the setting, naming the file and line.
#ifndef RISKD_PLUGINS_DARKNET_IP_LIST_FILES_H_
#define RISKD_PLUGINS_DARKNET_IP_LIST_FILES_H_

#include <string>
#include <vector>

#include "ip_list.h"
#include "iprange/whole_file.h"

namespace riskd_darknet_ip {

using riskd_iprange::ReadWholeFile;

// One address or CIDR per line; '#' starts a comment; blank lines are
// skipped. Each entry is labelled "<entry> (<path>:<line>)".
void LoadLineList(const std::string& path, const std::string& key, IpList& list);

// The Tor exit list, every entry labelled `label`: either the Tor Project's
// bulk exit list (one address per line, '#' comments) or a JSON array of
// strings as in tor-detect's ips.json, whose strings starting with '#' or
// holding spaces are the list's notices, not entries.
void LoadTorList(const std::string& path, const std::string& key, const std::string& label,
                 IpList& list);

// Entries given in the config; each labelled "<entry> (setting <key>)".
void AddInlineEntries(const std::vector<std::string>& entries, const std::string& key,
                      IpList& list);

}  // namespace riskd_darknet_ip

#endif  // RISKD_PLUGINS_DARKNET_IP_LIST_FILES_H_
