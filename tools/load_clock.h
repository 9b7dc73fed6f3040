#ifndef KG_TOOLS_LOAD_CLOCK_H_
#define KG_TOOLS_LOAD_CLOCK_H_

// The clock of kg-load's summary: seconds since this process started, as a
// user timing the command sees them (program loading, opening or creating
// the store, and closing it included), not since the loader began.

namespace kg::tools {

// Seconds since the kernel started this process (CLOCK_BOOTTIME against
// /proc/self/stat's start time). The start time has clock-tick resolution
// (10 ms) and is rounded down, so the figure errs long by at most a tick.
// Falls back to the time since this library's static initialisation when
// /proc cannot be read.
double SecondsSinceProcessStart();

}  // namespace kg::tools

#endif  // KG_TOOLS_LOAD_CLOCK_H_
