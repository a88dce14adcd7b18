#include "server/funnel/case_model.h"

#include "absl/strings/str_cat.h"

namespace riskd {
namespace {

using riskd::state::v1::DeviceRecord;
using riskd::state::v1::UserRecord;

// Sets `field` through `set` and says whether it changed.
template <typename Value, typename Setter>
bool Update(Value current, Value wanted, Setter set) {
  if (current == wanted) return false;
  set(wanted);
  return true;
}

CaseStep Step(absl::string_view kind, absl::string_view device_id, uint32_t number) {
  return {std::string(kind), absl::StrCat(kind, "/", device_id, "/", number),
          std::string(device_id)};
}

// Events without a device keep their case on the user's own fields.
bool OpenReview(DeviceRecord* device, UserRecord& record, std::vector<CaseStep>& steps) {
  if (device == nullptr) {
    if (record.review_open() || record.compromised()) return false;
    record.set_review_open(true);
    record.set_reviews_opened(record.reviews_opened() + 1);
    steps.push_back(Step(kReviewOpened, "", record.reviews_opened()));
    return true;
  }
  // A trusted device, or one already in a case, opens nothing new.
  if (device->approved() || device->review_open() || device->incident_open()) return false;
  device->set_review_open(true);
  device->set_reviews_opened(device->reviews_opened() + 1);
  steps.push_back(Step(kReviewOpened, device->id(), device->reviews_opened()));
  return true;
}

bool OpenIncident(DeviceRecord* device, UserRecord& record, std::vector<CaseStep>& steps) {
  if (device == nullptr) {
    record.set_review_open(false);
    if (record.compromised()) return false;
    record.set_compromised(true);
    record.set_incidents_opened(record.incidents_opened() + 1);
    steps.push_back(Step(kIncidentConfirmed, "", record.incidents_opened()));
    return true;
  }
  device->set_review_open(false);
  if (device->incident_open()) return false;
  device->set_incident_open(true);
  device->set_incidents_opened(device->incidents_opened() + 1);
  steps.push_back(Step(kIncidentConfirmed, device->id(), device->incidents_opened()));
  return true;
}

// A new password ends every open incident (one step each) and review.
bool Recover(UserRecord& record, std::vector<CaseStep>& steps) {
  bool changed = Update(record.consecutive_failures(), 0u,
                        [&](uint32_t v) { record.set_consecutive_failures(v); });
  for (DeviceRecord& device : *record.mutable_devices()) {
    changed |= Update(device.review_open(), false, [&](bool v) { device.set_review_open(v); });
    if (device.incident_open()) {
      device.set_incident_open(false);
      steps.push_back(Step(kIncidentRecovered, device.id(), device.incidents_opened()));
      changed = true;
    }
  }
  changed |= Update(record.review_open(), false, [&](bool v) { record.set_review_open(v); });
  if (record.compromised()) {
    record.set_compromised(false);
    steps.push_back(Step(kIncidentRecovered, "", record.incidents_opened()));
    changed = true;
  }
  return changed;
}

// "This was me", or a passed challenge: the device is trusted.
bool Trust(DeviceRecord* device, UserRecord& record, bool clear_report) {
  if (device == nullptr) {
    return Update(record.review_open(), false, [&](bool v) { record.set_review_open(v); });
  }
  bool changed = Update(device->review_open(), false, [&](bool v) { device->set_review_open(v); });
  changed |= Update(device->approved(), true, [&](bool v) { device->set_approved(v); });
  if (clear_report) {
    changed |= Update(device->reported(), false, [&](bool v) { device->set_reported(v); });
  }
  return changed;
}

}  // namespace

DeviceRecord* FindDevice(UserRecord& record, absl::string_view device_id) {
  if (device_id.empty()) return nullptr;
  for (DeviceRecord& device : *record.mutable_devices()) {
    if (device.id() == device_id) return &device;
  }
  return nullptr;
}

riskd_device_trust TrustOf(const UserRecord& record, absl::string_view device_id) {
  if (device_id.empty()) return RISKD_DEVICE_UNKNOWN;
  for (const DeviceRecord& device : record.devices()) {
    if (device.id() != device_id) continue;
    if (device.reported()) return RISKD_DEVICE_REPORTED;
    if (device.approved()) return RISKD_DEVICE_APPROVED;
    return RISKD_DEVICE_KNOWN;
  }
  return RISKD_DEVICE_UNKNOWN;
}

std::vector<CaseStep> ApplyVerdict(const FunnelOptions& options, riskd::v1::EventType type,
                                   riskd::v1::Verdict verdict, double risk_score,
                                   absl::string_view device_id, UserRecord& record) {
  std::vector<CaseStep> steps;
  DeviceRecord* device = FindDevice(record, device_id);
  if (verdict == riskd::v1::VERDICT_DENY && type == riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED) {
    // The right password from someone riskd would not let in.
    OpenIncident(device, record, steps);
  } else if (verdict == riskd::v1::VERDICT_CHALLENGE ||
             (options.review_min_score && risk_score >= *options.review_min_score)) {
    OpenReview(device, record, steps);
  }
  return steps;
}

FeedbackOutcome ApplyFeedback(riskd::v1::FeedbackType type, absl::string_view device_id,
                              UserRecord& record) {
  FeedbackOutcome outcome;
  DeviceRecord* device = FindDevice(record, device_id);
  switch (type) {
    case riskd::v1::FEEDBACK_TYPE_CHALLENGE_SUCCEEDED:
      outcome.changed = Trust(device, record, /*clear_report=*/false);
      break;
    case riskd::v1::FEEDBACK_TYPE_REVIEW_APPROVED:
      outcome.changed = Trust(device, record, /*clear_report=*/true);
      break;
    case riskd::v1::FEEDBACK_TYPE_REVIEW_ESCALATED:
      if (device != nullptr) {
        outcome.changed |=
            Update(device->reported(), true, [&](bool v) { device->set_reported(v); });
        outcome.changed |=
            Update(device->approved(), false, [&](bool v) { device->set_approved(v); });
      }
      outcome.changed |= OpenIncident(device, record, outcome.steps);
      break;
    case riskd::v1::FEEDBACK_TYPE_PASSWORD_RESET_SUCCEEDED:
      outcome.changed = Recover(record, outcome.steps);
      break;
    default:  // CHALLENGE_FAILED: the review stays open; only the funnel counts it.
      break;
  }
  return outcome;
}

}  // namespace riskd
