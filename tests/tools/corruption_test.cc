// A store with a damaged file, through the kg program. Every command either
// answers exactly as before the damage (it never needed the damaged bytes)
// or fails with exit status 3 and a message that says the store is corrupt,
// names the damaged file and suggests `kg check`; nothing crashes, nothing
// answers differently. `kg check` itself reports the damaged file.
// (tests/storage/ covers the Store API's own corruption handling.)

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "storage/store.h"
#include "tests/tools/reliability_testutil.h"

namespace kg {
namespace {

namespace fs = std::filesystem;
using ::kg::testing::BinPath;
using ::kg::testing::ProcessResult;
using ::kg::testing::RunProcess;
using ::testing::HasSubstr;

constexpr char kQuestion[] = "connect \"Merida Initiative\" and \"arms trafficking\"";

class CorruptionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = kg::testing::FreshTempDir("corrupt");
    db_ = dir_ + "/kg.db";
    ProcessResult r = Kg({"ingest", std::string(KG_SOURCE_DIR) + "/examples/corpus"});
    ASSERT_EQ(r.exit_code, 0) << r.Describe();
    // Move everything from the write-ahead log into SST files.
    auto store = storage::Store::Open(db_);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Compact().ok());
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  ProcessResult Kg(std::vector<std::string> args) {
    args.insert(args.begin(), {BinPath("kg"), "--db", db_});
    return RunProcess(args, kg::testing::Limits(300));
  }
  std::vector<fs::path> Ssts() {
    std::vector<fs::path> ssts;
    for (const auto& e : fs::directory_iterator(db_)) {
      if (e.path().extension() == ".sst") ssts.push_back(e.path());
    }
    std::sort(ssts.begin(), ssts.end(),
              [](const fs::path& a, const fs::path& b) { return fs::file_size(a) > fs::file_size(b); });
    return ssts;
  }
  // The commands a user runs, with their output on the intact store.
  std::vector<std::vector<std::string>> Commands() {
    return {{"stats"},
            {"query", kQuestion, "--format", "json"},
            {"explain", kQuestion},
            {"entity", "Mexico"},
            {"query", "neighbors \"Mexico\"", "--format", "json"}};
  }

  // Runs every command on the damaged store and checks the rule above.
  void ExpectCorruptionReportedOrSameAnswers(const std::vector<ProcessResult>& intact,
                                            const std::string& damaged_file) {
    auto commands = Commands();
    int reported = 0;
    for (size_t i = 0; i < commands.size(); ++i) {
      SCOPED_TRACE(commands[i][0] + " " + (commands[i].size() > 1 ? commands[i][1] : ""));
      ProcessResult r = Kg(commands[i]);
      ASSERT_TRUE(r.exited()) << r.Describe();
      if (r.exit_code == intact[i].exit_code && r.out == intact[i].out) continue;
      EXPECT_EQ(r.exit_code, 3) << "changed answer without an error: " << r.Describe() << "\nout:\n"
                                << r.out;
      EXPECT_THAT(r.err, ::testing::ContainsRegex("[Cc]orrupt")) << r.Describe();
      EXPECT_THAT(r.err, HasSubstr(damaged_file)) << r.Describe();
      EXPECT_THAT(r.err, HasSubstr("kg check")) << r.Describe();
      ++reported;
    }
    ProcessResult check = Kg({"check"});
    ASSERT_TRUE(check.exited()) << check.Describe();
    EXPECT_NE(check.exit_code, 0) << "kg check passed a damaged store:\n" << check.out;
    EXPECT_THAT(check.out + check.err, HasSubstr(damaged_file)) << check.Describe();
    EXPECT_GT(reported, 0) << "no command noticed the damage";
  }

  std::string dir_, db_;
};

// Overwrites `length` bytes at `offset` with a pattern.
void Scribble(const fs::path& file, uint64_t offset, uint64_t length) {
  int fd = open(file.c_str(), O_WRONLY);
  ASSERT_GE(fd, 0) << file;
  std::string junk(length, '\0');
  for (uint64_t i = 0; i < length; ++i) junk[i] = static_cast<char>(0xA5 ^ (i * 7));
  ASSERT_EQ(pwrite(fd, junk.data(), junk.size(), offset), static_cast<ssize_t>(junk.size()));
  close(fd);
}

TEST_F(CorruptionTest, DamagedDataBlocksInEverySst) {
  std::vector<ProcessResult> intact;
  for (const auto& c : Commands()) intact.push_back(Kg(c));
  for (const auto& r : intact) ASSERT_EQ(r.exit_code, 0) << r.Describe();
  std::vector<fs::path> ssts = Ssts();
  ASSERT_FALSE(ssts.empty()) << "no SST after compaction";
  // Damage the data blocks (the first half) of every table, footers intact.
  for (const fs::path& sst : ssts) {
    uint64_t size = fs::file_size(sst);
    Scribble(sst, 0, std::max<uint64_t>(1, size / 2));
  }
  ExpectCorruptionReportedOrSameAnswers(intact, ".sst");
}

TEST_F(CorruptionTest, TruncatedLargestSst) {
  std::vector<ProcessResult> intact;
  for (const auto& c : Commands()) intact.push_back(Kg(c));
  std::vector<fs::path> ssts = Ssts();
  ASSERT_FALSE(ssts.empty());
  fs::resize_file(ssts[0], fs::file_size(ssts[0]) / 3);
  ExpectCorruptionReportedOrSameAnswers(intact, ssts[0].filename().string());
}

TEST_F(CorruptionTest, DamagedManifestIsReportedNotCrashed) {
  ProcessResult before = Kg({"stats"});
  ASSERT_EQ(before.exit_code, 0);
  std::vector<fs::path> manifests;
  for (const auto& e : fs::directory_iterator(db_)) {
    if (e.path().filename().string().rfind("MANIFEST-", 0) == 0) manifests.push_back(e.path());
  }
  ASSERT_FALSE(manifests.empty());
  for (const fs::path& m : manifests) Scribble(m, 0, std::min<uint64_t>(64, fs::file_size(m)));
  for (const auto& c : Commands()) {
    ProcessResult r = Kg(c);
    ASSERT_TRUE(r.exited()) << r.Describe();
    EXPECT_EQ(r.exit_code, 3) << r.Describe();
    EXPECT_THAT(r.err, HasSubstr(db_)) << "the message should name the store: " << r.Describe();
  }
}

}  // namespace
}  // namespace kg
