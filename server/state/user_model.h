// What riskd remembers of each user: how an event changes a UserRecord, and
// the flags read from it. Pure functions, so that both engines and every
// replica apply events the same way (and a conflicting concurrent update can
// simply be applied again to the fresh record).
#ifndef RISKD_SERVER_STATE_USER_MODEL_H_
#define RISKD_SERVER_STATE_USER_MODEL_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "riskd/state/v1/user_record.pb.h"
#include "riskd/v1/riskd.pb.h"
#include "server/decision/decision.h"
#include "server/event/normalized_event.h"
#include "server/funnel/case_model.h"
#include "server/funnel/funnel_options.h"
#include "server/state/user_model_options.h"

namespace riskd {

// The flag names, as GetUser and ListUsers show them.
inline constexpr const char* kUserFlags[] = {"shared_account", "tor",        "disposable_email",
                                             "lost_password",  "inactive",   "seen_once",
                                             "at_risk",        "compromised"};

// Applies one event and its decision to `record`, and moves the user's
// recovery case (server/funnel/case_model.h), appending to `steps` the case
// steps that raise webhooks. `with_verdict` is false for Track (no verdict
// was given, so it opens no review). Returns false and changes nothing when
// the event's request id was applied before.
bool ApplyEvent(const UserModelOptions& options, const FunnelOptions& funnel,
                const NormalizedEvent& event, const Decision& decision, bool with_verdict,
                riskd::state::v1::UserRecord& record, std::vector<CaseStep>& steps);

// The record's flags at `now`, in kUserFlags order.
std::vector<std::string> UserFlags(const UserModelOptions& options,
                                   const riskd::state::v1::UserRecord& record, absl::Time now);

// The last decision's score, decayed to `now`.
double CurrentRiskScore(const UserModelOptions& options, const riskd::state::v1::UserRecord& record,
                        absl::Time now);

void ToDevice(const riskd::state::v1::DeviceRecord& record, riskd::v1::Device& device);

void ToUserProfile(const UserModelOptions& options, const riskd::state::v1::UserRecord& record,
                   absl::Time now, riskd::v1::UserProfile& profile);

}  // namespace riskd

#endif  // RISKD_SERVER_STATE_USER_MODEL_H_
