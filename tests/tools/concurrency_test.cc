// Two processes on one store. While kg-load writes, `kg query` and `kg stats`
// (readers) keep answering from consistent snapshots: every run succeeds,
// counts never go backwards, the answer to a question whose documents were
// stored before the load never changes, and the final counts are those of
// the finished load. A second writer (kg ingest, kg-load) meanwhile gets a
// clear "in use" error and exit status 3, and changes nothing.

#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/tools/reliability_testutil.h"

namespace kg {
namespace {

namespace fs = std::filesystem;
using ::kg::testing::BinPath;
using ::kg::testing::Child;
using ::kg::testing::ProcessResult;
using ::kg::testing::RunProcess;
using ::testing::HasSubstr;

constexpr char kQuestion[] = "connect \"Merida Initiative\" and \"arms trafficking\"";

// "documents N" etc. from `kg stats` output, -1 when absent.
long long Count(const std::string& stats, const std::string& what) {
  std::smatch m;
  if (std::regex_search(stats, m, std::regex(what + "[^0-9\\n]*([0-9][0-9,]*)"))) {
    std::string digits;
    for (char c : m[1].str()) {
      if (c != ',') digits.push_back(c);
    }
    return std::stoll(digits);
  }
  return -1;
}

class ConcurrencyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = kg::testing::FreshTempDir("conc");
    db_ = dir_ + "/kg.db";
  }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::vector<std::string> Kg(std::vector<std::string> args) {
    args.insert(args.begin(), {BinPath("kg"), "--db", db_});
    return args;
  }

  // `copies` variants of each sample document, each with its own content
  // (and so its own id and hash), under dir_/load; *documents gets their
  // number (the sample corpus grows, so it is counted, not assumed).
  std::string MakeLoadCorpus(int copies, long long* documents) {
    std::string out = dir_ + "/load";
    fs::create_directories(out);
    std::vector<fs::path> samples;
    for (const auto& e : fs::directory_iterator(std::string(KG_SOURCE_DIR) + "/examples/corpus")) {
      samples.push_back(e.path());
    }
    std::sort(samples.begin(), samples.end());
    *documents = static_cast<long long>(samples.size()) * copies;
    for (int i = 0; i < copies; ++i) {
      for (const fs::path& p : samples) {
        std::string text = kg::testing::ReadFileOrDie(p.string());
        text += "\nThe Mexican delegation number " + std::to_string(i) +
                " met officials of the United States in Washington.\n";
        kg::testing::WriteFileOrDie(
            out + "/" + std::to_string(i) + "-" + p.filename().string(), text);
      }
    }
    return out;
  }

  std::string dir_, db_;
};

TEST_F(ConcurrencyTest, ReadersSeeConsistentSnapshotsAndSecondWritersAreRefused) {
  ProcessResult seed = RunProcess(Kg({"ingest", std::string(KG_SOURCE_DIR) + "/examples/corpus"}));
  ASSERT_EQ(seed.exit_code, 0) << seed.Describe();
  ProcessResult base_stats = RunProcess(Kg({"stats"}));
  ASSERT_EQ(base_stats.exit_code, 0) << base_stats.Describe();
  const long long base_docs = Count(base_stats.out, "documents");
  ASSERT_GT(base_docs, 0) << base_stats.out;
  ProcessResult base_answer = RunProcess(Kg({"query", kQuestion, "--format", "json"}));
  ASSERT_EQ(base_answer.exit_code, 0) << base_answer.Describe();
  const nlohmann::json base_json = nlohmann::json::parse(base_answer.out);
  ASSERT_FALSE(base_json["paths"].empty());

  const int kCopies = 40;
  long long added = 0;
  std::string corpus = MakeLoadCorpus(kCopies, &added);
  Child writer({BinPath("kg-load"), "--db", db_, "--threads", "1", "--quiet", corpus},
               kg::testing::Limits(600));

  int reads = 0, overlapped_refusals = 0;
  // A second writer that ran while the first had already finished may
  // legitimately store bom.txt; only one that overlapped must be refused.
  bool second_stored = false;
  long long last_docs = base_docs;
  while (writer.Running()) {
    ProcessResult stats = RunProcess(Kg({"stats"}));
    ASSERT_TRUE(stats.exited()) << stats.Describe();
    ASSERT_EQ(stats.exit_code, 0) << "a reader failed while kg-load wrote: " << stats.Describe();
    long long docs = Count(stats.out, "documents");
    EXPECT_GE(docs, last_docs) << "document count went backwards:\n" << stats.out;
    EXPECT_LE(docs, base_docs + added) << stats.out;
    last_docs = docs;

    ProcessResult answer = RunProcess(Kg({"query", kQuestion, "--format", "json"}));
    ASSERT_EQ(answer.exit_code, 0) << answer.Describe();
    nlohmann::json json = nlohmann::json::parse(answer.out, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(json.is_discarded()) << "not JSON: " << answer.out;
    EXPECT_FALSE(json["paths"].empty()) << "the question lost its answer mid-load";
    ++reads;

    // A second writer, while the first one is known to be running before and
    // after the attempt, must be refused.
    if (docs > base_docs && overlapped_refusals < 2) {
      bool before = writer.Running();
      ProcessResult second =
          overlapped_refusals == 0
              ? RunProcess(Kg({"ingest", std::string(KG_SOURCE_DIR) + "/tests/data/bad_input/bom.txt"}))
              : RunProcess({BinPath("kg-load"), "--db", db_, "--quiet",
                            std::string(KG_SOURCE_DIR) + "/tests/data/bad_input/bom.txt"});
      if (before && writer.Running()) {
        ASSERT_TRUE(second.exited()) << second.Describe();
        EXPECT_EQ(second.exit_code, 3) << second.Describe();
        EXPECT_THAT(second.err, HasSubstr("in use")) << second.Describe();
        EXPECT_THAT(second.err, HasSubstr(db_)) << "the message should name the store";
        ++overlapped_refusals;
      } else if (second.exited() && second.exit_code == 0) {
        second_stored = true;
      }
    }
  }
  ProcessResult load = writer.Wait();
  ASSERT_EQ(load.exit_code, 0) << load.Describe();
  EXPECT_GE(reads, 1);
  if (overlapped_refusals == 0) {
    ADD_FAILURE() << "kg-load finished before a second writer could be tried; make the load larger";
  }

  ProcessResult final_stats = RunProcess(Kg({"stats"}));
  ASSERT_EQ(final_stats.exit_code, 0);
  EXPECT_EQ(Count(final_stats.out, "documents"), base_docs + added + (second_stored ? 1 : 0))
      << final_stats.out;
  // The refused writers wrote nothing: bom.txt is not in the store (unless
  // a writer that did not overlap stored it).
  ProcessResult forget = RunProcess(
      Kg({"forget", std::string(KG_SOURCE_DIR) + "/tests/data/bad_input/bom.txt"}));
  if (second_stored) {
    EXPECT_EQ(forget.exit_code, 0) << forget.Describe();
  } else {
    EXPECT_NE(forget.exit_code, 0) << "a refused writer's document is in the store";
  }
}

// A writer opening a store whose last writes are still only in its WAL (as
// `kg ingest` leaves it) flushes the WAL, switches to a new MANIFEST and
// deletes the WAL. A reader opening in that window once saw an empty store
// ("documents 0"); it must see the stored documents. Timing-dependent, so
// several rounds, each with readers started while the writer opens.
TEST_F(ConcurrencyTest, ReadersOpeningWhileTheWriterRecoversSeeTheStore) {
  ProcessResult seed = RunProcess(Kg({"ingest", std::string(KG_SOURCE_DIR) + "/examples/corpus"}));
  ASSERT_EQ(seed.exit_code, 0) << seed.Describe();
  ProcessResult base_stats = RunProcess(Kg({"stats"}));
  ASSERT_EQ(base_stats.exit_code, 0) << base_stats.Describe();
  const long long base_docs = Count(base_stats.out, "documents");
  ASSERT_GT(base_docs, 0) << base_stats.out;
  const std::string pristine = dir_ + "/pristine.db";
  fs::copy(db_, pristine, fs::copy_options::recursive);
  const std::string doc = dir_ + "/extra.txt";
  kg::testing::WriteFileOrDie(doc, "Officials of Mexico met the DEA in Washington.\n");

  const int kRounds = 6;
  int reads = 0;
  for (int round = 0; round < kRounds; ++round) {
    fs::remove_all(db_);
    fs::copy(pristine, db_, fs::copy_options::recursive);
    Child writer({BinPath("kg-load"), "--db", db_, "--threads", "1", "--quiet", doc},
                 kg::testing::Limits(300));
    for (int i = 0; i < 8 && writer.Running(); ++i) {
      ProcessResult stats = RunProcess(Kg({"stats"}));
      ASSERT_EQ(stats.exit_code, 0) << "round " << round << ": " << stats.Describe();
      EXPECT_GE(Count(stats.out, "documents"), base_docs)
          << "round " << round << ", read " << i << ": the reader lost stored documents\n"
          << stats.out;
      ++reads;
    }
    ProcessResult load = writer.Wait();
    ASSERT_EQ(load.exit_code, 0) << load.Describe();
  }
  EXPECT_GE(reads, kRounds);
}

}  // namespace
}  // namespace kg
