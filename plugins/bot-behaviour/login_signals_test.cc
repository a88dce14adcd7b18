// credential_stuffing, password_spray, brute_force and machine_timing: the
// detector's state kept between events as the host would keep it.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "bot_behaviour_detector.h"
#include "host_state_for_tests.h"
#include "riskd/detector_testing.h"

namespace riskd_bot_behaviour {
namespace {

using riskd::EventType;
using riskd::testing::EventBuilder;
using riskd::testing::MakeSettings;

// Midnight UTC: a multiple of every default window, so buckets start here.
constexpr int64_t kDayStart = 1'700'006'400'000;
constexpr int64_t kSecond = 1000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;

// "user" + i, written so that GCC 12 does not mis-warn (-Wrestrict) about operator+.
std::string Numbered(const char* prefix, int i) {
  std::string out = prefix;
  out += std::to_string(i);
  return out;
}

class LoginSignalsTest : public ::testing::Test {
 protected:
  BotBehaviourDetector Detector(std::map<std::string, std::string> overrides = {}) {
    overrides.emplace("crawler_patterns_file", data_.Write("bots.txt", "Googlebot\n"));
    // Timing is tested on its own below; here events are evenly spaced on purpose.
    overrides.emplace("disabled_signals", "machine_timing");
    return BotBehaviourDetector(MakeSettings(BotBehaviourDetector::Describe(), overrides));
  }

  static EventBuilder Login(EventType type, const std::string& user, const std::string& ip,
                            int64_t at_ms) {
    EventBuilder event;
    event.set_type(type);
    event.set_user_id(user);
    event.set_ip(ip);
    event.set_occurred_at_ms(at_ms);
    event.set_user_agent("Mozilla/5.0 (X11; Linux x86_64; rv:126.0) Gecko/20100101 Firefox/126.0");
    return event;
  }
  static EventBuilder Failed(const std::string& user, const std::string& ip, int64_t at_ms) {
    return Login(EventType::kLoginFailed, user, ip, at_ms);
  }
  static EventBuilder Succeeded(const std::string& user, const std::string& ip, int64_t at_ms) {
    return Login(EventType::kLoginSucceeded, user, ip, at_ms);
  }

  riskd::testing::TempDataDir data_;
};

TEST_F(LoginSignalsTest, OneIpFailingOnManyUsersIsCredentialStuffingFromTheThreshold) {
  BotBehaviourDetector detector = Detector();  // 20 users, 80% failed, 10 min
  HostStateForTests host(detector);
  for (int i = 1; i <= 30; ++i) {
    EventBuilder event =
        i % 10 == 0 ? Succeeded(Numbered("user", i), "203.0.113.9", kDayStart + i * kSecond)
                    : Failed(Numbered("user", i), "203.0.113.9", kDayStart + i * kSecond);
    Outcome o = host.Run(event);
    EXPECT_EQ(o.Has("credential_stuffing"), i >= 20) << "attempt " << i;
    EXPECT_FALSE(o.Has("password_spray")) << "attempt " << i;
    if (i == 20) {
      EXPECT_EQ(o.Detail("credential_stuffing"),
                "203.0.113.9: 20 users, 20 logins, 90% failed in the last 10 min");
      EXPECT_DOUBLE_EQ(o.score, 1.0);
    }
  }
  // Any event from that IP carries the signal, including a login that worked.
  EXPECT_TRUE(host.Run(Succeeded("user5", "203.0.113.9", kDayStart + 31 * kSecond))
                  .Has("credential_stuffing"));
  // The users it tried, from their own IPs, do not.
  Outcome own = host.Run(Succeeded("user5", "81.2.69.160", kDayStart + 32 * kSecond));
  EXPECT_TRUE(own.signals.empty()) << own.signals[0].second;
  EXPECT_EQ(own.score, 0.0);
}

TEST_F(LoginSignalsTest, AnOfficeWhereMostLoginsWorkIsNotStuffing) {
  BotBehaviourDetector detector = Detector();
  HostStateForTests host(detector);
  for (int i = 1; i <= 60; ++i) {
    // 60 colleagues behind one NAT; every fourth mistypes first.
    std::string user = Numbered("colleague", i);
    if (i % 4 == 0) host.Run(Failed(user, "198.51.100.1", kDayStart + i * kSecond));
    Outcome o = host.Run(Succeeded(user, "198.51.100.1", kDayStart + i * kSecond + 500));
    EXPECT_TRUE(o.signals.empty()) << i << ": " << o.signals[0].first;
  }
}

TEST_F(LoginSignalsTest, OneUserRetryingIsNotStuffing) {
  BotBehaviourDetector detector = Detector();
  HostStateForTests host(detector);
  for (int i = 1; i <= 40; ++i) {
    Outcome o = host.Run(Failed("alice", "198.51.100.1", kDayStart + i * 7 * kSecond));
    EXPECT_FALSE(o.Has("credential_stuffing"));
    EXPECT_FALSE(o.Has("password_spray"));
    EXPECT_FALSE(o.Has("brute_force")) << "one IP is not distributed brute force";
  }
}

TEST_F(LoginSignalsTest, TheWindowSlides) {
  BotBehaviourDetector detector = Detector();
  HostStateForTests host(detector);
  // 16 users late in one 10-minute bucket...
  for (int i = 0; i < 16; ++i) {
    host.Run(Failed(Numbered("u", i), "203.0.113.9", kDayStart + 9 * kMinute + i * kSecond));
  }
  // ...count for half at the middle of the next one: 8 + 3 new users < 20.
  for (int i = 16; i < 19; ++i) {
    EXPECT_FALSE(
        host.Run(Failed(Numbered("u", i), "203.0.113.9", kDayStart + 15 * kMinute + i * kSecond))
            .Has("credential_stuffing"));
  }
  // Early in the next bucket, they weigh nearly fully: 16 * 0.95 + 5 >= 20.
  HostStateForTests early(detector);
  for (int i = 0; i < 16; ++i) {
    early.Run(Failed(Numbered("u", i), "203.0.113.9", kDayStart + 9 * kMinute + i * kSecond));
  }
  bool fired = false;
  for (int i = 16; i < 21; ++i) {
    fired =
        early.Run(Failed(Numbered("u", i), "203.0.113.9", kDayStart + 10 * kMinute + 30 * kSecond))
            .Has("credential_stuffing");
  }
  EXPECT_TRUE(fired);
}

TEST_F(LoginSignalsTest, ASlowRunUnderTheStuffingRateIsPasswordSpray) {
  BotBehaviourDetector detector =
      Detector();  // 30 failing users, <= 3 failures each, 90% failed, 24 h
  HostStateForTests host(detector);
  for (int i = 1; i <= 40; ++i) {
    // One user every 20 minutes, never more than one per 10-minute bucket.
    Outcome o = host.Run(Failed(Numbered("user", i), "203.0.113.77", kDayStart + i * 20 * kMinute));
    EXPECT_FALSE(o.Has("credential_stuffing")) << i;
    EXPECT_EQ(o.Has("password_spray"), i >= 30) << i;
    if (i == 30) {
      EXPECT_EQ(
          o.Detail("password_spray"),
          "203.0.113.77: 30 users failed 1.0 times each, 100% of logins failed in the last 24 h");
      EXPECT_DOUBLE_EQ(o.score, 0.8);
    }
  }
}

TEST_F(LoginSignalsTest, ManyAttemptsPerUserAreNotSpray) {
  BotBehaviourDetector detector = Detector();
  HostStateForTests host(detector);
  Outcome last;
  for (int i = 1; i <= 40; ++i) {
    for (int attempt = 0; attempt < 4; ++attempt) {
      last = host.Run(Failed(Numbered("user", i), "203.0.113.77",
                             kDayStart + i * 20 * kMinute + attempt * kSecond));
    }
  }
  EXPECT_FALSE(last.Has("password_spray"));
}

TEST_F(LoginSignalsTest, FailuresOnOneUserFromManyIpsAreBruteForce) {
  BotBehaviourDetector detector = Detector();  // 10 failures from 3 IPs in 1 h
  HostStateForTests host(detector);
  for (int i = 1; i <= 12; ++i) {
    Outcome o = host.Run(Failed("alice", Numbered("192.0.2.", i), kDayStart + i * kMinute));
    EXPECT_EQ(o.Has("brute_force"), i >= 10) << i;
    if (i == 10) {
      EXPECT_EQ(o.Detail("brute_force"),
                "user \"alice\": 10 failed logins from 10 IPs in the last 1 h");
      EXPECT_DOUBLE_EQ(o.score, 0.7);
    }
  }
  // Alice's own login is under attack too: policies challenge it.
  EXPECT_TRUE(
      host.Run(Succeeded("alice", "81.2.69.160", kDayStart + 13 * kMinute)).Has("brute_force"));
  EXPECT_FALSE(
      host.Run(Succeeded("bob", "192.0.2.1", kDayStart + 14 * kMinute)).Has("brute_force"));
  // An hour later the failures have aged out of the window.
  EXPECT_FALSE(
      host.Run(Succeeded("alice", "81.2.69.160", kDayStart + 3 * kHour)).Has("brute_force"));
}

TEST_F(LoginSignalsTest, Ipv6ClientsCountPerSlash64) {
  BotBehaviourDetector detector = Detector({{"credential_stuffing_min_users", "3"}});
  HostStateForTests host(detector);
  host.Run(Failed("a", "2001:db8:1:2::1", kDayStart));
  host.Run(Failed("b", "2001:db8:1:2:ffff::9", kDayStart + kSecond));
  Outcome o = host.Run(Failed("c", "2001:db8:1:2:abcd::", kDayStart + 2 * kSecond));
  EXPECT_EQ(o.Detail("credential_stuffing"),
            "2001:db8:1:2::/64: 3 users, 3 logins, 100% failed in the last 10 min");
  EXPECT_FALSE(
      host.Run(Failed("d", "2001:db8:1:3::1", kDayStart + 3 * kSecond)).Has("credential_stuffing"));
}

TEST_F(LoginSignalsTest, KeysCarryTheIpOrUserHashTag) {
  BotBehaviourDetector detector = Detector();
  HostStateForTests host(detector);
  Outcome o = host.Run(Failed("al{ice}", "203.0.113.9", kDayStart));
  // Stuffing and spray: 6 counters and a marker each; brute force: 4 counters and a marker.
  ASSERT_EQ(o.keys.size(), 7u + 7 + 5);
  for (const std::string& key : o.keys) {
    EXPECT_TRUE(key.rfind("{203.0.113.9}:", 0) == 0 || key.rfind("{u:al%7Bice%7D}:bf:", 0) == 0)
        << key;
  }
  // Writes: per IP window 3 counters and a marker; per user 2 counters and a marker.
  EXPECT_EQ(host.values().size(), 2u * 4 + 3);
  EXPECT_EQ(host.values().at("{203.0.113.9}:cs:n:" + std::to_string(kDayStart / (10 * kMinute))),
            "1");
  // A login that worked leaves no marker for the day-long spray window, nor
  // for brute force.
  EXPECT_EQ(host.Run(Succeeded("bob", "203.0.113.9", kDayStart + kSecond)).keys.size(), 7u + 6 + 4);
}

TEST_F(LoginSignalsTest, DisabledSignalsReadAndWriteNothing) {
  BotBehaviourDetector detector = Detector(
      {{"disabled_signals", "credential_stuffing,password_spray,brute_force,machine_timing"}});
  HostStateForTests host(detector);
  Outcome o = host.Run(Failed("alice", "203.0.113.9", kDayStart));
  EXPECT_TRUE(o.keys.empty());
  EXPECT_TRUE(host.values().empty());
}

TEST_F(LoginSignalsTest, RegularTimingFromOneIpIsMachineTiming) {
  riskd::testing::TempDataDir data;
  BotBehaviourDetector detector(
      MakeSettings(BotBehaviourDetector::Describe(),
                   {{"crawler_patterns_file", data.Write("bots.txt", "Googlebot\n")}}));
  HostStateForTests host(detector);
  // A script: every 2 s, give or take 20 ms. 10 gaps need 11 events.
  for (int i = 0; i < 12; ++i) {
    int64_t jitter = (i % 3 - 1) * 20;
    EventBuilder event =
        Succeeded(Numbered("user", i), "203.0.113.5", kDayStart + i * 2 * kSecond + jitter);
    Outcome o = host.Run(event);
    EXPECT_EQ(o.Has("machine_timing"), i >= 10) << i;
    if (i == 10) {
      EXPECT_EQ(o.Detail("machine_timing"),
                "203.0.113.5: the last 10 gaps average 2002 ms and vary by 1.4% (below 10%)");
      EXPECT_DOUBLE_EQ(o.score, 0.5);
    }
  }
  // A person: gaps of seconds to minutes.
  const int64_t gaps[] = {4, 31, 9, 120, 15, 2, 48, 7, 66, 12, 25};
  int64_t at = kDayStart;
  for (int64_t gap : gaps) {
    at += gap * kSecond;
    EXPECT_FALSE(host.Run(Succeeded("carol", "81.2.69.160", at)).Has("machine_timing"));
  }
}

TEST_F(LoginSignalsTest, UnknownDisabledSignalNamesTheSetting) {
  try {
    Detector({{"disabled_signals", "bot_ua"}});
    FAIL() << "expected a SettingError";
  } catch (const riskd::SettingError& e) {
    EXPECT_EQ(e.key(), "disabled_signals");
    EXPECT_STREQ(e.what(),
                 "unknown signal \"bot_ua\" (this detector raises: bot_user_agent, "
                 "headless_browser, missing_headers, credential_stuffing, password_spray, "
                 "brute_force, machine_timing)");
  }
}

}  // namespace
}  // namespace riskd_bot_behaviour
