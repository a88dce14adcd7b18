#include "server/common/file_stamp.h"

#include <sys/stat.h>

#include "absl/strings/str_format.h"

namespace riskd {

std::string FileStamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return "";
  return absl::StrFormat("%d:%d:%d.%09d", st.st_ino, st.st_size, st.st_mtim.tv_sec,
                         st.st_mtim.tv_nsec);
}

}  // namespace riskd
