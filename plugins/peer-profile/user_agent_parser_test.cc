// The parser on hand-picked user agents and on the 10,000 real ones of the
// user-agents package (data/user-agents, fetched by scripts/fetch-data.sh).
#include "user_agent_parser.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace riskd_peer_profile {
namespace {

std::string Describe(std::string_view ua) {
  ParsedUserAgent p = ParseUserAgent(ua);
  return std::string(p.browser) + " " + std::to_string(p.major) + " on " + std::string(p.os);
}

TEST(UserAgentParserTest, CommonBrowsers) {
  EXPECT_EQ(Describe("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                     "Gecko) Chrome/126.0.0.0 Safari/537.36"),
            "Chrome 126 on Windows");
  EXPECT_EQ(Describe("Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0"),
            "Firefox 126 on Linux");
  EXPECT_EQ(Describe("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
                     "(KHTML, like Gecko) Version/17.5 Safari/605.1.15"),
            "Safari 17 on macOS");
  EXPECT_EQ(Describe("Mozilla/5.0 (iPhone; CPU iPhone OS 18_3 like Mac OS X) AppleWebKit/605.1.15 "
                     "(KHTML, like Gecko) CriOS/148.0.0.0 Mobile/15E148 Safari/604.1"),
            "Chrome 148 on iOS");
  EXPECT_EQ(Describe("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                     "Gecko) Chrome/125.0.0.0 Safari/537.36 Edg/125.0.2535.67"),
            "Edge 125 on Windows");
  EXPECT_EQ(Describe("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like "
                     "Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36"),
            "Samsung Internet 25 on Android");
  EXPECT_EQ(Describe("Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A; wv) AppleWebKit/537.36 "
                     "(KHTML, like Gecko) Version/4.0 Chrome/120.0.6099.43 Mobile Safari/537.36"),
            "Android WebView 120 on Android");
  EXPECT_EQ(Describe("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like "
                     "Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/110.0.0.0"),
            "Opera 110 on ChromeOS");
  EXPECT_EQ(Describe("Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko"),
            "Internet Explorer 11 on Windows");
  EXPECT_EQ(Describe("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                     "HeadlessChrome/126.0.0.0 Safari/537.36"),
            "HeadlessChrome 126 on Linux");
  EXPECT_EQ(Describe("curl/8.5.0"), "curl 8 on Other");
  EXPECT_EQ(Describe(""), "Other 0 on Other");
  EXPECT_EQ(Describe("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
                     "(KHTML, like Gecko) Mobile/15E148"),
            "iOS WebView 0 on iOS");
}

// The userAgent strings of user-agents.json (JSON escapes kept as written:
// none of the 10,000 has one that matters to the parser).
std::vector<std::string> RealUserAgents(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const std::string json = text.str();
  const std::string field = "\"userAgent\": \"";
  std::vector<std::string> out;
  for (size_t at = json.find(field); at != std::string::npos; at = json.find(field, at)) {
    at += field.size();
    std::string ua;
    while (at < json.size() && json[at] != '"') {
      if (json[at] == '\\' && at + 1 < json.size()) ++at;
      ua.push_back(json[at++]);
    }
    out.push_back(ua);
  }
  return out;
}

TEST(UserAgentParserTest, TenThousandRealUserAgents) {
  const std::string path =
      std::string(RISKD_SOURCE_DIR) + "/data/user-agents/dist/user-agents.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "no data/: run scripts/fetch-data.sh";
  const std::vector<std::string> uas = RealUserAgents(path);
  ASSERT_EQ(uas.size(), 10000u);
  std::map<std::string, int> browsers, systems;
  int unknown_browser = 0, unknown_os = 0, no_version = 0;
  for (const std::string& ua : uas) {
    ParsedUserAgent p = ParseUserAgent(ua);
    ++browsers[std::string(p.browser)];
    ++systems[std::string(p.os)];
    if (p.browser == "Other") {
      ++unknown_browser;
      ADD_FAILURE() << "no browser: " << ua;  // listed so that a new one is easy to add
    }
    unknown_os += p.os == "Other";
    no_version += p.browser != "iOS WebView" && p.major == 0;
  }
  // Every real browser UA is recognised; the package's platforms are the
  // five big systems.
  EXPECT_EQ(unknown_browser, 0);
  EXPECT_EQ(unknown_os, 0);
  EXPECT_LE(no_version, 10);
  // The shares this package (user-agents 2.1.198) has: mostly Chrome and Safari.
  EXPECT_GT(browsers["Chrome"], 5000);
  EXPECT_GT(browsers["Safari"], 2000);
  EXPECT_GT(browsers["Firefox"], 50);
  EXPECT_GT(browsers["Edge"], 100);
  EXPECT_GT(systems["iOS"], 3000);
  EXPECT_GT(systems["Windows"], 1000);
  EXPECT_GT(systems["Android"], 1000);
  EXPECT_GT(systems["macOS"], 2000);
  EXPECT_GT(systems["Linux"], 50);
  for (const auto& [name, count] : browsers) std::cout << name << ": " << count << "\n";
  for (const auto& [name, count] : systems) std::cout << name << ": " << count << "\n";
}

}  // namespace
}  // namespace riskd_peer_profile
