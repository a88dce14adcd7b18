// The `webhooks:` section: what it accepts and how its errors read.
#include "server/config/webhooks_config.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/config/config.h"

namespace riskd {
namespace {

constexpr char kSecretVariable[] = "RISKD_TEST_WEBHOOK_SECRET";

class WebhooksConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "riskd_webhooks_config_XXXXXX";
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    setenv(kSecretVariable, "0123456789abcdef-secret", 1);
  }
  void TearDown() override {
    unsetenv(kSecretVariable);
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  absl::StatusOr<Config> Load(absl::string_view yaml) {
    std::ofstream(dir_ + "/riskd.yaml") << yaml;
    return LoadConfig(dir_ + "/riskd.yaml");
  }

  // Asserts an INVALID_ARGUMENT "<file>:<line>: <message>".
  void ExpectError(absl::string_view yaml, int line, absl::string_view message) {
    absl::StatusOr<Config> config = Load(yaml);
    ASSERT_FALSE(config.ok()) << "loaded:\n" << yaml;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(config.status().message(), absl::StrCat(dir_, "/riskd.yaml:", line, ": ", message));
  }

  // A one-endpoint section whose endpoint has `extra` lines after `name`.
  static std::string Endpoint(absl::string_view lines) {
    return absl::StrCat("webhooks:\n  endpoints:\n    - name: app\n", lines);
  }

  std::string dir_;
};

constexpr char kGood[] =
    "      url: http://127.0.0.1:8099/riskd\n"
    "      secret_env: RISKD_TEST_WEBHOOK_SECRET\n"
    "      events: [review.opened]\n";

TEST_F(WebhooksConfigTest, AFullSection) {
  absl::StatusOr<Config> config = Load(
      "webhooks:\n"
      "  poll_interval_ms: 250\n"
      "  retry:\n"
      "    initial_backoff_ms: 500\n"
      "    max_backoff_ms: 60000\n"
      "    max_age_hours: 2.5\n"
      "    max_attempts: 10\n"
      "  endpoints:\n"
      "    - name: app\n"
      "      url: https://hooks.example.com/riskd?source=riskd\n"
      "      secret_env: RISKD_TEST_WEBHOOK_SECRET\n"
      "      events: [review.opened, incident.confirmed, incident.recovered]\n"
      "      timeout_ms: 2000\n"
      "    - name: siem.v2\n"
      "      url: http://[::1]:9000/in\n"
      "      secret: an-inline-secret-of-some-length\n"
      "      events: [incident.confirmed]\n");
  ASSERT_TRUE(config.ok()) << config.status();
  const WebhooksConfig& w = config->webhooks;
  EXPECT_EQ(w.poll_interval, absl::Milliseconds(250));
  EXPECT_EQ(w.initial_backoff, absl::Milliseconds(500));
  EXPECT_EQ(w.max_backoff, absl::Minutes(1));
  EXPECT_EQ(w.max_age, absl::Minutes(150));
  EXPECT_EQ(w.max_attempts, 10);
  ASSERT_EQ(w.endpoints.size(), 2u);
  EXPECT_EQ(w.endpoints[0].name, "app");
  EXPECT_EQ(w.endpoints[0].url, "https://hooks.example.com/riskd?source=riskd");
  EXPECT_EQ(w.endpoints[0].secret, "0123456789abcdef-secret");  // from the environment
  EXPECT_EQ(w.endpoints[0].timeout, absl::Seconds(2));
  EXPECT_TRUE(w.endpoints[0].Wants("incident.recovered"));
  EXPECT_EQ(w.endpoints[1].secret, "an-inline-secret-of-some-length");
  EXPECT_TRUE(w.endpoints[1].Wants("incident.confirmed"));
  EXPECT_FALSE(w.endpoints[1].Wants("review.opened"));
  EXPECT_EQ(w.endpoints[1].timeout, absl::Seconds(5));  // the default
  EXPECT_EQ(w.Endpoint("siem.v2"), &w.endpoints[1]);
}

TEST_F(WebhooksConfigTest, NoSectionMeansNoEndpointsAndTheDefaults) {
  absl::StatusOr<Config> config = Load("log_level: info\n");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->webhooks.endpoints.empty());
  EXPECT_EQ(config->webhooks.max_age, absl::Hours(24));
  EXPECT_EQ(config->webhooks.max_backoff, absl::Minutes(10));
}

TEST_F(WebhooksConfigTest, UnknownEventKind) {
  ExpectError(Endpoint("      url: http://127.0.0.1:8099/riskd\n"
                       "      secret_env: RISKD_TEST_WEBHOOK_SECRET\n"
                       "      events:\n"
                       "        - review.opened\n"
                       "        - incident.opened\n"),
              8,
              "webhooks.endpoints[0].events[1]: unknown event \"incident.opened\" (expected one "
              "of: review.opened, incident.confirmed, incident.recovered)");
}

TEST_F(WebhooksConfigTest, MissingEvents) {
  ExpectError(Endpoint("      url: http://127.0.0.1:8099/riskd\n"
                       "      secret_env: RISKD_TEST_WEBHOOK_SECRET\n"),
              3,
              "webhooks.endpoints[0].events: is required (a list of: review.opened, "
              "incident.confirmed, incident.recovered)");
}

TEST_F(WebhooksConfigTest, BadUrls) {
  const std::pair<const char*, const char*> cases[] = {
      {"ftp://example.com/x", "\"ftp://example.com/x\" must start with http:// or https://"},
      {"127.0.0.1:8099/riskd", "\"127.0.0.1:8099/riskd\" must start with http:// or https://"},
      {"http:///riskd", "\"http:///riskd\" has no host"},
      {"http://127.0.0.1:99999/riskd", "\"http://127.0.0.1:99999/riskd\" has a bad port \"99999\""},
      {"http://127.0.0.1:/riskd", "\"http://127.0.0.1:/riskd\" has an empty port"},
      {"http://user:pw@example.com/",
       "\"http://user:pw@example.com/\" must not carry credentials "
       "(user@host)"},
  };
  for (const auto& [url, message] : cases) {
    ExpectError(Endpoint(absl::StrCat("      url: \"", url, "\"\n")), 4,
                absl::StrCat("webhooks.endpoints[0].url: ", message));
  }
}

TEST_F(WebhooksConfigTest, SecretFromAnUnsetVariable) {
  ExpectError(Endpoint("      url: http://127.0.0.1:8099/riskd\n"
                       "      secret_env: RISKD_NO_SUCH_VARIABLE\n"
                       "      events: [review.opened]\n"),
              5,
              "webhooks.endpoints[0].secret_env: the environment variable "
              "RISKD_NO_SUCH_VARIABLE is not set");
}

TEST_F(WebhooksConfigTest, SecretTooShort) {
  setenv(kSecretVariable, "short", 1);
  ExpectError(Endpoint(kGood), 5,
              "webhooks.endpoints[0].secret_env: the environment variable "
              "RISKD_TEST_WEBHOOK_SECRET holds 5 characters; a secret needs at least 16");
  ExpectError(Endpoint("      url: http://127.0.0.1:8099/riskd\n"
                       "      secret: tiny\n"),
              5, "webhooks.endpoints[0].secret: has 4 characters; a secret needs at least 16");
}

TEST_F(WebhooksConfigTest, NoSecretOrTwo) {
  ExpectError(Endpoint("      url: http://127.0.0.1:8099/riskd\n"
                       "      events: [review.opened]\n"),
              3,
              "webhooks.endpoints[0].secret_env: is required (the name of the environment "
              "variable holding the signing secret; or give the secret itself as `secret`)");
  ExpectError(Endpoint(absl::StrCat(kGood, "      secret: another-secret-of-some-length\n")), 7,
              "webhooks.endpoints[0].secret: give either secret_env or secret, not both");
}

TEST_F(WebhooksConfigTest, DuplicateOrBadEndpointNames) {
  ExpectError(absl::StrCat(Endpoint(kGood), "    - name: app\n", kGood), 7,
              "webhooks.endpoints[1].name: \"app\" is used by an earlier endpoint");
  ExpectError(absl::StrCat("webhooks:\n  endpoints:\n    - name: my app\n", kGood), 3,
              "webhooks.endpoints[0].name: may hold only letters, digits, '-', '_' and '.'");
  ExpectError(absl::StrCat("webhooks:\n  endpoints:\n    - ", kGood + 6), 3,
              "webhooks.endpoints[0].name: is required");
}

TEST_F(WebhooksConfigTest, RetryBounds) {
  ExpectError(
      "webhooks:\n"
      "  retry:\n"
      "    initial_backoff_ms: 5000\n"
      "    max_backoff_ms: 1000\n",
      4, "webhooks.retry.max_backoff_ms: must not be below initial_backoff_ms (5000)");
  ExpectError(
      "webhooks:\n"
      "  retry:\n"
      "    max_age_hours: 0\n",
      3, "webhooks.retry.max_age_hours: must be between 0.0001 and 720, got 0");
  ExpectError(
      "webhooks:\n"
      "  retry:\n"
      "    max_attempts: -1\n",
      3, "webhooks.retry.max_attempts: must be between 0 (no limit but max_age_hours) and 1000");
  ExpectError(
      "webhooks:\n"
      "  retry:\n"
      "    backoff_ms: 10\n",
      3,
      "webhooks.retry.backoff_ms: unknown key (expected one of: initial_backoff_ms, "
      "max_backoff_ms, max_age_hours, max_attempts)");
  ExpectError("webhooks:\n  poll_interval_ms: 1\n", 2,
              "webhooks.poll_interval_ms: must be between 10 and 3600000");
  ExpectError(Endpoint(absl::StrCat(kGood, "      timeout_ms: 0\n")), 7,
              "webhooks.endpoints[0].timeout_ms: must be between 1 and 600000");
}

TEST_F(WebhooksConfigTest, ShippedExampleDeliversEveryKindToTheLocalReceiver) {
  setenv("RISKD_WEBHOOK_SECRET", "the-example-secret-0123456789", 1);
  absl::StatusOr<Config> config =
      LoadConfig(std::string(RISKD_SOURCE_DIR) + "/config/riskd-webhooks.yaml");
  unsetenv("RISKD_WEBHOOK_SECRET");
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->webhooks.endpoints.size(), 1u);
  const WebhookEndpointConfig& app = config->webhooks.endpoints[0];
  EXPECT_EQ(app.url, "http://127.0.0.1:8099/riskd");
  EXPECT_EQ(app.secret, "the-example-secret-0123456789");
  EXPECT_EQ(app.events, (std::vector<std::string>{"review.opened", "incident.confirmed",
                                                  "incident.recovered"}));
}

}  // namespace
}  // namespace riskd
