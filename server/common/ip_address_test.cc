#include "server/common/ip_address.h"

#include <gtest/gtest.h>

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace riskd {
namespace {

IpAddress Ip(absl::string_view text) {
  absl::StatusOr<IpAddress> ip = IpAddress::Parse(text);
  EXPECT_TRUE(ip.ok()) << text << ": " << ip.status();
  return ip.ok() ? *ip : IpAddress{};
}

CidrRange Cidr(absl::string_view text) {
  absl::StatusOr<CidrRange> range = CidrRange::Parse(text);
  EXPECT_TRUE(range.ok()) << text << ": " << range.status();
  return range.ok() ? *range : CidrRange{};
}

// --- IpAddress::Parse ------------------------------------------------------

TEST(IpAddressParseTest, ParsesDottedIpv4) {
  IpAddress ip = Ip("192.0.2.10");
  EXPECT_EQ(ip.family, IpAddress::Family::kV4);
  EXPECT_EQ(ip.bit_length(), 32);
  EXPECT_EQ(ip.bytes[0], 192);
  EXPECT_EQ(ip.bytes[1], 0);
  EXPECT_EQ(ip.bytes[2], 2);
  EXPECT_EQ(ip.bytes[3], 10);
  for (int i = 4; i < 16; ++i) EXPECT_EQ(ip.bytes[i], 0) << "byte " << i;
}

TEST(IpAddressParseTest, ParsesIpv6) {
  IpAddress ip = Ip("2001:db8::1");
  EXPECT_EQ(ip.family, IpAddress::Family::kV6);
  EXPECT_EQ(ip.bit_length(), 128);
  EXPECT_EQ(ip.bytes[0], 0x20);
  EXPECT_EQ(ip.bytes[1], 0x01);
  EXPECT_EQ(ip.bytes[2], 0x0d);
  EXPECT_EQ(ip.bytes[3], 0xb8);
  EXPECT_EQ(ip.bytes[15], 0x01);
}

TEST(IpAddressParseTest, ParsesIpv6Loopback) {
  IpAddress ip = Ip("::1");
  EXPECT_EQ(ip.family, IpAddress::Family::kV6);
  EXPECT_EQ(ip.ToString(), "::1");
}

TEST(IpAddressParseTest, Ipv4MappedIpv6BecomesIpv4) {
  IpAddress mapped = Ip("::ffff:203.0.113.7");
  EXPECT_EQ(mapped.family, IpAddress::Family::kV4);
  EXPECT_EQ(mapped, Ip("203.0.113.7"));
  EXPECT_EQ(mapped.ToString(), "203.0.113.7");
}

TEST(IpAddressParseTest, Ipv4MappedInHexFormBecomesIpv4) {
  EXPECT_EQ(Ip("::ffff:cb00:7107"), Ip("203.0.113.7"));
}

TEST(IpAddressParseTest, RejectsGarbage) {
  for (absl::string_view text :
       {"not-an-ip", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.4/24", "2001:db8:::1", "2001:db8::g",
        "1.2.3.4:80", "[::1]", "fe80::1%eth0", "localhost"}) {
    absl::StatusOr<IpAddress> ip = IpAddress::Parse(text);
    EXPECT_FALSE(ip.ok()) << text << " parsed as " << ip->ToString();
    if (!ip.ok()) {
      EXPECT_EQ(ip.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

TEST(IpAddressParseTest, ErrorMessageQuotesTheInput) {
  absl::StatusOr<IpAddress> ip = IpAddress::Parse("nope");
  ASSERT_FALSE(ip.ok());
  EXPECT_EQ(ip.status().message(), "\"nope\" is not an IPv4 or IPv6 address");
}

TEST(IpAddressParseTest, RejectsEmpty) { EXPECT_FALSE(IpAddress::Parse("").ok()); }

TEST(IpAddressParseTest, RejectsSurroundingWhitespace) {
  EXPECT_FALSE(IpAddress::Parse(" 10.0.0.1").ok());
  EXPECT_FALSE(IpAddress::Parse("10.0.0.1 ").ok());
  EXPECT_FALSE(IpAddress::Parse("10.0.0.1\n").ok());
  EXPECT_FALSE(IpAddress::Parse(" ::1").ok());
}

TEST(IpAddressParseTest, RejectsOverlongText) {
  // Longer than any valid address text; must not overflow the parse buffer.
  EXPECT_FALSE(IpAddress::Parse(std::string(1000, '1')).ok());
  EXPECT_FALSE(IpAddress::Parse("0000:0000:0000:0000:0000:ffff:255.255.255.255:0000").ok());
}

TEST(IpAddressParseTest, AcceptsLongestValidText) {
  // 45 characters, the longest IPv6 text form.
  IpAddress ip = Ip("0000:0000:0000:0000:0000:ffff:255.255.255.255");
  EXPECT_EQ(ip, Ip("255.255.255.255"));
}

TEST(IpAddressParseTest, RejectsTextWithEmbeddedNul) {
  // inet_pton would stop at the NUL and accept the prefix.
  EXPECT_FALSE(IpAddress::Parse(absl::string_view("1.2.3.4\0junk", 12)).ok());
  EXPECT_FALSE(IpAddress::Parse(absl::string_view("::1\0", 4)).ok());
}

// --- IpAddress::ToString ---------------------------------------------------

TEST(IpAddressToStringTest, Ipv4IsDottedQuad) {
  EXPECT_EQ(Ip("10.0.0.1").ToString(), "10.0.0.1");
  EXPECT_EQ(Ip("0.0.0.0").ToString(), "0.0.0.0");
}

TEST(IpAddressToStringTest, Ipv6IsRfc5952Canonical) {
  // Lower case, leading zeros dropped, longest zero run compressed.
  EXPECT_EQ(Ip("2001:0DB8:0000:0000:0000:0000:0000:0001").ToString(), "2001:db8::1");
  EXPECT_EQ(Ip("2001:db8:0:0:1:0:0:1").ToString(), "2001:db8::1:0:0:1");
  EXPECT_EQ(Ip("2001:db8:0:1:1:1:1:1").ToString(), "2001:db8:0:1:1:1:1:1");
  EXPECT_EQ(Ip("0:0:0:0:0:0:0:0").ToString(), "::");
}

TEST(IpAddressToStringTest, RoundTripsThroughParse) {
  for (absl::string_view text : {"198.51.100.255", "2001:db8::", "fe80::1:2", "::"}) {
    EXPECT_EQ(Ip(Ip(text).ToString()), Ip(text)) << text;
  }
}

// --- CidrRange::Parse ------------------------------------------------------

TEST(CidrRangeParseTest, ParsesIpv4Range) {
  CidrRange range = Cidr("10.0.0.0/8");
  EXPECT_EQ(range.prefix_length, 8);
  EXPECT_EQ(range.base, Ip("10.0.0.0"));
  EXPECT_EQ(range.ToString(), "10.0.0.0/8");
}

TEST(CidrRangeParseTest, ParsesIpv6Range) {
  CidrRange range = Cidr("2001:db8::/32");
  EXPECT_EQ(range.prefix_length, 32);
  EXPECT_EQ(range.base.family, IpAddress::Family::kV6);
  EXPECT_EQ(range.ToString(), "2001:db8::/32");
}

TEST(CidrRangeParseTest, ClearsHostBits) {
  EXPECT_EQ(Cidr("10.1.2.3/8").base, Ip("10.0.0.0"));
  EXPECT_EQ(Cidr("192.168.37.200/20").base, Ip("192.168.32.0"));
  EXPECT_EQ(Cidr("2001:db8:abcd:1234::99/48").base, Ip("2001:db8:abcd::"));
  EXPECT_EQ(Cidr("2001:db8::3/127").base, Ip("2001:db8::2"));
  EXPECT_EQ(Cidr("10.1.2.3/8").ToString(), "10.0.0.0/8");
}

TEST(CidrRangeParseTest, SingleAddressIsFullLengthPrefix) {
  CidrRange v4 = Cidr("203.0.113.9");
  EXPECT_EQ(v4.prefix_length, 32);
  EXPECT_EQ(v4.base, Ip("203.0.113.9"));
  CidrRange v6 = Cidr("2001:db8::9");
  EXPECT_EQ(v6.prefix_length, 128);
  EXPECT_EQ(v6.base, Ip("2001:db8::9"));
}

TEST(CidrRangeParseTest, AcceptsPrefixBounds) {
  EXPECT_EQ(Cidr("10.0.0.0/0").prefix_length, 0);
  EXPECT_EQ(Cidr("10.0.0.1/32").prefix_length, 32);
  EXPECT_EQ(Cidr("::/0").prefix_length, 0);
  EXPECT_EQ(Cidr("::1/128").prefix_length, 128);
}

TEST(CidrRangeParseTest, RejectsPrefixOutOfBounds) {
  for (absl::string_view text : {"10.0.0.0/33", "10.0.0.0/-1", "::/129", "::/-1", "10.0.0.0/100"}) {
    absl::StatusOr<CidrRange> range = CidrRange::Parse(text);
    EXPECT_FALSE(range.ok()) << text;
    if (!range.ok()) {
      EXPECT_EQ(range.status().code(), absl::StatusCode::kInvalidArgument);
      EXPECT_NE(range.status().message().find("invalid prefix length"), absl::string_view::npos)
          << range.status();
    }
  }
}

TEST(CidrRangeParseTest, PrefixErrorNamesTheFamilyLimit) {
  absl::StatusOr<CidrRange> range = CidrRange::Parse("::/129");
  ASSERT_FALSE(range.ok());
  EXPECT_EQ(range.status().message(), "\"::/129\" has an invalid prefix length (0 to 128)");
}

TEST(CidrRangeParseTest, RejectsBadPrefixText) {
  for (absl::string_view text :
       {"10.0.0.0/", "10.0.0.0/abc", "10.0.0.0/8x", "10.0.0.0/8/8", "10.0.0.0/8.5", "10.0.0.0/0x8",
        "10.0.0.0/+8", "10.0.0.0/ 8", "10.0.0.0/-0"}) {
    EXPECT_FALSE(CidrRange::Parse(text).ok()) << text;
  }
}

TEST(CidrRangeParseTest, RejectsBadAddress) {
  for (absl::string_view text : {"", "/8", "10.0.0/8", "example.com/24", "garbage"}) {
    absl::StatusOr<CidrRange> range = CidrRange::Parse(text);
    EXPECT_FALSE(range.ok()) << text;
    if (!range.ok()) {
      EXPECT_NE(range.status().message().find("is not an IP address or CIDR range"),
                absl::string_view::npos)
          << range.status();
    }
  }
}

// --- CidrRange::Contains ---------------------------------------------------

TEST(CidrRangeContainsTest, Ipv4RangeContainsItsAddressesOnly) {
  CidrRange range = Cidr("10.0.0.0/8");
  EXPECT_TRUE(range.Contains(Ip("10.0.0.0")));
  EXPECT_TRUE(range.Contains(Ip("10.255.255.255")));
  EXPECT_FALSE(range.Contains(Ip("11.0.0.0")));
  EXPECT_FALSE(range.Contains(Ip("9.255.255.255")));
}

TEST(CidrRangeContainsTest, SingleAddressContainsOnlyItself) {
  CidrRange range = Cidr("203.0.113.9");
  EXPECT_TRUE(range.Contains(Ip("203.0.113.9")));
  EXPECT_FALSE(range.Contains(Ip("203.0.113.8")));
  CidrRange v6 = Cidr("2001:db8::9");
  EXPECT_TRUE(v6.Contains(Ip("2001:db8::9")));
  EXPECT_FALSE(v6.Contains(Ip("2001:db8::8")));
}

TEST(CidrRangeContainsTest, FamiliesNeverMatch) {
  // All-zero bytes in both families must still not match across them.
  EXPECT_FALSE(Cidr("0.0.0.0/0").Contains(Ip("::1")));
  EXPECT_FALSE(Cidr("::/0").Contains(Ip("10.0.0.1")));
  EXPECT_FALSE(Cidr("0.0.0.0/8").Contains(Ip("::")));
  EXPECT_FALSE(Cidr("::/8").Contains(Ip("0.0.0.0")));
}

TEST(CidrRangeContainsTest, ZeroPrefixContainsWholeFamily) {
  CidrRange v4 = Cidr("0.0.0.0/0");
  EXPECT_TRUE(v4.Contains(Ip("0.0.0.0")));
  EXPECT_TRUE(v4.Contains(Ip("255.255.255.255")));
  EXPECT_TRUE(v4.Contains(Ip("::ffff:1.2.3.4")));  // mapped, so IPv4
  CidrRange v6 = Cidr("::/0");
  EXPECT_TRUE(v6.Contains(Ip("::")));
  EXPECT_TRUE(v6.Contains(Ip("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")));
}

TEST(CidrRangeContainsTest, NonByteAlignedIpv4Prefix) {
  CidrRange range = Cidr("192.168.32.0/20");  // 192.168.32.0 - 192.168.47.255
  EXPECT_TRUE(range.Contains(Ip("192.168.32.0")));
  EXPECT_TRUE(range.Contains(Ip("192.168.40.1")));
  EXPECT_TRUE(range.Contains(Ip("192.168.47.255")));
  EXPECT_FALSE(range.Contains(Ip("192.168.31.255")));
  EXPECT_FALSE(range.Contains(Ip("192.168.48.0")));
  EXPECT_FALSE(range.Contains(Ip("192.169.32.0")));
}

TEST(CidrRangeContainsTest, NonByteAlignedIpv6Prefix) {
  CidrRange range = Cidr("2001:db8::2/127");  // ::2 and ::3
  EXPECT_TRUE(range.Contains(Ip("2001:db8::2")));
  EXPECT_TRUE(range.Contains(Ip("2001:db8::3")));
  EXPECT_FALSE(range.Contains(Ip("2001:db8::1")));
  EXPECT_FALSE(range.Contains(Ip("2001:db8::4")));
  EXPECT_FALSE(range.Contains(Ip("2001:db9::2")));
}

TEST(CidrRangeContainsTest, RangeParsedWithHostBitsMatchesWholeNetwork) {
  CidrRange range = Cidr("10.1.2.3/8");
  EXPECT_TRUE(range.Contains(Ip("10.200.0.1")));
  EXPECT_FALSE(range.Contains(Ip("11.1.2.3")));
}

TEST(CidrRangeContainsTest, Ipv6PrefixShorterThanAByte) {
  CidrRange range = Cidr("fc00::/7");  // unique local addresses
  EXPECT_TRUE(range.Contains(Ip("fc00::1")));
  EXPECT_TRUE(range.Contains(Ip("fdff:ffff::1")));
  EXPECT_FALSE(range.Contains(Ip("fe00::1")));
  EXPECT_FALSE(range.Contains(Ip("fb00::1")));
}

}  // namespace
}  // namespace riskd
