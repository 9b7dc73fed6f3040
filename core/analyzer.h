#ifndef KG_CORE_ANALYZER_H_
#define KG_CORE_ANALYZER_H_

// kg::core::Analyzer: the statistical English pipeline behind extraction.
// Analyze() runs tokenize (core/tokenizer.h) -> sentence split
// (core/sentence_splitter.h) -> tag UPOS/XPOS (core/tagger.h) -> lemmatise
// (core/lemmatizer.h) -> dependency parse (core/parser.h, when the model has
// one) -> named entities (core/entity_recognizer.h) and values
// (core/value_recognizer.h), all from one model file (core/model_file.h).
//
// Entity tags in Token::ner are BIO over kg type names: PERSON, ORG, GPE
// (a LOC span that is exactly a country or subdivision name), LOC, EVENT,
// MISC (nationalities, groups, other names), DATE, MONEY, PERCENT, QUANTITY.
//
// Contract:
//  - Load() reads the model in well under 0.5 s; a missing, corrupt or
//    incompatible (other version) file is an error naming it.
//    FromModelSet() (and so Load()) builds the parser's table on a second
//    thread, joined before it returns (on errors too).
//  - Analyze() is const and thread-safe (share one Analyzer between
//    threads), never fails, never throws: invalid UTF-8 is skipped by the
//    tokenizer, any length is accepted (sentences longer than
//    kMaxSentenceTokens are cut into pieces for tagging and parsing).

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "core/analysis.h"
#include "core/document_entities.h"
#include "core/entity_recognizer.h"
#include "core/gazetteers.h"
#include "core/lemmatizer.h"
#include "core/parser.h"
#include "core/tagger.h"
#include "proto/model.pb.h"

namespace kg::core {

class Analyzer {
 public:
  static constexpr size_t kMaxSentenceTokens = 400;

  static absl::StatusOr<std::unique_ptr<Analyzer>> Load(const std::string& model_path);
  static absl::StatusOr<std::unique_ptr<Analyzer>> FromModelSet(const ModelSet& models);

  // $KG_MODEL if set; else <source dir>/models/en.kgm if it exists; else
  // ../models/en.kgm next to the running executable.
  static std::string DefaultModelPath();

  Analysis Analyze(std::string_view text) const;
  // Analyze() with the dependency parse left out when `parse` is false
  // (heads -1, empty deprels); ParseSentence() then gives any sentence the
  // tree Analyze() would have given it. Nothing before the parse reads a
  // tree (tagger, recogniser), so extraction parses only the sentences that
  // have mentions and its output is the same.
  Analysis Analyze(std::string_view text, bool parse) const;
  void ParseSentence(Sentence& sentence) const;

  // Stages, for evaluation and for callers with their own tokens. Each
  // fills its fields of `tokens` (one sentence).
  void Tag(std::vector<Token>& tokens) const;        // upos, xpos, lemma
  void Parse(std::vector<Token>& tokens) const;      // head, deprel (no-op without a parser)
  void Recognize(std::vector<Token>& tokens) const;  // ner
  // Recognize() over one document's sentences (in order), with the
  // document-level pass of core/document_entities.h between the recogniser
  // and the GPE and value rules: repeats of a name get one type. Analyze()
  // uses it on each text.
  void RecognizeDocument(const std::vector<std::vector<Token>*>& sentences,
                         const DocumentEntityOptions& options = {}) const;

  bool has_parser() const { return parser_ != nullptr; }
  const Tagger& tagger() const { return *tagger_; }
  const Lemmatizer& lemmatizer() const { return *lemmatizer_; }
  const Parser* parser() const { return parser_.get(); }
  const EntityRecognizer* recognizer() const { return recognizer_.get(); }
  const GazetteerMatcher& gazetteers() const { return *gazetteers_; }

 private:
  Analyzer() = default;

  // Recognize()'s two halves: the recogniser's names, then GPE and values.
  void RecognizeNames(std::vector<Token>& tokens) const;
  void FinishEntities(std::vector<Token>& tokens) const;

  std::unique_ptr<Tagger> tagger_;
  std::unique_ptr<Lemmatizer> lemmatizer_;
  std::unique_ptr<Parser> parser_;
  std::unique_ptr<GazetteerMatcher> gazetteers_;
  std::unique_ptr<EntityRecognizer> recognizer_;
};

}  // namespace kg::core

#endif  // KG_CORE_ANALYZER_H_
