// The statistical model of Freeman et al., "Who Are You? A Statistical
// Approach to Measuring User Authenticity" (NDSS 2016), as peer-profile uses
// it; README.md gives the formulas.
//
// For each feature value x of a login the likelihood ratio
//     p(x | attacker) / p(x | user)
// with the attacker's distribution taken to be the population's (the global
// frequency of x among all succeeded logins) and the user's estimated from
// the user's history, smoothed along the hierarchy (country -> ASN -> IP,
// OS -> browser -> user agent) so that a value the user never used falls back
// on how the population spreads under its parent. The features are taken as
// independent: the login's ratio is the product.
#ifndef RISKD_PLUGINS_PEER_PROFILE_PROFILE_MODEL_H_
#define RISKD_PLUGINS_PEER_PROFILE_PROFILE_MODEL_H_

#include <array>
#include <cstdint>

#include "global_sketch.h"
#include "login_features.h"
#include "user_history.h"

namespace riskd_peer_profile {

struct ModelParameters {
  double smoothing = 1.0;       // alpha: weight of the population under the parent
  double hour_smoothing = 4.0;  // alpha for the hour of day (uniform prior)
};

struct FeatureAssessment {
  bool present = false;
  bool new_for_user = false;  // the user never used this value
  uint32_t user_count = 0;    // the user's count of this value
  double factor = 1.0;        // this level's p(attacker) / p(user)
};

struct ProfileAssessment {
  double likelihood_ratio = 1.0;  // the product of every factor below
  std::array<FeatureAssessment, kFeatureCount> features{};
  double hour_factor = 1.0;
  // The share of the user's logins at this local hour, the neighbouring
  // hours counting half: (c[h-1] / 2 + c[h] + c[h+1] / 2) / logins.
  double hour_share = 0.0;
};

// One level of a hierarchy: p_g = (global + 1) / (global_parent + 1) (the
// login being assessed counted in, so a value no one used is rare, not
// impossible); p_u = (user + alpha p_g) / (user_parent + alpha);
// returns p_g / p_u.
double LevelFactor(double user, double user_parent, double global, double global_parent,
                   double alpha);

ProfileAssessment AssessProfile(const UserHistory& history, const LoginFeatures& login,
                                const GlobalCounts& global, const ModelParameters& parameters);

}  // namespace riskd_peer_profile

#endif  // RISKD_PLUGINS_PEER_PROFILE_PROFILE_MODEL_H_
