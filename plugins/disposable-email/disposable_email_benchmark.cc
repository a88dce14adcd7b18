// Cost of one DisposableEmailDetector::Evaluate on the real lists (run
// scripts/fetch-data.sh first). Not run by ctest:
//   <build>/plugins/disposable-email/disposable_email_benchmark
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "disposable_email_detector.h"
#include "riskd/detector_testing.h"

namespace riskd_disposable_email {
namespace {

using riskd::testing::CapturedResult;
using riskd::testing::EventBuilder;
using riskd::testing::MakeSettings;

const DisposableEmailDetector& Detector() {
  static const auto* detector = [] {
    const std::string data = std::string(RISKD_SOURCE_DIR) + "/data/";
    return new DisposableEmailDetector(MakeSettings(
        DisposableEmailDetector::Describe(),
        {{"domains_file", data + "disposable-email-domains/index.json"},
         {"curated_domains_file",
          data + "disposable-email-domains-js/dist/dict/disposable_email_blocklist.json"},
         {"wildcard_file", data + "disposable-email-domains/wildcard.json"}}));
  }();
  return *detector;
}

void BM_Evaluate(benchmark::State& state, const std::string& email) {
  const DisposableEmailDetector& detector = Detector();
  EventBuilder builder;
  builder.set_email(email);
  riskd::Event event = builder.Build();
  for (auto _ : state) {
    CapturedResult result;
    detector.Evaluate(event, result.result());
    benchmark::DoNotOptimize(result.score());
  }
}

BENCHMARK_CAPTURE(BM_Evaluate, clean_gmail, std::string("john.smith1987@gmail.com"));
BENCHMARK_CAPTURE(BM_Evaluate, clean_subdomain,
                  std::string("firstname.lastname@mail.cs.example.ac.uk"));
BENCHMARK_CAPTURE(BM_Evaluate, disposable_exact, std::string("alice@mailinator.com"));
BENCHMARK_CAPTURE(BM_Evaluate, disposable_parent, std::string("alice@x.y.mailinator.com"));
BENCHMARK_CAPTURE(BM_Evaluate, suspicious_local, std::string("x7k2p9q4@gmail.com"));
BENCHMARK_CAPTURE(BM_Evaluate, no_email, std::string());

void BM_Load(benchmark::State& state) {
  const std::string data = std::string(RISKD_SOURCE_DIR) + "/data/";
  for (auto _ : state) {
    DisposableEmailDetector detector(MakeSettings(
        DisposableEmailDetector::Describe(),
        {{"domains_file", data + "disposable-email-domains/index.json"},
         {"curated_domains_file",
          data + "disposable-email-domains-js/dist/dict/disposable_email_blocklist.json"},
         {"wildcard_file", data + "disposable-email-domains/wildcard.json"}}));
    benchmark::DoNotOptimize(detector.disposable_domain_count());
  }
}
BENCHMARK(BM_Load)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace riskd_disposable_email

BENCHMARK_MAIN();
