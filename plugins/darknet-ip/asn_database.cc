#include "asn_database.h"

#include <charconv>
#include <string_view>
#include <unordered_map>

#include "list_files.h"
#include "riskd/detector.h"

namespace riskd_darknet_ip {
namespace {

// The org column, without CSV quoting ("Amazon.com, Inc." keeps its comma).
std::string Unquote(std::string_view field) {
  if (field.size() < 2 || field.front() != '"' || field.back() != '"') return std::string(field);
  std::string out;
  field = field.substr(1, field.size() - 2);
  for (size_t i = 0; i < field.size(); ++i) {
    out.push_back(field[i]);
    if (field[i] == '"' && i + 1 < field.size() && field[i + 1] == '"') ++i;
  }
  return out;
}

}  // namespace

size_t LoadAsnRanges(const std::string& path, const std::string& key,
                     const std::unordered_set<uint32_t>& asns, IpList& list) {
  const std::string text = ReadWholeFile(path, key);
  std::unordered_map<std::string, uint32_t> label_ids;  // one label per ASN and org
  std::string_view rest = text;
  size_t line = 0;
  size_t rows = 0;
  while (!rest.empty()) {
    ++line;
    size_t end = rest.find('\n');
    std::string_view row = rest.substr(0, end);
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    if (!row.empty() && row.back() == '\r') row.remove_suffix(1);
    if (row.empty()) continue;
    auto fail = [&](const std::string& message) {
      throw riskd::SettingError(key, path + ":" + std::to_string(line) + ": " + message +
                                         " (expected start,end,asn,org)");
    };
    const size_t comma1 = row.find(',');
    const size_t comma2 = comma1 == std::string_view::npos ? comma1 : row.find(',', comma1 + 1);
    const size_t comma3 = comma2 == std::string_view::npos ? comma2 : row.find(',', comma2 + 1);
    if (comma3 == std::string_view::npos) fail("fewer than 4 columns");
    std::string_view asn_text = row.substr(comma2 + 1, comma3 - comma2 - 1);
    uint32_t asn = 0;
    auto [ptr, error] = std::from_chars(asn_text.data(), asn_text.data() + asn_text.size(), asn);
    if (error != std::errc() || ptr != asn_text.data() + asn_text.size()) {
      fail("the ASN \"" + std::string(asn_text) + "\" is not a number");
    }
    ++rows;
    if (asns.count(asn) == 0) continue;
    std::optional<IpRange> first = ParseAddress(row.substr(0, comma1));
    std::optional<IpRange> last = ParseAddress(row.substr(comma1 + 1, comma2 - comma1 - 1));
    if (!first || !last || first->family != last->family || first->first > last->first) {
      fail("the start and end are not an IP range");
    }
    std::string label = "AS" + std::to_string(asn) + " " + Unquote(row.substr(comma3 + 1));
    auto [it, added] = label_ids.try_emplace(std::move(label), 0);
    if (added) it->second = list.AddLabel(it->first);
    list.Add({first->family, first->first, last->first}, it->second);
  }
  return rows;
}

}  // namespace riskd_darknet_ip
