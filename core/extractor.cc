#include "core/extractor.h"

#include <filesystem>
#include <iostream>
#include <mutex>
#include <thread>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "core/analysis.h"
#include "core/document_text.h"
#include "core/lexicon.h"
#include "core/mention_finder.h"
#include "core/relations.h"
#include "core/resolver.h"
#include "core/sentence_splitter.h"
#include "core/tokenizer.h"
#include "proto/status_macros.h"

// The statistical analyzer is optional at build time too, so the rule-based
// extractor builds on its own.
#if __has_include("core/analyzer.h")
#include "core/analyzer.h"
#define KG_HAVE_ANALYZER 1
#endif

namespace kg::core {
namespace {

bool IsValueType(EntityType t) {
  return t == DATE || t == MONEY || t == QUANTITY || t == PERCENT;
}

class RuleExtractor : public Extractor {
 public:
  RuleExtractor(const Lexicon& lexicon, std::vector<BlockedMerge> blocked)
      : lexicon_(lexicon), blocked_(std::move(blocked)), resolution_(ResolutionFingerprint(blocked_)) {}

  absl::StatusOr<DocumentFacts> Extract(const Document& doc,
                                        std::string_view text) const override {
    ASSIGN_OR_RETURN(DocumentText dt, DocumentText::Parse(text));
    Analysis analysis = Analyze(dt.masked());
    return Build(doc, text, dt, analysis);
  }

 protected:
  // Tokens and sentences only; the model-backed subclass adds tags, trees
  // and entity labels.
  virtual Analysis Analyze(std::string_view masked) const {
    Analysis analysis;
    analysis.sentences = SplitSentences(masked, Tokenize(masked));
    return analysis;
  }

  // Relations from the analysis; the model-backed subclass parses the
  // sentences that need a tree on the way.
  virtual std::vector<RawFact> Relations(Analysis& analysis, const std::vector<Mention>& mentions,
                                         std::vector<DocEntity>& entities) const {
    return ExtractRelations(analysis, mentions, entities, lexicon_);
  }

 public:

  // Shared by every mode: mentions, resolution, relations, the proto.
  absl::StatusOr<DocumentFacts> Build(const Document& doc, std::string_view text,
                                      const DocumentText& dt, Analysis& analysis) const {
    std::vector<Mention> mentions = FindMentions(analysis, text, lexicon_);
    Resolution res = ResolveEntities(mentions, analysis, lexicon_, blocked_);
    std::vector<RawFact> raw = Relations(analysis, mentions, res.entities);

    DocumentFacts out;
    Document* d = out.mutable_document();
    *d = doc;
    if (d->title().empty()) d->set_title(dt.title());
    if (d->date().empty()) d->set_date(dt.date());
    if (d->size() == 0) d->set_size(text.size());
    d->set_sentences(static_cast<uint32_t>(analysis.sentences.size()));
    d->set_resolution(resolution_);

    auto evidence = [&](int sentence, Evidence* ev) {
      const Sentence& s = analysis.sentences[sentence];
      ev->set_doc_id(d->id());
      ev->set_sentence(static_cast<uint32_t>(sentence));
      ev->set_start(s.begin);
      ev->set_end(s.end);
      ev->set_text(std::string(text.substr(s.begin, s.end - s.begin)));
      ev->set_date(d->date());
    };

    for (const DocEntity& e : res.entities) {
      if (IsValueType(e.type) && !e.used) continue;
      if (e.key.empty()) continue;
      Entity* pe = out.add_entities();
      pe->set_name(e.name);
      pe->set_key(e.key);
      pe->set_type(e.type == ENTITY_TYPE_UNSPECIFIED ? MISC : e.type);
      for (const std::string& a : e.aliases) pe->add_aliases(a);
      pe->set_mentions(static_cast<uint64_t>(std::max(e.mentions, 1)));
      pe->set_documents(1);
    }
    absl::flat_hash_set<std::string> seen;
    for (const RawFact& f : raw) {
      const DocEntity& s = res.entities[f.subject];
      const DocEntity& o = res.entities[f.object];
      if (s.key.empty() || o.key.empty() || s.key == o.key) continue;
      std::string id = s.key + "\x1f" + f.predicate + "\x1f" + o.key + "\x1f" +
                       std::to_string(f.sentence);
      if (!seen.insert(id).second) continue;
      ExtractedFact* ef = out.add_facts();
      ef->set_subject(s.key);
      ef->set_predicate(f.predicate);
      ef->set_object(o.key);
      ef->set_confidence(f.confidence);
      ef->set_flags(f.flags);
      evidence(f.sentence, ef->mutable_evidence());
      if (f.span_end > f.span_begin) {
        ef->mutable_evidence()->set_mention_start(f.span_begin);
        ef->mutable_evidence()->set_mention_end(f.span_end);
      }
    }
    for (const MergeRecord& m : res.merges) {
      Merge* pm = out.add_merges();
      pm->set_alias(m.alias);
      pm->set_canonical(res.entities[m.entity].key);
      pm->set_rule(m.rule);
      evidence(m.sentence, pm->mutable_evidence());
    }
    return out;
  }

 protected:
  const Lexicon& lexicon() const { return lexicon_; }

 private:
  const Lexicon& lexicon_;
  const std::vector<BlockedMerge> blocked_;
  const std::string resolution_;
};

#ifdef KG_HAVE_ANALYZER
class ModelExtractor : public RuleExtractor {
 public:
  ModelExtractor(const Lexicon& lexicon, std::vector<BlockedMerge> blocked,
                 std::unique_ptr<Analyzer> analyzer, bool parse_all)
      : RuleExtractor(lexicon, std::move(blocked)),
        analyzer_(std::move(analyzer)),
        parse_all_(parse_all) {}

 protected:
  // The parse is most of the analysis and only relations read it, so only
  // the sentences whose tree can change the facts are parsed: none without
  // mentions (about a fifth of wiki text), few with a single entity
  // (ExtractRelations' lazy form).
  Analysis Analyze(std::string_view masked) const override {
    return analyzer_->Analyze(masked, /*parse=*/false);
  }
  std::vector<RawFact> Relations(Analysis& analysis, const std::vector<Mention>& mentions,
                                 std::vector<DocEntity>& entities) const override {
    if (parse_all_) {
      std::vector<bool> parse(analysis.sentences.size(), false);
      for (const Mention& m : mentions) {
        if (m.sentence >= 0 && m.sentence < static_cast<int>(parse.size())) {
          parse[m.sentence] = true;
        }
      }
      for (size_t s = 0; s < parse.size(); ++s) {
        if (parse[s]) analyzer_->ParseSentence(analysis.sentences[s]);
      }
      return ExtractRelations(analysis, mentions, entities, lexicon());
    }
    return ExtractRelations(
        analysis, mentions, entities, lexicon(),
        [this](Sentence& sentence) { analyzer_->ParseSentence(sentence); });
  }

 private:
  std::unique_ptr<Analyzer> analyzer_;
  const bool parse_all_;
};
#endif

}  // namespace

absl::StatusOr<std::unique_ptr<Extractor>> Extractor::Create(const ExtractorOptions& options) {
  if (!options.use_model) {
    return std::unique_ptr<Extractor>(new RuleExtractor(DefaultLexicon(), options.blocked_merges));
  }
#ifdef KG_HAVE_ANALYZER
  std::string path = options.model_path.empty() ? Analyzer::DefaultModelPath() : options.model_path;
  std::error_code ec;
  if (!options.model_path.empty() || std::filesystem::exists(path, ec)) {
    // The lexicon (WordNet) loads on a second thread while the model loads:
    // a loader's start-up is otherwise one core's work.
    std::thread lexicon_loader([] { DefaultLexicon(); });
    absl::StatusOr<std::unique_ptr<Analyzer>> analyzer = Analyzer::Load(path);
    lexicon_loader.join();
    const Lexicon& lexicon = DefaultLexicon();
    if (!analyzer.ok()) return analyzer.status();
    return std::unique_ptr<Extractor>(new ModelExtractor(
        lexicon, options.blocked_merges, std::move(*analyzer), options.parse_all));
  }
  static std::once_flag note;
  std::call_once(note, [&] {
    std::cerr << "kg: note: no language model at " << path
              << "; using rule-based extraction\n";
  });
#endif
  return std::unique_ptr<Extractor>(new RuleExtractor(DefaultLexicon(), options.blocked_merges));
}

}  // namespace kg::core
