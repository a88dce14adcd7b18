// riskd C++ detector SDK (header-only, standard headers only).
//
// A detector is one class and one macro:
//
//   class MyDetector {
//    public:
//     static riskd::Description Describe();          // name, settings, signals
//     explicit MyDetector(const riskd::Settings& s);  // throw riskd::SettingError
//     void Evaluate(const riskd::Event& e, riskd::Result& r) const;  // thread-safe
//     // Optional: the state keys this event needs (read in one batch for all
//     // detectors, then available as e.state(key) in Evaluate).
//     std::vector<std::string> StateKeys(const riskd::Event& e) const;
//   };
//   RISKD_DETECTOR_PLUGIN(MyDetector)
//
// The macro exports the C ABI of <riskd/detector_abi.h> and catches every
// exception at the boundary: a throwing constructor fails the load with its
// message, a throwing Evaluate is reported as that detector's error.
#ifndef RISKD_DETECTOR_H_
#define RISKD_DETECTOR_H_

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "riskd/detector_abi.h"

namespace riskd {

inline std::string_view View(riskd_string s) { return {s.data, s.size}; }
inline riskd_string Borrow(std::string_view s) { return {s.data(), s.size()}; }

// The hash tag of riskd's own keys for a user: "{alice}", with '{', '}' and '%'
// in the id written %7b, %7d and %25. State keys that start with it live in
// the same Redis Cluster slot as riskd's record of the user, so that they are
// read in the same round trip: riskd::UserHashTag(e.user_id()) + ":my-history".
inline std::string UserHashTag(std::string_view user_id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string tag = "{";
  for (char c : user_id) {
    if (c == '{' || c == '}' || c == '%') {
      const auto byte = static_cast<unsigned char>(c);
      tag += {'%', kHex[byte >> 4], kHex[byte & 0xf]};
    } else {
      tag += c;
    }
  }
  tag += '}';
  return tag;
}

enum class EventType : int32_t {
  kUnspecified = RISKD_EVENT_UNSPECIFIED,
  kLoginSucceeded = RISKD_EVENT_LOGIN_SUCCEEDED,
  kLoginFailed = RISKD_EVENT_LOGIN_FAILED,
  kRegistration = RISKD_EVENT_REGISTRATION,
  kProfileUpdate = RISKD_EVENT_PROFILE_UPDATE,
  kPasswordResetRequested = RISKD_EVENT_PASSWORD_RESET_REQUESTED,
  kPasswordResetSucceeded = RISKD_EVENT_PASSWORD_RESET_SUCCEEDED,
  kTransaction = RISKD_EVENT_TRANSACTION,
  kChallengeSucceeded = RISKD_EVENT_CHALLENGE_SUCCEEDED,
  kChallengeFailed = RISKD_EVENT_CHALLENGE_FAILED,
};

// A read-only view of the host's event, valid during Evaluate only.
class Event {
 public:
  explicit Event(const riskd_event& raw) : raw_(raw) {}

  EventType type() const { return static_cast<EventType>(raw_.type); }
  int64_t occurred_at_ms() const { return raw_.occurred_at_ms; }
  int64_t registered_at_ms() const { return raw_.registered_at_ms; }
  std::string_view request_id() const { return View(raw_.request_id); }
  std::string_view user_id() const { return View(raw_.user_id); }
  std::string_view email() const { return View(raw_.email); }
  std::string_view email_domain() const { return View(raw_.email_domain); }
  std::string_view ip() const { return View(raw_.ip); }
  riskd_ip_family ip_family() const { return static_cast<riskd_ip_family>(raw_.ip_family); }
  const uint8_t* ip_bytes() const { return raw_.ip_bytes; }
  std::string_view user_agent() const { return View(raw_.user_agent); }
  std::string_view device_id() const { return View(raw_.device_id); }

  // `name` must be lower-case; header names arrive lower-cased.
  std::optional<std::string_view> header(std::string_view name) const {
    return Find(raw_.headers, raw_.header_count, name);
  }
  std::optional<std::string_view> property(std::string_view key) const {
    return Find(raw_.properties, raw_.property_count, key);
  }
  // A state value StateKeys asked for; nullopt when absent (or not asked for).
  std::optional<std::string_view> state(std::string_view key) const {
    for (size_t i = 0; i < raw_.state_count; ++i) {
      if (View(raw_.state[i].key) == key) {
        return raw_.state[i].present ? std::optional(View(raw_.state[i].value)) : std::nullopt;
      }
    }
    return std::nullopt;
  }
  // What the user said about this device (ABI 1.3; kUnknown from older hosts
  // and in StateKeys).
  riskd_device_trust device_trust() const {
    if (raw_.struct_size < offsetof(riskd_event, device_trust) + sizeof(raw_.device_trust)) {
      return RISKD_DEVICE_UNKNOWN;
    }
    return static_cast<riskd_device_trust>(raw_.device_trust);
  }
  const riskd_event& raw() const { return raw_; }

 private:
  static std::optional<std::string_view> Find(const riskd_key_value* items, size_t count,
                                              std::string_view key) {
    for (size_t i = 0; i < count; ++i) {
      if (View(items[i].key) == key) return View(items[i].value);
    }
    return std::nullopt;
  }
  const riskd_event& raw_;
};

// Where Evaluate writes its score and signals.
class Result {
 public:
  explicit Result(const riskd_result_sink& sink) : sink_(sink) {}
  void SetScore(double score) { sink_.set_score(sink_.host_context, score); }
  void AddSignal(std::string_view name, std::string_view detail = {}) {
    sink_.add_signal(sink_.host_context, Borrow(name), Borrow(detail));
  }
  // Writes a state value, committed with the event (ttl_ms 0: no expiry).
  void PutState(std::string_view key, std::string_view value, int64_t ttl_ms = 0) {
    sink_.put_state(sink_.host_context, Borrow(key), Borrow(value), ttl_ms);
  }
  // Adds to a counter, atomically across riskd replicas; `ttl_ms` applies
  // when this creates it.
  void AddToCounter(std::string_view key, int64_t delta, int64_t ttl_ms = 0) {
    sink_.add_to_counter(sink_.host_context, Borrow(key), delta, ttl_ms);
  }
  // Adds to a counter that many events share (ABI 1.4): riskd sums the adds
  // in memory and writes them about once a second, so reads may be up to a
  // second behind. For statistics, not for counts each event must see.
  void AddToSharedCounter(std::string_view key, int64_t delta, int64_t ttl_ms = 0) {
    sink_.add_to_shared_counter(sink_.host_context, Borrow(key), delta, ttl_ms);
  }

 private:
  const riskd_result_sink& sink_;
};

// Thrown from a detector's constructor when a setting is unusable; the host
// points at that setting's line in the config file.
class SettingError : public std::runtime_error {
 public:
  SettingError(std::string key, const std::string& message)
      : std::runtime_error(message), key_(std::move(key)) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

// The detector's validated settings. The host has applied defaults and checked
// types and required keys against Describe().settings.
class Settings {
 public:
  Settings(const riskd_setting* items, size_t count) {
    for (size_t i = 0; i < count; ++i) {
      std::vector<std::string> values;
      for (size_t v = 0; v < items[i].value_count; ++v) {
        values.emplace_back(View(items[i].values[v]));
      }
      values_.emplace(std::string(View(items[i].key)), std::move(values));
    }
  }

  bool Has(const std::string& key) const { return values_.count(key) > 0; }
  std::string GetString(const std::string& key) const { return One(key); }
  int64_t GetInt(const std::string& key) const { return std::stoll(One(key)); }
  double GetDouble(const std::string& key) const { return std::stod(One(key)); }
  bool GetBool(const std::string& key) const { return One(key) == "true"; }
  std::vector<std::string> GetStringList(const std::string& key) const {
    auto it = values_.find(key);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
  }

  // Range checks the schema cannot express, with the messages riskd's own
  // detectors use. A number from 0 to 1 (a score, a ratio, a share);
  // otherwise SettingError "must be between 0 and 1, got <value>".
  double GetFraction(const std::string& key) const {
    const double value = GetDouble(key);
    if (!(value >= 0.0 && value <= 1.0)) {
      throw SettingError(key, "must be between 0 and 1, got " + GetString(key));
    }
    return value;
  }
  // A whole number from `low` to `high`; otherwise SettingError
  // "must be between <low> and <high>, got <value>".
  int64_t GetIntBetween(const std::string& key, int64_t low, int64_t high) const {
    const int64_t value = GetInt(key);
    if (value < low || value > high) {
      throw SettingError(key, "must be between " + std::to_string(low) + " and " +
                                  std::to_string(high) + ", got " + std::to_string(value));
    }
    return value;
  }

 private:
  std::string One(const std::string& key) const {
    auto it = values_.find(key);
    if (it == values_.end() || it->second.size() != 1) {
      throw SettingError(key, "setting is not declared in Describe()");
    }
    return it->second.front();
  }
  std::map<std::string, std::vector<std::string>> values_;
};

struct SettingSpec {
  std::string key;
  riskd_setting_type type;
  bool required = false;
  std::optional<std::string> default_value;  // string lists: "a,b,c"
  std::string description;
};

struct Description {
  std::string name;
  std::string version;
  std::string description;
  std::vector<SettingSpec> settings;
  std::vector<std::string> signals;
};

namespace internal {

// Keeps a Description and the C views of it alive for the library's lifetime.
class DescriptionHolder {
 public:
  explicit DescriptionHolder(Description d) : d_(std::move(d)) {
    for (const SettingSpec& s : d_.settings) {
      specs_.push_back({s.key.c_str(), s.type, s.required ? 1 : 0,
                        s.default_value ? s.default_value->c_str() : nullptr,
                        s.description.c_str()});
    }
    for (const std::string& s : d_.signals) signals_.push_back(s.c_str());
    raw_ = {sizeof(riskd_plugin_description),
            d_.name.c_str(),
            d_.version.c_str(),
            d_.description.c_str(),
            specs_.data(),
            specs_.size(),
            signals_.data(),
            signals_.size()};
  }
  const riskd_plugin_description* raw() const { return &raw_; }

 private:
  Description d_;
  std::vector<riskd_setting_spec> specs_;
  std::vector<const char*> signals_;
  riskd_plugin_description raw_{};
};

inline void CopyTruncated(char* out, size_t size, const std::string& text) {
  std::snprintf(out, size, "%s", text.c_str());
}

template <typename D>
const riskd_plugin_description* DescribeFor() {
  static const DescriptionHolder* holder = []() -> DescriptionHolder* {
    try {
      return new DescriptionHolder(D::Describe());
    } catch (...) {
      // An empty name makes the host refuse the library with a clear message.
      return new DescriptionHolder(Description{});
    }
  }();
  return holder->raw();
}

template <typename D>
riskd_detector* CreateFor(const riskd_setting* settings, size_t count, riskd_error* error) {
  try {
    return reinterpret_cast<riskd_detector*>(new D(Settings(settings, count)));
  } catch (const SettingError& e) {
    CopyTruncated(error->key, sizeof(error->key), e.key());
    CopyTruncated(error->message, sizeof(error->message), e.what());
  } catch (const std::exception& e) {
    CopyTruncated(error->message, sizeof(error->message), e.what());
  } catch (...) {
    CopyTruncated(error->message, sizeof(error->message),
                  "unknown exception in the detector's constructor");
  }
  return nullptr;
}

template <typename D>
int32_t EvaluateFor(const riskd_detector* detector, const riskd_event* event,
                    const riskd_result_sink* sink) {
  auto fail = [sink](std::string_view message) {
    sink->set_error(sink->host_context, Borrow(message));
    return int32_t{1};
  };
  try {
    Result result(*sink);
    reinterpret_cast<const D*>(detector)->Evaluate(Event(*event), result);
    return 0;
  } catch (const std::exception& e) {
    return fail(e.what());
  } catch (...) {
    return fail("unknown exception in Evaluate");
  }
}

template <typename D>
int32_t StateKeysFor(const riskd_detector* detector, const riskd_event* event,
                     const riskd_key_sink* sink) {
  if constexpr (requires(const D& d, const Event& e) { d.StateKeys(e); }) {
    try {
      for (const std::string& key :
           reinterpret_cast<const D*>(detector)->StateKeys(Event(*event))) {
        sink->want(sink->host_context, Borrow(key));
      }
    } catch (...) {
      return 1;  // evaluate then runs without state and may report the error
    }
  }
  return 0;
}

template <typename D>
void DestroyFor(riskd_detector* detector) {
  delete reinterpret_cast<D*>(detector);
}

}  // namespace internal
}  // namespace riskd

// Exports the C ABI for detector class `DetectorClass`. Use once per library.
#define RISKD_DETECTOR_PLUGIN(DetectorClass)                                                      \
  extern "C" {                                                                                    \
  RISKD_EXPORT uint32_t riskd_plugin_api_version(void) { return RISKD_DETECTOR_API_VERSION; }     \
  RISKD_EXPORT const riskd_plugin_description* riskd_plugin_describe(void) {                      \
    return ::riskd::internal::DescribeFor<DetectorClass>();                                       \
  }                                                                                               \
  RISKD_EXPORT riskd_detector* riskd_detector_create(const riskd_setting* settings, size_t count, \
                                                     riskd_error* error) {                        \
    return ::riskd::internal::CreateFor<DetectorClass>(settings, count, error);                   \
  }                                                                                               \
  RISKD_EXPORT int32_t riskd_detector_evaluate(const riskd_detector* detector,                    \
                                               const riskd_event* event,                          \
                                               const riskd_result_sink* sink) {                   \
    return ::riskd::internal::EvaluateFor<DetectorClass>(detector, event, sink);                  \
  }                                                                                               \
  RISKD_EXPORT void riskd_detector_destroy(riskd_detector* detector) {                            \
    ::riskd::internal::DestroyFor<DetectorClass>(detector);                                       \
  }                                                                                               \
  RISKD_EXPORT int32_t riskd_detector_state_keys(const riskd_detector* detector,                  \
                                                 const riskd_event* event,                        \
                                                 const riskd_key_sink* sink) {                    \
    return ::riskd::internal::StateKeysFor<DetectorClass>(detector, event, sink);                 \
  }                                                                                               \
  }

#endif  // RISKD_DETECTOR_H_
