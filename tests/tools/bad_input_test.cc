// Runs every entry point (kg ingest, kg-load in every format, kg query, kg
// repl reading a script on stdin) against the bad-input corpus in
// tests/data/bad_input/ and against inputs generated here (an enormous line,
// deep HTML nesting). For every run: no crash and no hang, the documented
// exit status (cli/app.h), and a message naming the file and the line or byte
// offset of the problem.

#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/tools/reliability_testutil.h"

namespace kg {
namespace {

namespace fs = std::filesystem;
using ::kg::testing::BinPath;
using ::kg::testing::ProcessResult;
using ::kg::testing::RunProcess;
using ::testing::HasSubstr;

std::string Corpus(const std::string& name) {
  return std::string(KG_SOURCE_DIR) + "/tests/data/bad_input/" + name;
}

std::vector<std::string> CorpusFiles() {
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(Corpus(""))) {
    std::string name = e.path().filename().string();
    if (e.is_regular_file() && name != "README.md" && name[0] != '.') files.push_back(name);
  }
  std::sort(files.begin(), files.end());
  return files;
}

// Exit status and what the message must say, per corpus file, when the file
// is read as prose (kg ingest, kg-load --format text).
struct ProseExpectation {
  int exit_code;
  std::string mention;  // a regular expression; "" when the run succeeds
};

const std::map<std::string, ProseExpectation>& ProseExpectations() {
  static const auto* kMap = new std::map<std::string, ProseExpectation>{
      {"truncated_utf8.txt", {1, "byte (offset )?67\\b"}},
      {"nul_bytes.txt", {1, "offset 33\\b"}},
      {"latin1_in_utf8.txt", {1, "byte (offset )?52\\b"}},
      {"overlong_surrogate.txt", {1, "byte (offset )?15\\b"}},
      {"utf16le.txt", {1, "UTF-16|byte (offset )?[0-3]\\b"}},
      {"crlf.txt", {0, ""}},
      {"bom.txt", {0, ""}},
      {"empty.txt", {1, "empty"}},
      {"whitespace_only.txt", {1, "empty|whitespace"}},
      {"unclosed.html", {0, ""}},
      {"bad_documents.jsonl", {1, "byte (offset )?148\\b"}},
      {"bad_triples.tsv", {1, "byte (offset )?99\\b"}},
      {"bad_triples.nt", {1, "byte (offset )?236\\b"}},
      {"bad_triples.jsonl", {0, ""}},
      {"bad_queries.txt", {1, "offset 140\\b"}},
  };
  return *kMap;
}

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = kg::testing::FreshTempDir("bad"); }
  void TearDown() override {
    if (!HasFailure()) fs::remove_all(dir_);
  }
  std::string Db() const { return dir_ + "/kg.db"; }

  ProcessResult Kg(std::vector<std::string> args, const std::string& stdin_path = "/dev/null") {
    args.insert(args.begin(), {BinPath("kg"), "--db", Db()});
    return RunProcess(args, kg::testing::Limits(300, stdin_path));
  }
  ProcessResult Load(std::vector<std::string> args) {
    args.insert(args.begin(), {BinPath("kg-load"), "--db", Db(), "--quiet", "--threads", "1"});
    return RunProcess(args, kg::testing::Limits(300));
  }

  std::string dir_;
};

// Every line of stderr that reports a problem names a file of the corpus.
void ExpectMessagesNameFiles(const std::string& err) {
  std::istringstream lines(err);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.find("error") == std::string::npos && line.find("warning") == std::string::npos) {
      continue;
    }
    EXPECT_THAT(line, HasSubstr("bad_input/")) << "a message that names no file";
  }
}

TEST_F(BadInputTest, ProseFilesExpectationsCoverTheCorpus) {
  for (const std::string& f : CorpusFiles()) {
    EXPECT_TRUE(ProseExpectations().count(f)) << "no expectation for new corpus file " << f;
  }
}

TEST_F(BadInputTest, KgIngestEachFile) {
  for (const auto& [file, expect] : ProseExpectations()) {
    SCOPED_TRACE(file);
    ProcessResult r = Kg({"ingest", Corpus(file)});
    ASSERT_TRUE(r.exited()) << r.Describe();
    EXPECT_EQ(r.exit_code, expect.exit_code) << r.Describe();
    if (expect.exit_code != 0) {
      EXPECT_THAT(r.err, HasSubstr(Corpus(file))) << "the message must name the file";
      EXPECT_THAT(r.err, ::testing::ContainsRegex(expect.mention));
    }
  }
  // The good files went in; the store is usable.
  ProcessResult stats = Kg({"stats"});
  EXPECT_EQ(stats.exit_code, 0) << stats.Describe();
}

TEST_F(BadInputTest, KgIngestWholeCorpusLoadsTheGoodFiles) {
  ProcessResult r = Kg({"ingest", Corpus("")});
  ASSERT_TRUE(r.exited()) << r.Describe();
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  int failing = 0;
  for (const auto& [file, expect] : ProseExpectations()) failing += expect.exit_code != 0;
  EXPECT_THAT(r.out, HasSubstr(std::to_string(failing) + " failed")) << r.out;
  ExpectMessagesNameFiles(r.err);
}

TEST_F(BadInputTest, KgLoadAsTextReportsByteOffsets) {
  for (const auto& [file, expect] : ProseExpectations()) {
    SCOPED_TRACE(file);
    ProcessResult r = Load({"--format", "text", Corpus(file)});
    ASSERT_TRUE(r.exited()) << r.Describe();
    // kg-load passes over a document with nothing to read without failing.
    if ((file == "empty.txt" || file == "whitespace_only.txt") && r.exit_code == 0) continue;
    EXPECT_EQ(r.exit_code, expect.exit_code) << r.Describe();
    if (expect.exit_code != 0) {
      EXPECT_THAT(r.err, HasSubstr(Corpus(file)));
      EXPECT_THAT(r.err, ::testing::ContainsRegex(expect.mention));
    }
  }
}

// Each line format against its own bad file: the good lines load, each bad
// line is reported as file:line, the exit status says something failed.
TEST_F(BadInputTest, KgLoadLineFormatsReportLineNumbers) {
  struct Case {
    std::string format, file;
    std::vector<int> bad_lines;
  };
  const std::vector<Case> cases = {
      {"jsonl", "bad_documents.jsonl", {2, 3, 4, 5}},
      {"tsv", "bad_triples.tsv", {2, 4, 5}},  // line 3 (only tabs) is blank
      {"ntriples", "bad_triples.nt", {2, 3, 4}},
      {"triples-jsonl", "bad_triples.jsonl", {2, 3}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.format);
    ProcessResult r = Load({"--format", c.format, Corpus(c.file)});
    ASSERT_TRUE(r.exited()) << r.Describe();
    EXPECT_EQ(r.exit_code, 1) << r.Describe();
    for (int line : c.bad_lines) {
      EXPECT_THAT(r.err, HasSubstr(Corpus(c.file) + ":" + std::to_string(line) + ":"))
          << r.Describe();
    }
    EXPECT_THAT(r.err, ::testing::Not(HasSubstr(Corpus(c.file) + ":1:"))) << "line 1 is good";
  }
  // The good lines are in the store.
  ProcessResult stats = Kg({"stats"});
  ASSERT_EQ(stats.exit_code, 0) << stats.Describe();
  EXPECT_THAT(stats.out, ::testing::ContainsRegex("documents[^0-9]*1\\b")) << stats.out;
}

// Every format forced on the whole corpus: nothing crashes, the run reports
// failure, every message names its file, and the store stays usable.
TEST_F(BadInputTest, KgLoadEveryFormatOnTheWholeCorpus) {
  for (const std::string format :
       {"auto", "text", "html", "wiki", "jsonl", "tsv", "ntriples", "triples-jsonl"}) {
    SCOPED_TRACE(format);
    ProcessResult r = Load({"--format", format, Corpus("")});
    ASSERT_TRUE(r.exited()) << r.Describe();
    EXPECT_EQ(r.exit_code, 1) << r.Describe();
    ExpectMessagesNameFiles(r.err);
  }
  ProcessResult stats = Kg({"stats"});
  EXPECT_EQ(stats.exit_code, 0) << stats.Describe();
}

// --strict stops at the first error, still with a clear message.
TEST_F(BadInputTest, KgLoadStrictStopsWithAMessage) {
  ProcessResult r = Load({"--strict", "--format", "tsv", Corpus("bad_triples.tsv")});
  ASSERT_TRUE(r.exited()) << r.Describe();
  EXPECT_EQ(r.exit_code, 1) << r.Describe();
  EXPECT_THAT(r.err, HasSubstr(Corpus("bad_triples.tsv") + ":2:"));
  EXPECT_THAT(r.err, ::testing::Not(HasSubstr(Corpus("bad_triples.tsv") + ":3:")));
}

std::vector<std::string> BadQueries() {
  std::vector<std::string> queries;
  std::istringstream in(kg::testing::ReadFileOrDie(Corpus("bad_queries.txt")));
  std::string line;
  while (std::getline(in, line)) queries.push_back(line);
  return queries;
}

TEST_F(BadInputTest, KgQueryReportsTheColumn) {
  ASSERT_EQ(Kg({"ingest", Corpus("crlf.txt")}).exit_code, 0);
  int tried = 0;
  for (const std::string& q : BadQueries()) {
    if (q.find('\0') != std::string::npos) continue;  // cannot be an argument
    SCOPED_TRACE(q);
    for (const char* cmd : {"query", "explain"}) {
      ProcessResult r = Kg({cmd, q});
      ASSERT_TRUE(r.exited()) << r.Describe();
      EXPECT_EQ(r.exit_code, 2) << r.Describe();
      EXPECT_THAT(r.err, HasSubstr("column")) << r.Describe();
    }
    ++tried;
  }
  EXPECT_GE(tried, 5);
}

TEST_F(BadInputTest, ReplScriptModeReportsEachLine) {
  ASSERT_EQ(Kg({"ingest", Corpus("crlf.txt")}).exit_code, 0);
  ProcessResult r = Kg({"repl"}, Corpus("bad_queries.txt"));
  ASSERT_TRUE(r.exited()) << r.Describe();
  EXPECT_EQ(r.exit_code, 2) << r.Describe();
  size_t n = BadQueries().size();
  for (size_t line = 1; line <= n; ++line) {
    EXPECT_THAT(r.err, HasSubstr("line " + std::to_string(line) + ":")) << r.Describe();
  }
  // Every binary file of the corpus as a REPL script: no crash, no hang.
  for (const std::string& f : CorpusFiles()) {
    SCOPED_TRACE(f);
    ProcessResult s = Kg({"repl"}, Corpus(f));
    ASSERT_TRUE(s.exited()) << s.Describe();
    EXPECT_THAT(s.exit_code, ::testing::AnyOf(0, 2)) << s.Describe();
  }
}

// An enormous line (64 MiB, no line break) through every entry point: it is
// processed or refused with a message naming the file, never a crash.
TEST_F(BadInputTest, EnormousLine) {
  std::string path = dir_ + "/enormous_line.txt";
  {
    std::string sentence = "Mexico and the United States discussed arms trafficking again. ";
    std::string text;
    text.reserve(64 << 20);
    while (text.size() + sentence.size() <= (64u << 20)) text += sentence;
    text.resize(64 << 20, ' ');
    // Without the sentence ends it is one unbroken line of words.
    for (char& c : text) {
      if (c == '.') c = ',';
    }
    kg::testing::WriteFileOrDie(path, text);
  }
  ProcessResult ingest = Kg({"ingest", path});
  ASSERT_TRUE(ingest.exited()) << ingest.Describe();
  if (ingest.exit_code != 0) {
    EXPECT_THAT(ingest.err, HasSubstr(path)) << ingest.Describe();
  }
  EXPECT_THAT(ingest.exit_code, ::testing::AnyOf(0, 1));
  for (const std::string format : {"text", "jsonl", "tsv", "ntriples"}) {
    SCOPED_TRACE(format);
    ProcessResult r = Load({"--format", format, path});
    ASSERT_TRUE(r.exited()) << r.Describe();
    EXPECT_THAT(r.exit_code, ::testing::AnyOf(0, 1)) << r.Describe();
    if (r.exit_code != 0) {
      EXPECT_THAT(r.err, HasSubstr(path)) << r.Describe();
    }
  }
}

}  // namespace
}  // namespace kg
