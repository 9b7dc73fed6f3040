#include "core/conllu.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

using ::testing::HasSubstr;

const std::string kFixture = std::string(KG_SOURCE_DIR) + "/tests/data/conllu_small.conllu";

TEST(ConlluTest, ReadsFixtureSkippingRangesAndEmptyNodes) {
  auto sents = ReadConlluFile(kFixture);
  ASSERT_TRUE(sents.ok()) << sents.status();
  ASSERT_EQ(sents->size(), 3u);

  const ConlluSentence& a = (*sents)[0];
  EXPECT_EQ(a.sent_id, "a-1");
  EXPECT_EQ(a.text, "I don't know.");
  EXPECT_EQ(a.doc_id, "doc-a");
  ASSERT_EQ(a.tokens.size(), 5u);
  EXPECT_EQ(a.tokens[1].form, "do");
  EXPECT_EQ(a.tokens[2].form, "n't");
  EXPECT_EQ(a.tokens[2].lemma, "not");
  EXPECT_EQ(a.tokens[2].upos, "PART");
  EXPECT_EQ(a.tokens[2].xpos, "RB");
  EXPECT_EQ(a.tokens[2].feats, "Polarity=Neg");
  EXPECT_EQ(a.tokens[2].head, 4);
  EXPECT_EQ(a.tokens[2].deprel, "advmod");
  EXPECT_EQ(a.tokens[3].head, 0);
  EXPECT_EQ(a.tokens[3].line, 8);
  EXPECT_FALSE(ConlluSpaceAfter(a.tokens[3].misc));
  EXPECT_TRUE(ConlluSpaceAfter(a.tokens[4].misc));
  ASSERT_EQ(a.multiwords.size(), 1u);
  EXPECT_EQ(a.multiwords[0].first, 2);
  EXPECT_EQ(a.multiwords[0].last, 3);
  EXPECT_EQ(a.multiwords[0].form, "don't");

  const ConlluSentence& b = (*sents)[1];
  EXPECT_EQ(b.doc_id, "doc-a");
  ASSERT_EQ(b.tokens.size(), 5u);  // the empty node 2.1 is skipped
  EXPECT_EQ(b.tokens[2].form, "and");
  EXPECT_EQ(b.tokens[2].id, 3);
  EXPECT_EQ(ConlluMiscValue(b.tokens[0].misc, "Entity"), "(1-person-new)");
  EXPECT_EQ(ConlluMiscValue(b.tokens[0].misc, "Missing"), "");

  // The last sentence has no trailing blank line.
  const ConlluSentence& c = (*sents)[2];
  EXPECT_EQ(c.doc_id, "doc-b");
  ASSERT_EQ(c.tokens.size(), 1u);
  EXPECT_EQ(c.tokens[0].form, "Hello");
}

TEST(ConlluTest, AcceptsCrlfAndEmptyInput) {
  auto sents = ParseConllu("1\ta\ta\tX\tX\t_\t0\troot\t_\t_\r\n\r\n", "x.conllu");
  ASSERT_TRUE(sents.ok()) << sents.status();
  ASSERT_EQ(sents->size(), 1u);
  EXPECT_EQ((*sents)[0].tokens[0].misc, "_");
  auto none = ParseConllu("", "empty.conllu");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

TEST(ConlluTest, ErrorsNameFileAndLine) {
  auto cols = ParseConllu("# c\n1\ta\ta\tX\n", "bad.conllu");
  ASSERT_FALSE(cols.ok());
  EXPECT_THAT(cols.status().message(), HasSubstr("bad.conllu:2:"));
  EXPECT_THAT(cols.status().message(), HasSubstr("10 tab-separated columns"));

  auto order =
      ParseConllu("1\ta\ta\tX\tX\t_\t0\troot\t_\t_\n3\tb\tb\tX\tX\t_\t1\tdep\t_\t_\n", "o.conllu");
  ASSERT_FALSE(order.ok());
  EXPECT_THAT(order.status().message(), HasSubstr("o.conllu:2:"));

  auto head = ParseConllu("1\ta\ta\tX\tX\t_\t0\troot\t_\t_\n2\tb\tb\tX\tX\t_\t7\tdep\t_\t_\n\n",
                          "h.conllu");
  ASSERT_FALSE(head.ok());
  EXPECT_THAT(head.status().message(), HasSubstr("h.conllu:2:"));

  auto bad_head = ParseConllu("1\ta\ta\tX\tX\t_\tzz\troot\t_\t_\n", "z.conllu");
  ASSERT_FALSE(bad_head.ok());
  EXPECT_THAT(bad_head.status().message(), HasSubstr("z.conllu:1:"));

  auto missing = ReadConlluFile("/nonexistent/file.conllu");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(missing.status().message(), HasSubstr("/nonexistent/file.conllu"));
}

TEST(ConlluTest, ReadsRealTreebankWhenPresent) {
  const std::string path = std::string(KG_SOURCE_DIR) + "/../shared/data/ud-en-ewt/dev.conllu";
  auto sents = ReadConlluFile(path);
  if (!sents.ok() && absl::IsNotFound(sents.status())) GTEST_SKIP() << "no treebank";
  ASSERT_TRUE(sents.ok()) << sents.status();
  EXPECT_EQ(sents->size(), 2001u);
  size_t words = 0;
  for (const auto& s : *sents) words += s.tokens.size();
  EXPECT_EQ(words, 25147u);
}

}  // namespace
}  // namespace kg::core
