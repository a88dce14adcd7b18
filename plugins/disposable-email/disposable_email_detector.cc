#include "disposable_email_detector.h"

#include <algorithm>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "domain_list_file.h"
#include "local_part.h"

namespace riskd_disposable_email {
namespace {

// The normalised domains of a string-list setting; each must have a dot,
// because a bare label ("com") would never match (see DomainSet::Find).
std::vector<std::string> DomainListSetting(const riskd::Settings& settings,
                                           const std::string& key) {
  std::vector<std::string> out;
  for (const std::string& item : settings.GetStringList(key)) {
    std::string domain = NormalizeDomain(item);
    if (domain.find('.') == std::string::npos) {
      throw riskd::SettingError(key,
                                "\"" + item + "\" is not a domain (expected e.g. example.com)");
    }
    out.push_back(std::move(domain));
  }
  return out;
}

// `text` lower-cased; a copy into `storage` only when it has upper case
// (the host already lower-cases e-mails, so this is the rare path).
std::string_view Lowercase(std::string_view text, std::string& storage) {
  if (std::none_of(text.begin(), text.end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
    return text;
  }
  storage.assign(text);
  for (char& c : storage) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return storage;
}

std::string_view WithoutTrailingDots(std::string_view domain) {
  while (!domain.empty() && domain.back() == '.') domain.remove_suffix(1);
  return domain;
}

}  // namespace

riskd::Description DisposableEmailDetector::Describe() {
  return {
      .name = "disposable-email",
      .version = "1.0.0",
      .description =
          "Flags e-mail addresses at disposable mail domains (or their subdomains) and local "
          "parts that look machine-generated.",
      .settings =
          {
              {.key = "domains_file",
               .type = RISKD_SETTING_FILE,
               .default_value = "../data/disposable-email-domains/index.json",
               .description = "List of disposable domains (JSON array of strings, or one "
                              "domain a line); subdomains of a listed domain match too."},
              {.key = "curated_domains_file",
               .type = RISKD_SETTING_FILE,
               .default_value =
                   "../data/disposable-email-domains-js/dist/dict/disposable_email_blocklist.json",
               .description = "A second list of disposable domains, same format."},
              {.key = "wildcard_file",
               .type = RISKD_SETTING_FILE,
               .default_value = "../data/disposable-email-domains/wildcard.json",
               .description = "Domains whose every subdomain is disposable, same format "
                              "(a leading \"*.\" is accepted)."},
              {.key = "ignore_list_entries",
               .type = RISKD_SETTING_STRING_LIST,
               .default_value = "edu.pl,21cn.com,sify.com",
               .description = "Entries of the three list files to leave out (exact entries, "
                              "not their subdomains): questionable entries of the shipped "
                              "lists, see the plugin's README."},
              {.key = "allow_domains",
               .type = RISKD_SETTING_STRING_LIST,
               .default_value = "",
               .description = "Domains (and their subdomains) never flagged; wins over the "
                              "lists and deny_domains."},
              {.key = "deny_domains",
               .type = RISKD_SETTING_STRING_LIST,
               .default_value = "",
               .description = "Extra disposable domains (and their subdomains)."},
              {.key = "disposable_email_score",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "0.9",
               .description = "Score when the domain is disposable."},
              {.key = "suspicious_email_score",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "0.3",
               .description = "Score when the local part looks machine-generated."},
              {.key = "check_local_part",
               .type = RISKD_SETTING_BOOL,
               .default_value = "true",
               .description = "Whether to raise suspicious_email at all."},
          },
      .signals = {"disposable_email", "suspicious_email"},
  };
}

DisposableEmailDetector::DisposableEmailDetector(const riskd::Settings& settings)
    : disposable_score_(settings.GetFraction("disposable_email_score")),
      suspicious_score_(settings.GetFraction("suspicious_email_score")),
      check_local_part_(settings.GetBool("check_local_part")) {
  std::vector<std::string> ignored_list = DomainListSetting(settings, "ignore_list_entries");
  const std::unordered_set<std::string> ignored(ignored_list.begin(), ignored_list.end());
  LoadFile(settings, "domains_file", kDomainsFile, ignored);
  LoadFile(settings, "curated_domains_file", kCuratedDomainsFile, ignored);
  LoadFile(settings, "wildcard_file", kWildcardFile, ignored);
  for (const std::string& domain : DomainListSetting(settings, "deny_domains")) {
    disposable_.Add(domain, kDenyDomains);
  }
  for (const std::string& domain : DomainListSetting(settings, "allow_domains")) {
    allowed_.Add(domain, 1);
  }
}

void DisposableEmailDetector::LoadFile(const riskd::Settings& settings, const std::string& key,
                                       Source source,
                                       const std::unordered_set<std::string>& ignored) {
  try {
    for (const std::string& domain : ReadDomainListFile(settings.GetString(key))) {
      if (!ignored.contains(domain)) disposable_.Add(domain, source);
    }
  } catch (const ListFileError& e) {
    throw riskd::SettingError(key, e.what());
  }
}

std::string DisposableEmailDetector::SourceNames(uint32_t sources) {
  static constexpr std::pair<Source, const char*> kNames[] = {
      {kDomainsFile, "domains_file"},
      {kCuratedDomainsFile, "curated_domains_file"},
      {kWildcardFile, "wildcard_file"},
      {kDenyDomains, "deny_domains"},
  };
  std::string out;
  for (const auto& [bit, name] : kNames) {
    if ((sources & bit) == 0) continue;
    if (!out.empty()) out += ", ";
    out += name;
  }
  return out;
}

// "\"a.b.com\": parent \"b.com\" is listed (domains_file)". Appends rather
// than chaining operator+, which GCC 12 mis-warns about (-Wrestrict).
std::string DisposableEmailDetector::ListedDetail(std::string_view domain, std::string_view listed,
                                                  uint32_t sources) {
  std::string out = "\"";
  out.append(domain).append("\"");
  if (listed != domain) out.append(": parent \"").append(listed).append("\"");
  out.append(" is listed (").append(SourceNames(sources)).append(")");
  return out;
}

void DisposableEmailDetector::Evaluate(const riskd::Event& event, riskd::Result& result) const {
  std::string email_storage;
  const std::string_view email = Lowercase(event.email(), email_storage);
  const size_t at = email.rfind('@');
  if (email.empty() || at == std::string_view::npos) {
    result.SetScore(0.0);
    return;
  }
  // The host hands over the domain already normalised; events built by
  // other means fall back to the text after the '@'.
  std::string domain_storage;
  std::string_view domain = Lowercase(event.email_domain(), domain_storage);
  if (domain.empty()) domain = email.substr(at + 1);
  domain = WithoutTrailingDots(domain);

  if (allowed_.Find(domain)) {
    result.SetScore(0.0);
    return;
  }
  double score = 0.0;
  if (std::optional<DomainSet::Match> match = disposable_.Find(domain)) {
    score = disposable_score_;
    result.AddSignal("disposable_email", ListedDetail(domain, match->domain, match->sources));
  }
  if (check_local_part_) {
    std::string reason = SuspiciousLocalPartReason(StripSubaddress(email.substr(0, at)));
    if (!reason.empty()) {
      score = std::max(score, suspicious_score_);
      result.AddSignal("suspicious_email", reason);
    }
  }
  result.SetScore(score);
}

}  // namespace riskd_disposable_email

RISKD_DETECTOR_PLUGIN(riskd_disposable_email::DisposableEmailDetector)
