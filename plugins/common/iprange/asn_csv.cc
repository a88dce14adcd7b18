#include "iprange/asn_csv.h"

#include <charconv>

#include "iprange/whole_file.h"
#include "riskd/detector.h"

namespace riskd_iprange {

std::string UnquoteCsvField(std::string_view field) {
  if (field.size() < 2 || field.front() != '"' || field.back() != '"') return std::string(field);
  std::string out;
  field = field.substr(1, field.size() - 2);
  for (size_t i = 0; i < field.size(); ++i) {
    out.push_back(field[i]);
    if (field[i] == '"' && i + 1 < field.size() && field[i + 1] == '"') ++i;
  }
  return out;
}

size_t ReadAsnCsv(
    const std::string& path, const std::string& key,
    const std::function<bool(uint32_t asn)>& wanted,
    const std::function<void(const IpRange& range, uint32_t asn, std::string_view org)>& row) {
  const std::string text = ReadWholeFile(path, key);
  std::string_view rest = text;
  size_t line = 0;
  size_t rows = 0;
  while (!rest.empty()) {
    ++line;
    size_t end = rest.find('\n');
    std::string_view current = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (!current.empty() && current.back() == '\r') current.remove_suffix(1);
    if (current.empty()) continue;
    auto fail = [&](const std::string& message) {
      throw riskd::SettingError(key, path + ":" + std::to_string(line) + ": " + message +
                                         " (expected start,end,asn,org)");
    };
    const size_t comma1 = current.find(',');
    const size_t comma2 = comma1 == std::string_view::npos ? comma1 : current.find(',', comma1 + 1);
    const size_t comma3 = comma2 == std::string_view::npos ? comma2 : current.find(',', comma2 + 1);
    if (comma3 == std::string_view::npos) fail("fewer than 4 columns");
    std::string_view asn_text = current.substr(comma2 + 1, comma3 - comma2 - 1);
    uint32_t asn = 0;
    auto [ptr, error] = std::from_chars(asn_text.data(), asn_text.data() + asn_text.size(), asn);
    if (error != std::errc() || ptr != asn_text.data() + asn_text.size()) {
      fail("the ASN \"" + std::string(asn_text) + "\" is not a number");
    }
    ++rows;
    if (!wanted(asn)) continue;
    std::optional<IpRange> first = ParseAddress(current.substr(0, comma1));
    std::optional<IpRange> last = ParseAddress(current.substr(comma1 + 1, comma2 - comma1 - 1));
    if (!first || !last || first->family != last->family || first->first > last->first) {
      fail("the start and end are not an IP range");
    }
    row({first->family, first->first, last->first}, asn, current.substr(comma3 + 1));
  }
  return rows;
}

}  // namespace riskd_iprange
