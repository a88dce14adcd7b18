#include "iprange/whole_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>

#include "riskd/detector.h"

namespace riskd_iprange {

std::string ReadWholeFile(const std::string& path, const std::string& key) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw riskd::SettingError(key, "cannot read " + path + ": " + std::strerror(errno));
  // One read into a string of the file's size: the ASN CSVs are 33 MB.
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  in.seekg(0, std::ios::beg);
  std::string text(size > 0 ? static_cast<size_t>(size) : 0, '\0');
  if (size < 0 || !in.read(text.data(), size)) {
    throw riskd::SettingError(key, "error reading " + path);
  }
  return text;
}

}  // namespace riskd_iprange
