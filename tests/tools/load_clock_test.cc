#include "tools/load_clock.h"

#include <sys/resource.h>

#include <chrono>
#include <thread>

#include "gtest/gtest.h"

namespace kg::tools {
namespace {

double CpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// The clock counts from the process start: it has run at least as long as
// this single-threaded stretch of the process used the CPU, and it advances
// with real time.
TEST(LoadClockTest, CountsFromProcessStartAndAdvances) {
  double before = SecondsSinceProcessStart();
  EXPECT_GT(before, 0.0);
  EXPECT_LT(before, 24 * 3600.0);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  double after = SecondsSinceProcessStart();
  EXPECT_GE(after - before, 0.029);
  // A busy loop: its CPU time cannot exceed the wall time since start
  // (the test binary runs this test on one thread).
  double cpu0 = CpuSeconds();
  while (CpuSeconds() - cpu0 < 0.05) {
  }
  EXPECT_GE(SecondsSinceProcessStart() - after, 0.05 - 0.01);
}

}  // namespace
}  // namespace kg::tools
