// A tiny structured logger: one line per record, `key=value` pairs, to stderr.
// abseil 20220623 (Debian 12) predates absl/log, hence our own.
#ifndef RISKD_SERVER_COMMON_LOGGING_H_
#define RISKD_SERVER_COMMON_LOGGING_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace riskd {

enum class LogLevel { kDebug = 0, kInfo = 1, kWarning = 2, kError = 3 };

absl::StatusOr<LogLevel> ParseLogLevel(absl::string_view name);
void SetLogLevel(LogLevel level);
bool LogEnabled(LogLevel level);

using LogFields = std::vector<std::pair<absl::string_view, std::string>>;

// Writes `ts=... level=... msg="..." k=v ...` as one line. Values with spaces
// or quotes are quoted. Thread-safe: each record is one write(2).
void Log(LogLevel level, absl::string_view message, const LogFields& fields = {});

inline void LogInfo(absl::string_view m, const LogFields& f = {}) { Log(LogLevel::kInfo, m, f); }
inline void LogWarning(absl::string_view m, const LogFields& f = {}) {
  Log(LogLevel::kWarning, m, f);
}
inline void LogError(absl::string_view m, const LogFields& f = {}) { Log(LogLevel::kError, m, f); }

}  // namespace riskd

#endif  // RISKD_SERVER_COMMON_LOGGING_H_
