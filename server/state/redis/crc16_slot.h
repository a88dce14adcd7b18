// Redis Cluster key -> hash slot mapping (cluster specification, "Keys
// distribution model"): CRC16-XMODEM of the key, or of its hash tag, mod 16384.
#ifndef RISKD_SERVER_STATE_REDIS_CRC16_SLOT_H_
#define RISKD_SERVER_STATE_REDIS_CRC16_SLOT_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace riskd::redis {

inline constexpr int kClusterSlotCount = 16384;

// CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0, no reflection.
uint16_t Crc16Xmodem(absl::string_view data);

// The part of `key` that is hashed: the substring between the first '{' and
// the first '}' after it when that is non-empty, else the whole key.
absl::string_view HashTagOf(absl::string_view key);

// The slot, in [0, kClusterSlotCount), that holds `key`.
int HashSlot(absl::string_view key);

}  // namespace riskd::redis

#endif  // RISKD_SERVER_STATE_REDIS_CRC16_SLOT_H_
