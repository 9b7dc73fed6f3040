// The jackknifed-tag cache: what is written reads back onto the same
// treebank, and a cache of another treebank is refused with its line.

#include "tools/tag_cache.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace kg::tools {
namespace {

std::vector<kg::core::ConlluSentence> Treebank() {
  std::vector<kg::core::ConlluSentence> out(2);
  out[0].sent_id = "a-1";
  out[1].sent_id = "a-2";
  for (const char* w : {"The", "DEA", "met"}) out[0].tokens.emplace_back().form = w;
  for (const char* w : {"Officials", "left"}) out[1].tokens.emplace_back().form = w;
  const char* tags[][2] = {{"DET", "DT"}, {"PROPN", "NNP"}, {"VERB", "VBD"}, {"NOUN", "NNS"},
                           {"VERB", "VBD"}};
  int k = 0;
  for (auto& s : out) {
    for (auto& t : s.tokens) {
      t.upos = tags[k][0];
      t.xpos = tags[k][1];
      ++k;
    }
  }
  return out;
}

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("kg_tag_cache_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

TEST(TagCacheTest, WrittenTagsReadBackOntoTheSameSentences) {
  std::string path = TempPath("round");
  auto tagged = Treebank();
  ASSERT_TRUE(WriteTagCache(path, tagged).ok());
  auto bare = Treebank();
  for (auto& s : bare) {
    for (auto& t : s.tokens) t.upos = t.xpos = "";
  }
  ASSERT_TRUE(ReadTagCache(path, bare).ok());
  for (size_t s = 0; s < bare.size(); ++s) {
    for (size_t i = 0; i < bare[s].tokens.size(); ++i) {
      EXPECT_EQ(bare[s].tokens[i].upos, tagged[s].tokens[i].upos);
      EXPECT_EQ(bare[s].tokens[i].xpos, tagged[s].tokens[i].xpos);
    }
  }
  std::filesystem::remove(path);
}

TEST(TagCacheTest, ACacheOfOtherSentencesIsRefusedWithItsLine) {
  std::string path = TempPath("other");
  {
    std::ofstream out(path);
    out << "a-1\tDET PROPN VERB\tDT NNP VBD\n" << "b-9\tNOUN VERB\tNNS VBD\n";
  }
  auto treebank = Treebank();
  absl::Status st = ReadTagCache(path, treebank);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(std::string(st.message()).find(path + " line 2"), std::string::npos) << st;
  {
    std::ofstream out(path);
    out << "a-1\tDET PROPN\tDT NNP\n";
  }
  st = ReadTagCache(path, treebank);
  EXPECT_NE(std::string(st.message()).find("2 tags for 3 words"), std::string::npos) << st;
  std::filesystem::remove(path);
  EXPECT_TRUE(absl::IsNotFound(ReadTagCache(path, treebank)));
}

}  // namespace
}  // namespace kg::tools
