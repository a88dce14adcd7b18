// The C view (riskd_event) of a NormalizedEvent, built once per request and
// shared by every detector.
#ifndef RISKD_SERVER_PLUGIN_HOST_ABI_EVENT_H_
#define RISKD_SERVER_PLUGIN_HOST_ABI_EVENT_H_

#include <string>
#include <vector>

#include "riskd/detector_abi.h"
#include "server/event/normalized_event.h"

namespace riskd {

class AbiEvent {
 public:
  // `event` must outlive this view.
  explicit AbiEvent(const NormalizedEvent& event);
  AbiEvent(const AbiEvent&) = delete;
  AbiEvent& operator=(const AbiEvent&) = delete;

  const riskd_event& raw() const { return raw_; }

 private:
  std::string ip_text_;
  std::vector<riskd_key_value> headers_;
  std::vector<riskd_key_value> properties_;
  riskd_event raw_{};
};

}  // namespace riskd

#endif  // RISKD_SERVER_PLUGIN_HOST_ABI_EVENT_H_
