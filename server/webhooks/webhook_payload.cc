#include "server/webhooks/webhook_payload.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "riskd/v1/webhooks.pb.h"
#include "server/webhooks/webhook_signer.h"

namespace riskd {
namespace {

// `text` with every byte that does not start a valid UTF-8 sequence replaced
// by U+FFFD: stored strings may have been cut mid-character (user agents are
// truncated), and JSON must be valid UTF-8.
std::string ValidUtf8(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = text[i];
    size_t length = c < 0x80           ? 1
                    : (c >> 5) == 0x6  ? 2
                    : (c >> 4) == 0xE  ? 3
                    : (c >> 3) == 0x1E ? 4
                                       : 0;
    bool valid = length > 0 && i + length <= text.size();
    for (size_t k = 1; valid && k < length; ++k) {
      valid = (static_cast<unsigned char>(text[i + k]) >> 6) == 0x2;
    }
    if (valid && length > 1) {
      // Reject overlong forms, surrogates and code points past U+10FFFF.
      uint32_t cp = c & (0xFF >> (length + 1));
      for (size_t k = 1; k < length; ++k) cp = (cp << 6) | (text[i + k] & 0x3F);
      static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
      valid = cp >= kMin[length] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (valid) {
      out.append(text.data() + i, length);
      i += length;
    } else {
      out.append("\xEF\xBF\xBD");
      ++i;
    }
  }
  return out;
}

}  // namespace

std::string WebhookDeliveryId(absl::string_view case_id, absl::string_view endpoint) {
  // The length prefix keeps ("a:b", "c") and ("a", "b:c") apart.
  return Sha256Hex(absl::StrCat(case_id.size(), ":", case_id, endpoint)).substr(0, 32);
}

std::string WebhookPayloadJson(const WebhookEvent& event, absl::string_view delivery_id) {
  riskd::v1::WebhookPayload payload;
  payload.set_event(ValidUtf8(event.kind));
  payload.set_delivery_id(std::string(delivery_id));
  // A Timestamp (and so JSON) holds years 1 to 9999 only.
  constexpr int64_t kMinMs = -62'135'596'800'000, kMaxMs = 253'402'300'799'999;
  *payload.mutable_occurred_at() = google::protobuf::util::TimeUtil::MillisecondsToTimestamp(
      std::clamp(absl::ToUnixMillis(event.occurred_at), kMinMs, kMaxMs));
  payload.mutable_user()->set_id(ValidUtf8(event.user_id));
  payload.mutable_user()->set_email(ValidUtf8(event.user_email));
  riskd::v1::WebhookPayload::Device* device = payload.mutable_device();
  device->set_id(ValidUtf8(event.device_id));
  device->set_user_agent(ValidUtf8(event.device_user_agent));
  device->set_last_ip(ValidUtf8(event.device_last_ip));
  device->mutable_location()->set_country(ValidUtf8(event.device_country));
  riskd::v1::WebhookPayload::Decision* decision = payload.mutable_decision();
  decision->set_request_id(ValidUtf8(event.request_id));
  decision->set_score(std::isfinite(event.score) ? event.score : 0);  // JSON has no NaN
  for (const WebhookSignal& s : event.signals) {
    riskd::v1::Signal* signal = decision->add_signals();
    signal->set_detector(ValidUtf8(s.detector));
    signal->set_name(ValidUtf8(s.name));
    signal->set_detail(ValidUtf8(s.detail));
  }
  std::string json;
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  // Cannot fail: every field is set from valid values.
  (void)google::protobuf::util::MessageToJsonString(payload, &json, options);
  return json;
}

}  // namespace riskd
