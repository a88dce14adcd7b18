// An event carrying only an IP, as the host passes it (family and
// network-order bytes), for the unit tests and the benchmark.
#ifndef RISKD_PLUGINS_DARKNET_IP_TEST_EVENT_H_
#define RISKD_PLUGINS_DARKNET_IP_TEST_EVENT_H_

#include <string>

#include "riskd/detector.h"
#include "riskd/detector_testing.h"

namespace riskd_darknet_ip {

class TestEvent {
 public:
  // `ip` must parse; IPv4-mapped IPv6 becomes IPv4 as in the host.
  explicit TestEvent(std::string ip) : ip_(std::move(ip)) {
    raw_.struct_size = sizeof(riskd_event);
    raw_.type = RISKD_EVENT_LOGIN_SUCCEEDED;
    raw_.ip = riskd::Borrow(ip_);
    riskd::testing::SetIpAsHost(ip_, raw_);
  }
  TestEvent(const TestEvent&) = delete;
  TestEvent& operator=(const TestEvent&) = delete;

  riskd::Event event() const { return riskd::Event(raw_); }

 private:
  std::string ip_;
  riskd_event raw_{};
};

}  // namespace riskd_darknet_ip

#endif  // RISKD_PLUGINS_DARKNET_IP_TEST_EVENT_H_
