// Helpers to unit-test a detector class without the riskd host.
//
//   riskd::testing::EventBuilder event;
//   event.set_user_agent("curl/8.0");
//   riskd::testing::CapturedResult result;
//   detector.Evaluate(event.Build(), result.result());
//   EXPECT_TRUE(result.HasSignal("scripted_client"));
#ifndef RISKD_DETECTOR_TESTING_H_
#define RISKD_DETECTOR_TESTING_H_

#include <arpa/inet.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "riskd/detector.h"

namespace riskd::testing {

// Sets raw.ip_family and raw.ip_bytes from `ip` as riskd does for an event:
// IPv4, IPv6, and IPv4 for an IPv4-mapped IPv6 address ("::ffff:192.0.2.1").
// Text that is no address leaves RISKD_IP_NONE (riskd refuses such an event
// before any detector sees it).
inline void SetIpAsHost(std::string_view ip, riskd_event& raw) {
  raw.ip_family = RISKD_IP_NONE;
  std::memset(raw.ip_bytes, 0, sizeof(raw.ip_bytes));
  const std::string text(ip);
  unsigned char v6[16];
  if (inet_pton(AF_INET, text.c_str(), raw.ip_bytes) == 1) {
    raw.ip_family = RISKD_IP_V4;
  } else if (inet_pton(AF_INET6, text.c_str(), v6) == 1) {
    static constexpr unsigned char kV4Mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    const bool mapped = std::memcmp(v6, kV4Mapped, sizeof(kV4Mapped)) == 0;
    raw.ip_family = mapped ? RISKD_IP_V4 : RISKD_IP_V6;
    std::memcpy(raw.ip_bytes, mapped ? v6 + 12 : v6, mapped ? 4 : 16);
  }
}

// Owns the strings behind a riskd_event. The IP's family and bytes are set as
// riskd sets them (SetIpAsHost).
class EventBuilder {
 public:
  EventBuilder& set_type(EventType type) {
    type_ = type;
    return *this;
  }
  EventBuilder& set_user_id(std::string v) { return Set(user_id_, v); }
  EventBuilder& set_email(std::string v) { return Set(email_, v); }
  EventBuilder& set_ip(std::string v) { return Set(ip_, v); }
  EventBuilder& set_user_agent(std::string v) { return Set(user_agent_, v); }
  EventBuilder& set_device_id(std::string v) { return Set(device_id_, v); }
  EventBuilder& set_occurred_at_ms(int64_t ms) {
    occurred_at_ms_ = ms;
    return *this;
  }
  EventBuilder& add_header(std::string name, std::string value) {
    headers_.emplace_back(std::move(name), std::move(value));
    return *this;
  }
  EventBuilder& add_property(std::string key, std::string value) {
    properties_.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  // A state value as the host would pass it after StateKeys asked for it.
  EventBuilder& add_state(std::string key, std::string value) {
    state_.emplace_back(std::move(key), std::move(value));
    return *this;
  }

  // The returned Event is valid while this builder lives and is unchanged.
  Event Build() {
    header_views_ = Views(headers_);
    property_views_ = Views(properties_);
    raw_ = riskd_event{};
    raw_.struct_size = sizeof(riskd_event);
    raw_.type = static_cast<int32_t>(type_);
    raw_.occurred_at_ms = occurred_at_ms_;
    raw_.user_id = Borrow(user_id_);
    raw_.email = Borrow(email_);
    auto at = email_.find('@');
    raw_.email_domain = Borrow(at == std::string::npos ? std::string_view()
                                                       : std::string_view(email_).substr(at + 1));
    raw_.ip = Borrow(ip_);
    SetIpAsHost(ip_, raw_);
    raw_.user_agent = Borrow(user_agent_);
    raw_.device_id = Borrow(device_id_);
    raw_.headers = header_views_.data();
    raw_.header_count = header_views_.size();
    raw_.properties = property_views_.data();
    raw_.property_count = property_views_.size();
    state_views_.clear();
    for (const auto& [k, v] : state_) state_views_.push_back({Borrow(k), Borrow(v), 1});
    raw_.state = state_views_.data();
    raw_.state_count = state_views_.size();
    return Event(raw_);
  }

 private:
  using Pairs = std::vector<std::pair<std::string, std::string>>;
  EventBuilder& Set(std::string& field, std::string& value) {
    field = std::move(value);
    return *this;
  }
  static std::vector<riskd_key_value> Views(const Pairs& pairs) {
    std::vector<riskd_key_value> out;
    for (const auto& [k, v] : pairs) out.push_back({Borrow(k), Borrow(v)});
    return out;
  }
  EventType type_ = EventType::kLoginSucceeded;
  int64_t occurred_at_ms_ = 0;
  std::string user_id_ = "alice", email_, ip_, user_agent_, device_id_;
  Pairs headers_, properties_, state_;
  std::vector<riskd_state_value> state_views_;
  std::vector<riskd_key_value> header_views_, property_views_;
  riskd_event raw_{};
};

// Records what a detector reported.
class CapturedResult {
 public:
  CapturedResult()
      : sink_{this,
              &CapturedResult::OnScore,
              &CapturedResult::OnSignal,
              &CapturedResult::OnError,
              &CapturedResult::OnPut,
              &CapturedResult::OnAdd,
              &CapturedResult::OnSharedAdd},
        result_(sink_) {}
  CapturedResult(const CapturedResult&) = delete;
  CapturedResult& operator=(const CapturedResult&) = delete;

  Result& result() { return result_; }
  double score() const { return score_; }
  const std::vector<std::pair<std::string, std::string>>& signals() const { return signals_; }
  // State writes, in the order made.
  const std::vector<std::pair<std::string, std::string>>& puts() const { return puts_; }
  // Counter adds, shared ones included; shared_adds() has those alone.
  const std::vector<std::pair<std::string, int64_t>>& adds() const { return adds_; }
  const std::vector<std::pair<std::string, int64_t>>& shared_adds() const { return shared_adds_; }
  bool HasSignal(const std::string& name) const {
    return std::any_of(signals_.begin(), signals_.end(),
                       [&](const auto& s) { return s.first == name; });
  }

 private:
  static void OnScore(void* self, double score) {
    static_cast<CapturedResult*>(self)->score_ = score;
  }
  static void OnSignal(void* self, riskd_string name, riskd_string detail) {
    static_cast<CapturedResult*>(self)->signals_.emplace_back(View(name), View(detail));
  }
  static void OnError(void*, riskd_string) {}
  static void OnPut(void* self, riskd_string key, riskd_string value, int64_t) {
    static_cast<CapturedResult*>(self)->puts_.emplace_back(View(key), View(value));
  }
  static void OnAdd(void* self, riskd_string key, int64_t delta, int64_t) {
    static_cast<CapturedResult*>(self)->adds_.emplace_back(View(key), delta);
  }
  static void OnSharedAdd(void* self, riskd_string key, int64_t delta, int64_t ttl_ms) {
    OnAdd(self, key, delta, ttl_ms);
    static_cast<CapturedResult*>(self)->shared_adds_.emplace_back(View(key), delta);
  }

  riskd_result_sink sink_;
  Result result_;
  double score_ = 0.0;
  std::vector<std::pair<std::string, std::string>> signals_;
  std::vector<std::pair<std::string, std::string>> puts_;
  std::vector<std::pair<std::string, int64_t>> adds_;
  std::vector<std::pair<std::string, int64_t>> shared_adds_;
};

// A result that drops what a detector reports: for benchmarks, which measure
// the detector rather than the copying of its results.
//
//   riskd::testing::DiscardedResult discarded;
//   for (auto _ : state) detector.Evaluate(event, discarded.result());
class DiscardedResult {
 public:
  DiscardedResult()
      : sink_{nullptr,
              [](void*, double) {},
              [](void*, riskd_string, riskd_string) {},
              [](void*, riskd_string) {},
              [](void*, riskd_string, riskd_string, int64_t) {},
              [](void*, riskd_string, int64_t, int64_t) {},
              [](void*, riskd_string, int64_t, int64_t) {}},
        result_(sink_) {}
  DiscardedResult(const DiscardedResult&) = delete;
  DiscardedResult& operator=(const DiscardedResult&) = delete;

  Result& result() { return result_; }

 private:
  riskd_result_sink sink_;
  Result result_;
};

// A temporary folder for a detector's data files, removed with the object.
//
//   riskd::testing::TempDataDir data;
//   std::string list = data.Write("deny.txt", "203.0.113.7\n");
class TempDataDir {
 public:
  TempDataDir() {
    static std::atomic<int> next{0};
    path_ = std::filesystem::temp_directory_path() /
            ("riskd-detector-test-" + std::to_string(::getpid()) + "-" + std::to_string(next++));
    std::filesystem::create_directories(path_);
  }
  ~TempDataDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDataDir(const TempDataDir&) = delete;
  TempDataDir& operator=(const TempDataDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Writes `text` to `name` in the folder and returns the file's path.
  std::string Write(const std::string& name, const std::string& text) const {
    std::string file = (path_ / name).string();
    std::ofstream(file) << text;
    return file;
  }

 private:
  std::filesystem::path path_;
};

// Settings as the host would pass them: defaults from Describe() applied,
// then `overrides` (string lists as "a,b,c").
inline Settings MakeSettings(const Description& description,
                             const std::map<std::string, std::string>& overrides = {}) {
  std::vector<std::vector<std::string>> texts;  // one list per setting
  std::vector<const SettingSpec*> specs;
  for (const SettingSpec& spec : description.settings) {
    auto it = overrides.find(spec.key);
    std::optional<std::string> text =
        it != overrides.end() ? std::optional(it->second) : spec.default_value;
    if (!text) continue;
    std::vector<std::string> parts;
    if (spec.type != RISKD_SETTING_STRING_LIST) {
      parts.push_back(*text);
    } else if (!text->empty()) {
      size_t start = 0;
      for (size_t comma; (comma = text->find(',', start)) != std::string::npos; start = comma + 1) {
        parts.push_back(text->substr(start, comma - start));
      }
      parts.push_back(text->substr(start));
    }
    texts.push_back(std::move(parts));
    specs.push_back(&spec);
  }
  std::vector<std::vector<riskd_string>> views(texts.size());
  std::vector<riskd_setting> items;
  for (size_t i = 0; i < texts.size(); ++i) {
    for (const std::string& t : texts[i]) views[i].push_back(Borrow(t));
    items.push_back({Borrow(specs[i]->key), views[i].data(), views[i].size()});
  }
  return Settings(items.data(), items.size());  // Settings copies
}

}  // namespace riskd::testing

#endif  // RISKD_DETECTOR_TESTING_H_
