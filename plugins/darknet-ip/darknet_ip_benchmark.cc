// Cost of one Evaluate with the shipped data (scripts/fetch-data.sh), and of
// creating the detector (start-up and every reload). Not run by ctest:
//   <build>/plugins/darknet-ip/darknet_ip_benchmark
#include <benchmark/benchmark.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "darknet_ip_detector.h"
#include "riskd/detector_testing.h"
#include "test_event.h"

namespace riskd_darknet_ip {
namespace {

riskd::Settings RealSettings() {
  const std::string data = std::string(RISKD_SOURCE_DIR) + "/data";
  return riskd::testing::MakeSettings(DarknetIpDetector::Describe(),
                                      {{"tor_exit_list_file", data + "/tor-detect/ips.json"},
                                       {"asn_ipv4_file", data + "/ip-location-db-asn/asn-ipv4.csv"},
                                       {"asn_ipv6_file", data + "/ip-location-db-asn/asn-ipv6.csv"},
                                       {"deny_ips", "203.0.113.0/24,2001:db8:bad::/48"}});
}

const DarknetIpDetector& Detector() {
  static const DarknetIpDetector* detector = new DarknetIpDetector(RealSettings());
  return *detector;
}

void Evaluate(benchmark::State& state, const std::vector<std::string>& ips) {
  const DarknetIpDetector& detector = Detector();
  std::vector<std::unique_ptr<TestEvent>> events;
  for (const std::string& ip : ips) events.push_back(std::make_unique<TestEvent>(ip));
  riskd::testing::DiscardedResult discarded;
  riskd::Result& result = discarded.result();
  size_t i = 0;
  for (auto _ : state) {
    detector.Evaluate(events[i]->event(), result);
    i = (i + 1) % events.size();
  }
}

void BM_EvaluateResidentialV4(benchmark::State& state) {
  Evaluate(state, {"81.2.69.160", "73.15.200.1", "91.64.12.7", "24.5.3.3"});
}
void BM_EvaluateResidentialV6(benchmark::State& state) {
  Evaluate(state, {"2a02:8108::1", "2601:1c0::5", "2003:e3::9"});
}
void BM_EvaluateTorExit(benchmark::State& state) { Evaluate(state, {"1.65.178.244"}); }
void BM_EvaluateDatacenter(benchmark::State& state) {
  Evaluate(state, {"3.5.140.2", "104.131.0.1", "2600:1f18::1"});
}
// The same with a deny list file of a million random IPv4 and IPv6 entries.
void BM_EvaluateMillionEntryDenyList(benchmark::State& state) {
  static const DarknetIpDetector* detector = [] {
    const std::string path = std::filesystem::temp_directory_path() / "darknet-ip-bench-deny.txt";
    std::mt19937 random(7);
    std::ofstream out(path);
    for (int i = 0; i < 1000000; ++i) {
      if (i % 2 == 0) {
        out << random() % 224 << '.' << random() % 256 << '.' << random() % 256 << '.'
            << random() % 256 << '\n';
      } else {
        out << std::hex << "2a0" << random() % 10 << ':' << random() % 0xffff << ':'
            << random() % 0xffff << "::/48\n"
            << std::dec;
      }
    }
    out.close();
    std::map<std::string, std::string> overrides = {{"deny_list_file", path}};
    const std::string data = std::string(RISKD_SOURCE_DIR) + "/data";
    overrides["tor_exit_list_file"] = data + "/tor-detect/ips.json";
    overrides["asn_ipv4_file"] = data + "/ip-location-db-asn/asn-ipv4.csv";
    overrides["asn_ipv6_file"] = data + "/ip-location-db-asn/asn-ipv6.csv";
    auto* d = new DarknetIpDetector(
        riskd::testing::MakeSettings(DarknetIpDetector::Describe(), overrides));
    std::filesystem::remove(path);
    return d;
  }();
  std::vector<std::unique_ptr<TestEvent>> events;
  for (const char* ip : {"81.2.69.160", "73.15.200.1", "2a02:8108::1", "2003:e3::9"}) {
    events.push_back(std::make_unique<TestEvent>(ip));
  }
  riskd::testing::DiscardedResult discarded;
  riskd::Result& result = discarded.result();
  size_t i = 0;
  for (auto _ : state) {
    detector->Evaluate(events[i]->event(), result);
    i = (i + 1) % events.size();
  }
}

void BM_Create(benchmark::State& state) {
  riskd::Settings settings = RealSettings();
  for (auto _ : state) {
    DarknetIpDetector detector(settings);
    benchmark::DoNotOptimize(detector.datacenter_ranges());
  }
}

BENCHMARK(BM_EvaluateResidentialV4);
BENCHMARK(BM_EvaluateResidentialV6);
BENCHMARK(BM_EvaluateTorExit);
BENCHMARK(BM_EvaluateDatacenter);
BENCHMARK(BM_EvaluateMillionEntryDenyList);
BENCHMARK(BM_Create)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace riskd_darknet_ip

BENCHMARK_MAIN();
