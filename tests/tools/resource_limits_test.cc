// Pathological documents, generated here (nothing big is committed): one
// 50 MB line, a million tiny sentences, HTML nested a million elements deep.
// `kg ingest` and `kg-load` must each either process them in bounded memory
// or refuse them with a message naming the file; never crash or hang. Peak
// memory is the child's own max RSS (wait4), bounded by kMaxRssMb (the
// loader's documented ceiling is 2 GiB; these inputs must stay well below).

#include <filesystem>
#include <iostream>
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

constexpr long kMaxRssMb = 1024;

class ResourceLimitsHeavyTest : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = kg::testing::FreshTempDir("limits"); }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs kg ingest and kg-load (text or html) on `path`, each into a fresh
  // store, and checks the rule above.
  void ExpectBounded(const std::string& path, const std::string& format) {
    struct Run {
      std::string name;
      std::vector<std::string> argv;
    };
    std::vector<Run> runs = {
        {"kg ingest", {BinPath("kg"), "--db", dir_ + "/ingest.db", "ingest", path}},
        {"kg-load", {BinPath("kg-load"), "--db", dir_ + "/load.db", "--quiet", "--format", format,
                     path}},
    };
    for (const Run& run : runs) {
      SCOPED_TRACE(run.name);
      ProcessResult r = RunProcess(run.argv, kg::testing::Limits(600));
      ASSERT_TRUE(r.exited()) << r.Describe();
      long rss_mb = r.max_rss_kb / 1024;
      std::cerr << run.name << " " << fs::path(path).filename().string() << ": exit "
                << r.exit_code << ", peak RSS " << rss_mb << " MB\n";
      EXPECT_LE(rss_mb, kMaxRssMb) << "peak memory " << rss_mb << " MB";
      if (r.exit_code != 0) {
        EXPECT_EQ(r.exit_code, 1) << r.Describe();
        EXPECT_THAT(r.err, HasSubstr(path)) << "a refusal must name the file: " << r.Describe();
      }
    }
  }

  std::string dir_;
};

TEST_F(ResourceLimitsHeavyTest, FiftyMegabyteLine) {
  std::string path = dir_ + "/one_line.txt";
  const std::string sentence =
      "Officials from Mexico and the United States discussed arms trafficking in Washington. ";
  std::string text;
  text.reserve(50 << 20);
  while (text.size() + sentence.size() <= (50u << 20)) text += sentence;
  kg::testing::WriteFileOrDie(path, text);
  ExpectBounded(path, "text");
}

TEST_F(ResourceLimitsHeavyTest, MillionTinySentences) {
  std::string path = dir_ + "/tiny_sentences.txt";
  std::string text;
  text.reserve(4 << 20);
  for (int i = 0; i < 1000000; ++i) text += (i % 10 == 9) ? "Go.\n" : "Go. ";
  kg::testing::WriteFileOrDie(path, text);
  ExpectBounded(path, "text");
}

TEST_F(ResourceLimitsHeavyTest, DeeplyNestedHtml) {
  std::string path = dir_ + "/nested.html";
  const int kDepth = 1000000;
  std::string html = "<html><body>";
  html.reserve(12 * kDepth);
  for (int i = 0; i < kDepth; ++i) html += "<div>";
  html += "Mexico and the United States discussed arms trafficking.";
  for (int i = 0; i < kDepth; ++i) html += "</div>";
  html += "</body></html>\n";
  kg::testing::WriteFileOrDie(path, html);
  ExpectBounded(path, "html");
}

}  // namespace
}  // namespace kg
