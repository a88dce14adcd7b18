#include "domain_list_file.h"

#include <fstream>
#include <sstream>

#include "json/json_file_reader.h"

namespace riskd_disposable_email {
namespace {

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

std::vector<std::string> ParsePlainText(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
    line = line.substr(0, line.find('#'));
    std::string domain = NormalizeDomain(line);
    if (!domain.empty()) out.push_back(std::move(domain));
  }
  return out;
}

}  // namespace

std::string NormalizeDomain(std::string_view domain) {
  domain = Trim(domain);
  if (domain.substr(0, 2) == "*.") domain.remove_prefix(2);
  if (domain.substr(0, 1) == "@") domain.remove_prefix(1);
  while (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
  std::string out(domain);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::vector<std::string> ParseDomainList(std::string_view text) {
  if (!riskd_json::LooksLikeJsonArray(text)) return ParsePlainText(text);
  std::vector<std::string> out;
  riskd_json::JsonFileReader reader(text);
  try {
    reader.ReadDocumentArray([&] {
      std::string domain = NormalizeDomain(reader.ReadPrintableString("a domain"));
      if (!domain.empty()) out.push_back(std::move(domain));
    });
  } catch (const riskd_json::JsonFileError& e) {
    throw ListFileError(e.what());
  }
  return out;
}

std::vector<std::string> ReadDomainListFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ListFileError(path + ": cannot open");
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) throw ListFileError(path + ": read error");
  try {
    return ParseDomainList(contents.str());
  } catch (const ListFileError& e) {
    throw ListFileError(path + ": " + e.what());
  }
}

}  // namespace riskd_disposable_email
