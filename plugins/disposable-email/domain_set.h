// A set of domains that also matches their subdomains: "mail.mailinator.com"
// is in a set holding "mailinator.com", "badmailinator.com" is not. Each
// domain carries a bit mask of the sources that listed it.
#ifndef RISKD_PLUGINS_DISPOSABLE_EMAIL_DOMAIN_SET_H_
#define RISKD_PLUGINS_DISPOSABLE_EMAIL_DOMAIN_SET_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace riskd_disposable_email {

class DomainSet {
 public:
  struct Match {
    std::string_view domain;  // the listed domain: the query or a parent of it
    uint32_t sources;         // bit mask given to Add
  };

  // `domain` must be normalised (see NormalizeDomain). Sources accumulate.
  void Add(std::string_view domain, uint32_t source);

  // The longest listed suffix of `domain` that is `domain` itself or a parent
  // at a label boundary, if any. `domain` must be lower-case. Costs one hash
  // lookup per label; never matches a bare top-level label ("com").
  std::optional<Match> Find(std::string_view domain) const;

  size_t size() const { return domains_.size(); }

 private:
  // Transparent hashing: lookups by string_view without a copy.
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>()(s); }
  };
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> domains_;
};

}  // namespace riskd_disposable_email

#endif  // RISKD_PLUGINS_DISPOSABLE_EMAIL_DOMAIN_SET_H_
