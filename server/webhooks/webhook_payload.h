// The JSON body of a webhook (riskd.v1.WebhookPayload, proto field names,
// every field present) and its delivery id.
#ifndef RISKD_SERVER_WEBHOOKS_WEBHOOK_PAYLOAD_H_
#define RISKD_SERVER_WEBHOOKS_WEBHOOK_PAYLOAD_H_

#include <string>

#include "absl/strings/string_view.h"
#include "server/webhooks/webhook_event.h"

namespace riskd {

// 32 hex digits derived from the case and the endpoint: the same step of a
// case always gets the same id at one endpoint, and different endpoints get
// different ids.
std::string WebhookDeliveryId(absl::string_view case_id, absl::string_view endpoint);

std::string WebhookPayloadJson(const WebhookEvent& event, absl::string_view delivery_id);

}  // namespace riskd

#endif  // RISKD_SERVER_WEBHOOKS_WEBHOOK_PAYLOAD_H_
