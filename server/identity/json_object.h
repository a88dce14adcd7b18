// A strict JSON (RFC 8259) reader for the small objects of a JWT's header and
// payload, into google.protobuf.Struct.
//
// Why not protobuf's JsonStringToMessage: it goes through a type resolver and
// a binary round trip, about 17 us of CPU for a 170-byte payload on the
// project's machine, more than the rest of a decision; this reader takes
// about 1 us (server/identity/identity_resolver_benchmark.cc).
#ifndef RISKD_SERVER_IDENTITY_JSON_OBJECT_H_
#define RISKD_SERVER_IDENTITY_JSON_OBJECT_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/struct.pb.h"

namespace riskd {

// Deeper nesting is refused, so that a hostile token cannot exhaust the stack.
inline constexpr int kMaxJsonDepth = 32;

// `text` must be one JSON object. Refused as well: duplicate keys (RFC 7519
// lets a JWT reader refuse them, and two readers taking different ones is a
// known attack), invalid UTF-8, numbers beyond a double's range.
absl::StatusOr<google::protobuf::Struct> ParseJsonObject(absl::string_view text);

}  // namespace riskd

#endif  // RISKD_SERVER_IDENTITY_JSON_OBJECT_H_
