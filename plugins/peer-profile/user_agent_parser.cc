#include "user_agent_parser.h"

#include <cctype>

namespace riskd_peer_profile {
namespace {

struct BrowserRule {
  std::string_view token;  // searched for at the start of a product token
  std::string_view family;
  std::string_view version;  // where the version is, when not after `token`
};

// First match wins: in-app browsers and Chromium derivatives before Chrome,
// Chrome before Safari, and Safari (Version/ ... Safari/) last.
constexpr BrowserRule kBrowsers[] = {
    {"HeadlessChrome/", "HeadlessChrome", {}},
    {"Edg/", "Edge", {}},
    {"EdgA/", "Edge", {}},
    {"EdgiOS/", "Edge", {}},
    {"Edge/", "Edge", {}},
    {"OPR/", "Opera", {}},
    {"OPT/", "Opera", {}},
    {"OPiOS/", "Opera", {}},
    {"Opera/", "Opera", "Version/"},
    {"SamsungBrowser/", "Samsung Internet", {}},
    {"YaBrowser/", "Yandex", {}},
    {"UCBrowser/", "UC Browser", {}},
    {"Vivaldi/", "Vivaldi", {}},
    {"Brave/", "Brave", {}},
    {"Whale/", "Whale", {}},
    {"MiuiBrowser/", "MIUI Browser", {}},
    {"HuaweiBrowser/", "Huawei Browser", {}},
    {"DuckDuckGo/", "DuckDuckGo", {}},
    {"Ddg/", "DuckDuckGo", {}},
    {"FBAV/", "Facebook", {}},
    {"Instagram ", "Instagram", {}},
    {"Snapchat/", "Snapchat", {}},
    {"GSA/", "Google App", {}},
    {"Silk/", "Silk", {}},
    {"Electron/", "Electron", {}},
    {"FxiOS/", "Firefox", {}},
    {"Firefox/", "Firefox", {}},
    {"CriOS/", "Chrome", {}},
    {"Chromium/", "Chromium", {}},
    {"Chrome/", "Chrome", {}},
    {"MSIE ", "Internet Explorer", {}},
    {"Trident/", "Internet Explorer", "rv:"},
    {"curl/", "curl", {}},
    {"Wget/", "Wget", {}},
    {"python-requests/", "python-requests", {}},
    {"Go-http-client/", "Go-http-client", {}},
    {"okhttp/", "okhttp", {}},
};

struct OsRule {
  std::string_view token;
  std::string_view family;
};

constexpr OsRule kSystems[] = {
    {"Windows Phone", "Windows Phone"},
    {"Windows", "Windows"},
    {"iPhone", "iOS"},
    {"iPad", "iOS"},
    {"iPod", "iOS"},
    {"CrOS", "ChromeOS"},
    {"Android", "Android"},
    {"Macintosh", "macOS"},
    {"Mac OS X", "macOS"},
    {"Linux", "Linux"},
    {"X11", "Linux"},
    {"FreeBSD", "BSD"},
    {"OpenBSD", "BSD"},
};

// `token` where it starts a word: "Chrome/" inside "HeadlessChrome/" is no
// Chrome. npos when absent.
size_t FindToken(std::string_view text, std::string_view token) {
  for (size_t at = text.find(token); at != std::string_view::npos; at = text.find(token, at + 1)) {
    if (at == 0 || !std::isalnum(static_cast<unsigned char>(text[at - 1]))) return at;
  }
  return std::string_view::npos;
}

int MajorAt(std::string_view text, size_t at) {
  int major = 0;
  int digits = 0;
  while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])) && digits < 6) {
    major = major * 10 + (text[at++] - '0');
    ++digits;
  }
  return major;
}

}  // namespace

ParsedUserAgent ParseUserAgent(std::string_view ua) {
  ParsedUserAgent parsed;
  bool found = false;
  for (const BrowserRule& rule : kBrowsers) {
    size_t at = FindToken(ua, rule.token);
    if (at == std::string_view::npos) continue;
    parsed.browser = rule.family;
    size_t version_at = at + rule.token.size();
    if (!rule.version.empty()) {
      size_t v = ua.find(rule.version);
      version_at = v == std::string_view::npos ? ua.size() : v + rule.version.size();
    }
    parsed.major = MajorAt(ua, version_at);
    found = true;
    break;
  }
  if (!found && FindToken(ua, "AppleWebKit/") != std::string_view::npos) {
    // Safari says Version/<n> ... Safari/; an iOS app's web view says neither.
    size_t version = FindToken(ua, "Version/");
    if (version != std::string_view::npos && FindToken(ua, "Safari/") != std::string_view::npos) {
      parsed.browser = "Safari";
      parsed.major = MajorAt(ua, version + 8);
    } else if (FindToken(ua, "Mobile/") != std::string_view::npos) {
      parsed.browser = "iOS WebView";
    }
  }
  if (parsed.browser == "Chrome" && ua.find("; wv)") != std::string_view::npos) {
    parsed.browser = "Android WebView";
  }
  for (const OsRule& rule : kSystems) {
    if (FindToken(ua, rule.token) != std::string_view::npos) {
      parsed.os = rule.family;
      break;
    }
  }
  return parsed;
}

}  // namespace riskd_peer_profile
