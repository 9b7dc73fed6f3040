// kg unmerge: a wrong merge is undone in the stored documents and stays
// undone for later ingests.

#include <filesystem>
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli/small_store_testutil.h"

namespace kg::cli {
namespace {

namespace fs = std::filesystem;
using testing::KgBin;
using testing::RunResult;
using testing::Sh;
using testing::ShellQuote;
using ::testing::HasSubstr;

constexpr char kFirst[] =
    "The Drug Enforcement Administration (DEA) opened an office in Guadalajara in 1975.\n"
    "Mexican officials said the DEA had worked with the Army in Sinaloa.\n";
constexpr char kSecond[] =
    "The Drug Enforcement Administration (DEA) trained police officers in Colombia.\n"
    "Colombian officials thanked the DEA for its help in Bogota.\n";

class UnmergeCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempPath("unmerge_cli");
    fs::create_directories(dir_ + "/docs");
    Write(dir_ + "/docs/first.txt", kFirst);
    db_ = dir_ + "/kg.db";
  }
  void TearDown() override { fs::remove_all(dir_); }
  static void Write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }
  RunResult Kg(const std::string& args) {
    return Sh(KgBin() + " --db " + ShellQuote(db_) + " " + args + " 2>&1");
  }
  // The entity a name resolves to, as JSON.
  nlohmann::json Entity(const std::string& name) {
    RunResult r = Kg("entity " + ShellQuote(name) + " --format json");
    EXPECT_EQ(r.exit_code, 0) << r.out;
    nlohmann::json j = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
    EXPECT_FALSE(j.is_discarded()) << r.out;
    return j;
  }
  static std::string NameIn(const nlohmann::json& j) {
    // The entity answer carries the entity object at the top or under "entity".
    if (j.contains("entity") && j["entity"].contains("name")) return j["entity"]["name"];
    if (j.contains("name")) return j["name"];
    return "";
  }
  std::string dir_, db_;
};

TEST_F(UnmergeCliTest, UndoesTheMergeAndKeepsItUndone) {
  RunResult r = Kg("ingest " + ShellQuote(dir_ + "/docs/first.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  ASSERT_EQ(NameIn(Entity("DEA")), "Drug Enforcement Administration") << "precondition";

  r = Kg("unmerge DEA");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("1 of 1 document(s) extracted again"));
  EXPECT_EQ(NameIn(Entity("DEA")), "DEA");
  EXPECT_EQ(NameIn(Entity("Drug Enforcement Administration")), "Drug Enforcement Administration");

  // Re-ingesting the same file is a no-op and keeps the decision.
  r = Kg("ingest " + ShellQuote(dir_ + "/docs/first.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("ingested 0 document(s), 1 unchanged"));
  EXPECT_EQ(NameIn(Entity("DEA")), "DEA");

  // A new document with the same acronym definition honours it too.
  Write(dir_ + "/docs/second.txt", kSecond);
  r = Kg("ingest " + ShellQuote(dir_ + "/docs/second.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(NameIn(Entity("DEA")), "DEA");

  r = Kg("check");
  EXPECT_EQ(r.exit_code, 0) << r.out;
}

TEST_F(UnmergeCliTest, ExplainsWhatCannotBeUnmerged) {
  ASSERT_EQ(Kg("ingest " + ShellQuote(dir_ + "/docs/first.txt")).exit_code, 0);
  // The canonical name itself.
  RunResult r = Kg("unmerge 'Drug Enforcement Administration'");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.out, HasSubstr("--from"));
  EXPECT_THAT(r.out, HasSubstr("\"DEA\" (acronym-definition)"));
  // A pair with no recorded merge.
  r = Kg("unmerge DEA --from Guadalajara");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.out, HasSubstr("no merge of \"DEA\""));
  // An unknown name.
  r = Kg("unmerge 'Nobody Anywhere'");
  EXPECT_EQ(r.exit_code, 2) << r.out;
  // Nothing was recorded by the failed attempts: the merge is still there.
  EXPECT_EQ(NameIn(Entity("DEA")), "Drug Enforcement Administration");
}

TEST_F(UnmergeCliTest, AMissingSourceIsReportedAndTheDecisionStillHolds) {
  ASSERT_EQ(Kg("ingest " + ShellQuote(dir_ + "/docs/first.txt")).exit_code, 0);
  fs::remove(dir_ + "/docs/first.txt");
  RunResult r = Kg("unmerge DEA");
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_THAT(r.out, HasSubstr("first.txt"));
  EXPECT_THAT(r.out, HasSubstr("0 of 1 document(s) extracted again"));
  // Ingesting the file again (restored) applies the decision.
  Write(dir_ + "/docs/first.txt", kFirst);
  r = Kg("ingest " + ShellQuote(dir_ + "/docs/first.txt"));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("ingested 1 document(s)"));
  EXPECT_EQ(NameIn(Entity("DEA")), "DEA");
}

}  // namespace
}  // namespace kg::cli
