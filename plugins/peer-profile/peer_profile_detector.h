// The peer-profile detector: how unlike this user's own history a login is
// (the statistical model of Freeman et al., NDSS 2016: features' global
// frequency against their frequency in the user's history, smoothed along
// the IP and user-agent hierarchies), and, for young accounts, how far the
// account's activity lies from accounts of the same age.
#ifndef RISKD_PLUGINS_PEER_PROFILE_PEER_PROFILE_DETECTOR_H_
#define RISKD_PLUGINS_PEER_PROFILE_PEER_PROFILE_DETECTOR_H_

#include <optional>
#include <string>
#include <vector>

#include "geo_database.h"
#include "global_sketch.h"
#include "ip_lookup_memo.h"
#include "iprange/asn_table.h"
#include "login_features.h"
#include "peer_population.h"
#include "profile_model.h"
#include "riskd/detector.h"
#include "user_history.h"

namespace riskd_peer_profile {

class PeerProfileDetector {
 public:
  static riskd::Description Describe();

  // Reads the ASN and GeoIP databases. Throws riskd::SettingError naming the
  // setting (and the file) when one is unusable.
  explicit PeerProfileDetector(const riskd::Settings& settings);

  // 1 key for the user's history, 1 + depth x features for the global
  // sketch (9 keys in all by default), and 7 more for a young account's
  // peers.
  std::vector<std::string> StateKeys(const riskd::Event& event) const;

  // Pure and thread-safe; writes the user's history and the counters back
  // through `result`.
  void Evaluate(const riskd::Event& event, riskd::Result& result) const;

  // The event's features (two database lookups, unless this thread's last
  // event had the same IP, and the user-agent parse).
  LoginFeatures Features(const riskd::Event& event) const;

 private:
  // The IP's ASN and location, from the databases.
  IpLookup LookUp(riskd_ip_family family, const uint8_t* ip_bytes) const;
  // The age bucket of a young account at the event, or nullopt.
  std::optional<int> YoungBucket(const riskd::Event& event, int64_t at_ms) const;
  // The profile score, raising its signals.
  double ScoreProfile(const UserHistory& history, const LoginFeatures& login,
                      const GlobalCounts& global, riskd::Result& result) const;

  riskd_iprange::AsnTable asns_;
  riskd_geoip::GeoDatabase geo_;
  IpLookupMemo memo_;
  ModelParameters model_;
  uint32_t learning_logins_;
  double score_midpoint_;
  double unfamiliar_at_;
  double unusual_hour_share_;
  int max_values_;
  uint32_t history_max_logins_;
  int64_t history_ttl_ms_;
  GlobalSketch sketch_;
  PeerPopulation population_;
  int64_t young_account_ms_;
  int64_t peer_min_hours_;
  double peer_z_threshold_;
};

}  // namespace riskd_peer_profile

#endif  // RISKD_PLUGINS_PEER_PROFILE_PEER_PROFILE_DETECTOR_H_
