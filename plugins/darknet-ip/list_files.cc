#include "list_files.h"

#include <cstring>
#include <string_view>

#include "riskd/detector.h"

namespace riskd_darknet_ip {
namespace {

std::string_view Trim(std::string_view text) {
  const char* kSpace = " \t\r\n";
  size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  return text.substr(begin, text.find_last_not_of(kSpace) - begin + 1);
}

[[noreturn]] void ThrowAt(const std::string& key, const std::string& path, size_t line,
                          const std::string& message) {
  throw riskd::SettingError(key, path + ":" + std::to_string(line) + ": " + message);
}

IpRange ParseEntry(std::string_view entry, const std::string& key, const std::string& path,
                   size_t line) {
  std::optional<IpRange> range = ParseAddressOrCidr(entry);
  if (!range) {
    ThrowAt(key, path, line,
            "not an IP address or CIDR block: \"" + std::string(entry.substr(0, 80)) + "\"");
  }
  return *range;
}

// Calls `entry(text, line)` for each line's entry, without comments.
template <typename Fn>
void ForEachLineEntry(std::string_view text, Fn entry) {
  size_t line = 0;
  while (!text.empty()) {
    ++line;
    size_t end = text.find('\n');
    std::string_view current = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    current = Trim(current.substr(0, current.find('#')));
    if (!current.empty()) entry(current, line);
  }
}

size_t LineAt(std::string_view text, size_t offset) {
  size_t line = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) line += text[i] == '\n';
  return line;
}

// tor-detect's ips.json: ["# notice", "1.2.3.4", ...]. Plain strings only; a
// backslash escape keeps its next character (addresses never need one).
void LoadJsonArray(std::string_view text, const std::string& path, const std::string& key,
                   uint32_t label, IpList& list) {
  size_t pos = text.find('[') + 1;
  auto skip_space = [&] {
    while (pos < text.size() && std::strchr(" \t\r\n", text[pos]) != nullptr) ++pos;
  };
  auto fail = [&](const std::string& message) { ThrowAt(key, path, LineAt(text, pos), message); };
  skip_space();
  bool first = true;
  while (pos < text.size() && text[pos] != ']') {
    if (!first) {
      if (text[pos] != ',') fail("expected ',' or ']' in the JSON array");
      ++pos;
      skip_space();
    }
    first = false;
    if (pos >= text.size() || text[pos] != '"') fail("expected a string in the JSON array");
    const size_t start = ++pos;
    std::string value;
    while (pos < text.size() && text[pos] != '"') {
      if (text[pos] == '\\') ++pos;
      if (pos < text.size()) value.push_back(text[pos++]);
    }
    if (pos >= text.size()) fail("unterminated string in the JSON array");
    ++pos;
    std::string_view entry = Trim(value);
    if (!entry.empty() && entry[0] != '#' && entry.find(' ') == std::string_view::npos) {
      std::optional<IpRange> range = ParseAddressOrCidr(entry);
      // The line is only counted for the error, to keep loading linear.
      if (!range) ParseEntry(entry, key, path, LineAt(text, start));
      list.Add(*range, label);
    }
    skip_space();
  }
  if (pos >= text.size()) fail("the JSON array has no closing ']'");
}

}  // namespace

void LoadLineList(const std::string& path, const std::string& key, IpList& list) {
  const std::string text = ReadWholeFile(path, key);
  ForEachLineEntry(text, [&](std::string_view entry, size_t line) {
    IpRange range = ParseEntry(entry, key, path, line);
    list.Add(range,
             list.AddLabel(std::string(entry) + " (" + path + ":" + std::to_string(line) + ")"));
  });
}

void LoadTorList(const std::string& path, const std::string& key, const std::string& label,
                 IpList& list) {
  const std::string text = ReadWholeFile(path, key);
  const uint32_t id = list.AddLabel(label);
  std::string_view start = Trim(text);
  if (!start.empty() && start[0] == '[') {
    LoadJsonArray(text, path, key, id, list);
    return;
  }
  ForEachLineEntry(text, [&](std::string_view entry, size_t line) {
    list.Add(ParseEntry(entry, key, path, line), id);
  });
}

void AddInlineEntries(const std::vector<std::string>& entries, const std::string& key,
                      IpList& list) {
  for (const std::string& raw : entries) {
    std::string_view entry = Trim(raw);
    std::optional<IpRange> range = ParseAddressOrCidr(entry);
    if (!range) {
      throw riskd::SettingError(key, "not an IP address or CIDR block: \"" + raw + "\"");
    }
    list.Add(*range, list.AddLabel(std::string(entry) + " (setting " + key + ")"));
  }
}

}  // namespace riskd_darknet_ip
