#include "disposable_email_detector.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "riskd/detector_testing.h"

namespace riskd_disposable_email {
namespace {

using riskd::testing::CapturedResult;
using riskd::testing::EventBuilder;
using riskd::testing::MakeSettings;

// Writes small list files into a temp folder and builds detectors on them.
class DisposableEmailDetectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_.Write("domains.json", R"(["mailinator.com", "10minutemail.com", "Upper.Example."])");
    data_.Write("curated.json", "[\n  \"guerrillamail.com\",\n  \"mailinator.com\"\n]\n");
    data_.Write("wildcard.json", R"(["*.33mail.com"])");
  }

  riskd::Settings Settings(std::map<std::string, std::string> overrides = {}) {
    overrides.emplace("domains_file", (dir_ / "domains.json").string());
    overrides.emplace("curated_domains_file", (dir_ / "curated.json").string());
    overrides.emplace("wildcard_file", (dir_ / "wildcard.json").string());
    return MakeSettings(DisposableEmailDetector::Describe(), overrides);
  }

  struct Outcome {
    double score;
    std::vector<std::pair<std::string, std::string>> signals;
    bool Has(const std::string& name) const {
      for (const auto& s : signals) {
        if (s.first == name) return true;
      }
      return false;
    }
  };
  static Outcome Run(const DisposableEmailDetector& detector, const std::string& email) {
    EventBuilder event;
    event.set_email(email);
    CapturedResult result;
    detector.Evaluate(event.Build(), result.result());
    return {result.score(), result.signals()};
  }

  riskd::testing::TempDataDir data_;
  const std::filesystem::path dir_ = data_.path();
};

TEST_F(DisposableEmailDetectorTest, ListedDomainIsFlaggedWithItsSources) {
  DisposableEmailDetector detector(Settings());
  Outcome o = Run(detector, "alice@mailinator.com");
  EXPECT_DOUBLE_EQ(o.score, 0.9);
  ASSERT_EQ(o.signals.size(), 1u);
  EXPECT_EQ(o.signals[0].first, "disposable_email");
  EXPECT_EQ(o.signals[0].second,
            "\"mailinator.com\" is listed (domains_file, curated_domains_file)");
}

TEST_F(DisposableEmailDetectorTest, SubdomainMatchesAtLabelBoundaryOnly) {
  DisposableEmailDetector detector(Settings());
  Outcome sub = Run(detector, "bob@mail.mailinator.com");
  EXPECT_TRUE(sub.Has("disposable_email"));
  EXPECT_EQ(sub.signals[0].second,
            "\"mail.mailinator.com\": parent \"mailinator.com\" is listed "
            "(domains_file, curated_domains_file)");
  EXPECT_FALSE(Run(detector, "bob@badmailinator.com").Has("disposable_email"));
  EXPECT_FALSE(Run(detector, "bob@mailinator.com.evil.net").Has("disposable_email"));
  EXPECT_FALSE(Run(detector, "bob@com").Has("disposable_email"));
}

TEST_F(DisposableEmailDetectorTest, WildcardEntriesMatchSubdomains) {
  DisposableEmailDetector detector(Settings());
  Outcome o = Run(detector, "shop@alias.33mail.com");
  ASSERT_TRUE(o.Has("disposable_email"));
  EXPECT_EQ(o.signals[0].second,
            "\"alias.33mail.com\": parent \"33mail.com\" is listed (wildcard_file)");
}

TEST_F(DisposableEmailDetectorTest, ListEntriesAreNormalised) {
  DisposableEmailDetector detector(Settings());
  EXPECT_TRUE(Run(detector, "a@upper.example").Has("disposable_email"));
}

TEST_F(DisposableEmailDetectorTest, EmailIsNormalisedUpperCaseTrailingDotsAndSubaddress) {
  DisposableEmailDetector detector(Settings());
  // EventBuilder derives email_domain like the host, but without lower-casing
  // or removing dots: the detector copes either way.
  EXPECT_TRUE(Run(detector, "Alice+Promo@MAILINATOR.COM").Has("disposable_email"));
  EXPECT_TRUE(Run(detector, "alice@mailinator.com..").Has("disposable_email"));
}

TEST_F(DisposableEmailDetectorTest, OrdinaryAddressScoresZero) {
  DisposableEmailDetector detector(Settings());
  for (const char* email :
       {"john.smith1987@gmail.com", "firstname.lastname@outlook.com", "j.doe@example.org",
        "123456789@qq.com", "ernst.schmidt@web.de", "mike_1990+news@yahoo.com"}) {
    Outcome o = Run(detector, email);
    EXPECT_EQ(o.score, 0.0) << email;
    EXPECT_TRUE(o.signals.empty()) << email << ": " << o.signals[0].second;
  }
}

TEST_F(DisposableEmailDetectorTest, EventWithoutEmailScoresZero) {
  DisposableEmailDetector detector(Settings());
  EventBuilder event;
  CapturedResult result;
  detector.Evaluate(event.Build(), result.result());
  EXPECT_EQ(result.score(), 0.0);
  EXPECT_TRUE(result.signals().empty());
}

TEST_F(DisposableEmailDetectorTest, GeneratedLocalPartIsSuspicious) {
  DisposableEmailDetector detector(Settings());
  Outcome o = Run(detector, "x7k2p9q4+tag@gmail.com");
  EXPECT_DOUBLE_EQ(o.score, 0.3);
  ASSERT_EQ(o.signals.size(), 1u);
  EXPECT_EQ(o.signals[0].first, "suspicious_email");
  EXPECT_EQ(o.signals[0].second, "local part \"x7k2p9q4\" alternates letters and digits 7 times");
}

TEST_F(DisposableEmailDetectorTest, BothSignalsTakeTheHigherScore) {
  DisposableEmailDetector detector(Settings());
  Outcome o = Run(detector, "x7k2p9q4@mailinator.com");
  EXPECT_DOUBLE_EQ(o.score, 0.9);
  EXPECT_TRUE(o.Has("disposable_email"));
  EXPECT_TRUE(o.Has("suspicious_email"));
}

TEST_F(DisposableEmailDetectorTest, LocalPartCheckCanBeTurnedOff) {
  DisposableEmailDetector detector(Settings({{"check_local_part", "false"}}));
  EXPECT_EQ(Run(detector, "x7k2p9q4@gmail.com").score, 0.0);
}

TEST_F(DisposableEmailDetectorTest, DenyDomainsAddToTheLists) {
  DisposableEmailDetector detector(Settings({{"deny_domains", "Burner.Example,spam.test"}}));
  Outcome o = Run(detector, "a@x.burner.example");
  ASSERT_TRUE(o.Has("disposable_email"));
  EXPECT_EQ(o.signals[0].second,
            "\"x.burner.example\": parent \"burner.example\" is listed (deny_domains)");
}

TEST_F(DisposableEmailDetectorTest, AllowDomainsWinOverListsAndDeny) {
  DisposableEmailDetector detector(Settings(
      {{"allow_domains", "mailinator.com,corp.example"}, {"deny_domains", "corp.example"}}));
  EXPECT_EQ(Run(detector, "x7k2p9q4@mail.mailinator.com").score, 0.0);
  EXPECT_TRUE(Run(detector, "a@corp.example").signals.empty());
  EXPECT_TRUE(Run(detector, "a@10minutemail.com").Has("disposable_email"));
}

TEST_F(DisposableEmailDetectorTest, IgnoredListEntriesAreLeftOutButNotTheirSubdomains) {
  data_.Write("domains.json", R"(["edu.pl", "dmtc.edu.pl", "mailinator.com"])");
  DisposableEmailDetector by_default(Settings());
  EXPECT_TRUE(Run(by_default, "a.kowalski@uw.edu.pl").signals.empty()) << "edu.pl is ignored";
  EXPECT_TRUE(Run(by_default, "a@dmtc.edu.pl").Has("disposable_email"));
  DisposableEmailDetector mailinator_ignored(Settings({{"ignore_list_entries", "mailinator.com"}}));
  EXPECT_TRUE(Run(mailinator_ignored, "a@uw.edu.pl").Has("disposable_email"));
  EXPECT_FALSE(Run(mailinator_ignored, "a@mailinator.com").Has("disposable_email"));
  DisposableEmailDetector denied(
      Settings({{"ignore_list_entries", "mailinator.com"}, {"deny_domains", "mailinator.com"}}));
  EXPECT_TRUE(Run(denied, "a@mailinator.com").Has("disposable_email")) << "deny is not a list file";
}

TEST_F(DisposableEmailDetectorTest, ScoresComeFromSettings) {
  DisposableEmailDetector detector(
      Settings({{"disposable_email_score", "0.5"}, {"suspicious_email_score", "0.2"}}));
  EXPECT_DOUBLE_EQ(Run(detector, "a@mailinator.com").score, 0.5);
  EXPECT_DOUBLE_EQ(Run(detector, "bcdfghjk@gmail.com").score, 0.2);
}

TEST_F(DisposableEmailDetectorTest, OutOfRangeScoreNamesTheSetting) {
  try {
    DisposableEmailDetector detector(Settings({{"disposable_email_score", "1.5"}}));
    FAIL() << "expected a SettingError";
  } catch (const riskd::SettingError& e) {
    EXPECT_EQ(e.key(), "disposable_email_score");
    EXPECT_STREQ(e.what(), "must be between 0 and 1, got 1.5");
  }
}

TEST_F(DisposableEmailDetectorTest, MalformedListNamesTheSettingFileAndLine) {
  std::string path = data_.Write("broken.json", "[\n  \"a.com\",\n  b.com\n]");
  try {
    DisposableEmailDetector detector(Settings({{"wildcard_file", path}}));
    FAIL() << "expected a SettingError";
  } catch (const riskd::SettingError& e) {
    EXPECT_EQ(e.key(), "wildcard_file");
    EXPECT_EQ(std::string(e.what()), path + ": line 3: expected '\"', got 'b'");
  }
}

TEST_F(DisposableEmailDetectorTest, UnreadableListNamesTheSetting) {
  try {
    DisposableEmailDetector detector(Settings({{"domains_file", (dir_ / "missing").string()}}));
    FAIL() << "expected a SettingError";
  } catch (const riskd::SettingError& e) {
    EXPECT_EQ(e.key(), "domains_file");
  }
}

TEST_F(DisposableEmailDetectorTest, BareLabelInAllowOrDenyIsRefused) {
  try {
    DisposableEmailDetector detector(Settings({{"deny_domains", "com"}}));
    FAIL() << "expected a SettingError";
  } catch (const riskd::SettingError& e) {
    EXPECT_EQ(e.key(), "deny_domains");
    EXPECT_STREQ(e.what(), "\"com\" is not a domain (expected e.g. example.com)");
  }
}

// The shipped lists, if scripts/fetch-data.sh has run.
TEST(DisposableEmailDetectorRealDataTest, LoadsTheShippedLists) {
  const std::string data = std::string(RISKD_SOURCE_DIR) + "/data/";
  const std::string index = data + "disposable-email-domains/index.json";
  if (!std::filesystem::exists(index)) GTEST_SKIP() << "no " << index;
  DisposableEmailDetector detector(MakeSettings(
      DisposableEmailDetector::Describe(),
      {{"domains_file", index},
       {"curated_domains_file",
        data + "disposable-email-domains-js/dist/dict/disposable_email_blocklist.json"},
       {"wildcard_file", data + "disposable-email-domains/wildcard.json"}}));
  EXPECT_GT(detector.disposable_domain_count(), 120000u);
  EventBuilder event;
  event.set_email("someone@mailinator.com");
  CapturedResult result;
  detector.Evaluate(event.Build(), result.result());
  EXPECT_TRUE(result.HasSignal("disposable_email"));
}

}  // namespace
}  // namespace riskd_disposable_email
