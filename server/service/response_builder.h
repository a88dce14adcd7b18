// Turns a Decision into the API's AuthenticateResponse and a log line.
#ifndef RISKD_SERVER_SERVICE_RESPONSE_BUILDER_H_
#define RISKD_SERVER_SERVICE_RESPONSE_BUILDER_H_

#include "absl/strings/string_view.h"
#include "riskd/v1/riskd.pb.h"
#include "server/decision/decision.h"
#include "server/event/normalized_event.h"

namespace riskd {

void FillAuthenticateResponse(const NormalizedEvent& event, const Decision& decision,
                              riskd::v1::AuthenticateResponse& response);

// One structured line per decision, at debug level.
void LogDecision(absl::string_view rpc, const NormalizedEvent& event, const Decision& decision,
                 absl::Duration latency);

}  // namespace riskd

#endif  // RISKD_SERVER_SERVICE_RESPONSE_BUILDER_H_
