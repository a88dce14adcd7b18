#include "pattern_set.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <algorithm>
#include <stdexcept>

namespace riskd_bot_behaviour {

struct PatternSet::Impl {
  explicit Impl(const RE2::Options& options) : set(options, RE2::UNANCHORED) {}
  RE2::Set set;
  bool compiled = false;
};

namespace {

RE2::Options SetOptions(bool case_insensitive) {
  RE2::Options options;
  options.set_log_errors(false);  // Add reports errors; RE2 must not write to stderr
  options.set_max_mem(PatternSet::kMaxMemoryBytes);
  options.set_case_sensitive(!case_insensitive);
  return options;
}

}  // namespace

PatternSet::PatternSet(bool case_insensitive)
    : impl_(std::make_unique<Impl>(SetOptions(case_insensitive))) {}

PatternSet::~PatternSet() = default;

std::string PatternSet::Add(std::string_view pattern) {
  std::string error;
  if (impl_->set.Add(re2::StringPiece(pattern.data(), pattern.size()), &error) < 0) {
    return error.empty() ? "not a valid regular expression" : error;
  }
  patterns_.emplace_back(pattern);
  return "";
}

void PatternSet::Compile() {
  if (patterns_.empty()) return;  // nothing ever matches
  if (!impl_->set.Compile()) {
    throw std::runtime_error("cannot compile " + std::to_string(patterns_.size()) +
                             " patterns into one RE2 set (out of memory)");
  }
  impl_->compiled = true;
}

int PatternSet::FirstMatch(std::string_view text) const {
  if (!impl_->compiled) return -1;
  std::vector<int> matches;
  RE2::Set::ErrorInfo error{};
  if (impl_->set.Match(re2::StringPiece(text.data(), text.size()), &matches, &error)) {
    return *std::min_element(matches.begin(), matches.end());
  }
  if (error.kind != RE2::Set::kNoError) {
    throw std::runtime_error(error.kind == RE2::Set::kOutOfMemory
                                 ? "user-agent patterns: RE2 ran out of memory on this text"
                                 : "user-agent patterns: RE2 failed to match");
  }
  return -1;
}

}  // namespace riskd_bot_behaviour
