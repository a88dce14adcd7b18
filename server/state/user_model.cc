#include "server/state/user_model.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"

namespace riskd {
namespace {

using riskd::state::v1::DeviceRecord;
using riskd::state::v1::SeenValue;
using riskd::state::v1::UserRecord;

int64_t Ms(absl::Time t) { return absl::ToUnixMillis(t); }

uint64_t RequestHash(const std::string& request_id) {
  // Stable across processes and versions (absl::Hash is not): FNV-1a.
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : request_id) hash = (hash ^ c) * 0x100000001b3ULL;
  return hash;
}

bool HasSignal(const Decision& decision, std::initializer_list<absl::string_view> names) {
  for (const DetectorOutcome& d : decision.detectors) {
    for (const RaisedSignal& s : d.run.signals) {
      if (std::find(names.begin(), names.end(), s.name) != names.end()) return true;
    }
  }
  return false;
}

// Moves element `i` of `list` to the front, keeping the others' order. Swaps
// pointers, not messages.
template <typename T>
void MoveToFront(google::protobuf::RepeatedPtrField<T>& list, int i) {
  for (; i > 0; --i) list.SwapElements(i, i - 1);
}

// Counts `value` in a most-recent-first list bounded to `max` entries.
void See(google::protobuf::RepeatedPtrField<SeenValue>& list, const std::string& value,
         int64_t at_ms, int max) {
  if (value.empty()) return;
  auto it = std::find_if(list.begin(), list.end(),
                         [&](const SeenValue& v) { return v.value() == value; });
  int i = static_cast<int>(it - list.begin());
  if (it == list.end()) list.Add()->set_value(value);
  SeenValue& seen = *list.Mutable(i);
  seen.set_count(seen.count() + 1);
  seen.set_last_seen_ms(std::max(seen.last_seen_ms(), at_ms));
  MoveToFront(list, i);
  while (list.size() > max) list.RemoveLast();
}

// The decision that opened a device's review, as a later webhook about the
// case names it. Kept only on devices with a case, to keep records small.
constexpr int kMaxDeviceSignals = 4;

void RememberCaseDecision(const NormalizedEvent& event, const Decision& decision,
                          DeviceRecord& device) {
  device.set_last_request_id(event.request_id);
  device.set_last_score(decision.risk_score);
  device.clear_last_signals();
  for (const DetectorOutcome& d : decision.detectors) {
    for (const RaisedSignal& s : d.run.signals) {
      if (device.last_signals_size() < kMaxDeviceSignals) {
        device.add_last_signals(absl::StrCat(d.name, "/", s.name));
      }
    }
  }
}

void SeeDevice(const UserModelOptions& options, const NormalizedEvent& event, const std::string& ip,
               UserRecord& record) {
  if (event.device_id.empty()) return;
  auto& devices = *record.mutable_devices();
  auto it = std::find_if(devices.begin(), devices.end(),
                         [&](const DeviceRecord& d) { return d.id() == event.device_id; });
  int i = static_cast<int>(it - devices.begin());
  if (it == devices.end()) {
    DeviceRecord* added = devices.Add();
    added->set_id(event.device_id);
    added->set_first_seen_ms(Ms(event.occurred_at));
  }
  DeviceRecord& device = *devices.Mutable(i);
  device.set_last_seen_ms(std::max(device.last_seen_ms(), Ms(event.occurred_at)));
  device.set_user_agent(event.user_agent.substr(0, options.max_stored_user_agent));
  if (event.ip) device.set_last_ip(ip);
  if (!event.country.empty()) device.set_last_country(event.country);
  device.set_events(device.events() + 1);
  MoveToFront(devices, i);
  while (devices.size() > options.max_devices) devices.RemoveLast();
}

google::protobuf::Timestamp Timestamp(int64_t ms) {
  return google::protobuf::util::TimeUtil::MillisecondsToTimestamp(ms);
}

}  // namespace

bool ApplyEvent(const UserModelOptions& options, const FunnelOptions& funnel,
                const NormalizedEvent& event, const Decision& decision, bool with_verdict,
                UserRecord& record, std::vector<CaseStep>& steps) {
  if (!event.request_id_generated) {
    uint64_t hash = RequestHash(event.request_id);
    const auto& seen = record.recent_request_hashes();
    if (std::find(seen.begin(), seen.end(), hash) != seen.end()) return false;
    auto& hashes = *record.mutable_recent_request_hashes();
    hashes.Add(hash);
    if (hashes.size() > options.max_request_hashes) hashes.erase(hashes.begin());
  }
  const int64_t at = Ms(event.occurred_at);
  record.set_id(event.user_id);
  if (!event.email.empty()) {
    // The email's flag follows the current address.
    record.set_disposable_email(HasSignal(decision, {"disposable_email"}));
    record.set_email(event.email);
  }
  if (record.first_seen_ms() == 0 || at < record.first_seen_ms()) record.set_first_seen_ms(at);
  record.set_last_seen_ms(std::max(record.last_seen_ms(), at));
  if (event.registered_at) {
    record.set_registered_at_ms(Ms(*event.registered_at));
    record.set_registered_at_from_event(true);
  } else if (!record.registered_at_from_event()) {
    record.set_registered_at_ms(record.first_seen_ms());
  }
  record.set_events(record.events() + 1);

  switch (event.type) {
    case riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED:
      record.set_logins_succeeded(record.logins_succeeded() + 1);
      record.set_consecutive_failures(0);
      break;
    case riskd::v1::EVENT_TYPE_LOGIN_FAILED:
      record.set_logins_failed(record.logins_failed() + 1);
      record.set_consecutive_failures(record.consecutive_failures() + 1);
      break;
    default:
      break;
  }

  const std::string ip = event.ip ? event.ip->ToString() : std::string();
  SeeDevice(options, event, ip, record);
  // Events that answer a case do what the same feedback does.
  if (event.type == riskd::v1::EVENT_TYPE_PASSWORD_RESET_SUCCEEDED) {
    // The recovery: a new password closes the case.
    for (CaseStep& step :
         ApplyFeedback(riskd::v1::FEEDBACK_TYPE_PASSWORD_RESET_SUCCEEDED, "", record).steps) {
      steps.push_back(std::move(step));
    }
  } else if (event.type == riskd::v1::EVENT_TYPE_CHALLENGE_SUCCEEDED) {
    ApplyFeedback(riskd::v1::FEEDBACK_TYPE_CHALLENGE_SUCCEEDED, event.device_id, record);
  }
  if (event.ip) See(*record.mutable_ips(), ip, at, options.max_ips);
  See(*record.mutable_countries(), event.country, at, options.max_countries);
  if (HasSignal(decision, {"tor_exit", "proxy_ip"})) record.set_tor_seen_at_ms(at);

  record.set_risk_score(decision.risk_score);
  record.set_risk_scored_at_ms(at);
  if (with_verdict) {
    for (CaseStep& step : ApplyVerdict(funnel, event.type, decision.verdict, decision.risk_score,
                                       event.device_id, record)) {
      if (DeviceRecord* device = FindDevice(record, step.device_id)) {
        RememberCaseDecision(event, decision, *device);
      }
      steps.push_back(std::move(step));
    }
  }
  return true;
}

double CurrentRiskScore(const UserModelOptions& options, const UserRecord& record, absl::Time now) {
  double age_hours = std::max<double>(
      0, absl::ToDoubleHours(now - absl::FromUnixMillis(record.risk_scored_at_ms())));
  return record.risk_score() *
         std::pow(0.5, age_hours / absl::ToDoubleHours(options.risk_half_life));
}

std::vector<std::string> UserFlags(const UserModelOptions& options, const UserRecord& record,
                                   absl::Time now) {
  // Activity within the window that ends at the user's last event.
  const int64_t window_start =
      record.last_seen_ms() - absl::ToInt64Milliseconds(options.shared_account_window);
  int recent_devices = 0;
  for (const DeviceRecord& d : record.devices()) recent_devices += d.last_seen_ms() >= window_start;
  int recent_countries = 0;
  for (const SeenValue& c : record.countries())
    recent_countries += c.last_seen_ms() >= window_start;

  bool review_open = record.review_open();
  bool compromised = record.compromised();
  for (const DeviceRecord& d : record.devices()) {
    review_open |= d.review_open();
    compromised |= d.incident_open();
  }

  const int64_t now_ms = Ms(now);
  const bool flag[] = {
      recent_devices >= options.shared_account_devices || recent_countries >= 2,
      record.tor_seen_at_ms() != 0 &&
          now_ms - record.tor_seen_at_ms() <= absl::ToInt64Milliseconds(options.tor_memory),
      record.disposable_email(),
      static_cast<int>(record.consecutive_failures()) >= options.lost_password_failures,
      now_ms - record.last_seen_ms() > absl::ToInt64Milliseconds(options.inactive_after),
      record.events() == 1,
      review_open,
      compromised,
  };
  std::vector<std::string> flags;
  for (size_t i = 0; i < std::size(kUserFlags); ++i) {
    if (flag[i]) flags.push_back(kUserFlags[i]);
  }
  return flags;
}

void ToDevice(const DeviceRecord& d, riskd::v1::Device& device) {
  device.set_id(d.id());
  *device.mutable_first_seen() = Timestamp(d.first_seen_ms());
  *device.mutable_last_seen() = Timestamp(d.last_seen_ms());
  device.set_user_agent(d.user_agent());
  device.set_last_ip(d.last_ip());
  device.set_last_country(d.last_country());
  device.set_approved(d.approved());
  device.set_reported(d.reported());
  device.set_events(d.events());
  device.set_review_open(d.review_open());
  device.set_incident_open(d.incident_open());
}

void ToUserProfile(const UserModelOptions& options, const UserRecord& record, absl::Time now,
                   riskd::v1::UserProfile& profile) {
  profile.set_id(record.id());
  profile.set_email(record.email());
  *profile.mutable_registered_at() = Timestamp(record.registered_at_ms());
  *profile.mutable_first_seen() = Timestamp(record.first_seen_ms());
  *profile.mutable_last_seen() = Timestamp(record.last_seen_ms());
  profile.set_events(record.events());
  profile.set_logins_succeeded(record.logins_succeeded());
  profile.set_logins_failed(record.logins_failed());
  profile.set_consecutive_failures(record.consecutive_failures());
  for (const DeviceRecord& d : record.devices()) ToDevice(d, *profile.add_devices());
  auto copy = [](const google::protobuf::RepeatedPtrField<SeenValue>& from,
                 google::protobuf::RepeatedPtrField<riskd::v1::SeenValue>* to) {
    for (const SeenValue& v : from) {
      riskd::v1::SeenValue* out = to->Add();
      out->set_value(v.value());
      out->set_count(v.count());
      *out->mutable_last_seen() = Timestamp(v.last_seen_ms());
    }
  };
  copy(record.ips(), profile.mutable_ips());
  copy(record.countries(), profile.mutable_countries());
  copy(record.asns(), profile.mutable_asns());
  profile.set_risk_score(CurrentRiskScore(options, record, now));
  for (std::string& flag : UserFlags(options, record, now)) profile.add_flags(std::move(flag));
}

}  // namespace riskd
