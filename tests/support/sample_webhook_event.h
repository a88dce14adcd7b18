// A plausible webhook event for tests that need one without the case logic:
// user `user` on device d-1 from 81.2.69.160 (GB), request req-<n>, whose
// case id is "<kind>/<user>/d-1/req-<n>".
#ifndef RISKD_TESTS_SUPPORT_SAMPLE_WEBHOOK_EVENT_H_
#define RISKD_TESTS_SUPPORT_SAMPLE_WEBHOOK_EVENT_H_

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "server/webhooks/webhook_event.h"

namespace riskd::testing {

inline WebhookEvent SampleWebhookEvent(const std::string& kind, const std::string& user,
                                       int n = 1) {
  WebhookEvent event;
  event.kind = kind;
  event.case_id = absl::StrCat(kind, "/", user, "/d-1/req-", n);
  event.user_id = user;
  event.user_email = user + "@example.com";
  event.device_id = "d-1";
  event.device_user_agent = "Mozilla/5.0 Firefox/125.0";
  event.device_last_ip = "81.2.69.160";
  event.device_country = "GB";
  event.request_id = absl::StrCat("req-", n);
  event.score = 0.93;
  event.signals = {{"darknet-ip", "tor_exit", "listed Tor exit"}};
  event.occurred_at = absl::Now();
  return event;
}

}  // namespace riskd::testing

#endif  // RISKD_TESTS_SUPPORT_SAMPLE_WEBHOOK_EVENT_H_
