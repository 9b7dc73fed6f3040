#ifndef KG_QUERY_BUILD_CLOCK_H_
#define KG_QUERY_BUILD_CLOCK_H_

// Clocks for the projection's build profile (Projection::build_profile): wall
// time, CPU of the whole process, and CPU of the calling thread, in seconds.

#include <time.h>

namespace kg::query {

inline double SecondsOf(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + ts.tv_nsec * 1e-9;
}
inline double WallSeconds() { return SecondsOf(CLOCK_MONOTONIC); }
inline double ProcessCpuSeconds() { return SecondsOf(CLOCK_PROCESS_CPUTIME_ID); }
inline double ThreadCpuSeconds() { return SecondsOf(CLOCK_THREAD_CPUTIME_ID); }

}  // namespace kg::query

#endif  // KG_QUERY_BUILD_CLOCK_H_
