#include "tests/tools/reliability_testutil.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>

#include "gtest/gtest.h"

namespace kg::testing {
namespace fs = std::filesystem;

std::string ProcessResult::Describe() const {
  std::ostringstream s;
  if (timed_out) {
    s << "timed out";
  } else if (signal != 0) {
    s << "killed by signal " << signal << " (" << strsignal(signal) << ")";
  } else {
    s << "exit " << exit_code;
  }
  std::string tail = err.size() > 4000 ? "..." + err.substr(err.size() - 4000) : err;
  s << "; stderr:\n" << tail;
  return s.str();
}

std::string BinPath(const std::string& name) { return std::string(KG_BIN_DIR) + "/" + name; }

std::string FreshTempDir(const std::string& tag) {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string name = "kg_rel_" + tag + "_" + std::to_string(getpid()) + "_" +
                     std::to_string(counter++) + "_" + (info ? info->name() : "x");
  fs::path dir = fs::temp_directory_path() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ADD_FAILURE() << "cannot read " << path;
    return "";
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void WriteFileOrDie(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes;
  out.close();
  if (!out) ADD_FAILURE() << "cannot write " << path;
}

Child::Child(const std::vector<std::string>& argv, const RunOptions& options)
    : timeout_seconds_(options.timeout_seconds) {
  std::string dir = FreshTempDir("proc");
  out_path_ = dir + "/stdout";
  err_path_ = dir + "/stderr";
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  // The environment is built before fork(): only async-signal-safe calls
  // may run between fork and exec in a multithreaded parent.
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string_view entry(*e);
    std::string_view name = entry.substr(0, entry.find('='));
    bool replaced = false;
    for (const std::string& o : options.env) {
      replaced |= o.size() > name.size() && o.compare(0, name.size(), name) == 0 &&
                  o[name.size()] == '=';
    }
    if (!replaced) env.emplace_back(entry);
  }
  env.insert(env.end(), options.env.begin(), options.env.end());
  std::vector<char*> envp;
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    int in = open(options.stdin_path.c_str(), O_RDONLY);
    int out = open(out_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = open(err_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(err, 2);
    execve(args[0], args.data(), envp.data());
    _exit(127);
  }
  if (pid_ < 0) ADD_FAILURE() << "fork failed";
}

Child::~Child() {
  if (pid_ > 0 && !done_) {
    kill(pid_, SIGKILL);
    Wait();
  }
}

void Child::Reap(int status, long max_rss_kb) {
  done_ = true;
  result_.max_rss_kb = max_rss_kb;
  if (WIFEXITED(status)) result_.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status) && !result_.timed_out) result_.signal = WTERMSIG(status);
  result_.out = ReadFileOrDie(out_path_);
  result_.err = ReadFileOrDie(err_path_);
  fs::remove_all(fs::path(out_path_).parent_path());
}

bool Child::Running() {
  if (done_ || pid_ <= 0) return false;
  int status = 0;
  struct rusage usage {};
  pid_t r = wait4(pid_, &status, WNOHANG, &usage);
  if (r == pid_) {
    Reap(status, usage.ru_maxrss);
    return false;
  }
  return r == 0;
}

ProcessResult Child::Wait() {
  if (done_ || pid_ <= 0) return result_;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds_);
  while (true) {
    int status = 0;
    struct rusage usage {};
    pid_t r = wait4(pid_, &status, WNOHANG, &usage);
    if (r == pid_) {
      Reap(status, usage.ru_maxrss);
      return result_;
    }
    if (r < 0) {
      done_ = true;
      ADD_FAILURE() << "wait4 failed";
      return result_;
    }
    if (std::chrono::steady_clock::now() > deadline && !result_.timed_out) {
      result_.timed_out = true;
      kill(pid_, SIGKILL);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

RunOptions Limits(int timeout_seconds, const std::string& stdin_path) {
  RunOptions o;
  o.timeout_seconds = timeout_seconds;
  o.stdin_path = stdin_path;
  return o;
}

ProcessResult RunProcess(const std::vector<std::string>& argv, const RunOptions& options) {
  Child child(argv, options);
  return child.Wait();
}

}  // namespace kg::testing
