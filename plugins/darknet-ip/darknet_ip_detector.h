// The darknet-ip detector: flags IPs of Tor exits, known proxies, hosting and
// cloud networks (by ASN), and the operator's own deny list.
#ifndef RISKD_PLUGINS_DARKNET_IP_DARKNET_IP_DETECTOR_H_
#define RISKD_PLUGINS_DARKNET_IP_DARKNET_IP_DETECTOR_H_

#include <string>

#include "ip_list.h"
#include "riskd/detector.h"

namespace riskd_darknet_ip {

class DarknetIpDetector {
 public:
  static riskd::Description Describe();

  // Reads every list and the ASN database. Throws riskd::SettingError naming
  // the setting (and the file and line) when one is unusable.
  explicit DarknetIpDetector(const riskd::Settings& settings);

  // Pure and thread-safe: four binary searches over tables built above.
  void Evaluate(const riskd::Event& event, riskd::Result& result) const;

  // Sizes after loading, for tests and the benchmark.
  size_t tor_ranges() const { return tor_.range_count(); }
  size_t datacenter_ranges() const { return datacenter_.range_count(); }

 private:
  IpList tor_;
  IpList proxies_;
  IpList datacenter_;
  IpList denied_;
  double tor_exit_score_;
  double proxy_score_;
  double datacenter_score_;
  double listed_score_;
};

}  // namespace riskd_darknet_ip

#endif  // RISKD_PLUGINS_DARKNET_IP_DARKNET_IP_DETECTOR_H_
