// A sorted table of non-overlapping address ranges, each with a label, looked
// up by binary search: O(log n) per lookup and 2 keys + 1 int per range, so a
// million entries cost about 20 comparisons and tens of megabytes.
#ifndef RISKD_PLUGINS_COMMON_IPRANGE_RANGE_TABLE_H_
#define RISKD_PLUGINS_COMMON_IPRANGE_RANGE_TABLE_H_

#include <algorithm>
#include <cstdint>
#include <vector>

namespace riskd_iprange {

template <typename Key>
class RangeTable {
 public:
  static constexpr uint32_t kNotFound = UINT32_MAX;

  // Collects an inclusive range; Build() must run before Find().
  void Add(Key first, Key last, uint32_t label) { pending_.push_back({first, last, label}); }

  // Sorts and removes overlaps. Where ranges overlap the one starting first
  // (the wider one on a tie) keeps the shared addresses and a later range
  // keeps only its part beyond them, so each address has exactly one label.
  // Touching or overlapping ranges with the same label become one range.
  void Build() {
    // Stable: of identical ranges the one added first keeps its label.
    std::stable_sort(pending_.begin(), pending_.end(), [](const Pending& a, const Pending& b) {
      return a.first != b.first ? a.first < b.first : a.last > b.last;
    });
    firsts_.clear();
    lasts_.clear();
    labels_.clear();
    for (const Pending& p : pending_) {
      Key first = p.first;
      if (!lasts_.empty()) {
        const Key covered = lasts_.back();
        if (p.last <= covered) continue;  // inside what is already there
        if (first <= covered) first = covered + 1;
        if (labels_.back() == p.label && first == covered + 1) {
          lasts_.back() = p.last;  // the same list entry continues
          continue;
        }
      }
      firsts_.push_back(first);
      lasts_.push_back(p.last);
      labels_.push_back(p.label);
    }
    pending_.clear();
    pending_.shrink_to_fit();
  }

  // The label of the range holding `key`, or kNotFound.
  uint32_t Find(Key key) const {
    auto it = std::upper_bound(firsts_.begin(), firsts_.end(), key);
    if (it == firsts_.begin()) return kNotFound;
    size_t index = static_cast<size_t>(it - firsts_.begin()) - 1;
    return key <= lasts_[index] ? labels_[index] : kNotFound;
  }

  size_t size() const { return firsts_.size(); }

 private:
  struct Pending {
    Key first;
    Key last;
    uint32_t label;
  };
  std::vector<Pending> pending_;
  // Separate arrays keep the binary search on a dense array of starts.
  std::vector<Key> firsts_;
  std::vector<Key> lasts_;
  std::vector<uint32_t> labels_;
};

}  // namespace riskd_iprange

#endif  // RISKD_PLUGINS_COMMON_IPRANGE_RANGE_TABLE_H_
