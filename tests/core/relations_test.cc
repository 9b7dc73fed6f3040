// Relation patterns, one test each, on sentences written for the test.
#include "core/relations.h"

#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/core/extraction_testutil.h"

namespace kg::core {
namespace {

using ::kg::core::testing::Dump;
using ::kg::core::testing::ExtractModel;
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
  DocumentFacts f =
      ExtractRules("As reported by the Financial Times, Siemens acquired Varian for $16 billion.");
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
  DocumentFacts f =
      ExtractRules("Officials want to curb cocaine trafficking from Colombia before the summit.");
  const Entity* topic = FindEntity(f, "cocaine trafficking");
  ASSERT_NE(topic, nullptr) << Dump(f);
  EXPECT_EQ(topic->type(), TOPIC);
  EXPECT_NE(FindFact(f, "cocaine trafficking", "from", "Colombia"), nullptr) << Dump(f);
}

TEST(RelationsTest, Possessive) {
  DocumentFacts f =
      ExtractRules("Critics questioned Brazil's role in deforestation during the hearing.");
  EXPECT_NE(FindFact(f, "Brazil", "role_in", "deforestation"), nullptr) << Dump(f);
}

TEST(RelationsTest, MeetingBetweenTwoActors) {
  DocumentFacts f =
      ExtractRules("After the meeting between Jacinda Ardern and Scott Morrison, trade resumed.");
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

TEST(RelationsTest, EachItemOfAnExemplarListIsAnObject) {
  DocumentFacts f = ExtractRules(
      "The Andes Pact does not address other issues, like money laundering, cracking down on "
      "bribes, and Chile's role in arms trafficking.");
  for (const char* issue : {"money laundering", "arms trafficking"}) {
    const ExtractedFact* x = FindFact(f, "Andes Pact", "address", issue);
    ASSERT_NE(x, nullptr) << issue << "\n" << Dump(f);
    EXPECT_NE(x->flags() & NEGATED, 0u);
  }
  // The possessor is not the item.
  EXPECT_EQ(FindFact(f, "Andes Pact", "address", "Chile"), nullptr) << Dump(f);
}

TEST(RelationsTest, ANameIsLinkedToTheNearestCountry) {
  DocumentFacts f = ExtractRules(
      "Most pupils at Ridley Academy board. The school opened in 1902. Many come from Canada. "
      "Some come from Norway.");
  const ExtractedFact* x = FindFact(f, "Ridley Academy", kCoMentioned, "Canada", false);
  ASSERT_NE(x, nullptr) << Dump(f);
  EXPECT_NE(x->flags() & CO_MENTION, 0u);
  EXPECT_LT(x->confidence(), 0.3f);         // weaker than a co-mention in one sentence
  EXPECT_EQ(x->evidence().sentence(), 0u);  // the name's sentence
  EXPECT_EQ(FindFact(f, "Ridley Academy", "", "Norway", false), nullptr) << Dump(f);
  // Countries are not one another's context.
  EXPECT_EQ(FindFact(f, "Canada", "", "Norway", false), nullptr) << Dump(f);
}

TEST(RelationsTest, NoCountryContextFromFarAway) {
  DocumentFacts f = ExtractRules(
      "Most pupils at Ridley Academy board. The school opened in 1902. It grew slowly. "
      "A gym was built. A library followed. Fees rose. Many pupils come from Canada.");
  ASSERT_NE(FindEntity(f, "Canada"), nullptr) << Dump(f);
  EXPECT_EQ(FindFact(f, "Ridley Academy", "", "Canada", false), nullptr) << Dump(f);
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

// Relations read from the dependency tree (model mode). The trees are written
// by hand in UD, so each test pins one pattern whatever the shipped parser
// does; the last tests run the shipped model end to end.
#include "core/dependency_relations.h"
#include "core/extractor.h"
#include "core/lexicon.h"
#include "core/mention_finder.h"

namespace kg::core {
namespace {

// "Word/UPOS/head/deprel" tokens (head 1-based as in CoNLL-U, 0 = root);
// names are spans [b, e) of 0-based tokens with a type.
struct TreeCase {
  Sentence sentence;
  std::vector<Mention> mentions;
  std::vector<DocEntity> entities;
};

struct Name {
  int begin, end;
  EntityType type;
};

TreeCase MakeTree(const std::string& conll, const std::vector<Name>& names) {
  TreeCase c;
  uint32_t offset = 0;
  std::string item;
  std::istringstream in(conll);
  while (in >> item) {
    std::vector<std::string> f;
    size_t start = 0;
    for (size_t p; (p = item.find('/', start)) != std::string::npos; start = p + 1) {
      f.push_back(item.substr(start, p - start));
    }
    f.push_back(item.substr(start));
    EXPECT_TRUE(f.size() == 4u || f.size() == 5u) << item;
    Token t;
    t.text = f[0];
    t.upos = f[1];
    t.lemma = LowerAscii(f[0]);
    t.head = std::stoi(f[2]) - 1;
    t.deprel = f[3];
    if (t.upos == "VERB" && t.text.ends_with("ed")) t.xpos = "VBN";
    if (t.upos == "VERB" && t.text.ends_with("ing")) t.xpos = "VBG";
    if (t.upos == "NOUN") t.xpos = t.text.ends_with("s") ? "NNS" : "NN";
    if (f.size() == 5u) t.xpos = f[4];  // an optional fifth field: the XPOS
    t.begin = offset;
    t.end = offset + static_cast<uint32_t>(t.text.size());
    offset = t.end + 1;
    c.sentence.tokens.push_back(t);
  }
  c.sentence.end = offset;
  for (const Name& n : names) {
    Mention m;
    m.begin = n.begin;
    m.end = n.end;
    m.type = n.type;
    m.byte_begin = c.sentence.tokens[n.begin].begin;
    m.byte_end = c.sentence.tokens[n.end - 1].end;
    for (int i = n.begin; i < n.end; ++i) {
      m.text += (i > n.begin ? " " : "") + c.sentence.tokens[i].text;
    }
    m.entity = FindOrAddEntity(c.entities, m.text, n.type);
    c.mentions.push_back(m);
  }
  return c;
}

struct TreeFacts {
  std::vector<RawFact> facts;
  std::vector<DocEntity> entities;
  std::vector<int> pronouns;

  const RawFact* Find(std::string_view s, std::string_view p, std::string_view o) const {
    for (const RawFact& f : facts) {
      if (entities[f.subject].name == s && entities[f.object].name == o && f.predicate == p) {
        return &f;
      }
    }
    return nullptr;
  }
  std::string Dump() const {
    std::string out;
    for (const RawFact& f : facts) {
      out += entities[f.subject].name + " --" + f.predicate + "--> " + entities[f.object].name +
             " flags=" + std::to_string(f.flags) + "\n";
    }
    return out;
  }
};

TreeFacts ReadTree(const std::string& conll, const std::vector<Name>& names,
                   DiscourseState* state = nullptr) {
  TreeCase c = MakeTree(conll, names);
  EXPECT_TRUE(HasUsableTree(c.sentence));
  std::vector<const Mention*> ms;
  for (const Mention& m : c.mentions) ms.push_back(&m);
  DiscourseState local;
  TreeFacts out;
  out.facts = DependencyRelations(c.sentence, 0, ms, c.entities, DefaultLexicon(),
                                  state != nullptr ? *state : local, &out.pronouns);
  out.entities = c.entities;
  return out;
}

TEST(TreeRelationsTest, SubjectVerbObliqueWithCase) {
  TreeFacts t = ReadTree("Merkel/PROPN/2/nsubj met/VERB/0/root with/ADP/4/case Xi/PROPN/2/obl",
                         {{0, 1, PERSON}, {3, 4, PERSON}});
  const RawFact* f = t.Find("Merkel", "meet_with", "Xi");
  ASSERT_NE(f, nullptr) << t.Dump();
  EXPECT_EQ(f->flags, 0u);
}

TEST(TreeRelationsTest, DirectObjectAndParticle) {
  TreeFacts t =
      ReadTree("Oslo/PROPN/2/nsubj set/VERB/0/root up/ADP/2/compound:prt Nordfond/PROPN/2/obj",
               {{0, 1, GPE}, {3, 4, ORG}});
  EXPECT_NE(t.Find("Oslo", "set_up", "Nordfond"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, PassiveAgentBecomesSubject) {
  TreeFacts t = ReadTree(
      "Kyoto/PROPN/3/nsubj:pass was/AUX/3/aux:pass ratified/VERB/0/root by/ADP/5/case "
      "Russia/PROPN/3/obl:agent",
      {{0, 1, PROGRAM}, {4, 5, GPE}});
  EXPECT_NE(t.Find("Russia", "ratify", "Kyoto"), nullptr) << t.Dump();
  EXPECT_EQ(t.Find("Kyoto", "ratify_by", "Russia"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, PassiveObliqueStaysWithTheSubject) {
  TreeFacts t = ReadTree(
      "Curie/PROPN/3/nsubj:pass was/AUX/3/aux:pass born/VERB/0/root in/ADP/5/case "
      "Warsaw/PROPN/3/obl",
      {{0, 1, PERSON}, {4, 5, GPE}});
  EXPECT_NE(t.Find("Curie", "bear_in", "Warsaw"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, ConjunctsOnBothSides) {
  TreeFacts t = ReadTree(
      "Ghana/PROPN/4/nsubj and/CCONJ/3/cc Togo/PROPN/1/conj signed/VERB/0/root "
      "treaties/NOUN/4/obj with/ADP/7/case Benin/PROPN/4/obl and/CCONJ/9/cc Niger/PROPN/7/conj",
      {{0, 1, GPE}, {2, 3, GPE}, {6, 7, GPE}, {8, 9, GPE}});
  for (const char* s : {"Ghana", "Togo"}) {
    for (const char* o : {"Benin", "Niger"}) {
      EXPECT_NE(t.Find(s, "sign_with", o), nullptr) << s << " " << o << "\n" << t.Dump();
    }
  }
}

TEST(TreeRelationsTest, CoordinatedSubjectsOfAnObjectlessVerb) {
  TreeFacts t = ReadTree("Ghana/PROPN/4/nsubj and/CCONJ/3/cc Togo/PROPN/1/conj agreed/VERB/0/root",
                         {{0, 1, GPE}, {2, 3, GPE}});
  EXPECT_NE(t.Find("Ghana", "agree_with", "Togo"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, ObjectControlAndHedging) {
  TreeFacts t = ReadTree(
      "Greenpeace/PROPN/2/nsubj urged/VERB/0/root Norway/PROPN/2/obj to/PART/5/mark "
      "ban/VERB/2/xcomp Statoil/PROPN/5/obj",
      {{0, 1, ORG}, {2, 3, GPE}, {5, 6, ORG}});
  const RawFact* urge = t.Find("Greenpeace", "urge", "Norway");
  ASSERT_NE(urge, nullptr) << t.Dump();
  EXPECT_NE(urge->flags & HEDGED, 0u);
  const RawFact* ban = t.Find("Norway", "ban", "Statoil");
  ASSERT_NE(ban, nullptr) << t.Dump();
  EXPECT_NE(ban->flags & HEDGED, 0u);
  EXPECT_EQ(t.Find("Greenpeace", "ban", "Statoil"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, ConjoinedVerbInheritsTheSubject) {
  TreeFacts t = ReadTree(
      "Peru/PROPN/2/nsubj left/VERB/0/root Unasur/PROPN/2/obj and/CCONJ/5/cc joined/VERB/2/conj "
      "Prosur/PROPN/5/obj",
      {{0, 1, GPE}, {2, 3, ORG}, {5, 6, ORG}});
  EXPECT_NE(t.Find("Peru", "join", "Prosur"), nullptr) << t.Dump();
  EXPECT_EQ(t.Find("Unasur", "join", "Prosur"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, RelativeClauses) {
  // "Siemens, which acquired Varian, ..." and "the accord Chile rejected".
  TreeFacts a = ReadTree(
      "Siemens/PROPN/5/nsubj which/PRON/3/nsubj acquired/VERB/1/acl:relcl Varian/PROPN/3/obj "
      "grew/VERB/0/root",
      {{0, 1, ORG}, {3, 4, ORG}});
  EXPECT_NE(a.Find("Siemens", "acquire", "Varian"), nullptr) << a.Dump();
  TreeFacts b = ReadTree(
      "Peru/PROPN/2/nsubj signed/VERB/0/root Accord/PROPN/2/obj Chile/PROPN/5/nsubj "
      "rejected/VERB/3/acl:relcl",
      {{0, 1, GPE}, {2, 3, PROGRAM}, {3, 4, GPE}});
  EXPECT_NE(b.Find("Chile", "reject", "Accord"), nullptr) << b.Dump();
}

TEST(TreeRelationsTest, ParticipleModifierIsPassive) {
  TreeFacts t = ReadTree(
      "Quito/PROPN/2/nsubj hosted/VERB/0/root Habitat/PROPN/2/obj launched/VERB/3/acl "
      "by/ADP/6/case "
      "UNESCO/PROPN/4/obl:agent",
      {{0, 1, GPE}, {2, 3, PROGRAM}, {5, 6, ORG}});
  EXPECT_NE(t.Find("UNESCO", "launch", "Habitat"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, ObjectReachedThroughANoun) {
  TreeFacts t = ReadTree(
      "Mexico/PROPN/2/nsubj revoked/VERB/0/root the/DET/4/det immunity/NOUN/2/obj of/ADP/6/case "
      "DEA/PROPN/4/nmod",
      {{0, 1, GPE}, {5, 6, ORG}});
  EXPECT_NE(t.Find("Mexico", "revoke_of", "DEA"), nullptr) << t.Dump();
  // A noun naming the object's kind: "ended the policy of Remain".
  TreeFacts k = ReadTree(
      "Biden/PROPN/2/nsubj ended/VERB/0/root the/DET/4/det policy/NOUN/2/obj of/ADP/6/case "
      "Remain/PROPN/4/nmod",
      {{0, 1, ORG}, {5, 6, PROGRAM}});
  EXPECT_NE(k.Find("Biden", "end", "Remain"), nullptr) << k.Dump();
}

TEST(TreeRelationsTest, ObliqueThroughANounKeepsTheVerbsPreposition) {
  TreeFacts t = ReadTree(
      "Japan/PROPN/2/nsubj committed/VERB/0/root aid/NOUN/2/obj to/ADP/5/case "
      "projects/NOUN/2/obl in/ADP/7/case Laos/PROPN/5/nmod",
      {{0, 1, GPE}, {6, 7, GPE}});
  EXPECT_NE(t.Find("Japan", "commit_to", "Laos"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, NegationAndModality) {
  TreeFacts t = ReadTree(
      "Portugal/PROPN/4/nsubj did/AUX/4/aux not/PART/4/advmod ratify/VERB/0/root "
      "Lisbon/PROPN/4/obj",
      {{0, 1, GPE}, {4, 5, PROGRAM}});
  const RawFact* f = t.Find("Portugal", "ratify", "Lisbon");
  ASSERT_NE(f, nullptr) << t.Dump();
  EXPECT_NE(f->flags & NEGATED, 0u);
  EXPECT_EQ(f->flags & MODAL, 0u);
  TreeFacts m =
      ReadTree("Spain/PROPN/3/nsubj could/AUX/3/aux recognize/VERB/0/root Kosovo/PROPN/3/obj",
               {{0, 1, GPE}, {3, 4, GPE}});
  const RawFact* g = m.Find("Spain", "recognize", "Kosovo");
  ASSERT_NE(g, nullptr) << m.Dump();
  EXPECT_NE(g->flags & MODAL, 0u);
  EXPECT_EQ(g->flags & NEGATED, 0u);
}

TEST(TreeRelationsTest, AllegationAndReportedSpeech) {
  TreeFacts t = ReadTree(
      "Berg/PROPN/2/nsubj said/VERB/0/root Latvia/PROPN/5/nsubj allegedly/ADV/5/advmod "
      "signed/VERB/2/ccomp Accord/PROPN/5/obj",
      {{0, 1, PERSON}, {2, 3, GPE}, {5, 6, PROGRAM}});
  const RawFact* f = t.Find("Latvia", "sign", "Accord");
  ASSERT_NE(f, nullptr) << t.Dump();
  EXPECT_NE(f->flags & REPORTED, 0u);
  EXPECT_NE(f->flags & ALLEGED, 0u);
}

TEST(TreeRelationsTest, CopulaWithRoleNounAndOrganisation) {
  TreeFacts t = ReadTree(
      "Solberg/PROPN/3/nsubj is/AUX/3/cop adviser/NOUN/0/root on/ADP/5/case "
      "Council/PROPN/3/nmod",
      {{0, 1, PERSON}, {4, 5, ORG}});
  EXPECT_NE(t.Find("Solberg", "holds_role", "adviser"), nullptr) << t.Dump();
  EXPECT_NE(t.Find("Solberg", "member_of", "Council"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, CopulaWithPredicateNoun) {
  TreeFacts t = ReadTree(
      "Ottawa/PROPN/4/nsubj is/AUX/4/cop the/DET/4/det capital/NOUN/0/root of/ADP/6/case "
      "Canada/PROPN/4/nmod",
      {{0, 1, GPE}, {5, 6, GPE}});
  EXPECT_NE(t.Find("Ottawa", "capital_of", "Canada"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, NationalityOnThePredicateNoun) {
  TreeFacts t =
      ReadTree("Schmid/PROPN/5/nsubj is/AUX/5/cop a/DET/5/det Swiss/PROPN/5/amod racer/NOUN/0/root",
               {{0, 1, PERSON}, {3, 4, GPE}});
  EXPECT_NE(t.Find("Schmid", "affiliated_with", "Swiss"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, AppositionOfPlacesAndOfARole) {
  TreeFacts t = ReadTree(
      "Ruiz/PROPN/2/nsubj lives/VERB/0/root in/ADP/4/case Leon/PROPN/2/obl ,/PUNCT/6/punct "
      "Guanajuato/PROPN/4/appos",
      {{0, 1, PERSON}, {3, 4, GPE}, {5, 6, GPE}});
  EXPECT_NE(t.Find("Leon", "located_in", "Guanajuato"), nullptr) << t.Dump();
  TreeFacts r = ReadTree(
      "the/DET/3/det senior/ADJ/3/amod director/NOUN/8/nsubj on/ADP/5/case Council/PROPN/3/nmod "
      ",/PUNCT/7/punct Gonzalez/PROPN/3/appos spoke/VERB/0/root",
      {{4, 5, ORG}, {6, 7, PERSON}});
  EXPECT_NE(r.Find("Gonzalez", "holds_role", "senior director"), nullptr) << r.Dump();
  EXPECT_NE(r.Find("Gonzalez", "member_of", "Council"), nullptr) << r.Dump();
}

TEST(TreeRelationsTest, NominalModifierOnAName) {
  // "arms trafficking from Colombia": the modifier hangs off a non-head word.
  TreeFacts t = ReadTree(
      "Peru/PROPN/2/nsubj fights/VERB/0/root arms/NOUN/2/obj trafficking/NOUN/3/compound "
      "from/ADP/6/case Colombia/PROPN/4/nmod",
      {{0, 1, GPE}, {2, 4, TOPIC}, {5, 6, GPE}});
  EXPECT_NE(t.Find("arms trafficking", "from", "Colombia"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, PossessiveThroughANoun) {
  TreeFacts t = ReadTree(
      "Brazil/PROPN/3/nmod:poss 's/PART/1/case role/NOUN/0/root in/ADP/5/case "
      "deforestation/NOUN/3/nmod",
      {{0, 1, GPE}, {4, 5, TOPIC}});
  EXPECT_NE(t.Find("Brazil", "role_in", "deforestation"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, MeetingBetweenTwoActors) {
  TreeFacts t = ReadTree(
      "the/DET/2/det meeting/NOUN/0/root between/ADP/4/case Ardern/PROPN/2/nmod and/CCONJ/6/cc "
      "Morrison/PROPN/4/conj",
      {{3, 4, PERSON}, {5, 6, PERSON}});
  EXPECT_NE(t.Find("Ardern", "meet_with", "Morrison"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, AttributionNamesTheSource) {
  TreeFacts t = ReadTree(
      "according/VERB/3/case to/ADP/1/fixed Reuters/PROPN/6/obl ,/PUNCT/3/punct "
      "Siemens/PROPN/6/nsubj bought/VERB/0/root Varian/PROPN/6/obj",
      {{2, 3, ORG}, {4, 5, ORG}, {6, 7, ORG}});
  EXPECT_NE(t.Find("Reuters", "reports", "Siemens"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, PronounSubjectsResolveToTheLastSubject) {
  DiscourseState state;
  ReadTree("Ruiz/PROPN/2/nsubj arrived/VERB/0/root", {{0, 1, PERSON}}, &state);
  ASSERT_GE(state.person, 0);
  // A new sentence: the entity list restarts, so "Ruiz" is entity 0 again.
  TreeFacts t = ReadTree(
      "Ruiz/PROPN/2/nsubj slept/VERB/0/root ./PUNCT/2/punct she/PRON/5/nsubj "
      "praised/VERB/2/parataxis Ecuador/PROPN/5/obj",
      {{0, 1, PERSON}, {5, 6, GPE}}, &state);
  EXPECT_NE(t.Find("Ruiz", "praise", "Ecuador"), nullptr) << t.Dump();
  EXPECT_FALSE(t.pronouns.empty());
}

TEST(TreeRelationsTest, TheyAfterANameModifyingAPluralNoun) {
  TreeFacts t = ReadTree(
      "Peru/PROPN/2/nsubj expelled/VERB/0/root Interpol/PROPN/4/compound agents/NOUN/2/obj "
      "after/SCONJ/7/mark they/PRON/7/nsubj arrested/VERB/2/advcl Ortega/PROPN/7/obj",
      {{0, 1, GPE}, {2, 3, ORG}, {7, 8, PERSON}});
  EXPECT_NE(t.Find("Interpol", "arrest", "Ortega"), nullptr) << t.Dump();
  EXPECT_EQ(t.Find("Peru", "arrest", "Ortega"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, ConjunctWithoutCoordinatorIsAnApposition) {
  // The parser's "the director of X on the Council, Gonzalez," as a conj.
  TreeFacts t = ReadTree(
      "the/DET/2/det director/NOUN/9/nsubj of/ADP/4/case Andes/PROPN/2/nmod on/ADP/6/case "
      "Council/PROPN/4/nmod ,/PUNCT/8/punct Gonzalez/PROPN/6/conj spoke/VERB/0/root",
      {{3, 4, LOC}, {5, 6, ORG}, {7, 8, PERSON}});
  EXPECT_NE(t.Find("Gonzalez", "holds_role", "director"), nullptr) << t.Dump();
  EXPECT_NE(t.Find("Gonzalez", "director_of", "Andes"), nullptr) << t.Dump();
  EXPECT_EQ(t.Find("Andes", "on", "Gonzalez"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, AnInstrumentActsForWhoeverAdoptedIt) {
  // "Oslo kept rules that favour Statoil": the rules act for Oslo.
  TreeFacts a = ReadTree(
      "Oslo/PROPN/2/nsubj kept/VERB/0/root rules/NOUN/2/obj that/PRON/5/nsubj "
      "favour/VERB/3/acl:relcl Statoil/PROPN/5/obj",
      {{0, 1, GPE}, {5, 6, ORG}});
  const RawFact* f = a.Find("Oslo", "favour", "Statoil");
  ASSERT_NE(f, nullptr) << a.Dump();
  EXPECT_LT(f->confidence, 0.7f);  // inherited, not read directly
  // "Unicef drafted a letter urging Norway": a participle on the document.
  TreeFacts b = ReadTree(
      "Unicef/PROPN/2/nsubj drafted/VERB/0/root a/DET/4/det letter/NOUN/2/obj "
      "urging/VERB/4/acl Norway/PROPN/5/obj",
      {{0, 1, ORG}, {5, 6, GPE}});
  EXPECT_NE(b.Find("Unicef", "urge", "Norway"), nullptr) << b.Dump();
  // A patient is no instrument: "Oslo had songs recorded by Statoil".
  TreeFacts d = ReadTree(
      "Oslo/PROPN/2/nsubj had/VERB/0/root songs/NOUN/2/obj recorded/VERB/3/acl by/ADP/6/case "
      "Statoil/PROPN/4/obl:agent",
      {{0, 1, GPE}, {5, 6, ORG}});
  EXPECT_EQ(d.Find("Statoil", "record", "Oslo"), nullptr) << d.Dump();
  // People are not instruments: "Oslo met reporters who praised Statoil".
  TreeFacts c = ReadTree(
      "Oslo/PROPN/2/nsubj met/VERB/0/root reporters/NOUN/2/obj who/PRON/5/nsubj "
      "praised/VERB/3/acl:relcl Statoil/PROPN/5/obj",
      {{0, 1, GPE}, {5, 6, ORG}});
  EXPECT_EQ(c.Find("Oslo", "praise", "Statoil"), nullptr) << c.Dump();
}

TEST(TreeRelationsTest, AnInstrumentIsNotCarriedDownAClauseChain) {
  // "Oslo backs a bill that grants aid to migrants living in Peru", with
  // "living" hung on "grants": Oslo does not live in Peru.
  TreeFacts t = ReadTree(
      "Oslo/PROPN/2/nsubj backs/VERB/0/root a/DET/4/det bill/NOUN/2/obj that/PRON/6/nsubj "
      "grants/VERB/4/acl:relcl aid/NOUN/6/obj to/ADP/9/case migrants/NOUN/6/obl "
      "living/VERB/6/advcl in/ADP/12/case Peru/PROPN/10/obl",
      {{0, 1, GPE}, {11, 12, GPE}});
  EXPECT_EQ(t.Find("Oslo", "live_in", "Peru"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, ASecondSubjectWhichIsTheObject) {
  // "Fishing, which Norway discussed": the parser made "which" a subject.
  TreeFacts t = ReadTree(
      "Fishing/PROPN/0/root ,/PUNCT/5/punct which/PRON/5/nsubj Norway/PROPN/5/nsubj "
      "discussed/VERB/1/acl:relcl",
      {{0, 1, TOPIC}, {3, 4, GPE}});
  EXPECT_NE(t.Find("Norway", "discuss", "Fishing"), nullptr) << t.Dump();
  EXPECT_EQ(t.Find("Fishing", "discuss", "Norway"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, WhoDoesNotStandForAPlace) {
  // "migrants stranded in Peru who became victims of Interpol": the parser
  // hung the clause on the place.
  TreeFacts t = ReadTree(
      "migrants/NOUN/0/root stranded/VERB/1/acl in/ADP/4/case Peru/PROPN/2/obl "
      "who/PRON/6/nsubj became/VERB/4/acl:relcl victims/NOUN/6/obj of/ADP/9/case "
      "Interpol/PROPN/7/nmod",
      {{3, 4, GPE}, {8, 9, ORG}});
  EXPECT_EQ(t.Find("Peru", "become", "Interpol"), nullptr) << t.Dump();
  EXPECT_EQ(t.Find("Peru", "become_of", "Interpol"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, ANameOnAPluralOfPeopleIsTheObject) {
  // "Peru expelled the Interpol agents" -> Peru expel Interpol.
  TreeFacts t = ReadTree(
      "Peru/PROPN/2/nsubj expelled/VERB/0/root the/DET/5/det Interpol/PROPN/5/compound "
      "agents/NOUN/2/obj",
      {{0, 1, GPE}, {3, 4, ORG}});
  EXPECT_NE(t.Find("Peru", "expel", "Interpol"), nullptr) << t.Dump();
  // Through a noun: "Peru revoked the immunity of Interpol agents".
  TreeFacts v = ReadTree(
      "Peru/PROPN/2/nsubj revoked/VERB/0/root the/DET/4/det immunity/NOUN/2/obj of/ADP/7/case "
      "Interpol/PROPN/7/compound agents/NOUN/4/nmod",
      {{0, 1, GPE}, {5, 6, ORG}});
  EXPECT_NE(v.Find("Peru", "revoke_of", "Interpol"), nullptr) << v.Dump();
  // Not for things: "Peru expelled the Interpol files" says nothing of Interpol.
  TreeFacts u = ReadTree(
      "Peru/PROPN/2/nsubj burned/VERB/0/root the/DET/5/det Interpol/PROPN/5/compound "
      "files/NOUN/2/obj",
      {{0, 1, GPE}, {3, 4, ORG}});
  EXPECT_EQ(u.Find("Peru", "burn", "Interpol"), nullptr) << u.Dump();
}

TEST(TreeRelationsTest, PronounPrefersASubjectOfItsOwnSentence) {
  DiscourseState state;
  ReadTree("Unasur/PROPN/2/nsubj met/VERB/0/root", {{0, 1, ORG}}, &state);
  ASSERT_GE(state.thing, 0);
  // "The Storting objected when it rejected the Kyoto Protocol": "it" is the
  // Storting, not the previous sentence's Unasur.
  TreeFacts t = ReadTree(
      "Storting/PROPN/2/nsubj objected/VERB/0/root when/ADV/5/advmod it/PRON/5/nsubj "
      "rejected/VERB/2/advcl Kyoto/PROPN/5/obj",
      {{0, 1, ORG}, {5, 6, PROGRAM}}, &state);
  EXPECT_NE(t.Find("Storting", "reject", "Kyoto"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, ATokenOfASplitNameStandsForTheName) {
  // The parser hung "Watch" of "Human Rights Watch" as the verb's subject.
  TreeFacts t = ReadTree(
      "groups/NOUN/0/root like/ADP/4/case Human/ADJ/4/amod Rights/NOUN/1/nmod "
      "Watch/PRON/6/nsubj criticised/VERB/4/acl:relcl Chile/PROPN/6/obj",
      {{2, 5, ORG}, {6, 7, GPE}});
  EXPECT_NE(t.Find("Human Rights Watch", "criticise", "Chile"), nullptr) << t.Dump();
}

TEST(TreeRelationsTest, ANounTaggedAsAVerbAfterToIsAnOblique) {
  // "Norway committed aid to development projects in Ghana", with
  // "development" tagged as a verb ("to develop").
  TreeFacts t = ReadTree(
      "Norway/PROPN/2/nsubj committed/VERB/0/root aid/NOUN/2/obj to/PART/5/mark "
      "development/VERB/2/advcl projects/NOUN/5/obj in/ADP/8/case Ghana/PROPN/6/nmod",
      {{0, 1, GPE}, {7, 8, GPE}});
  EXPECT_NE(t.Find("Norway", "commit_to", "Ghana"), nullptr) << t.Dump();
  EXPECT_EQ(t.Find("Norway", "development_in", "Ghana"), nullptr) << t.Dump();
}

// Word-order patterns beside a tree (ExtractRelations on a parsed sentence).
std::vector<RawFact> ExtractBesideTree(const std::string& conll, const std::vector<Name>& names,
                                       std::vector<DocEntity>* entities) {
  TreeCase c = MakeTree(conll, names);
  Analysis analysis;
  analysis.sentences.push_back(c.sentence);
  std::vector<RawFact> facts = ExtractRelations(analysis, c.mentions, c.entities, DefaultLexicon());
  *entities = c.entities;
  return facts;
}

bool HasTypedFact(const std::vector<RawFact>& facts, const std::vector<DocEntity>& entities,
                  std::string_view a, std::string_view b) {
  for (const RawFact& f : facts) {
    if (f.predicate == kCoMentioned) continue;
    const std::string& s = entities[f.subject].name;
    const std::string& o = entities[f.object].name;
    if ((s == a && o == b) || (s == b && o == a)) return true;
  }
  return false;
}

TEST(TreeRelationsTest, WordOrderBesideATreeTakesNoObjectForASubject) {
  // "He attended Yale and obtained a degree from Harvard": Yale is the
  // object of "attended", not the subject of "obtained".
  std::vector<DocEntity> entities;
  std::vector<RawFact> facts = ExtractBesideTree(
      "He/PRON/2/nsubj attended/VERB/0/root Yale/PROPN/2/obj and/CCONJ/5/cc "
      "obtained/VERB/2/conj a/DET/7/det degree/NOUN/5/obj from/ADP/9/case Harvard/PROPN/5/obl",
      {{2, 3, ORG}, {8, 9, ORG}}, &entities);
  EXPECT_FALSE(HasTypedFact(facts, entities, "Yale", "Harvard"));
  // Next to its verb, word order still reads a subject the parser missed.
  facts = ExtractBesideTree(
      "Yale/PROPN/3/dep quickly/ADV/3/advmod hired/VERB/0/root Harvard/PROPN/3/obj",
      {{0, 1, ORG}, {3, 4, ORG}}, &entities);
  EXPECT_TRUE(HasTypedFact(facts, entities, "Yale", "Harvard"));
}

TEST(TreeRelationsTest, APartnerTwoNounsBelowTheObject) {
  TreeFacts t = ReadTree(
      "Peru/PROPN/2/nsubj signed/VERB/0/root changes/NOUN/2/obj to/ADP/6/case the/DET/6/det "
      "treaty/NOUN/3/nmod with/ADP/8/case Chile/PROPN/6/nmod",
      {{0, 1, GPE}, {7, 8, GPE}});
  EXPECT_NE(t.Find("Peru", "sign_with", "Chile"), nullptr) << t.Dump();
  // The same hop with "of" says nothing about the two.
  TreeFacts u = ReadTree(
      "Peru/PROPN/2/nsubj praised/VERB/0/root changes/NOUN/2/obj to/ADP/6/case the/DET/6/det "
      "budget/NOUN/3/nmod of/ADP/8/case Chile/PROPN/6/nmod",
      {{0, 1, GPE}, {7, 8, GPE}});
  EXPECT_TRUE(u.facts.empty()) << u.Dump();
}

TEST(TreeRelationsTest, PurposeInfinitiveOnTheObjectAndATitleAsHead) {
  // "Interpol used records to track Inspector Carlos Ruiz": "to track"
  // hangs on "records", and the parser made the title the head of the name.
  TreeFacts t = ReadTree(
      "Interpol/PROPN/2/nsubj used/VERB/0/root records/NOUN/2/obj to/PART/5/mark "
      "track/VERB/3/acl/VB Inspector/PROPN/5/obj Carlos/PROPN/6/flat Ruiz/PROPN/6/flat",
      {{0, 1, ORG}, {6, 8, PERSON}});
  EXPECT_NE(t.Find("Interpol", "track", "Carlos Ruiz"), nullptr) << t.Dump();
  // An infinitive on a subject noun borrows no subject.
  TreeFacts u = ReadTree(
      "Records/NOUN/4/nsubj to/PART/3/mark track/VERB/1/acl/VB helped/VERB/0/root "
      "Interpol/PROPN/4/obj",
      {{4, 5, ORG}});
  EXPECT_TRUE(u.facts.empty()) << u.Dump();
}

TEST(TreeRelationsTest, NamesGivenAsExamplesStandForTheirNoun) {
  TreeFacts t = ReadTree(
      "Unions/NOUN/6/nsubj and/CCONJ/3/cc groups/NOUN/1/conj like/ADP/5/case Oxfam/PROPN/3/nmod "
      "urged/VERB/0/root the/DET/8/det Senate/PROPN/6/obj",
      {{4, 5, ORG}, {7, 8, ORG}});
  EXPECT_NE(t.Find("Oxfam", "urge", "Senate"), nullptr) << t.Dump();
  // "near" is no example: the place does not urge.
  TreeFacts u = ReadTree(
      "Groups/NOUN/4/nsubj near/ADP/3/case Lima/PROPN/1/nmod urged/VERB/0/root "
      "the/DET/6/det Senate/PROPN/4/obj",
      {{2, 3, GPE}, {5, 6, ORG}});
  EXPECT_EQ(u.Find("Lima", "urge", "Senate"), nullptr) << u.Dump();
}

TEST(TreeRelationsTest, UnusableTreesAreRecognised) {
  Sentence s;
  Token t;
  t.text = "Peru";
  s.tokens.push_back(t);  // no deprel: untagged
  EXPECT_FALSE(HasUsableTree(s));
  s.tokens[0].deprel = "root";
  s.tokens[0].head = 3;  // outside the sentence
  EXPECT_FALSE(HasUsableTree(s));
  s.tokens[0].head = -1;
  EXPECT_TRUE(HasUsableTree(s));
}

// The shipped model end to end (facts the tree and the patterns agree on
// whatever the parser's small errors), through testing::ExtractModel.
TEST(ModelRelationsTest, ShippedModelReadsCoreSentences) {
  DocumentFacts f = ExtractModel(
      "Angela Merkel met with Xi Jinping in Berlin. "
      "The Kyoto Protocol was ratified by Russia in 2004. "
      "Portugal did not ratify the Lisbon Treaty.");
  EXPECT_NE(testing::FindFact(f, "Angela Merkel", "meet_with", "Xi Jinping"), nullptr)
      << testing::Dump(f);
  EXPECT_NE(testing::FindFact(f, "Russia", "ratify", "Kyoto Protocol"), nullptr)
      << testing::Dump(f);
  const ExtractedFact* x = testing::FindFact(f, "Portugal", "ratify", "Lisbon Treaty");
  ASSERT_NE(x, nullptr) << testing::Dump(f);
  EXPECT_NE(x->flags() & NEGATED, 0u);
}

TEST(ModelRelationsTest, PronounCoMentionInTheNextSentence) {
  DocumentFacts f = ExtractModel(
      "Marta Ruiz is a Chilean diplomat. She was born in Valparaiso and studied in Lima.");
  EXPECT_NE(testing::FindFact(f, "Marta Ruiz", "", "Valparaiso", /*directed=*/false), nullptr)
      << testing::Dump(f);
  EXPECT_NE(testing::FindFact(f, "Marta Ruiz", "", "Lima", /*directed=*/false), nullptr)
      << testing::Dump(f);
}

}  // namespace
}  // namespace kg::core
