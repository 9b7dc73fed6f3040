#ifndef KG_TOOLS_LOAD_PROGRESS_H_
#define KG_TOOLS_LOAD_PROGRESS_H_

// kg-load's progress display: on a terminal a live line redrawn in place
// (documents, MB, facts, rate, ETA); otherwise a plain line every few seconds,
// so logs stay readable. The ETA comes from the total input size, known up
// front from stat().

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "tools/load_summary.h"

namespace kg::tools {

class ProgressReporter {
 public:
  // `out` is usually stderr; `live` chooses the redrawn line (pass
  // isatty(fileno(out))). `interval` is the time between lines.
  ProgressReporter(const LoadCounters* counters, uint64_t total_bytes, std::FILE* out, bool live,
                   std::chrono::milliseconds interval);
  ~ProgressReporter();
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  void Start();
  // Stops the thread and clears the live line.
  void Stop();
  // Prints a message (an issue) on its own line without garbling the live
  // line. Thread-safe.
  void Message(const std::string& text);

  // The progress text after `elapsed_seconds` (no newline, no escapes).
  std::string Line(double elapsed_seconds) const;

 private:
  void Loop();
  void DrawLocked();

  const LoadCounters* counters_;
  const uint64_t total_bytes_;
  std::FILE* out_;
  const bool live_;
  const std::chrono::milliseconds interval_;
  const std::chrono::steady_clock::time_point start_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool drawn_ = false;  // a live line is on screen
  std::thread thread_;
};

}  // namespace kg::tools

#endif  // KG_TOOLS_LOAD_PROGRESS_H_
