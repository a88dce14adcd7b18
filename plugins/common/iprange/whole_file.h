// Reads a detector's data file into memory in one go.
#ifndef RISKD_PLUGINS_COMMON_IPRANGE_WHOLE_FILE_H_
#define RISKD_PLUGINS_COMMON_IPRANGE_WHOLE_FILE_H_

#include <string>

namespace riskd_iprange {

// The whole file; throws riskd::SettingError for the setting `key`, naming
// `path`, when it cannot be read.
std::string ReadWholeFile(const std::string& path, const std::string& key);

}  // namespace riskd_iprange

#endif  // RISKD_PLUGINS_COMMON_IPRANGE_WHOLE_FILE_H_
