// The disposable-email detector: flags e-mail addresses at disposable
// (throw-away) mail domains, and local parts that look machine-generated.
#ifndef RISKD_PLUGINS_DISPOSABLE_EMAIL_DISPOSABLE_EMAIL_DETECTOR_H_
#define RISKD_PLUGINS_DISPOSABLE_EMAIL_DISPOSABLE_EMAIL_DETECTOR_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>

#include "domain_set.h"
#include "riskd/detector.h"

namespace riskd_disposable_email {

class DisposableEmailDetector {
 public:
  static riskd::Description Describe();

  // Reads the list files. Throws riskd::SettingError naming the setting when
  // one is unusable (an unreadable or malformed list, a score outside [0, 1]).
  explicit DisposableEmailDetector(const riskd::Settings& settings);

  // Pure and thread-safe: reads only the event and the sets built above.
  void Evaluate(const riskd::Event& event, riskd::Result& result) const;

  // Number of distinct disposable domains loaded (lists and deny_domains).
  size_t disposable_domain_count() const { return disposable_.size(); }

 private:
  // Bits of DomainSet's source mask: which setting listed a domain.
  enum Source : uint32_t {
    kDomainsFile = 1,
    kCuratedDomainsFile = 2,
    kWildcardFile = 4,
    kDenyDomains = 8,
  };

  void LoadFile(const riskd::Settings& settings, const std::string& key, Source source,
                const std::unordered_set<std::string>& ignored);
  static std::string SourceNames(uint32_t sources);
  static std::string ListedDetail(std::string_view domain, std::string_view listed,
                                  uint32_t sources);

  DomainSet disposable_;
  DomainSet allowed_;
  double disposable_score_;
  double suspicious_score_;
  bool check_local_part_;
};

}  // namespace riskd_disposable_email

#endif  // RISKD_PLUGINS_DISPOSABLE_EMAIL_DISPOSABLE_EMAIL_DETECTOR_H_
