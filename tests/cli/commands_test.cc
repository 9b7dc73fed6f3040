// The kg program's commands: help, exit statuses, stats, dot rendering,
// check, forget, and the Graphviz-missing message.

#include "cli/commands.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli/small_store_testutil.h"

namespace kg::cli {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::RunResult;
using testing::ShellQuote;
using ::testing::StartsWith;

bool HaveDot() { return testing::Sh("command -v dot >/dev/null 2>&1").exit_code == 0; }

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class CommandsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    db_ = new std::string(testing::TempPath("commands_db"));
    testing::BuildPolicyStore(*db_);
  }
  static void TearDownTestSuite() {
    fs::remove_all(*db_);
    delete db_;
  }
  // Runs kg on the shared store; stderr is merged into the output.
  static RunResult Kg(const std::string& args, const std::string& db = "") {
    return testing::Sh(testing::KgBin() + " --db " + ShellQuote(db.empty() ? *db_ : db) + " " +
                       args + " 2>&1 </dev/null");
  }
  static std::string* db_;
};
std::string* CommandsTest::db_ = nullptr;

TEST_F(CommandsTest, HelpForKgAndForEveryCommand) {
  RunResult main = Kg("--help");
  EXPECT_EQ(main.exit_code, 0);
  for (const Command& c : Commands()) {
    SCOPED_TRACE(c.name);
    EXPECT_THAT(main.out, HasSubstr(std::string("  ") + c.synopsis));
    RunResult help = Kg(std::string(c.name) + " --help");
    EXPECT_EQ(help.exit_code, 0);
    EXPECT_THAT(help.out, StartsWith(std::string("usage: kg [--db DIR] ") + c.synopsis));
    EXPECT_THAT(help.out, HasSubstr("exit status:"));
    EXPECT_THAT(help.out, HasSubstr("--db DIR"));
    EXPECT_EQ(Kg(std::string("help ") + c.name).out, help.out);
  }
}

TEST_F(CommandsTest, UsageErrorsExitTwo) {
  EXPECT_EQ(Kg("").exit_code, 2);  // no command and no terminal: usage
  EXPECT_EQ(Kg("frobnicate").exit_code, 2);
  RunResult bad_option = Kg("stats --colour");
  EXPECT_EQ(bad_option.exit_code, 2);
  EXPECT_THAT(bad_option.out, HasSubstr("unknown option --colour"));
  RunResult no_query = Kg("query");
  EXPECT_EQ(no_query.exit_code, 2);
  EXPECT_THAT(no_query.out, HasSubstr("kg query --help"));
  EXPECT_EQ(Kg("query 'entity \"DEA\"' --format yaml").exit_code, 2);
  EXPECT_EQ(Kg("dot 'entity \"DEA\"' --render gif").exit_code, 2);
  EXPECT_EQ(Kg("stats --limit 0").exit_code, 2);
  EXPECT_EQ(Kg("entity Atlantis").exit_code, 2);
}

// An ESC (or other control byte) inside a query reaches the error message
// escaped, from `kg query` and from the REPL's script mode alike.
TEST_F(CommandsTest, ControlBytesInQueriesAreShownEscaped) {
  const std::string query = "\"$(printf 'entity \"ab\\033[31mX\"')\"";
  RunResult direct = Kg("query " + query);
  EXPECT_EQ(direct.exit_code, 2);
  EXPECT_THAT(direct.out, HasSubstr("ab\\x1b[31mX"));
  EXPECT_EQ(direct.out.find('\x1b'), std::string::npos) << direct.out;
  RunResult repl = testing::Sh("printf 'entity \"ab\\033[31mX\"\\n' | " + testing::KgBin() +
                               " --db " + ShellQuote(*db_) + " repl 2>&1");
  EXPECT_THAT(repl.out, HasSubstr("ab\\x1b[31mX"));
  EXPECT_EQ(repl.out.find('\x1b'), std::string::npos) << repl.out;
}

TEST_F(CommandsTest, MissingStoreExitsThree) {
  RunResult r = Kg("stats", "/nonexistent/kg.db");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.out, HasSubstr("no store at /nonexistent/kg.db"));
}

TEST_F(CommandsTest, StatsCountsByTypeAndPredicate) {
  RunResult r = Kg("stats");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_THAT(r.out, HasSubstr("documents  2"));
  EXPECT_THAT(r.out, HasSubstr("entities by type"));
  EXPECT_THAT(r.out, HasSubstr("person"));
  EXPECT_THAT(r.out, HasSubstr("facts by predicate (1 co-mention, 0 imported)"));
  EXPECT_THAT(r.out, HasSubstr("/corpus/summit.txt"));
  EXPECT_THAT(r.out, Not(HasSubstr("\x1b[")));  // not a terminal: no colour
  RunResult j = Kg("stats --format json");
  ASSERT_EQ(j.exit_code, 0) << j.out;
  nlohmann::json stats = nlohmann::json::parse(j.out, nullptr, false);
  ASSERT_FALSE(stats.is_discarded()) << j.out;
  EXPECT_EQ(stats["documents"], 2);
  EXPECT_EQ(stats["entities_by_type"]["person"], 2);  // Joe Biden, López Obrador
  EXPECT_EQ(stats["facts_by_predicate"]["leads"], 2);
  EXPECT_EQ(stats["document_list"].size(), 2u);
  EXPECT_GT(stats["disk_bytes"].get<uint64_t>(), 0u);
}

TEST_F(CommandsTest, EntityExplainAndQueryFormats) {
  RunResult e = Kg("entity AMLO --format json");
  ASSERT_EQ(e.exit_code, 0) << e.out;
  EXPECT_EQ(nlohmann::json::parse(e.out)["name"], "Andrés Manuel López Obrador");
  RunResult x = Kg("explain 'path \"Merida Initiative\" to \"Mexico\"'");
  ASSERT_EQ(x.exit_code, 0) << x.out;
  EXPECT_THAT(x.out, HasSubstr("The Merida Initiative funds security programmes in Mexico."));
  RunResult d = Kg("query 'neighbors \"Mexico\"' --format dot");
  ASSERT_EQ(d.exit_code, 0) << d.out;
  EXPECT_THAT(d.out, StartsWith("digraph kg {"));
  EXPECT_THAT(d.out, HasSubstr("cluster_legend"));
}

TEST_F(CommandsTest, DotWritesTextOrRendersPictures) {
  const std::string q = ShellQuote("connect \"Merida Initiative\" and \"arms trafficking\"");
  RunResult text = Kg("dot " + q + " --limit 3");
  ASSERT_EQ(text.exit_code, 0) << text.out;
  EXPECT_THAT(text.out, HasSubstr("more entities and"));  // trimmed to 3
  if (!HaveDot()) GTEST_SKIP() << "Graphviz's dot is not installed";
  std::string dir = testing::TempPath("pictures");
  fs::create_directories(dir);
  ASSERT_EQ(Kg("dot " + q + " -o " + dir + "/a.svg").exit_code, 0);
  EXPECT_THAT(ReadAll(dir + "/a.svg"), HasSubstr("<svg"));
  EXPECT_THAT(ReadAll(dir + "/a.svg"), HasSubstr("arms trafficking"));
  ASSERT_EQ(Kg("dot " + q + " --render png -o " + dir + "/a.out").exit_code, 0);
  EXPECT_THAT(ReadAll(dir + "/a.out"), StartsWith("\x89PNG"));
  ASSERT_EQ(Kg("dot " + q + " -o " + dir + "/a.pdf").exit_code, 0);
  EXPECT_THAT(ReadAll(dir + "/a.pdf"), StartsWith("%PDF"));
  RunResult svg = Kg("dot " + q + " --render svg");
  EXPECT_THAT(svg.out, HasSubstr("<svg"));
  fs::remove_all(dir);
}

TEST_F(CommandsTest, MissingGraphvizSaysHowToInstallIt) {
  RunResult r = testing::Sh("env PATH=/nonexistent " + testing::KgBin() + " --db " +
                            ShellQuote(*db_) + " dot 'entity \"DEA\"' -o /tmp/x.svg 2>&1");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("apt-get install graphviz"));
}

TEST_F(CommandsTest, CheckAndForget) {
  std::string db = testing::TempPath("forget_db");
  testing::BuildPolicyStore(db);
  RunResult check = Kg("check", db);
  EXPECT_EQ(check.exit_code, 0) << check.out;
  EXPECT_THAT(check.out, HasSubstr("checked 2 documents"));
  RunResult forget = Kg("forget /corpus/summit.txt /corpus/nothing.txt", db);
  EXPECT_EQ(forget.exit_code, 2) << forget.out;  // the unknown document
  EXPECT_THAT(forget.out, HasSubstr("forgot /corpus/summit.txt"));
  EXPECT_THAT(forget.out, HasSubstr("/corpus/nothing.txt"));
  EXPECT_EQ(Kg("entity 'Joe Biden'", db).exit_code, 2);  // only that document named him
  EXPECT_EQ(Kg("entity Mexico", db).exit_code, 0);
  EXPECT_EQ(Kg("check", db).exit_code, 0);
  fs::remove_all(db);
}

TEST_F(CommandsTest, ExportImportRoundTripAndOtherFormats) {
  RunResult j = Kg("export");
  ASSERT_EQ(j.exit_code, 0) << j.out;
  std::istringstream lines(j.out);
  std::string line;
  int documents = 0;
  while (std::getline(lines, line)) {
    nlohmann::json v = nlohmann::json::parse(line, nullptr, false);
    ASSERT_FALSE(v.is_discarded()) << line;
    documents += v.contains("document");
  }
  EXPECT_EQ(documents, 2);
  EXPECT_THAT(j.out, HasSubstr("The Merida Initiative funds security programmes in Mexico."));

  // kg export -> kg import into an empty store -> kg export: the same bytes.
  std::string dir = testing::TempPath("export");
  fs::create_directories(dir);
  ASSERT_EQ(Kg("export -o " + ShellQuote(dir + "/all.jsonl")).exit_code, 0);
  std::string copy = dir + "/copy.db";
  RunResult imported = Kg("import " + ShellQuote(dir + "/all.jsonl"), copy);
  ASSERT_EQ(imported.exit_code, 0) << imported.out;
  EXPECT_THAT(imported.out, HasSubstr("2 document(s)"));
  EXPECT_EQ(Kg("export", copy).out, j.out);
  EXPECT_EQ(Kg("entity AMLO", copy).exit_code, 0);

  RunResult nt = Kg("export --format ntriples");
  ASSERT_EQ(nt.exit_code, 0) << nt.out;
  std::istringstream triples(nt.out);
  int n = 0;
  while (std::getline(triples, line)) {
    ++n;
    EXPECT_THAT(line, ::testing::EndsWith(" ."));
    EXPECT_THAT(line, StartsWith("<"));
  }
  EXPECT_EQ(n, 7);  // one line per fact

  ASSERT_EQ(Kg("export --format csv -o " + ShellQuote(dir + "/csv")).exit_code, 0);
  EXPECT_THAT(ReadAll(dir + "/csv/nodes.csv"), HasSubstr("Andrés Manuel López Obrador"));
  EXPECT_THAT(ReadAll(dir + "/csv/edges.csv"), HasSubstr("meet_with"));
  fs::remove_all(dir);
  EXPECT_EQ(Kg("export --format csv").exit_code, 2);  // needs -o DIR
  EXPECT_EQ(Kg("export --format xml").exit_code, 2);
  std::string empty = testing::TempPath("empty");
  EXPECT_EQ(Kg("import /nonexistent.jsonl", empty).exit_code, 1);
  fs::remove_all(empty);
}

}  // namespace
}  // namespace kg::cli
