#include "tools/load_clock.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <string>

namespace kg::tools {
namespace {

const std::chrono::steady_clock::time_point kLoaded = std::chrono::steady_clock::now();

// Field 22 of /proc/self/stat (start time in clock ticks since boot); -1 when
// unreadable. The command name (field 2) may hold spaces and parentheses, so
// fields are counted from the last ')'.
long long StartTicks() {
  FILE* f = std::fopen("/proc/self/stat", "r");
  if (f == nullptr) return -1;
  char buf[1024];
  size_t n = std::fread(buf, 1, sizeof buf - 1, f);
  std::fclose(f);
  buf[n] = '\0';
  std::string stat(buf, n);
  size_t at = stat.rfind(')');
  if (at == std::string::npos) return -1;
  // Fields 3.. follow ") "; the start time is the 20th of them.
  size_t pos = at + 2;
  for (int field = 3; field < 22; ++field) {
    pos = stat.find(' ', pos);
    if (pos == std::string::npos) return -1;
    ++pos;
  }
  return std::strtoll(stat.c_str() + pos, nullptr, 10);
}

}  // namespace

double SecondsSinceProcessStart() {
  long long ticks = StartTicks();
  long hz = sysconf(_SC_CLK_TCK);
  timespec now{};
  if (ticks >= 0 && hz > 0 && clock_gettime(CLOCK_BOOTTIME, &now) == 0) {
    double elapsed = now.tv_sec + now.tv_nsec / 1e9 - static_cast<double>(ticks) / hz;
    if (elapsed >= 0) return elapsed;
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - kLoaded).count();
}

}  // namespace kg::tools
