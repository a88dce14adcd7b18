#include "user_history.h"

#include <algorithm>

namespace riskd_peer_profile {
namespace {

constexpr uint8_t kFormatVersion = 1;
constexpr int64_t kMsPerHour = 3600 * 1000;
// Attempts and failures are halved together past this, keeping their ratio.
constexpr uint32_t kMaxAttempts = 1u << 20;

uint32_t IdOf(uint64_t hash) { return static_cast<uint32_t>(hash); }

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

void PutFixed32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}

class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}
  bool Varint(uint64_t* v) {
    *v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (at_ >= bytes_.size()) return false;
      uint8_t b = static_cast<uint8_t>(bytes_[at_++]);
      *v |= uint64_t{b & 0x7fu} << shift;
      if ((b & 0x80) == 0) return true;
    }
    return false;
  }
  bool Varint32(uint32_t* v) {
    uint64_t wide;
    if (!Varint(&wide) || wide > UINT32_MAX) return false;
    *v = static_cast<uint32_t>(wide);
    return true;
  }
  bool Fixed32(uint32_t* v) {
    if (bytes_.size() - at_ < 4) return false;
    *v = 0;
    for (int i = 0; i < 4; ++i) *v |= uint32_t{static_cast<uint8_t>(bytes_[at_++])} << (8 * i);
    return true;
  }
  bool Byte(uint8_t* v) {
    if (at_ >= bytes_.size()) return false;
    *v = static_cast<uint8_t>(bytes_[at_++]);
    return true;
  }
  bool done() const { return at_ == bytes_.size(); }

 private:
  std::string_view bytes_;
  size_t at_ = 0;
};

void HalveCounts(UserHistory& h) {
  h.logins /= 2;
  for (FeatureValues& values : h.values) {
    int kept = 0;
    for (int i = 0; i < values.size; ++i) {
      ValueCount v = values.items[i];
      v.count /= 2;
      if (v.count > 0) values.items[kept++] = v;
    }
    values.size = kept;
  }
  for (uint32_t& c : h.hours) c /= 2;
}

// Moves the value to the front with one more count, marked counted in
// `half_window`; a new value takes the place of the least counted (the least
// recent among equals) when full. Returns where it was last counted.
uint32_t Bump(FeatureValues& values, uint32_t id, int max_values, uint32_t half_window) {
  int at = 0;
  while (at < values.size && values.items[at].id != id) ++at;
  ValueCount bumped{id, 1, half_window};
  uint32_t counted = 0;
  if (at < values.size) {
    bumped.count = values.items[at].count + 1;
    counted = values.items[at].counted;
  } else if (values.size < max_values) {
    at = values.size++;
  } else {
    at = values.size - 1;
    for (int i = values.size - 1; i >= 0; --i) {
      if (values.items[i].count < values.items[at].count) at = i;
    }
  }
  std::move_backward(values.items.begin(), values.items.begin() + at,
                     values.items.begin() + at + 1);
  values.items[0] = bumped;
  if (values.size > max_values) values.size = max_values;  // max_values lowered by a reload
  return counted;
}

}  // namespace

uint32_t UserHistory::Count(Feature feature, uint64_t hash) const {
  const FeatureValues& list = values[feature];
  for (int i = 0; i < list.size; ++i) {
    if (list.items[i].id == IdOf(hash)) return list.items[i].count;
  }
  return 0;
}

CountedWindows UserHistory::Learn(const LoginFeatures& login, int max_values, uint32_t max_logins,
                                  uint32_t half_window) {
  CountedWindows before{};
  ++logins;
  for (int f = 0; f < kFeatureCount; ++f) {
    if (login.present[f]) before[f] = Bump(values[f], IdOf(login.hash[f]), max_values, half_window);
  }
  before[kFeatureCount] = counted;
  counted = half_window;
  ++hours[login.local_hour];
  if (logins > max_logins) HalveCounts(*this);
  return before;
}

bool UserHistory::CountActivity(int64_t occurred_at_ms, bool login_attempt, bool failed,
                                const LoginFeatures& login) {
  const int64_t hour = occurred_at_ms / kMsPerHour;
  bool new_hour = false;
  if (hour > activity_hour) {
    new_hour = activity_hour != 0;
    activity_hour = hour;
    hour_events = 0;
  }
  ++hour_events;  // an event replayed from an earlier hour counts in the current one
  if (login_attempt) {
    ++attempts;
    failures += failed;
    if (attempts > kMaxAttempts) {
      attempts /= 2;
      failures /= 2;
    }
  }
  if (login.present[kIp]) {
    const uint32_t id = IdOf(login.hash[kIp]);
    auto end = recent_ips.begin() + recent_ip_count;
    auto it = std::find(recent_ips.begin(), end, id);
    if (it == end) {
      ++distinct_ips;
      if (recent_ip_count < kMaxRecentIps) ++recent_ip_count;
      it = recent_ips.begin() + recent_ip_count - 1;  // the oldest leaves
    }
    std::move_backward(recent_ips.begin(), it, it + 1);
    recent_ips[0] = id;
  }
  return new_hour;
}

std::string UserHistory::Encode() const {
  std::string out;
  out.reserve(64 + kFeatureCount * 4 * 6);
  out.push_back(static_cast<char>(kFormatVersion));
  PutVarint(out, logins);
  for (const FeatureValues& list : values) {
    PutVarint(out, list.size);
    for (int i = 0; i < list.size; ++i) {
      PutFixed32(out, list.items[i].id);
      PutVarint(out, list.items[i].count);
      PutVarint(out, list.items[i].counted);
    }
  }
  for (uint32_t c : hours) PutVarint(out, c);
  PutVarint(out, counted);
  PutVarint(out, static_cast<uint64_t>(activity_hour));
  PutVarint(out, hour_events);
  PutVarint(out, attempts);
  PutVarint(out, failures);
  PutVarint(out, distinct_ips);
  PutVarint(out, recent_ip_count);
  for (int i = 0; i < recent_ip_count; ++i) PutFixed32(out, recent_ips[i]);
  return out;
}

bool UserHistory::Decode(std::string_view bytes, UserHistory* out) {
  UserHistory h;
  Reader in(bytes);
  uint8_t version;
  if (!in.Byte(&version) || version != kFormatVersion || !in.Varint32(&h.logins)) return false;
  for (FeatureValues& list : h.values) {
    uint32_t size;
    if (!in.Varint32(&size) || size > kMaxValuesPerFeature) return false;
    list.size = static_cast<int>(size);
    for (int i = 0; i < list.size; ++i) {
      if (!in.Fixed32(&list.items[i].id) || !in.Varint32(&list.items[i].count) ||
          !in.Varint32(&list.items[i].counted)) {
        return false;
      }
    }
  }
  for (uint32_t& c : h.hours) {
    if (!in.Varint32(&c)) return false;
  }
  if (!in.Varint32(&h.counted)) return false;
  uint64_t activity_hour;
  uint32_t recent;
  if (!in.Varint(&activity_hour) || !in.Varint32(&h.hour_events) || !in.Varint32(&h.attempts) ||
      !in.Varint32(&h.failures) || !in.Varint32(&h.distinct_ips) || !in.Varint32(&recent) ||
      recent > kMaxRecentIps) {
    return false;
  }
  h.activity_hour = static_cast<int64_t>(activity_hour);
  h.recent_ip_count = static_cast<int>(recent);
  for (int i = 0; i < h.recent_ip_count; ++i) {
    if (!in.Fixed32(&h.recent_ips[i])) return false;
  }
  if (!in.done()) return false;
  *out = h;
  return true;
}

}  // namespace riskd_peer_profile
