#include "tools/load_progress.h"

#include "absl/strings/str_format.h"

namespace kg::tools {
namespace {

std::string Duration(double seconds) {
  if (seconds < 0) return "?";
  auto s = static_cast<int64_t>(seconds + 0.5);
  if (s >= 3600) return absl::StrFormat("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
  return absl::StrFormat("%d:%02d", s / 60, s % 60);
}

}  // namespace

ProgressReporter::ProgressReporter(const LoadCounters* counters, uint64_t total_bytes,
                                   std::FILE* out, bool live, std::chrono::milliseconds interval)
    : counters_(counters),
      total_bytes_(total_bytes),
      out_(out),
      live_(live),
      interval_(interval),
      start_(std::chrono::steady_clock::now()) {}

ProgressReporter::~ProgressReporter() { Stop(); }

void ProgressReporter::Start() {
  if (thread_.joinable()) return;
  thread_ = std::thread([this] { Loop(); });
}

void ProgressReporter::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  std::lock_guard<std::mutex> lock(mu_);
  if (drawn_) {
    std::fputs("\r\033[K", out_);
    std::fflush(out_);
    drawn_ = false;
  }
}

void ProgressReporter::Message(const std::string& text) {
  std::lock_guard<std::mutex> lock(mu_);
  if (drawn_) std::fputs("\r\033[K", out_);
  std::fprintf(out_, "%s\n", text.c_str());
  if (drawn_) DrawLocked();
  std::fflush(out_);
}

std::string ProgressReporter::Line(double elapsed) const {
  const uint64_t bytes = counters_->bytes_read.load();
  const double rate = elapsed > 0 ? bytes / 1e6 / elapsed : 0;
  double eta = -1;
  if (bytes > 0 && total_bytes_ >= bytes) eta = elapsed * (total_bytes_ - bytes) / bytes;
  std::string line = absl::StrFormat("%d docs (%d unchanged) | %.1f/%.1f MB | %d facts",
                                     counters_->documents.load(), counters_->unchanged.load(),
                                     bytes / 1e6, total_bytes_ / 1e6, counters_->facts.load());
  if (uint64_t t = counters_->triples.load()) absl::StrAppendFormat(&line, " | %d triples", t);
  absl::StrAppendFormat(&line, " | %.2f MB/s | ETA %s", rate, Duration(eta));
  if (uint64_t e = counters_->errors.load()) absl::StrAppendFormat(&line, " | %d failures", e);
  return line;
}

void ProgressReporter::DrawLocked() {
  double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (live_) {
    std::fprintf(out_, "\r\033[K%s", Line(elapsed).c_str());
    drawn_ = true;
  } else {
    std::fprintf(out_, "progress: %s\n", Line(elapsed).c_str());
  }
  std::fflush(out_);
}

void ProgressReporter::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!cv_.wait_for(lock, interval_, [&] { return stop_; })) DrawLocked();
}

}  // namespace kg::tools
