#ifndef KG_TESTS_TOOLS_LOAD_PROCESS_TESTUTIL_H_
#define KG_TESTS_TOOLS_LOAD_PROCESS_TESTUTIL_H_

// Runs kg-load (or any program in KG_BIN_DIR) as a child process, for the
// end-to-end and kill-and-resume tests, and snapshots a store's content
// through the Store API for comparisons.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace kg::tools::testing {

struct ProgramResult {
  int exit_code = -1;  // -1: killed by a signal
  std::string out;
  std::string err;
};

// Starts KG_BIN_DIR/<program> with `args`; stdout and stderr go to the files
// `out_path` / `err_path`. Returns the child's pid.
pid_t StartProgram(const std::string& program, const std::vector<std::string>& args,
                   const std::string& out_path, const std::string& err_path);

// Waits for `pid`; returns its exit code, or -1 when a signal ended it.
int WaitProgram(pid_t pid);

// Runs to completion and collects the output.
ProgramResult RunProgram(const std::string& program, const std::vector<std::string>& args,
                         const std::string& scratch_dir);

// A fixture for tests that run a program: a fresh scratch directory per test
// (named after the suite, the test and the process), removed after it.
class ProgramTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;
  // `program` (in KG_BIN_DIR) run to completion, its output kept in dir_.
  ProgramResult Run(const std::string& program, const std::vector<std::string>& args) const;
  // A path inside the scratch directory.
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

// Everything a store holds, as sorted lines: documents (without ingest
// time), entities, facts with flags and support (without seen-times), and
// every evidence. Two stores with equal snapshots have the same content.
std::vector<std::string> StoreSnapshot(const std::string& db_path);

}  // namespace kg::tools::testing

#endif  // KG_TESTS_TOOLS_LOAD_PROCESS_TESTUTIL_H_
