#include "server/state/redis/crc16_slot.h"

#include <array>

namespace riskd::redis {
namespace {

constexpr std::array<uint16_t, 256> MakeCrc16Table() {
  std::array<uint16_t, 256> table{};
  for (int byte = 0; byte < 256; ++byte) {
    uint16_t crc = static_cast<uint16_t>(byte << 8);
    for (int bit = 0; bit < 8; ++bit) {
      crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                           : static_cast<uint16_t>(crc << 1);
    }
    table[byte] = crc;
  }
  return table;
}

constexpr std::array<uint16_t, 256> kCrc16Table = MakeCrc16Table();

}  // namespace

uint16_t Crc16Xmodem(absl::string_view data) {
  uint16_t crc = 0;
  for (unsigned char c : data) {
    crc = static_cast<uint16_t>((crc << 8) ^ kCrc16Table[((crc >> 8) ^ c) & 0xff]);
  }
  return crc;
}

absl::string_view HashTagOf(absl::string_view key) {
  size_t open = key.find('{');
  if (open == absl::string_view::npos) return key;
  size_t close = key.find('}', open + 1);
  // "{}" or an unclosed '{' hash the whole key, as the specification says.
  if (close == absl::string_view::npos || close == open + 1) return key;
  return key.substr(open + 1, close - open - 1);
}

int HashSlot(absl::string_view key) {
  // kClusterSlotCount is a power of two: the mask is the specification's mod.
  return Crc16Xmodem(HashTagOf(key)) & (kClusterSlotCount - 1);
}

}  // namespace riskd::redis
