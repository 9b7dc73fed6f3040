#ifndef KG_PROTO_STATUS_MACROS_H_
#define KG_PROTO_STATUS_MACROS_H_

// RETURN_IF_ERROR / ASSIGN_OR_RETURN: Debian's abseil (20220623) ships no
// status macros, so the project defines them once, here.

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define KG_STATUS_CONCAT_INNER_(a, b) a##b
#define KG_STATUS_CONCAT_(a, b) KG_STATUS_CONCAT_INNER_(a, b)

// Evaluates `expr` (an absl::Status) and returns it from the caller if not OK.
#define RETURN_IF_ERROR(expr)                                    \
  do {                                                           \
    ::absl::Status kg_status_ = (expr);                          \
    if (!kg_status_.ok()) return kg_status_;                     \
  } while (0)

// ASSIGN_OR_RETURN(lhs, rexpr): evaluates an absl::StatusOr<T>; on error
// returns its status, else assigns (moves) the value to `lhs`, which may be a
// declaration such as `auto x`.
#define ASSIGN_OR_RETURN(lhs, rexpr) \
  KG_ASSIGN_OR_RETURN_IMPL_(KG_STATUS_CONCAT_(kg_statusor_, __LINE__), lhs, rexpr)

#define KG_ASSIGN_OR_RETURN_IMPL_(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                              \
  if (!statusor.ok()) return std::move(statusor).status(); \
  lhs = std::move(statusor).value()

#endif  // KG_PROTO_STATUS_MACROS_H_
