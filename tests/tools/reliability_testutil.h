#ifndef KG_TESTS_TOOLS_RELIABILITY_TESTUTIL_H_
#define KG_TESTS_TOOLS_RELIABILITY_TESTUTIL_H_

// Helpers for the reliability tests: run kg's programs as child processes
// with a time limit, capturing exit status, terminating signal, output and
// peak memory (from wait4's rusage, so it is the child's own figure).

#include <sys/types.h>

#include <string>
#include <vector>

namespace kg::testing {

struct ProcessResult {
  int exit_code = -1;      // when the process exited
  int signal = 0;          // when a signal ended it (a crash, or our kill)
  bool timed_out = false;  // we killed it at the time limit
  std::string out;
  std::string err;
  long max_rss_kb = 0;     // peak resident memory of the child
  bool exited() const { return signal == 0 && !timed_out && exit_code >= 0; }
  // "exit 1" / "killed by signal 11" / "timed out", plus stderr, for messages.
  std::string Describe() const;
};

struct RunOptions {
  std::string stdin_path = "/dev/null";
  int timeout_seconds = 300;
  std::vector<std::string> env;  // extra NAME=VALUE entries
};

// Options with a time limit (and standard input other than /dev/null).
RunOptions Limits(int timeout_seconds, const std::string& stdin_path = "/dev/null");

// Runs argv[0] (a path) with its arguments and waits for it.
ProcessResult RunProcess(const std::vector<std::string>& argv, const RunOptions& options = {});

// A child running in the background (output to files until Wait()).
class Child {
 public:
  Child(const std::vector<std::string>& argv, const RunOptions& options = {});
  ~Child();  // kills the child if still running
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;
  pid_t pid() const { return pid_; }
  bool Running();  // false once it has exited (then Wait() returns at once)
  ProcessResult Wait();

 private:
  pid_t pid_ = -1;
  std::string out_path_, err_path_;
  int timeout_seconds_;
  bool done_ = false;
  ProcessResult result_;
  void Reap(int status, long max_rss_kb);
};

// build/bin/<name>.
std::string BinPath(const std::string& name);
// A fresh empty directory under the system temp dir, unique to this process
// and the running test; removed by the caller (or left for inspection).
std::string FreshTempDir(const std::string& tag);
std::string ReadFileOrDie(const std::string& path);
void WriteFileOrDie(const std::string& path, const std::string& bytes);

}  // namespace kg::testing

#endif  // KG_TESTS_TOOLS_RELIABILITY_TESTUTIL_H_
