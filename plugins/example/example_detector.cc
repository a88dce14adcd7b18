#include "example_detector.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace riskd_example {
namespace {

std::string Lowercase(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

riskd::Description ExampleDetector::Describe() {
  return {
      .name = "example",
      .version = "1.0.0",
      .description =
          "Flags scripted HTTP clients (curl, python-requests, ...) and "
          "requests without a user agent.",
      .settings =
          {
              {.key = "user_agent_markers",
               .type = RISKD_SETTING_STRING_LIST,
               .default_value = "curl/,wget/,python-requests,python-urllib,go-http-client,"
                                "okhttp,java/,libwww-perl,httpie",
               .description = "Case-insensitive substrings of user agents "
                              "sent by scripts rather than browsers."},
              {.key = "scripted_client_score",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "0.9",
               .description = "Score when a marker matches."},
              {.key = "missing_user_agent_score",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "0.5",
               .description = "Score when the event has no user agent."},
          },
      .signals = {"scripted_client", "missing_user_agent"},
  };
}

ExampleDetector::ExampleDetector(const riskd::Settings& settings)
    : scripted_client_score_(settings.GetFraction("scripted_client_score")),
      missing_user_agent_score_(settings.GetFraction("missing_user_agent_score")) {
  for (const std::string& marker : settings.GetStringList("user_agent_markers")) {
    if (marker.empty()) {
      throw riskd::SettingError("user_agent_markers", "markers must not be empty strings");
    }
    lowercase_markers_.push_back(Lowercase(marker));
  }
}

void ExampleDetector::Evaluate(const riskd::Event& event, riskd::Result& result) const {
  if (event.user_agent().empty()) {
    result.SetScore(missing_user_agent_score_);
    result.AddSignal("missing_user_agent", "the event carries no user agent");
    return;
  }
  const std::string user_agent = Lowercase(event.user_agent());
  for (const std::string& marker : lowercase_markers_) {
    if (user_agent.find(marker) != std::string::npos) {
      result.SetScore(scripted_client_score_);
      result.AddSignal("scripted_client", "user agent contains \"" + marker + "\"");
      return;
    }
  }
  result.SetScore(0.0);
}

}  // namespace riskd_example

RISKD_DETECTOR_PLUGIN(riskd_example::ExampleDetector)
