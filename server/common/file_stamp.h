// A cheap identity for a file's content: changes when the file is replaced or
// rewritten. Used to notice edited configs and rebuilt plugins.
#ifndef RISKD_SERVER_COMMON_FILE_STAMP_H_
#define RISKD_SERVER_COMMON_FILE_STAMP_H_

#include <string>

namespace riskd {

// inode, size and modification time; "" when the file cannot be read.
std::string FileStamp(const std::string& path);

}  // namespace riskd

#endif  // RISKD_SERVER_COMMON_FILE_STAMP_H_
