// Crash safety: a child process loads documents (and one bulk load) while the
// parent SIGKILLs it at seeded random moments. After every kill the store
// must reopen, pass Check(), and hold each document either whole or not at
// all; a final uninterrupted run must give the same content as a clean load.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "storage/bulk_loader.h"
#include "storage/store.h"
#include "tests/storage/store_testutil.h"

namespace kg::storage {
namespace {

using testing::Dump;
using testing::SyntheticDoc;
using testing::TempStorePath;

constexpr int kDocs = 40;
constexpr int kFactsPerDoc = 40;
constexpr int kVocabulary = 150;
constexpr int kImported = 3000;
constexpr char kChildEnv[] = "KG_CRASH_TEST_STORE";

// The workload: documents, a bulk load in the middle, more documents, and a
// replacement of some earlier documents with new content.
absl::Status Load(Store& store) {
  for (int i = 0; i < kDocs; ++i) {
    if (i == kDocs / 2) {
      BulkLoader loader(&store, {.memory_bytes = 64 << 10});  // spills runs
      for (int j = 0; j < kImported; ++j) {
        absl::Status s = loader.Add(absl::StrCat("Entity ", j % kVocabulary), "imported",
                                    absl::StrCat("Resource ", j));
        if (!s.ok()) return s;
      }
      auto r = loader.Finish();
      if (!r.ok()) return r.status();
    }
    auto r = store.PutDocument(SyntheticDoc(i, kFactsPerDoc, kVocabulary, 7));
    if (!r.ok()) return r.status();
  }
  for (int i = 0; i < kDocs; i += 4) {
    auto r = store.PutDocument(SyntheticDoc(i, kFactsPerDoc / 2, kVocabulary, 8));
    if (!r.ok()) return r.status();
  }
  return absl::OkStatus();
}

// Runs in the child process (this binary re-executed, see StartChild).
TEST(CrashTest, ChildLoader) {
  const char* path = std::getenv(kChildEnv);
  if (path == nullptr) GTEST_SKIP() << "only runs as the crash test's child";
  auto store = Store::Open(path);
  if (!store.ok()) _exit(3);
  _exit(Load(**store).ok() ? 0 : 4);
}

// Everything the child needs is built before fork(): between fork and exec
// only async-signal-safe calls are allowed (setenv, freopen and allocation
// can deadlock on a lock another thread of this process held at the fork).
pid_t StartChild(const std::string& path) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e != nullptr; ++e) {
    if (!absl::StartsWith(*e, absl::StrCat(kChildEnv, "="))) env_strings.push_back(*e);
  }
  env_strings.push_back(absl::StrCat(kChildEnv, "=", path));
  std::vector<char*> envp;
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  int null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
  pid_t pid = fork();
  if (pid == 0) {
    if (null_fd >= 0) dup2(null_fd, STDOUT_FILENO);
    execle("/proc/self/exe", "kg_storage_tests", "--gtest_filter=CrashTest.ChildLoader",
           static_cast<char*>(nullptr), envp.data());
    _exit(127);
  }
  if (null_fd >= 0) close(null_fd);
  return pid;
}

TEST(CrashTest, KilledLoadsLeaveAConsistentStore) {
  // Reference: the same workload, uninterrupted, timed.
  std::string ref_path = TempStorePath("reference");
  auto t0 = std::chrono::steady_clock::now();
  {
    pid_t pid = StartChild(ref_path);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  }
  auto full = std::chrono::steady_clock::now() - t0;
  auto reference = std::move(*Store::Open(ref_path, {.read_only = true}));

  std::string path = TempStorePath("crashed");
  std::mt19937 rng(20260318);
  std::uniform_real_distribution<double> when(0.05, 1.0);
  int kills = 0;
  for (int round = 0; round < 8; ++round) {
    pid_t pid = StartChild(path);
    auto delay = std::chrono::duration_cast<std::chrono::microseconds>(full * when(rng));
    std::this_thread::sleep_for(delay);
    kill(pid, SIGKILL);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    kills += WIFSIGNALED(status) ? 1 : 0;

    auto store = Store::Open(path);
    ASSERT_TRUE(store.ok()) << "round " << round << ": " << store.status();
    auto check = (*store)->Check();
    ASSERT_TRUE(check.ok()) << check.status();
    ASSERT_TRUE(check->ok()) << "round " << round << ":\n" << absl::StrJoin(check->problems, "\n");
    // Each present document is whole: what it contributed equals what the
    // same version contributed in the reference or in its first version.
    int present = 0;
    for (int i = 0; i < kDocs; ++i) {
      std::string id = absl::StrFormat("doc%05d", i);
      auto got = (*store)->GetDocumentFacts(id);
      ASSERT_TRUE(got.ok()) << got.status();
      if (!got->has_value()) continue;
      ++present;
      const std::string& hash = (*got)->document().content_hash();
      DocumentFacts expect = hash == absl::StrCat("hash", i, "-7")
                                 ? SyntheticDoc(i, kFactsPerDoc, kVocabulary, 7)
                                 : SyntheticDoc(i, kFactsPerDoc / 2, kVocabulary, 8);
      // Distinct (fact, sentence) pairs: what the store keeps as evidence.
      std::set<std::tuple<std::string, std::string, std::string, uint32_t>> want, have;
      for (const auto& f : expect.facts()) {
        want.emplace(f.subject(), f.predicate(), f.object(), f.evidence().sentence());
      }
      for (const auto& f : (*got)->facts()) {
        have.emplace(f.subject(), f.predicate(), f.object(), f.evidence().sentence());
      }
      EXPECT_EQ(have, want) << "round " << round << ": " << id << " is half present";
    }
    // The bulk load is all or nothing.
    uint64_t imported = 0;
    ASSERT_TRUE((*store)->ForEachFact([&](const Fact& f) {
      imported += (f.flags() & IMPORTED) ? 1 : 0;
      return true;
    }).ok());
    EXPECT_TRUE(imported == 0 || imported == kImported) << "round " << round << ": " << imported;
    (void)present;
  }
  EXPECT_GT(kills, 0);

  // Finish the load without interruption: same content as the clean run.
  pid_t pid = StartChild(path);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  auto store = std::move(*Store::Open(path, {.read_only = true}));
  EXPECT_EQ(Dump(*store), Dump(*reference));
  EXPECT_TRUE(store->Check().value().ok());
}

}  // namespace
}  // namespace kg::storage
