#include "window_counter.h"

#include <charconv>

namespace riskd_bot_behaviour {

int64_t CounterValue(const riskd::Event& event, const std::string& key) {
  std::optional<std::string_view> text = event.state(key);
  if (!text) return 0;
  int64_t value = 0;
  auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), value);
  return error == std::errc() && end == text->data() + text->size() ? value : 0;
}

WindowCounter::WindowCounter(std::string name, int64_t window_ms, bool count_failures)
    : name_(std::move(name)), window_ms_(window_ms), count_failures_(count_failures) {}

int64_t WindowCounter::Bucket(int64_t at_ms) const {
  int64_t bucket = at_ms / window_ms_;
  return at_ms < 0 && at_ms % window_ms_ != 0 ? bucket - 1 : bucket;
}

std::string WindowCounter::Key(std::string_view tag, char kind, int64_t bucket) const {
  char digits[24];
  char* end = std::to_chars(digits, digits + sizeof(digits), bucket).ptr;
  std::string key;
  // One allocation: room for a marker's ":<16 hex digits>" too.
  key.reserve(tag.size() + name_.size() + (end - digits) + 24);
  key.append(tag).append(":").append(name_);
  key += ':';
  key += kind;
  key += ':';
  key.append(digits, static_cast<size_t>(end - digits));
  return key;
}

WindowCounter::SampleKeys WindowCounter::KeysOf(const Sample& sample) const {
  SampleKeys keys;
  keys.bucket = Bucket(sample.at_ms);
  for (int i = 0; i < 2; ++i) {
    keys.events[i] = Key(sample.subject_tag, 'n', keys.bucket - i);
    if (count_failures_) keys.failures[i] = Key(sample.subject_tag, 'f', keys.bucket - i);
    keys.distinct[i] = Key(sample.subject_tag, 'd', keys.bucket - i);
  }
  if (sample.counted && !sample.other.empty()) {
    keys.marker = Key(sample.subject_tag, 'm', keys.bucket);
    keys.marker.append(":").append(sample.other);
  }
  return keys;
}

void WindowCounter::AddKeys(SampleKeys keys, std::vector<std::string>& out) {
  for (std::string* group : {keys.events, keys.failures, keys.distinct}) {
    for (int i = 0; i < 2; ++i) {
      if (!group[i].empty()) out.push_back(std::move(group[i]));
    }
  }
  if (!keys.marker.empty()) out.push_back(std::move(keys.marker));
}

WindowCounter::Counts WindowCounter::Count(const Sample& sample, const SampleKeys& keys,
                                           const riskd::Event& event) const {
  // The previous bucket's share of the window that ends now.
  const double previous_weight =
      1.0 - static_cast<double>(sample.at_ms - keys.bucket * window_ms_) / window_ms_;
  auto windowed = [&](const std::string* group, bool self) {
    return static_cast<double>(CounterValue(event, group[0])) + (self ? 1.0 : 0.0) +
           previous_weight * CounterValue(event, group[1]);
  };
  Counts counts;
  counts.new_other = !keys.marker.empty() && !event.state(keys.marker).has_value();
  counts.events = windowed(keys.events, sample.counted);
  if (count_failures_) counts.failures = windowed(keys.failures, sample.counted && sample.failed);
  counts.distinct = windowed(keys.distinct, counts.new_other);
  return counts;
}

void WindowCounter::Record(const Sample& sample, const SampleKeys& keys, const Counts& counts,
                           riskd::Result& result) const {
  if (!sample.counted) return;
  // Long enough for the bucket and the next one, which still reads it.
  const int64_t ttl_ms = 2 * window_ms_;
  result.AddToCounter(keys.events[0], 1, ttl_ms);
  if (count_failures_ && sample.failed) result.AddToCounter(keys.failures[0], 1, ttl_ms);
  if (counts.new_other) {
    result.AddToCounter(keys.distinct[0], 1, ttl_ms);
    result.PutState(keys.marker, "1", ttl_ms);
  }
}

}  // namespace riskd_bot_behaviour
