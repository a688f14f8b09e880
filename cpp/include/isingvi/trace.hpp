// Which iterations an iterative solver's per-iteration trace keeps: every one up to
// kTraceEvery, then only powers of two, and always the last. A trace thus has at most
// kTraceEvery + 64 rows per run however large max_iter is, and long runs stay readable on a
// log axis. Rows carry their iteration number, so a gap is never mistaken for a step.
#pragma once
#include <cstdint>

namespace isingvi {

inline constexpr std::int64_t kTraceEvery = std::int64_t{1} << 16;

inline bool trace_keeps(std::int64_t iteration) {
  return iteration <= kTraceEvery || (iteration & (iteration - 1)) == 0;
}

}  // namespace isingvi
