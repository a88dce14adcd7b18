// Reads a list of e-mail domains from a file: a JSON array of strings (the
// format of the npm disposable-email packages) or plain text, one domain a
// line with `#` comments (the format operators keep by hand).
#ifndef RISKD_PLUGINS_DISPOSABLE_EMAIL_DOMAIN_LIST_FILE_H_
#define RISKD_PLUGINS_DISPOSABLE_EMAIL_DOMAIN_LIST_FILE_H_

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace riskd_disposable_email {

class ListFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses `text`. Each entry goes through NormalizeDomain; entries that are
// empty afterwards are dropped. Throws ListFileError with a line number.
std::vector<std::string> ParseDomainList(std::string_view text);

// Reads and parses the file at `path`. Throws ListFileError naming the path.
std::vector<std::string> ReadDomainListFile(const std::string& path);

// Lower-case, without surrounding whitespace, a leading "*." or "@" and
// trailing dots: "*.Mailinator.COM." -> "mailinator.com".
std::string NormalizeDomain(std::string_view domain);

}  // namespace riskd_disposable_email

#endif  // RISKD_PLUGINS_DISPOSABLE_EMAIL_DOMAIN_LIST_FILE_H_
