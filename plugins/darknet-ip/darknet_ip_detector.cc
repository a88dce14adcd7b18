#include "darknet_ip_detector.h"

#include <algorithm>
#include <charconv>
#include <unordered_set>

#include "asn_database.h"
#include "list_files.h"

namespace riskd_darknet_ip {
namespace {

// Major cloud and hosting networks, each checked against the shipped ASN CSV
// (@ip-location-db/asn 2.3.2026061719); see README.md for the organisations.
constexpr char kDefaultHostingAsns[] =
    "16509,14618,8987,"   // Amazon (AWS)
    "396982,"             // Google Cloud
    "8075,"               // Microsoft (Azure)
    "14061,"              // DigitalOcean
    "16276,"              // OVH
    "24940,213230,"       // Hetzner
    "63949,"              // Akamai Connected Cloud (Linode)
    "20473,"              // The Constant Company (Vultr, Choopa)
    "45102,37963,"        // Alibaba Cloud
    "132203,"             // Tencent Cloud
    "31898,"              // Oracle Cloud
    "12876,"              // Scaleway
    "51167,40021,"        // Contabo
    "60781,16265,28753,"  // Leaseweb
    "9009,"               // M247
    "53667";              // FranTech (BuyVM)

std::unordered_set<uint32_t> AsnSetting(const riskd::Settings& settings, const std::string& key) {
  std::unordered_set<uint32_t> asns;
  for (const std::string& item : settings.GetStringList(key)) {
    std::string_view text = item;
    if (text.size() > 2 && (text[0] == 'A' || text[0] == 'a') &&
        (text[1] == 'S' || text[1] == 's')) {
      text.remove_prefix(2);  // "AS16509" reads as 16509
    }
    uint32_t asn = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), asn);
    if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
      throw riskd::SettingError(key, "not an AS number: \"" + item + "\"");
    }
    asns.insert(asn);
  }
  return asns;
}

// A list from an optional file setting plus an inline list setting.
void LoadList(const riskd::Settings& settings, const std::string& file_key,
              const std::string& inline_key, IpList& list) {
  if (settings.Has(file_key)) LoadLineList(settings.GetString(file_key), file_key, list);
  AddInlineEntries(settings.GetStringList(inline_key), inline_key, list);
  list.Build();
}

}  // namespace

riskd::Description DarknetIpDetector::Describe() {
  return {
      .name = "darknet-ip",
      .version = "1.0.0",
      .description =
          "Flags IPs of Tor exits, known proxies, cloud and hosting networks (by ASN) "
          "and the operator's deny list.",
      .settings =
          {
              {.key = "tor_exit_list_file",
               .type = RISKD_SETTING_FILE,
               .default_value = "../data/tor-detect/ips.json",
               .description = "Tor exit addresses: the Tor Project's bulk exit list (one per "
                              "line) or tor-detect's JSON array."},
              {.key = "asn_ipv4_file",
               .type = RISKD_SETTING_FILE,
               .default_value = "../data/ip-location-db-asn/asn-ipv4.csv",
               .description = "IPv4 ranges to ASN, CSV start,end,asn,org."},
              {.key = "asn_ipv6_file",
               .type = RISKD_SETTING_FILE,
               .default_value = "../data/ip-location-db-asn/asn-ipv6.csv",
               .description = "IPv6 ranges to ASN, CSV start,end,asn,org."},
              {.key = "hosting_asns",
               .type = RISKD_SETTING_STRING_LIST,
               .default_value = kDefaultHostingAsns,
               .description = "AS numbers of cloud and hosting networks (16509 or AS16509)."},
              {.key = "proxy_list_file",
               .type = RISKD_SETTING_FILE,
               .default_value = std::nullopt,  // optional
               .description = "Optional: proxy addresses or CIDRs, one per line, '#' comments."},
              {.key = "proxy_ips",
               .type = RISKD_SETTING_STRING_LIST,
               .default_value = "",
               .description = "Proxy addresses or CIDRs, in addition to proxy_list_file."},
              {.key = "deny_list_file",
               .type = RISKD_SETTING_FILE,
               .default_value = std::nullopt,  // optional
               .description = "Optional: your own denied addresses or CIDRs, one per line, "
                              "'#' comments."},
              {.key = "deny_ips",
               .type = RISKD_SETTING_STRING_LIST,
               .default_value = "",
               .description = "Denied addresses or CIDRs, in addition to deny_list_file."},
              {.key = "tor_exit_score",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "0.9",
               .description = "Score when the IP is a Tor exit."},
              {.key = "proxy_score",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "0.7",
               .description = "Score when the IP is a listed proxy."},
              {.key = "datacenter_score",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "0.5",
               .description = "Score when the IP belongs to a hosting ASN."},
              {.key = "listed_score",
               .type = RISKD_SETTING_DOUBLE,
               .default_value = "1.0",
               .description = "Score when the IP is on the deny list."},
          },
      .signals = {"tor_exit", "proxy_ip", "datacenter_ip", "listed_ip"},
  };
}

DarknetIpDetector::DarknetIpDetector(const riskd::Settings& settings)
    : tor_exit_score_(settings.GetFraction("tor_exit_score")),
      proxy_score_(settings.GetFraction("proxy_score")),
      datacenter_score_(settings.GetFraction("datacenter_score")),
      listed_score_(settings.GetFraction("listed_score")) {
  const std::string tor_file = settings.GetString("tor_exit_list_file");
  LoadTorList(tor_file, "tor_exit_list_file", "Tor exit list " + tor_file, tor_);
  tor_.Build();

  const std::unordered_set<uint32_t> asns = AsnSetting(settings, "hosting_asns");
  for (const char* key : {"asn_ipv4_file", "asn_ipv6_file"}) {
    LoadAsnRanges(settings.GetString(key), key, asns, datacenter_);
  }
  datacenter_.Build();

  LoadList(settings, "proxy_list_file", "proxy_ips", proxies_);
  LoadList(settings, "deny_list_file", "deny_ips", denied_);
}

void DarknetIpDetector::Evaluate(const riskd::Event& event, riskd::Result& result) const {
  const riskd_ip_family family = event.ip_family();
  const uint8_t* bytes = event.ip_bytes();
  double score = 0.0;
  auto report = [&](const IpList& list, const char* signal, double signal_score, const char* what) {
    const std::string* label = list.Find(family, bytes);
    if (label == nullptr) return;
    score = std::max(score, signal_score);
    result.AddSignal(signal, std::string(event.ip()) + " " + what + *label);
  };
  if (family != RISKD_IP_NONE) {
    report(denied_, "listed_ip", listed_score_, "is on the deny list: ");
    report(tor_, "tor_exit", tor_exit_score_, "is in the ");
    report(proxies_, "proxy_ip", proxy_score_, "is a listed proxy: ");
    report(datacenter_, "datacenter_ip", datacenter_score_, "is in hosting network ");
  }
  result.SetScore(score);
}

}  // namespace riskd_darknet_ip

RISKD_DETECTOR_PLUGIN(riskd_darknet_ip::DarknetIpDetector)
