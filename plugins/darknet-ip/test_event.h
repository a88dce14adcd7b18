// An event carrying an IP as the host passes it (family and network-order
// bytes), for the unit tests and the benchmark: riskd::testing::EventBuilder
// sets only the text.
#ifndef RISKD_PLUGINS_DARKNET_IP_TEST_EVENT_H_
#define RISKD_PLUGINS_DARKNET_IP_TEST_EVENT_H_

#include <arpa/inet.h>

#include <cstring>
#include <string>

#include "riskd/detector.h"

namespace riskd_darknet_ip {

class TestEvent {
 public:
  // `ip` must parse; IPv4-mapped IPv6 becomes IPv4 as in the host.
  explicit TestEvent(std::string ip) : ip_(std::move(ip)) {
    raw_.struct_size = sizeof(riskd_event);
    raw_.type = RISKD_EVENT_LOGIN_SUCCEEDED;
    raw_.ip = riskd::Borrow(ip_);
    unsigned char v6[16];
    if (inet_pton(AF_INET, ip_.c_str(), raw_.ip_bytes) == 1) {
      raw_.ip_family = RISKD_IP_V4;
    } else if (inet_pton(AF_INET6, ip_.c_str(), v6) == 1) {
      static const unsigned char kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
      if (std::memcmp(v6, kMapped, 12) == 0) {
        raw_.ip_family = RISKD_IP_V4;
        std::memcpy(raw_.ip_bytes, v6 + 12, 4);
      } else {
        raw_.ip_family = RISKD_IP_V6;
        std::memcpy(raw_.ip_bytes, v6, 16);
      }
    }
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
