// Relation patterns, one test each, on sentences written for the test.
#include "core/relations.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/extraction_testutil.h"

namespace kg::core {
namespace {

using ::kg::core::testing::Dump;
using ::kg::core::testing::ExtractRules;
using ::kg::core::testing::FindEntity;
using ::kg::core::testing::FindFact;

TEST(RelationsTest, VerbWithPrepositionalObject) {
  DocumentFacts f = ExtractRules("Angela Merkel met with Xi Jinping in Berlin.");
  const ExtractedFact* x = FindFact(f, "Angela Merkel", "meet_with", "Xi Jinping");
  ASSERT_NE(x, nullptr) << Dump(f);
  EXPECT_EQ(x->flags() & CO_MENTION, 0u);
  EXPECT_GT(x->confidence(), 0.5f);
}

TEST(RelationsTest, CommitAmountToRecipient) {
  DocumentFacts f = ExtractRules("Norway committed $2 billion in grants to the Amazon Fund.");
  EXPECT_NE(FindFact(f, "Norway", "commit_to", "Amazon Fund"), nullptr) << Dump(f);
  EXPECT_NE(FindFact(f, "Norway", "commit", "$2 billion"), nullptr) << Dump(f);
  const Entity* money = FindEntity(f, "$2 billion");
  ASSERT_NE(money, nullptr);
  EXPECT_EQ(money->type(), MONEY);
}

TEST(RelationsTest, DirectObject) {
  DocumentFacts f = ExtractRules("In May, the Oslo Council ended the Harbor Initiative.");
  EXPECT_NE(FindFact(f, "Oslo Council", "end", "Harbor Initiative"), nullptr) << Dump(f);
  EXPECT_EQ(FindEntity(f, "Harbor Initiative")->type(), PROGRAM);
}

TEST(RelationsTest, PassiveWithAgentIsTurnedAround) {
  DocumentFacts f = ExtractRules("The Kyoto Protocol was ratified by Russia in 2004.");
  EXPECT_NE(FindFact(f, "Russia", "ratify", "Kyoto Protocol"), nullptr) << Dump(f);
}

TEST(RelationsTest, GerundClauseKeepsTheSubject) {
  DocumentFacts f = ExtractRules(
      "Chile changed its stance toward Peru by recalling the ambassador of the Andean Bank.");
  EXPECT_NE(FindFact(f, "Chile", "recall", "Andean Bank"), nullptr) << Dump(f);
}

TEST(RelationsTest, NegationIsAFlag) {
  DocumentFacts f = ExtractRules("Portugal did not ratify the Lisbon Treaty.");
  const ExtractedFact* x = FindFact(f, "Portugal", "ratify", "Lisbon Treaty");
  ASSERT_NE(x, nullptr) << Dump(f);
  EXPECT_NE(x->flags() & NEGATED, 0u);
}

TEST(RelationsTest, ModalIsAFlag) {
  DocumentFacts f = ExtractRules("Spain could recognize Kosovo next year.");
  const ExtractedFact* x = FindFact(f, "Spain", "recognize", "Kosovo");
  ASSERT_NE(x, nullptr) << Dump(f);
  EXPECT_NE(x->flags() & MODAL, 0u);
  EXPECT_EQ(x->flags() & NEGATED, 0u);
}

TEST(RelationsTest, IntentionIsHedged) {
  DocumentFacts f = ExtractRules("Greenpeace urged Norway to ban oil drilling near the coast.");
  const ExtractedFact* x = FindFact(f, "Greenpeace", "urge", "Norway");
  ASSERT_NE(x, nullptr) << Dump(f);
  EXPECT_NE(x->flags() & HEDGED, 0u);
}

TEST(RelationsTest, AllegationIsAFlag) {
  DocumentFacts f = ExtractRules("Interpol allegedly tracked Carlos Ruiz across Panama.");
  const ExtractedFact* x = FindFact(f, "Interpol", "track", "Carlos Ruiz");
  ASSERT_NE(x, nullptr) << Dump(f);
  EXPECT_NE(x->flags() & ALLEGED, 0u);
}

TEST(RelationsTest, AttributionGivesSourceAndReportedFlag) {
  DocumentFacts f = ExtractRules(
      "As reported by the Financial Times, Siemens acquired Varian for $16 billion.");
  EXPECT_NE(FindFact(f, "Financial Times", "reports", "Siemens"), nullptr) << Dump(f);
  const ExtractedFact* x = FindFact(f, "Siemens", "acquire", "Varian");
  ASSERT_NE(x, nullptr) << Dump(f);
  EXPECT_NE(x->flags() & REPORTED, 0u);
}

TEST(RelationsTest, AppositiveRoleAndMembership) {
  DocumentFacts f = ExtractRules(
      "The senior adviser on the Arctic Council, Ingrid Solberg, visited Oslo last week.");
  EXPECT_NE(FindFact(f, "Ingrid Solberg", "member_of", "Arctic Council"), nullptr) << Dump(f);
  EXPECT_NE(FindFact(f, "Ingrid Solberg", "holds_role", "senior adviser"), nullptr) << Dump(f);
  EXPECT_NE(FindFact(f, "Ingrid Solberg", "visit", "Oslo"), nullptr) << Dump(f);
}

TEST(RelationsTest, PrepositionOnAnIssueNoun) {
  DocumentFacts f = ExtractRules(
      "Officials want to curb cocaine trafficking from Colombia before the summit.");
  const Entity* topic = FindEntity(f, "cocaine trafficking");
  ASSERT_NE(topic, nullptr) << Dump(f);
  EXPECT_EQ(topic->type(), TOPIC);
  EXPECT_NE(FindFact(f, "cocaine trafficking", "from", "Colombia"), nullptr) << Dump(f);
}

TEST(RelationsTest, Possessive) {
  DocumentFacts f = ExtractRules(
      "Critics questioned Brazil's role in deforestation during the hearing.");
  EXPECT_NE(FindFact(f, "Brazil", "role_in", "deforestation"), nullptr) << Dump(f);
}

TEST(RelationsTest, MeetingBetweenTwoActors) {
  DocumentFacts f = ExtractRules(
      "After the meeting between Jacinda Ardern and Scott Morrison, trade resumed.");
  EXPECT_NE(FindFact(f, "Jacinda Ardern", "meet_with", "Scott Morrison"), nullptr) << Dump(f);
}

TEST(RelationsTest, CoordinatedSubjectsOfAnObjectlessVerb) {
  DocumentFacts f = ExtractRules("Ghana and Togo have both agreed that the border must reopen.");
  EXPECT_NE(FindFact(f, "Ghana", "agree_with", "Togo", /*directed=*/false), nullptr) << Dump(f);
}

TEST(RelationsTest, CoMentionWhenNoSyntacticRelation) {
  DocumentFacts f = ExtractRules("Observers from Fiji, Samoa and Tonga attended the vote.");
  const ExtractedFact* x = FindFact(f, "Fiji", "co_mentioned", "Samoa", /*directed=*/false);
  ASSERT_NE(x, nullptr) << Dump(f);
  EXPECT_NE(x->flags() & CO_MENTION, 0u);
  EXPECT_LT(x->confidence(), 0.5f);
}

TEST(RelationsTest, PronounSubjectResolvesToLastPerson) {
  DocumentFacts f = ExtractRules(
      "Marta Ruiz arrived in Quito on Monday. She later praised Ecuador for its help.");
  EXPECT_NE(FindFact(f, "Marta Ruiz", "praise", "Ecuador"), nullptr) << Dump(f);
}

}  // namespace
}  // namespace kg::core

namespace kg::core {
namespace {

TEST(RelationsTest, SpeechComplementIsReported) {
  DocumentFacts f = testing::ExtractRules("Olga Berg said that Latvia signed the Baltic Accord.");
  const ExtractedFact* x = testing::FindFact(f, "Latvia", "sign", "Baltic Accord");
  ASSERT_NE(x, nullptr) << testing::Dump(f);
  EXPECT_NE(x->flags() & REPORTED, 0u);
}

}  // namespace
}  // namespace kg::core
