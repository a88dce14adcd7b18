// The disposable-email detector through the real riskd binary over gRPC, on
// the real lists in data/ (scripts/fetch-data.sh): a spread-out sample of
// every list is flagged, 1,000+ legitimate domains
// (tests/data/legitimate_email_domains.txt) are not.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "tests/support/response_lookup.h"
#include "tests/support/riskd_process.h"

namespace riskd::testing {
namespace {

using riskd::v1::AuthenticateResponse;
using riskd::v1::Event;

const std::string kSource = RISKD_SOURCE_DIR;
const std::string kIndex = kSource + "/data/disposable-email-domains/index.json";
const std::string kWildcard = kSource + "/data/disposable-email-domains/wildcard.json";
const std::string kCurated =
    kSource + "/data/disposable-email-domains-js/dist/dict/disposable_email_blocklist.json";

// The detector's default ignore_list_entries: not flagged on purpose.
const std::vector<std::string> kIgnoredByDefault = {"edu.pl", "21cn.com", "sify.com"};

constexpr char kConfig[] = R"(
detectors:
  - plugin: @PLUGINS@/riskd-disposable-email.so
    timeout_ms: 2000  # these tests check results, not speed: a busy machine must not drop them
    weight: 0.6
    settings:
      domains_file: @INDEX@
      curated_domains_file: @CURATED@
      wildcard_file: @WILDCARD@
      deny_domains: [burner.example]
policies:
  - name: challenge-disposable-registrations
    when:
      event_types: [registration]
      signals_any: [disposable_email]
    then: challenge
)";

// The strings of a flat JSON array of strings (the lists have no escapes).
std::vector<std::string> JsonStrings(const std::string& path) {
  std::string text = ReadFile(path);
  std::vector<std::string> out;
  for (size_t open = text.find('"'); open != std::string::npos; open = text.find('"', open)) {
    size_t close = text.find('"', open + 1);
    out.push_back(text.substr(open + 1, close - open - 1));
    open = close + 1;
  }
  return out;
}

// Every `step`-th entry, starting in the middle of the first step, so the
// sample is spread over the whole (sorted) list.
std::vector<std::string> Spread(const std::vector<std::string>& list, size_t count) {
  std::vector<std::string> out;
  size_t step = list.size() / count;
  for (size_t i = step / 2; i < list.size() && out.size() < count; i += step) {
    if (std::find(kIgnoredByDefault.begin(), kIgnoredByDefault.end(), list[i]) ==
        kIgnoredByDefault.end()) {
      out.push_back(list[i]);
    }
  }
  return out;
}

class DisposableEmailTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kIndex) || !std::filesystem::exists(kCurated)) {
      GTEST_SKIP() << "no lists in data/: run scripts/fetch-data.sh";
    }
    std::string yaml = absl::StrReplaceAll(
        kConfig, {{"@INDEX@", kIndex}, {"@CURATED@", kCurated}, {"@WILDCARD@", kWildcard}});
    riskd_ = RiskdProcess::Start(WriteConfig(MakeTempDir(), yaml));
  }

  AuthenticateResponse Decide(const std::string& email,
                              riskd::v1::EventType type = riskd::v1::EVENT_TYPE_LOGIN_SUCCEEDED) {
    Event event = BrowserLogin(absl::StrCat("user", ++calls_));
    event.set_type(type);
    event.mutable_user()->set_email(email);
    AuthenticateResponse response;
    grpc::Status status = Authenticate(*riskd_, event, &response);
    EXPECT_TRUE(status.ok()) << email << ": " << status.error_message();
    return response;
  }

  // The emails of `domains` that riskd does (flagged = true) or does not flag.
  std::vector<std::string> Mismatches(const std::vector<std::string>& domains, bool flagged) {
    std::vector<std::string> out;
    for (const std::string& domain : domains) {
      AuthenticateResponse r = Decide("jane.doe@" + domain);
      // A detector that failed raises nothing: count it, lest "not flagged" pass vacuously.
      bool ran = r.detectors_size() == 1 && r.detectors(0).error().empty();
      if (!ran || HasSignal(r, "disposable_email") != flagged) out.push_back(domain);
    }
    return out;
  }

  std::unique_ptr<RiskdProcess> riskd_;
  int calls_ = 0;
};

TEST_F(DisposableEmailTest, ASpreadSampleOfEveryListIsFlagged) {
  ASSERT_NE(riskd_, nullptr);
  std::vector<std::string> index = JsonStrings(kIndex);
  std::vector<std::string> curated = JsonStrings(kCurated);
  ASSERT_GT(index.size(), 100000u);
  ASSERT_GT(curated.size(), 8000u);
  std::vector<std::string> sample = Spread(index, 600);
  std::vector<std::string> curated_sample = Spread(curated, 300);
  ASSERT_GE(sample.size(), 500u);
  sample.insert(sample.end(), curated_sample.begin(), curated_sample.end());
  std::vector<std::string> missed = Mismatches(sample, /*flagged=*/true);
  EXPECT_TRUE(missed.empty()) << missed.size() << " of " << sample.size()
                              << " listed domains not flagged, e.g. " << missed[0];
}

TEST_F(DisposableEmailTest, SubdomainsOfEveryWildcardEntryAreFlagged) {
  ASSERT_NE(riskd_, nullptr);
  std::vector<std::string> subdomains;
  for (const std::string& domain : JsonStrings(kWildcard)) {
    subdomains.push_back("any-name." + domain);
  }
  ASSERT_GT(subdomains.size(), 300u);
  std::vector<std::string> missed = Mismatches(subdomains, /*flagged=*/true);
  EXPECT_TRUE(missed.empty()) << missed.size() << " of " << subdomains.size()
                              << " wildcard subdomains not flagged, e.g. " << missed[0];
}

TEST_F(DisposableEmailTest, ThousandLegitimateDomainsAreNotFlagged) {
  ASSERT_NE(riskd_, nullptr);
  std::vector<std::string> domains;
  std::istringstream lines(ReadFile(kSource + "/tests/data/legitimate_email_domains.txt"));
  for (std::string line; std::getline(lines, line);) {
    std::string domain(absl::StripAsciiWhitespace(line.substr(0, line.find('#'))));
    if (!domain.empty()) domains.push_back(domain);
  }
  ASSERT_GE(domains.size(), 1000u);
  std::vector<std::string> flagged = Mismatches(domains, /*flagged=*/false);
  EXPECT_TRUE(flagged.empty()) << flagged.size() << " of " << domains.size()
                               << " legitimate domains flagged, e.g. " << flagged[0];
}

TEST_F(DisposableEmailTest, DisposableRegistrationIsChallengedByPolicy) {
  ASSERT_NE(riskd_, nullptr);
  AuthenticateResponse r =
      Decide("Alice+Signup@Mail.Mailinator.COM", riskd::v1::EVENT_TYPE_REGISTRATION);
  EXPECT_EQ(r.verdict(), riskd::v1::VERDICT_CHALLENGE);
  EXPECT_EQ(r.policy(), "challenge-disposable-registrations");
  ASSERT_EQ(r.signals_size(), 1);
  EXPECT_EQ(r.signals(0).detector(), "disposable-email");
  EXPECT_EQ(r.signals(0).detail(),
            "\"mail.mailinator.com\": parent \"mailinator.com\" is listed "
            "(domains_file, curated_domains_file, wildcard_file)");
  ASSERT_EQ(r.detectors_size(), 1);
  EXPECT_DOUBLE_EQ(r.detectors(0).score(), 0.9);
  EXPECT_EQ(r.detectors(0).error(), "");
}

TEST_F(DisposableEmailTest, DenyDomainsGeneratedLocalPartsAndNoEmail) {
  ASSERT_NE(riskd_, nullptr);
  EXPECT_TRUE(HasSignal(Decide("a@x.burner.example"), "disposable_email"));
  AuthenticateResponse generated = Decide("x7k2p9q4@gmail.com");
  EXPECT_TRUE(HasSignal(generated, "suspicious_email"));
  EXPECT_FALSE(HasSignal(generated, "disposable_email"));
  EXPECT_DOUBLE_EQ(generated.detectors(0).score(), 0.3);

  Event no_email = BrowserLogin("no-email");
  no_email.mutable_user()->clear_email();
  AuthenticateResponse r;
  ASSERT_TRUE(Authenticate(*riskd_, no_email, &r).ok());
  EXPECT_EQ(r.detectors(0).score(), 0.0);
  EXPECT_EQ(r.signals_size(), 0);
}

// The default file settings resolve against the config's folder: a config in
// <dir>/config/ finds <dir>/data/, as config/riskd.yaml finds the repo's data/.
TEST(DisposableEmailDefaultsTest, DefaultListPathsResolveNextToTheConfigFolder) {
  if (!std::filesystem::exists(kIndex)) GTEST_SKIP() << "no lists in data/";
  std::string dir = MakeTempDir();
  std::filesystem::create_directories(dir + "/config");
  std::filesystem::create_directory_symlink(kSource + "/data", dir + "/data");
  std::string config =
      WriteConfig(dir + "/config", "detectors:\n  - plugin: @PLUGINS@/riskd-disposable-email.so\n");
  RunResult check = RunRiskdToCompletion({"--check-config", config});
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("OK: detectors: disposable-email (disposable-email 1.0.0)"),
            std::string::npos)
      << check.output;
}

}  // namespace
}  // namespace riskd::testing
