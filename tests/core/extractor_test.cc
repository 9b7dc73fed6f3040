// The Extractor contract: errors, evidence spans, document fields, junk.
#include "core/extractor.h"

#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/term_key.h"
#include "tests/core/extraction_testutil.h"

namespace kg::core {
namespace {

using ::kg::core::testing::Dump;
using ::kg::core::testing::ExtractModel;
using ::kg::core::testing::ExtractRules;
using ::kg::core::testing::FindEntity;
using ::kg::core::testing::FindFact;
using ::testing::HasSubstr;

std::unique_ptr<Extractor> RuleExtractor() {
  ExtractorOptions o;
  o.use_model = false;
  absl::StatusOr<std::unique_ptr<Extractor>> e = Extractor::Create(o);
  EXPECT_TRUE(e.ok()) << e.status();
  return e.ok() ? std::move(*e) : nullptr;
}

TEST(ExtractorTest, RejectsInvalidUtf8WithOffset) {
  auto e = RuleExtractor();
  Document doc;
  absl::StatusOr<DocumentFacts> f = e->Extract(doc, "Peru signed.\xC3(");
  ASSERT_FALSE(f.ok());
  EXPECT_THAT(f.status().message(), HasSubstr("byte offset 12"));
  EXPECT_FALSE(e->Extract(doc, "  \n ").ok());
}

TEST(ExtractorTest, ExplicitMissingModelIsAnError) {
  ExtractorOptions o;
  o.model_path = "/nonexistent/dir/en.kgm";
  absl::StatusOr<std::unique_ptr<Extractor>> e = Extractor::Create(o);
  EXPECT_FALSE(e.ok());
}

TEST(ExtractorTest, EvidenceSpansCutTheSentenceFromTheSource) {
  std::string text =
      "Harbour Talks Resume\n\n05/02/22 \xE2\x80\x93 Angela Merkel met with Xi Jinping in Berlin. "
      "The Federal Aviation Administration (FAA) grounded flights to Beijing.\n\n"
      "Leave a Comment\n";
  auto e = RuleExtractor();
  Document doc;
  doc.set_id("d1");
  absl::StatusOr<DocumentFacts> f = e->Extract(doc, text);
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->document().title(), "Harbour Talks Resume");
  EXPECT_EQ(f->document().date(), "2022-05-02");
  EXPECT_EQ(f->document().id(), "d1");
  ASSERT_GT(f->facts_size(), 0);
  for (const ExtractedFact& x : f->facts()) {
    const Evidence& ev = x.evidence();
    ASSERT_LE(ev.end(), text.size());
    EXPECT_EQ(ev.text(), text.substr(ev.start(), ev.end() - ev.start()));
    EXPECT_EQ(ev.doc_id(), "d1");
    EXPECT_EQ(ev.date(), "2022-05-02");
    EXPECT_LT(ev.sentence(), f->document().sentences());
    if (ev.mention_end() > 0) {
      EXPECT_GE(ev.mention_start(), ev.start());
      EXPECT_LE(ev.mention_end(), ev.end());
    }
    EXPECT_FALSE(x.subject().empty());
    EXPECT_FALSE(x.object().empty());
  }
  for (const Merge& m : f->merges()) {
    EXPECT_EQ(m.evidence().text(),
              text.substr(m.evidence().start(), m.evidence().end() - m.evidence().start()));
  }
  // Every fact's ends are entities of the document.
  for (const ExtractedFact& x : f->facts()) {
    bool s = false, o = false;
    for (const Entity& en : f->entities()) {
      s |= en.key() == x.subject();
      o |= en.key() == x.object();
    }
    EXPECT_TRUE(s && o) << x.subject() << " / " << x.object();
  }
  EXPECT_EQ(FindEntity(*f, "Leave a Comment"), nullptr);
  EXPECT_EQ(FindEntity(*f, "Harbour Talks Resume"), nullptr);
}

TEST(ExtractorTest, NoJunkEntities) {
  DocumentFacts f = ExtractRules(
      "Officials said the plan would work. Previously, the board had doubts. "
      "On the other hand, they met Elena Costa in Rome. It was late.\n\n"
      "Photos: Staff\n\nYour email address will not be published.\n");
  for (const char* junk : {"Officials", "Previously", "On the other hand", "On", "It", "they",
                           "Photos", "Staff", "Your email address"}) {
    EXPECT_EQ(FindEntity(f, junk), nullptr) << junk << "\n" << Dump(f);
  }
  EXPECT_NE(FindEntity(f, "Elena Costa"), nullptr) << Dump(f);
  EXPECT_NE(FindEntity(f, "Rome"), nullptr) << Dump(f);
}

TEST(ExtractorTest, AnOrganisationNamedByAListIsOneName) {
  DocumentFacts f = ExtractModel(
      "Inspectors of the Office of Energy, Mines and Water visited Lima. "
      "The Ministry of Justice, Peru and Chile signed the accord.");
  const Entity* e = FindEntity(f, "Office of Energy, Mines and Water");
  ASSERT_NE(e, nullptr) << Dump(f);
  EXPECT_EQ(e->type(), ORG);
  EXPECT_EQ(FindEntity(f, "Mines"), nullptr) << Dump(f);
  // A list with countries in it enumerates actors.
  EXPECT_NE(FindEntity(f, "Ministry of Justice"), nullptr) << Dump(f);
  EXPECT_NE(FindEntity(f, "Peru"), nullptr) << Dump(f);
  EXPECT_NE(FindEntity(f, "Chile"), nullptr) << Dump(f);
}

// Names no capitalisation or list rule can type take the recogniser's type
// when its span is exactly the name; the rules alone call them MISC.
TEST(ExtractorTest, UntypedNamesTakeTheRecognisersType) {
  const std::string text =
      "Prosecutors said HSBC moved cartel money through Tijuana in 2012. "
      "A lawyer for Guzman denied the claims in Brooklyn.";
  DocumentFacts rules = ExtractRules(text);
  DocumentFacts model = ExtractModel(text);
  for (const auto& [name, type] : std::vector<std::pair<std::string, EntityType>>{
           {"HSBC", ORG}, {"Tijuana", LOC}, {"Guzman", PERSON}, {"Brooklyn", LOC}}) {
    const Entity* r = FindEntity(rules, name);
    ASSERT_NE(r, nullptr) << name << "\n" << Dump(rules);
    EXPECT_EQ(r->type(), MISC) << name;
    const Entity* m = FindEntity(model, name);
    ASSERT_NE(m, nullptr) << name << "\n" << Dump(model);
    EXPECT_EQ(m->type(), type) << name << "\n" << Dump(model);
  }
}

TEST(ExtractorTest, TopicsAreIssueNounPhrasesNotEveryNoun) {
  DocumentFacts f = ExtractRules(
      "Regulators in Latvia discussed money laundering with bankers. "
      "The bankers promised reports on tax evasion, and the table was set for lunch.");
  const Entity* t = FindEntity(f, "money laundering");
  ASSERT_NE(t, nullptr) << Dump(f);
  EXPECT_EQ(t->type(), TOPIC);
  ASSERT_NE(FindEntity(f, "tax evasion"), nullptr) << Dump(f);
  EXPECT_EQ(FindEntity(f, "table"), nullptr);
  EXPECT_EQ(FindEntity(f, "lunch"), nullptr);
}

TEST(ExtractorTest, ExtractIsDeterministic) {
  std::string text = "Angela Merkel met with Xi Jinping in Berlin. Merkel praised China.";
  DocumentFacts a = ExtractRules(text);
  DocumentFacts b = ExtractRules(text);
  EXPECT_EQ(a.SerializeAsString(), b.SerializeAsString());
}

// Every fact of our seed gold list (tests/data/seed_gold.jsonl) is a
// direct typed fact between the right entities (by name or alias) with an
// accepted predicate, extracted with the shipped model.
TEST(ExtractorTest, SeedGoldFactsAreAllFound) {
  const std::string seed =
      std::string(KG_SOURCE_DIR) + "/../shared/data/seed/us-mexico-cooperation-2021-03-18.txt";
  std::ifstream in(seed, std::ios::binary);
  if (!in) GTEST_SKIP() << "no " << seed;
  std::stringstream text;
  text << in.rdbuf();
  DocumentFacts f = ExtractModel(text.str());
  auto key_of = [&](const std::string& name) {
    std::string k = TermKey(name);
    for (const Entity& e : f.entities()) {
      if (e.key() == k) return e.key();
      for (const std::string& a : e.aliases()) {
        if (TermKey(a) == k) return e.key();
      }
    }
    return std::string();
  };
  std::ifstream gold(std::string(KG_SOURCE_DIR) + "/tests/data/seed_gold.jsonl");
  ASSERT_TRUE(gold.good());
  int lines = 0;
  for (std::string line; std::getline(gold, line);) {
    if (line.empty()) continue;
    ++lines;
    nlohmann::json g = nlohmann::json::parse(line);
    std::string s = key_of(g["subject"]), o = key_of(g["object"]);
    bool symmetric = g.value("symmetric", false);
    bool found = false;
    for (const ExtractedFact& x : f.facts()) {
      if (x.flags() & CO_MENTION) continue;
      bool ends = (x.subject() == s && x.object() == o) ||
                  (symmetric && x.subject() == o && x.object() == s);
      if (!ends) continue;
      for (const auto& p : g["predicate_any"]) found |= x.predicate() == p.get<std::string>();
    }
    EXPECT_TRUE(found) << "line " << lines << ": " << line << "\n" << Dump(f);
  }
  EXPECT_GE(lines, 30);
}

}  // namespace
}  // namespace kg::core
