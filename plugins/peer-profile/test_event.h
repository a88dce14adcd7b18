// Events as the host passes them (IP family and bytes, registration time,
// state values), and a map standing in for riskd's state store, for the unit
// tests and the benchmark: riskd::testing::EventBuilder sets no registered_at.
#ifndef RISKD_PLUGINS_PEER_PROFILE_TEST_EVENT_H_
#define RISKD_PLUGINS_PEER_PROFILE_TEST_EVENT_H_

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "riskd/detector.h"
#include "riskd/detector_testing.h"

namespace riskd_peer_profile {

struct TestEventSpec {
  riskd::EventType type = riskd::EventType::kLoginSucceeded;
  std::string user_id = "alice";
  std::string ip;
  std::string user_agent;
  std::string device_id;
  int64_t occurred_at_ms = 0;
  int64_t registered_at_ms = 0;
};

class TestEvent {
 public:
  explicit TestEvent(TestEventSpec spec) : spec_(std::move(spec)) {
    raw_.struct_size = sizeof(riskd_event);
    raw_.type = static_cast<int32_t>(spec_.type);
    raw_.occurred_at_ms = spec_.occurred_at_ms;
    raw_.registered_at_ms = spec_.registered_at_ms;
    raw_.user_id = riskd::Borrow(spec_.user_id);
    raw_.ip = riskd::Borrow(spec_.ip);
    raw_.user_agent = riskd::Borrow(spec_.user_agent);
    raw_.device_id = riskd::Borrow(spec_.device_id);
    riskd::testing::SetIpAsHost(spec_.ip, raw_);
  }
  TestEvent(const TestEvent&) = delete;
  TestEvent& operator=(const TestEvent&) = delete;

  // The values for `keys`, as the host passes them (absent keys included).
  void SetState(const std::vector<std::string>& keys,
                const std::map<std::string, std::string>& store) {
    keys_ = keys;
    values_.clear();
    state_.clear();
    for (const std::string& key : keys_) {
      auto it = store.find(key);
      values_.push_back(it == store.end() ? "" : it->second);
    }
    for (size_t i = 0; i < keys_.size(); ++i) {
      state_.push_back(
          {riskd::Borrow(keys_[i]), riskd::Borrow(values_[i]), store.count(keys_[i]) > 0 ? 1 : 0});
    }
    raw_.state = state_.data();
    raw_.state_count = state_.size();
  }

  riskd::Event event() const { return riskd::Event(raw_); }

 private:
  TestEventSpec spec_;
  std::vector<std::string> keys_, values_;
  std::vector<riskd_state_value> state_;
  riskd_event raw_{};
};

// Records a detector's result and applies its writes to a map, as riskd
// commits them (puts replace, adds add to decimal counters; TTLs ignored).
class TestStore {
 public:
  TestStore()
      : sink_{this,
              &TestStore::OnScore,
              &TestStore::OnSignal,
              &TestStore::OnError,
              &TestStore::OnPut,
              &TestStore::OnAdd,
              &TestStore::OnAdd},  // shared counters: applied at once here
        result_(sink_) {}
  TestStore(const TestStore&) = delete;
  TestStore& operator=(const TestStore&) = delete;

  // Runs StateKeys, reads, Evaluate and commits, like riskd for one event.
  template <typename Detector>
  void Run(const Detector& detector, TestEvent& event) {
    score_ = 0.0;
    signals_.clear();
    puts_ = adds_ = 0;
    keys_ = detector.StateKeys(event.event());
    event.SetState(keys_, values_);
    detector.Evaluate(event.event(), result_);
  }

  double score() const { return score_; }
  const std::map<std::string, std::string>& signals() const { return signals_; }
  bool HasSignal(const std::string& name) const { return signals_.count(name) > 0; }
  const std::vector<std::string>& keys() const { return keys_; }
  int puts() const { return puts_; }
  int adds() const { return adds_; }
  std::map<std::string, std::string>& values() { return values_; }

 private:
  static TestStore& Self(void* self) { return *static_cast<TestStore*>(self); }
  static void OnScore(void* self, double score) { Self(self).score_ = score; }
  static void OnSignal(void* self, riskd_string name, riskd_string detail) {
    Self(self).signals_[std::string(riskd::View(name))] = riskd::View(detail);
  }
  static void OnError(void*, riskd_string) {}
  static void OnPut(void* self, riskd_string key, riskd_string value, int64_t) {
    Self(self).values_[std::string(riskd::View(key))] = riskd::View(value);
    ++Self(self).puts_;
  }
  static void OnAdd(void* self, riskd_string key, int64_t delta, int64_t) {
    std::string& value = Self(self).values_[std::string(riskd::View(key))];
    value = std::to_string((value.empty() ? 0 : std::stoll(value)) + delta);
    ++Self(self).adds_;
  }

  riskd_result_sink sink_;
  riskd::Result result_;
  double score_ = 0.0;
  std::map<std::string, std::string> signals_;
  std::vector<std::string> keys_;
  std::map<std::string, std::string> values_;
  int puts_ = 0, adds_ = 0;
};

}  // namespace riskd_peer_profile

#endif  // RISKD_PLUGINS_PEER_PROFILE_TEST_EVENT_H_
