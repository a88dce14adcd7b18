// A plugin that cannot load stops riskd at start-up with one line naming the
// file and the reason; --check-config reports the same without serving.
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "tests/support/riskd_process.h"

namespace riskd::testing {
namespace {

struct Failure {
  std::string start_output;  // what `riskd --config` printed before exiting
  std::string check_output;  // what `riskd --check-config` printed
};

// Runs riskd both ways on `yaml`; both must exit 1.
Failure ExpectBothFail(const std::string& yaml) {
  std::string dir = MakeTempDir();
  std::string config = WriteConfig(dir, yaml);
  RunResult start = RunRiskdToCompletion(
      {"--config", config, "--listen", "127.0.0.1:0", "--data-dir", dir + "/data"});
  RunResult check = RunRiskdToCompletion({"--check-config", config});
  EXPECT_EQ(start.exit_code, 1) << start.output;
  EXPECT_EQ(check.exit_code, 1) << check.output;
  EXPECT_EQ(start.output.find("msg=listening"), std::string::npos) << "riskd must not serve";
  return {start.output, check.output};
}

// The single line riskd printed, asserting there is exactly one.
std::string OnlyLine(const std::string& output) {
  std::vector<std::string> lines = absl::StrSplit(output, '\n', absl::SkipEmpty());
  EXPECT_EQ(lines.size(), 1u) << output;
  return lines.empty() ? "" : lines[0];
}

std::string PluginConfig(const std::string& plugin, const std::string& settings = "") {
  return absl::StrCat("detectors:\n  - plugin: @TEST_PLUGINS@/", plugin, "\n",
                      settings.empty() ? "" : absl::StrCat("    settings: ", settings, "\n"));
}

TEST(PluginLoadingTest, WrongAbiMajorIsRefusedNamingTheFile) {
  Failure f = ExpectBothFail(PluginConfig("riskd-wrong_major.so"));
  std::string line = OnlyLine(f.start_output);
  EXPECT_NE(line.find("riskd.yaml:2: detectors[0].plugin: "), std::string::npos) << line;
  EXPECT_NE(line.find("test-plugins/riskd-wrong_major.so: built for detector API 2.0, but this "
                      "riskd speaks 1.4 (the major version must match)"),
            std::string::npos)
      << line;
  EXPECT_EQ(OnlyLine(f.check_output), line);
}

TEST(PluginLoadingTest, NewerAbiMinorIsRefused) {
  Failure f = ExpectBothFail(PluginConfig("riskd-newer_minor.so"));
  EXPECT_NE(OnlyLine(f.start_output)
                .find("riskd-newer_minor.so: built for detector API 1.5, "
                      "newer than this riskd's 1.4"),
            std::string::npos)
      << f.start_output;
}

TEST(PluginLoadingTest, MissingRequiredSymbolIsNamed) {
  Failure f = ExpectBothFail(PluginConfig("riskd-missing_evaluate.so"));
  EXPECT_NE(OnlyLine(f.start_output)
                .find("riskd-missing_evaluate.so: missing required symbol riskd_detector_evaluate"),
            std::string::npos)
      << f.start_output;
}

TEST(PluginLoadingTest, NameOutsideTheAllowedCharactersIsRefused) {
  Failure f = ExpectBothFail(PluginConfig("riskd-bad_name.so"));
  EXPECT_NE(OnlyLine(f.start_output)
                .find("riskd-bad_name.so: plugin name \"Bad Name\" must match [a-z0-9_-]+"),
            std::string::npos)
      << f.start_output;
}

TEST(PluginLoadingTest, MissingFileIsNamed) {
  Failure f = ExpectBothFail(PluginConfig("riskd-nonexistent.so"));
  EXPECT_NE(OnlyLine(f.start_output).find("riskd-nonexistent.so: no such file"), std::string::npos)
      << f.start_output;
}

TEST(PluginLoadingTest, SettingOfTheWrongTypeIsRefusedAtItsLine) {
  Failure f = ExpectBothFail(PluginConfig("riskd-fixture.so",
                                          "\n      required_label: x\n"
                                          "      score: high"));
  EXPECT_NE(OnlyLine(f.start_output)
                .find("riskd.yaml:5: detectors[0].settings.score: expected a number, got \"high\""),
            std::string::npos)
      << f.start_output;
}

TEST(PluginLoadingTest, SettingThePluginRejectsIsRefusedWithThePluginsReason) {
  Failure f = ExpectBothFail(PluginConfig("riskd-fixture.so", "{required_label: x, positive: 0}"));
  std::string line = OnlyLine(f.start_output);
  EXPECT_NE(line.find("riskd.yaml:3: detectors[0].settings.positive: "), std::string::npos) << line;
  EXPECT_NE(line.find("riskd-fixture.so: must be greater than 0, got 0"), std::string::npos)
      << line;
}

TEST(PluginLoadingTest, MissingRequiredSettingIsNamed) {
  Failure f = ExpectBothFail(PluginConfig("riskd-fixture.so", "{score: 0.5}"));
  EXPECT_NE(OnlyLine(f.start_output).find("detectors[0].settings.required_label: is required"),
            std::string::npos)
      << f.start_output;
}

TEST(PluginLoadingTest, UnknownSettingListsTheKnownOnes) {
  Failure f = ExpectBothFail(PluginConfig("riskd-fixture.so", "{required_label: x, scor: 1}"));
  EXPECT_NE(OnlyLine(f.start_output)
                .find("detectors[0].settings.scor: unknown setting (this plugin takes: score, "
                      "signals, sleep_ms, throw_message, positive, count_per_ip, shared_count, "
                      "label_file, "
                      "required_label, echo_property)"),
            std::string::npos)
      << f.start_output;
}

TEST(PluginLoadingTest, UnreadableDataFileIsRefusedNamingIt) {
  Failure f = ExpectBothFail(
      PluginConfig("riskd-fixture.so", "{required_label: x, label_file: no-such-list.txt}"));
  std::string line = OnlyLine(f.start_output);
  EXPECT_NE(line.find("riskd.yaml:3: detectors[0].settings.label_file: cannot read "),
            std::string::npos)
      << line;
  EXPECT_NE(line.find("/no-such-list.txt: No such file or directory"), std::string::npos) << line;
}

TEST(PluginLoadingTest, PolicyOnASignalNoDetectorDeclaresIsRefused) {
  Failure f = ExpectBothFail(absl::StrCat(PluginConfig("riskd-fixture.so", "{required_label: x}"),
                                          "policies:\n"
                                          "  - name: typo\n"
                                          "    when: {signals_any: [fixture_alrt]}\n"
                                          "    then: deny\n"));
  EXPECT_NE(OnlyLine(f.start_output)
                .find("riskd.yaml:6: policies[0].when.signals_any[0]: no loaded detector "
                      "declares signal \"fixture_alrt\""),
            std::string::npos)
      << f.start_output;
}

TEST(PluginLoadingTest, CheckConfigReportsAGoodConfig) {
  std::string config =
      WriteConfig(MakeTempDir(), PluginConfig("riskd-fixture.so", "{required_label: x}"));
  RunResult check = RunRiskdToCompletion({"--check-config", config});
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find(": OK: detectors: fixture (fixture 0.1.0); 0 policies"),
            std::string::npos)
      << check.output;
}

TEST(PluginLoadingTest, TheShippedDefaultConfigIsValid) {
  std::string plugins = RISKD_PLUGIN_DIR;
  if (plugins != std::string(RISKD_SOURCE_DIR) + "/build/plugins") {
    GTEST_SKIP() << "config/riskd.yaml names ../build/plugins; this build is elsewhere";
  }
  RunResult check = RunRiskdToCompletion(
      {"--check-config", std::string(RISKD_SOURCE_DIR) + "/config/riskd.yaml"});
  EXPECT_EQ(check.exit_code, 0) << check.output;
  EXPECT_NE(check.output.find("OK: detectors: example (example 1.0.0)"), std::string::npos)
      << check.output;
  EXPECT_NE(check.output.find(", disposable-email (disposable-email 1.0.0)"), std::string::npos)
      << check.output;
  EXPECT_NE(check.output.find(", darknet-ip (darknet-ip 1.0.0)"), std::string::npos)
      << check.output;
  EXPECT_NE(check.output.find(", geo-velocity (geo-velocity 1.0.0)"), std::string::npos)
      << check.output;
  EXPECT_NE(check.output.find(", bot-behaviour (bot-behaviour 1.0.0)"), std::string::npos)
      << check.output;
  EXPECT_NE(check.output.find("peer-profile (peer-profile "), std::string::npos) << check.output;
}

}  // namespace
}  // namespace riskd::testing
