// The account-recovery funnel as a state machine over a user's record, one
// case per user and device:
//
//   challenge (or a score over funnel.review_min_score)  -> review open   (review.opened)
//   "this was me", a passed challenge                     -> device trusted, review closed
//   deny on a succeeded login, "this was not me", a
//   reported device                                       -> incident     (incident.confirmed)
//   password reset                                        -> recovered    (incident.recovered)
//
// Pure functions, like user_model.h: a conflicting concurrent update is
// simply applied again to the fresh record. Each step that raises a webhook
// gets a case id that is the same however often the step is computed, so a
// retried write never raises a second webhook.
#ifndef RISKD_SERVER_FUNNEL_CASE_MODEL_H_
#define RISKD_SERVER_FUNNEL_CASE_MODEL_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "riskd/detector_abi.h"
#include "riskd/state/v1/user_record.pb.h"
#include "riskd/v1/riskd.pb.h"
#include "server/funnel/funnel_options.h"

namespace riskd {

inline constexpr char kReviewOpened[] = "review.opened";
inline constexpr char kIncidentConfirmed[] = "incident.confirmed";
inline constexpr char kIncidentRecovered[] = "incident.recovered";

// A step of a case that raises a webhook.
struct CaseStep {
  std::string kind;       // kReviewOpened, kIncidentConfirmed, kIncidentRecovered
  std::string case_id;    // "<kind>/<device id>/<n>": stable for this step
  std::string device_id;  // "" for events without a device
};

// What the user said about `device_id`, as detectors see it (ABI 1.3).
riskd_device_trust TrustOf(const riskd::state::v1::UserRecord& record, absl::string_view device_id);

// The device's entry in `record`, or null.
riskd::state::v1::DeviceRecord* FindDevice(riskd::state::v1::UserRecord& record,
                                           absl::string_view device_id);

// Moves the case after an Authenticate decision on `device_id` (already
// counted in `record` by ApplyEvent). Returns the steps that raise webhooks.
std::vector<CaseStep> ApplyVerdict(const FunnelOptions& options, riskd::v1::EventType type,
                                   riskd::v1::Verdict verdict, double risk_score,
                                   absl::string_view device_id,
                                   riskd::state::v1::UserRecord& record);

struct FeedbackOutcome {
  bool changed = false;
  std::vector<CaseStep> steps;
};

// Applies feedback about `device_id` ("" only for a password reset).
// The caller checks that the device exists. Idempotent: the same feedback
// twice changes nothing the second time.
FeedbackOutcome ApplyFeedback(riskd::v1::FeedbackType type, absl::string_view device_id,
                              riskd::state::v1::UserRecord& record);

}  // namespace riskd

#endif  // RISKD_SERVER_FUNNEL_CASE_MODEL_H_
