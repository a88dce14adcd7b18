// Turns the case steps a change raised (case_model.h) into webhook events and
// the outbox transactions that deliver them, to be committed in the same
// batch as the user's record.
#ifndef RISKD_SERVER_FUNNEL_CASE_WEBHOOKS_H_
#define RISKD_SERVER_FUNNEL_CASE_WEBHOOKS_H_

#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "riskd/state/v1/user_record.pb.h"
#include "server/config/webhooks_config.h"
#include "server/decision/decision.h"
#include "server/funnel/case_model.h"
#include "server/state/state_store.h"
#include "server/webhooks/webhook_event.h"

namespace riskd {

// The webhook event for `step`, from the user's record as written. The
// triggering decision is `decision` (with `request_id`) when a decision
// raised the step; for feedback it is the decision that opened the device's
// case, as the record kept it.
WebhookEvent WebhookEventFor(const CaseStep& step, const riskd::state::v1::UserRecord& record,
                             const Decision* decision, absl::string_view request_id, absl::Time at);

// The outbox transactions for every step (none without steps or endpoints).
std::vector<StateStore::Transaction> EnqueueCaseWebhooks(const WebhooksConfig& webhooks,
                                                         const std::vector<CaseStep>& steps,
                                                         const riskd::state::v1::UserRecord& record,
                                                         const Decision* decision,
                                                         absl::string_view request_id,
                                                         absl::Time at);

}  // namespace riskd

#endif  // RISKD_SERVER_FUNNEL_CASE_WEBHOOKS_H_
