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
  std::string key(tag);
  key.append(":").append(name_).append(":");
  key += kind;
  key.append(":").append(std::to_string(bucket));
  return key;
}

std::string WindowCounter::MarkerKey(const Sample& sample) const {
  std::string key = Key(sample.subject_tag, 'm', Bucket(sample.at_ms));
  key.append(":").append(sample.other);
  return key;
}

void WindowCounter::AddKeys(const Sample& sample, std::vector<std::string>& keys) const {
  const int64_t bucket = Bucket(sample.at_ms);
  for (char kind : {'n', 'f', 'd'}) {
    if (kind == 'f' && !count_failures_) continue;
    keys.push_back(Key(sample.subject_tag, kind, bucket));
    keys.push_back(Key(sample.subject_tag, kind, bucket - 1));
  }
  if (sample.counted && !sample.other.empty()) keys.push_back(MarkerKey(sample));
}

bool WindowCounter::IsNewOther(const Sample& sample, const riskd::Event& event) const {
  return sample.counted && !sample.other.empty() && !event.state(MarkerKey(sample)).has_value();
}

WindowCounter::Counts WindowCounter::Count(const Sample& sample, const riskd::Event& event) const {
  const int64_t bucket = Bucket(sample.at_ms);
  // The previous bucket's share of the window that ends now.
  const double previous_weight =
      1.0 - static_cast<double>(sample.at_ms - bucket * window_ms_) / window_ms_;
  auto windowed = [&](char kind, bool self) {
    return static_cast<double>(CounterValue(event, Key(sample.subject_tag, kind, bucket))) +
           (self ? 1.0 : 0.0) +
           previous_weight * CounterValue(event, Key(sample.subject_tag, kind, bucket - 1));
  };
  return {.events = windowed('n', sample.counted),
          .failures = count_failures_ ? windowed('f', sample.counted && sample.failed) : 0.0,
          .distinct = windowed('d', IsNewOther(sample, event))};
}

void WindowCounter::Record(const Sample& sample, const riskd::Event& event,
                           riskd::Result& result) const {
  if (!sample.counted) return;
  // Long enough for the bucket and the next one, which still reads it.
  const int64_t ttl_ms = 2 * window_ms_;
  const int64_t bucket = Bucket(sample.at_ms);
  result.AddToCounter(Key(sample.subject_tag, 'n', bucket), 1, ttl_ms);
  if (count_failures_ && sample.failed)
    result.AddToCounter(Key(sample.subject_tag, 'f', bucket), 1, ttl_ms);
  if (IsNewOther(sample, event)) {
    result.AddToCounter(Key(sample.subject_tag, 'd', bucket), 1, ttl_ms);
    result.PutState(MarkerKey(sample), "1", ttl_ms);
  }
}

}  // namespace riskd_bot_behaviour
