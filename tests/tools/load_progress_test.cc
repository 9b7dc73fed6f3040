#include "tools/load_progress.h"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/tools/load_testutil.h"
#include "tools/load_summary.h"

namespace kg::tools {
namespace {

using ::testing::HasSubstr;

TEST(LoadProgressTest, LineShowsCountsRateAndEta) {
  LoadCounters c;
  c.documents = 12;
  c.unchanged = 3;
  c.bytes_read = 2'000'000;
  c.facts = 345;
  ProgressReporter p(&c, 8'000'000, stderr, false, std::chrono::milliseconds(1000));
  // 2 of 8 MB in 4 s: 0.5 MB/s, 12 s to go.
  std::string line = p.Line(4.0);
  EXPECT_THAT(line, HasSubstr("12 docs (3 unchanged)"));
  EXPECT_THAT(line, HasSubstr("2.0/8.0 MB"));
  EXPECT_THAT(line, HasSubstr("345 facts"));
  EXPECT_THAT(line, HasSubstr("0.50 MB/s"));
  EXPECT_THAT(line, HasSubstr("ETA 0:12"));
  EXPECT_THAT(line, ::testing::Not(HasSubstr("failures")));
  c.errors = 2;
  c.triples = 99;
  EXPECT_THAT(p.Line(4.0), HasSubstr("99 triples"));
  EXPECT_THAT(p.Line(4.0), HasSubstr("2 failures"));
  c.bytes_read = 0;
  EXPECT_THAT(p.Line(1.0), HasSubstr("ETA ?"));
}

TEST(LoadProgressTest, PlainLinesOffATerminalAndMessagesInBetween) {
  std::string dir = testing::MakeTempDir("plain");
  std::string path = dir + "/err.txt";
  std::FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  LoadCounters c;
  c.documents = 1;
  {
    ProgressReporter p(&c, 100, f, /*live=*/false, std::chrono::milliseconds(10));
    p.Start();
    p.Message("error: x.txt: broken");
    // Wait for at least one periodic line (bounded).
    for (int i = 0; i < 500; ++i) {
      std::fflush(f);
      std::ifstream in(path);
      std::stringstream ss;
      ss << in.rdbuf();
      if (ss.str().find("progress: ") != std::string::npos) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    p.Stop();
  }
  std::fclose(f);
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string out = ss.str();
  EXPECT_THAT(out, HasSubstr("error: x.txt: broken\n"));
  EXPECT_THAT(out, HasSubstr("progress: 1 docs"));
  EXPECT_EQ(out.find('\r'), std::string::npos);  // no terminal redraws in a log
}

TEST(LoadSummaryTest, JsonHasEveryField) {
  LoadSummary s;
  s.files = 2;
  s.bytes = 3'000'000;
  s.documents = 5;
  s.errors = 1;
  s.elapsed_seconds = 1.5;
  s.issues = {"a.txt:3: bad"};
  nlohmann::json j = nlohmann::json::parse(s.ToJson());
  EXPECT_EQ(j["files"], 2);
  EXPECT_EQ(j["documents"], 5);
  EXPECT_EQ(j["failures"], 1);
  EXPECT_DOUBLE_EQ(j["mb_per_second"].get<double>(), 2.0);
  EXPECT_EQ(j["issues"][0], "a.txt:3: bad");
  for (const char* key : {"sentences", "facts", "entities", "triples", "unchanged", "warnings",
                          "peak_rss_bytes", "stopped", "elapsed_seconds"}) {
    EXPECT_TRUE(j.contains(key)) << key;
  }
  EXPECT_THAT(s.ToText(), HasSubstr("done, with failures"));
  EXPECT_THAT(s.ToText(), HasSubstr("2.00 MB/s"));
}

}  // namespace
}  // namespace kg::tools
