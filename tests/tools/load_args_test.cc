#include "tools/load_args.h"

#include <cstdlib>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kg::tools {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

absl::StatusOr<LoadArgs> Parse(std::vector<const char*> args) {
  args.insert(args.begin(), "kg-load");
  return ParseLoadArgs(static_cast<int>(args.size()), args.data());
}

TEST(LoadArgsTest, Defaults) {
  unsetenv("KG_DB");
  absl::StatusOr<LoadArgs> a = Parse({"corpus/"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->db, "kg.db");
  EXPECT_EQ(a->options.threads, 0);
  EXPECT_EQ(a->options.read.format, InputFormat::kAuto);
  EXPECT_FALSE(a->options.strict);
  EXPECT_THAT(a->paths, ElementsAre("corpus/"));
  setenv("KG_DB", "/tmp/from-env.db", 1);
  EXPECT_EQ(Parse({"x"})->db, "/tmp/from-env.db");
  EXPECT_EQ(Parse({"--db", "given.db", "x"})->db, "given.db");
  unsetenv("KG_DB");
}

TEST(LoadArgsTest, EveryOption) {
  absl::StatusOr<LoadArgs> a = Parse(
      {"--db=my.db", "--threads", "3", "--format", "wiki", "--strict", "--max-doc-bytes", "4096",
       "--json-summary", "s.json", "--progress-ms", "50", "--quiet", "a", "--", "--odd-name"});
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->db, "my.db");
  EXPECT_EQ(a->options.threads, 3);
  EXPECT_EQ(a->options.read.format, InputFormat::kWiki);
  EXPECT_TRUE(a->options.strict);
  EXPECT_EQ(a->options.read.max_doc_bytes, 4096u);
  EXPECT_EQ(a->json_summary, "s.json");
  EXPECT_EQ(a->progress_ms, 50);
  EXPECT_TRUE(a->quiet);
  EXPECT_THAT(a->paths, ElementsAre("a", "--odd-name"));
}

TEST(LoadArgsTest, UsageErrors) {
  auto message = [](std::vector<const char*> args) {
    absl::StatusOr<LoadArgs> a = Parse(std::move(args));
    EXPECT_FALSE(a.ok());
    return a.ok() ? std::string() : std::string(a.status().message());
  };
  EXPECT_THAT(message({}), HasSubstr("no PATH given"));
  EXPECT_THAT(message({"--threads", "0", "x"}), HasSubstr("--threads needs an integer >= 1"));
  EXPECT_THAT(message({"--threads", "two", "x"}), HasSubstr("got 'two'"));
  EXPECT_THAT(message({"--format", "xml", "x"}), HasSubstr("unknown --format 'xml'"));
  EXPECT_THAT(message({"--max-doc-bytes", "10", "x"}), HasSubstr(">= 256"));
  EXPECT_THAT(message({"x", "--db"}), HasSubstr("--db needs a value"));
  EXPECT_THAT(message({"--verbose", "x"}), HasSubstr("unknown option --verbose"));
  EXPECT_TRUE(Parse({"--help"})->help);
}

}  // namespace
}  // namespace kg::tools
