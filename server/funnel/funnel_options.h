// The account-recovery funnel's rules, from the config's `funnel:` section.
#ifndef RISKD_SERVER_FUNNEL_FUNNEL_OPTIONS_H_
#define RISKD_SERVER_FUNNEL_FUNNEL_OPTIONS_H_

#include <optional>

namespace riskd {

struct FunnelOptions {
  // A review opens on a `challenge` verdict, and also on any verdict whose
  // risk score reaches this (unset: challenges only).
  std::optional<double> review_min_score;
  // An approved device's risk score is multiplied by this before policies.
  double approved_device_score_factor = 0.5;
  // A device the user reported is denied for that user.
  bool deny_reported_devices = true;
};

}  // namespace riskd

#endif  // RISKD_SERVER_FUNNEL_FUNNEL_OPTIONS_H_
