// The lazy parse (ExtractRelations with a SentenceParser) must give exactly
// the facts, entities and merges of parsing every sentence with mentions,
// while leaving sentences with a single entity unparsed.

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "core/analyzer.h"
#include "core/extractor.h"
#include "core/lexicon.h"
#include "core/mention_finder.h"
#include "core/relations.h"
#include "core/resolver.h"
#include "gtest/gtest.h"
#include "tests/core/extraction_testutil.h"

namespace kg::core {
namespace {

namespace fs = std::filesystem;

const std::string kModel = std::string(KG_SOURCE_DIR) + "/models/en.kgm";

// Two sentences with one entity each (an organisation as subject), then a
// pronoun: "It" needs the referent, so the sentence just before it is
// parsed on demand and names Europol; the first one is never parsed.
constexpr char kPronounText[] =
    "Interpol expanded quickly.\n\n"
    "Europol grew as well.\n\n"
    "It later signed an agreement with Mexico and Canada.\n";

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> Texts() {
  std::vector<std::string> texts = {kPronounText};
  std::string seed = ReadFile(fs::path(KG_SOURCE_DIR) /
                              "../shared/data/seed/us-mexico-cooperation-2021-03-18.txt");
  if (!seed.empty()) texts.push_back(seed);
  std::vector<fs::path> corpus;
  for (const auto& e : fs::directory_iterator(fs::path(KG_SOURCE_DIR) / "examples/corpus")) {
    corpus.push_back(e.path());
  }
  std::sort(corpus.begin(), corpus.end());
  for (const fs::path& p : corpus) texts.push_back(ReadFile(p));
  return texts;
}

std::unique_ptr<Extractor> ModelExtractor(bool parse_all) {
  ExtractorOptions o;
  o.model_path = kModel;
  o.parse_all = parse_all;
  absl::StatusOr<std::unique_ptr<Extractor>> e = Extractor::Create(o);
  EXPECT_TRUE(e.ok()) << e.status();
  return e.ok() ? std::move(*e) : nullptr;
}

TEST(LazyParseTest, ExtractGivesTheFactsOfParsingEverySentence) {
  if (!fs::exists(kModel)) GTEST_SKIP() << kModel << " not found";
  std::unique_ptr<Extractor> lazy = ModelExtractor(false);
  std::unique_ptr<Extractor> eager = ModelExtractor(true);
  ASSERT_TRUE(lazy && eager);
  std::vector<std::string> texts = Texts();
  ASSERT_GE(texts.size(), 2u);
  for (size_t i = 0; i < texts.size(); ++i) {
    Document doc;
    doc.set_id("doc-" + std::to_string(i));
    absl::StatusOr<DocumentFacts> a = lazy->Extract(doc, texts[i]);
    absl::StatusOr<DocumentFacts> b = eager->Extract(doc, texts[i]);
    ASSERT_TRUE(a.ok() && b.ok()) << a.status() << b.status();
    EXPECT_GT(b->facts_size(), 0) << "text " << i;
    EXPECT_EQ(a->DebugString(), b->DebugString()) << "text " << i;
  }
}

// Runs the extraction steps by hand to see how many sentences were parsed.
struct RelationsRun {
  std::vector<RawFact> facts;
  std::vector<DocEntity> entities;
  LazyParseCounts counts;
  int with_mentions = 0;
};

RelationsRun Relations(const Analyzer& analyzer, const std::string& text, bool lazy) {
  const Lexicon& lexicon = DefaultLexicon();
  Analysis analysis = analyzer.Analyze(text, /*parse=*/false);
  std::vector<Mention> mentions = FindMentions(analysis, text, lexicon);
  Resolution res = ResolveEntities(mentions, analysis, lexicon);
  RelationsRun run;
  std::vector<bool> has(analysis.sentences.size(), false);
  for (const Mention& m : mentions) has[m.sentence] = true;
  for (bool h : has) run.with_mentions += h ? 1 : 0;
  if (lazy) {
    run.facts = ExtractRelations(
        analysis, mentions, res.entities, lexicon,
        [&](Sentence& s) { analyzer.ParseSentence(s); }, &run.counts);
  } else {
    for (size_t s = 0; s < has.size(); ++s) {
      if (has[s]) analyzer.ParseSentence(analysis.sentences[s]);
    }
    run.facts = ExtractRelations(analysis, mentions, res.entities, lexicon);
  }
  run.entities = std::move(res.entities);
  return run;
}

std::string Describe(const RelationsRun& run) {
  std::string out;
  for (const RawFact& f : run.facts) {
    out += run.entities[f.subject].key + " " + f.predicate + " " + run.entities[f.object].key +
           " s" + std::to_string(f.sentence) + " f" + std::to_string(f.flags) + "\n";
  }
  for (const DocEntity& e : run.entities) {
    out += e.key + " " + EntityType_Name(e.type) + (e.used ? " used\n" : "\n");
  }
  return out;
}

TEST(LazyParseTest, SingleEntitySentencesWaitForAPronounThatNeedsThem) {
  if (!fs::exists(kModel)) GTEST_SKIP() << kModel << " not found";
  auto analyzer = Analyzer::Load(kModel);
  ASSERT_TRUE(analyzer.ok()) << analyzer.status();
  RelationsRun lazy = Relations(**analyzer, kPronounText, true);
  RelationsRun eager = Relations(**analyzer, kPronounText, false);
  EXPECT_EQ(Describe(lazy), Describe(eager));
  EXPECT_EQ(lazy.counts.parsed + lazy.counts.skipped, lazy.with_mentions);
  EXPECT_EQ(lazy.with_mentions, 3);
  EXPECT_EQ(lazy.counts.skipped, 1) << Describe(lazy);
  // The referent found on demand: Europol, the latest subject.
  bool europol_signs = false;
  for (const RawFact& f : lazy.facts) {
    if (lazy.entities[f.subject].key == "europol" && f.sentence == 2) europol_signs = true;
  }
  EXPECT_TRUE(europol_signs) << Describe(lazy);
}

}  // namespace
}  // namespace kg::core
