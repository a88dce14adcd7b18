// A hash that is the same in every riskd replica, build and run (std::hash
// promises none of that), for keys of shared state and ids in stored values.
#ifndef RISKD_PLUGINS_PEER_PROFILE_STABLE_HASH_H_
#define RISKD_PLUGINS_PEER_PROFILE_STABLE_HASH_H_

#include <cstdint>
#include <string_view>

namespace riskd_peer_profile {

// SplitMix64's finaliser: spreads every input bit over the output.
constexpr uint64_t Mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

// FNV-1a over the bytes, then mixed, from `seed`.
constexpr uint64_t StableHash(std::string_view bytes, uint64_t seed = 0) {
  uint64_t h = 0xcbf29ce484222325ULL ^ Mix64(seed);
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return Mix64(h);
}

// The hash of a value under its parent in a hierarchy ("AS20712" under "GB"),
// so that equal values under different parents differ.
constexpr uint64_t ChildHash(uint64_t parent, std::string_view value) {
  return StableHash(value, parent);
}

}  // namespace riskd_peer_profile

#endif  // RISKD_PLUGINS_PEER_PROFILE_STABLE_HASH_H_
