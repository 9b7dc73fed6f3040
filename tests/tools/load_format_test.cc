#include "tools/load_format.h"

#include "gtest/gtest.h"

namespace kg::tools {
namespace {

TEST(LoadFormatTest, ParsesEveryNameAndRejectsOthers) {
  for (const char* name :
       {"auto", "text", "html", "wiki", "jsonl", "tsv", "ntriples", "triples-jsonl"}) {
    absl::StatusOr<InputFormat> f = ParseInputFormat(name);
    ASSERT_TRUE(f.ok()) << name;
    EXPECT_EQ(InputFormatName(*f), name);
  }
  absl::StatusOr<InputFormat> bad = ParseInputFormat("csv");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("'csv'"), std::string::npos);
  EXPECT_NE(bad.status().message().find("ntriples"), std::string::npos);
}

TEST(LoadFormatTest, DetectsByExtension) {
  EXPECT_EQ(DetectFormat("a/page.HTML", "hello"), InputFormat::kHtml);
  EXPECT_EQ(DetectFormat("a/b.nt", ""), InputFormat::kNTriples);
  EXPECT_EQ(DetectFormat("a/b.tsv", "x y"), InputFormat::kTsv);
  EXPECT_EQ(DetectFormat("notes.md", "# Title\n"), InputFormat::kText);
  EXPECT_EQ(DetectFormat("d.jsonl", "{\"id\":\"1\",\"text\":\"t\"}\n"), InputFormat::kJsonl);
  EXPECT_EQ(DetectFormat("t.jsonl", "{\"subject\":\"a\",\"predicate\":\"b\",\"object\":\"c\"}"),
            InputFormat::kTriplesJsonl);
}

TEST(LoadFormatTest, SniffsContentWhenTheExtensionSaysNothing) {
  EXPECT_EQ(DetectFormat("bulk/wiki_00", "<doc id=\"1\" url=\"u\" title=\"T\">\nT\n"),
            InputFormat::kWiki);
  EXPECT_EQ(DetectFormat("fb15k/train.txt", "/m/027rn\t/location/country/form\t/m/06cx9\r\n"),
            InputFormat::kTsv);
  EXPECT_EQ(DetectFormat("dump.txt", "<http://a> <http://b> \"c\" .\n"), InputFormat::kNTriples);
  EXPECT_EQ(DetectFormat("x", "\n\n{\"text\": \"hi\"}\n"), InputFormat::kJsonl);
  EXPECT_EQ(DetectFormat("saved", "<!DOCTYPE html><html>"), InputFormat::kHtml);
  EXPECT_EQ(DetectFormat("brief.txt", "Officials met in Mexico City.\tThen left.\n"),
            InputFormat::kText);
  EXPECT_EQ(DetectFormat("brief.txt", "One line of prose."), InputFormat::kText);
}

TEST(LoadFormatTest, StructuredFormats) {
  EXPECT_TRUE(IsStructured(InputFormat::kTsv));
  EXPECT_TRUE(IsStructured(InputFormat::kNTriples));
  EXPECT_TRUE(IsStructured(InputFormat::kTriplesJsonl));
  EXPECT_FALSE(IsStructured(InputFormat::kJsonl));
  EXPECT_FALSE(IsStructured(InputFormat::kWiki));
}

}  // namespace
}  // namespace kg::tools
