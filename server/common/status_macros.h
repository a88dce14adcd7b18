// Early-return helpers for absl::Status / absl::StatusOr.
#ifndef RISKD_SERVER_COMMON_STATUS_MACROS_H_
#define RISKD_SERVER_COMMON_STATUS_MACROS_H_

#define RISKD_CONCAT_INNER(a, b) a##b
#define RISKD_CONCAT(a, b) RISKD_CONCAT_INNER(a, b)

// RISKD_RETURN_IF_ERROR(expr): returns the status when `expr` is not OK.
#define RISKD_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::absl::Status riskd_status_ = (expr);         \
    if (!riskd_status_.ok()) return riskd_status_; \
  } while (0)

// RISKD_ASSIGN_OR_RETURN(lhs, expr): `lhs = *expr`, or returns its status.
#define RISKD_ASSIGN_OR_RETURN(lhs, expr) \
  RISKD_ASSIGN_OR_RETURN_IMPL(RISKD_CONCAT(riskd_or_, __LINE__), lhs, expr)
#define RISKD_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(*tmp)

#endif  // RISKD_SERVER_COMMON_STATUS_MACROS_H_
