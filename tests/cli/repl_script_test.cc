// The REPL's script mode (kg repl < queries.txt), in process and through
// the kg program.

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/app.h"
#include "cli/repl.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli/small_store_testutil.h"

namespace kg::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

class ReplScriptTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = testing::TempPath("db");
    testing::BuildPolicyStore(db_);
  }
  void TearDown() override { fs::remove_all(db_); }

  int Run(const std::string& script, query::OutputFormat format = query::OutputFormat::kTable) {
    ReplOptions options;
    options.db_path = db_;
    options.format = format;
    std::istringstream in(script);
    out_.str("");
    err_.str("");
    return RunReplSession(options, in, out_, err_);
  }

  std::string db_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(ReplScriptTest, AnswersOneQueryPerLineWithoutPrompts) {
  int status =
      Run("# a comment\n"
          "\n"
          ":format json\n"
          "path \"Merida Initiative\" to \"arms trafficking\"\n"
          "entity \"amlo\"\n");
  EXPECT_EQ(status, kExitOk) << err_.str();
  EXPECT_EQ(err_.str(), "");
  std::string out = out_.str();
  EXPECT_THAT(out, Not(HasSubstr("kg>")));
  EXPECT_THAT(out, Not(HasSubstr("\x1b[")));  // no colour
  // Two JSON documents, one per query.
  std::istringstream docs(out);
  nlohmann::json path;
  nlohmann::json entity;
  ASSERT_NO_THROW(docs >> path >> entity) << out;
  ASSERT_FALSE(path["paths"].empty());
  EXPECT_EQ(path["paths"][0]["nodes"].front(), "Merida Initiative");
  EXPECT_EQ(path["paths"][0]["nodes"].back(), "arms trafficking");
  EXPECT_EQ(entity["name"], "Andrés Manuel López Obrador");
}

TEST_F(ReplScriptTest, ErrorsNameTheLineAndTheRestStillRuns) {
  int status =
      Run("entity \"Mexico\"\n"
          "conect \"A\" and \"B\"\n"
          "entity \"Nowhere Land\"\n"
          "entity \"Joe Biden\"\n");
  EXPECT_EQ(status, kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("line 2:"));
  EXPECT_THAT(err_.str(), HasSubstr("line 3:"));
  EXPECT_THAT(err_.str(), Not(HasSubstr("line 4:")));
  EXPECT_THAT(out_.str(), HasSubstr("Joe Biden"));
  EXPECT_THAT(out_.str(), HasSubstr("Mexico"));
}

TEST_F(ReplScriptTest, BackslashContinuesALine) {
  int status =
      Run("path \"Merida Initiative\" \\\n   to \"arms trafficking\"\n:format json\n"
          "entity \\\n\"DEA\"\n");
  EXPECT_EQ(status, kExitOk) << err_.str();
  EXPECT_THAT(out_.str(), HasSubstr("arms trafficking"));
  EXPECT_THAT(out_.str(), HasSubstr("\"DEA\""));
}

TEST_F(ReplScriptTest, SaveAndDotWriteTheLastAnswer) {
  std::string dir = testing::TempPath("out");
  fs::create_directories(dir);
  int status =
      Run("connect \"Merida Initiative\" and \"arms trafficking\"\n"
          ":save " +
          dir +
          "/answer.json\n"
          ":dot " +
          dir +
          "/answer.dot\n"
          ":save " +
          dir + "/answer.txt\n");
  EXPECT_EQ(status, kExitOk) << err_.str();
  std::ifstream json_file(dir + "/answer.json");
  nlohmann::json j = nlohmann::json::parse(json_file, nullptr, false);
  ASSERT_FALSE(j.is_discarded());
  EXPECT_FALSE(j["paths"].empty());
  EXPECT_FALSE(j["connectors"].empty());
  std::ifstream dot_file(dir + "/answer.dot");
  std::stringstream dot;
  dot << dot_file.rdbuf();
  EXPECT_THAT(dot.str(), HasSubstr("digraph kg"));
  EXPECT_THAT(dot.str(), HasSubstr("peripheries=2"));
  EXPECT_TRUE(fs::file_size(dir + "/answer.txt") > 0);
  fs::remove_all(dir);
}

TEST_F(ReplScriptTest, CommandsReportMisuse) {
  EXPECT_EQ(Run(":save /tmp/x.json\n"), kExitUsage);  // nothing to save yet
  EXPECT_THAT(err_.str(), HasSubstr("run a query first"));
  EXPECT_EQ(Run(":format yaml\n"), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr(":format table|json|dot"));
  EXPECT_EQ(Run(":frobnicate\n"), kExitUsage);
  EXPECT_THAT(err_.str(), HasSubstr("unknown command :frobnicate"));
  EXPECT_EQ(Run(":open /nonexistent/kg.db\n"), kExitStore);
  EXPECT_THAT(err_.str(), HasSubstr("no store at /nonexistent/kg.db"));
}

TEST_F(ReplScriptTest, StatsTimingAndHelp) {
  EXPECT_EQ(Run(":stats\n:timing on\nentity \"DEA\"\n:help\n:quit\nentity \"Mexico\"\n"), kExitOk)
      << err_.str();
  std::string out = out_.str();
  EXPECT_THAT(out, HasSubstr("documents  2"));
  EXPECT_THAT(out, HasSubstr("meet_with"));  // facts by predicate
  EXPECT_THAT(out, HasSubstr(" ms)"));
  EXPECT_THAT(out, HasSubstr(":dot FILE [svg|png|pdf]"));
  EXPECT_THAT(out, Not(HasSubstr("\"Mexico\"")));  // after :quit nothing runs
}

TEST_F(ReplScriptTest, ThroughTheProgramFromStandardInput) {
  std::string script = testing::TempPath("queries.txt");
  std::ofstream(script) << "entity \"DEA\"\nneighbors \"Mexico\"\n";
  testing::RunResult r = testing::Sh(testing::KgBin() + " --db " + testing::ShellQuote(db_) +
                                     " repl < " + testing::ShellQuote(script) + " 2>&1");
  fs::remove(script);
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("DEA"));
  EXPECT_THAT(r.out, HasSubstr("United States"));
  EXPECT_THAT(r.out, Not(HasSubstr("kg>")));
  EXPECT_THAT(r.out, Not(HasSubstr("interactive")));
}

}  // namespace
}  // namespace kg::cli
