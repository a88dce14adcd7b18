#include "profile_model.h"

#include <algorithm>

namespace riskd_peer_profile {
namespace {

template <size_t N>
void AssessChain(const std::array<Feature, N>& chain, const UserHistory& history,
                 const LoginFeatures& login, const GlobalCounts& global, double alpha,
                 ProfileAssessment& out) {
  // The root's parent is every login: the user's and the population's.
  double user_parent = history.logins;
  double global_parent = static_cast<double>(global.logins);
  for (Feature f : chain) {
    if (!login.present[f]) return;
    FeatureAssessment& a = out.features[f];
    a.present = true;
    a.user_count = history.Count(f, login.hash[f]);
    a.new_for_user = a.user_count == 0;
    // A child never counts more than its parent; top-K eviction and the
    // sketch's overestimates could otherwise say so.
    const double user = std::min<double>(a.user_count, user_parent);
    const double global_count = std::min<double>(global.values[f], global_parent);
    a.factor = LevelFactor(user, user_parent, global_count, global_parent, alpha);
    out.likelihood_ratio *= a.factor;
    user_parent = user;
    global_parent = global_count;
  }
}

}  // namespace

double LevelFactor(double user, double user_parent, double global, double global_parent,
                   double alpha) {
  const double p_global = (global + 1.0) / (global_parent + 1.0);
  const double p_user = (user + alpha * p_global) / (user_parent + alpha);
  return p_global / p_user;
}

ProfileAssessment AssessProfile(const UserHistory& history, const LoginFeatures& login,
                                const GlobalCounts& global, const ModelParameters& parameters) {
  ProfileAssessment out;
  AssessChain(kNetworkChain, history, login, global, parameters.smoothing, out);
  AssessChain(kAgentChain, history, login, global, parameters.smoothing, out);
  AssessChain(kDeviceChain, history, login, global, parameters.smoothing, out);

  // Hour of day: the attacker's hour taken as uniform (attackers come from
  // every time zone); the user's smoothed over the neighbouring hours, which
  // count half (the kernel's weights, halved, sum to 1 over the day).
  const int h = login.local_hour;
  double hour_logins = 0;
  for (uint32_t c : history.hours) hour_logins += c;
  const double near =
      history.hours[(h + 23) % 24] / 2.0 + history.hours[h] + history.hours[(h + 1) % 24] / 2.0;
  out.hour_share = hour_logins > 0 ? near / hour_logins : 0.0;
  const double alpha = parameters.hour_smoothing;
  const double p_user = (near / 2.0 + alpha / 24.0) / (hour_logins + alpha);
  out.hour_factor = (1.0 / 24.0) / p_user;
  out.likelihood_ratio *= out.hour_factor;
  return out;
}

}  // namespace riskd_peer_profile
