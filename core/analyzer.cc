#include "core/analyzer.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "core/model_file.h"
#include "core/sentence_splitter.h"
#include "core/tokenizer.h"
#include "core/value_recognizer.h"
#include "proto/status_macros.h"

namespace kg::core {

absl::StatusOr<std::unique_ptr<Analyzer>> Analyzer::Load(const std::string& model_path) {
  std::unique_ptr<google::protobuf::Arena> arena = NewModelArena();
  auto* models = google::protobuf::Arena::CreateMessage<ModelSet>(arena.get());
  RETURN_IF_ERROR(ReadModelSet(model_path, *models));
  auto analyzer = FromModelSet(*models);
  if (!analyzer.ok()) {
    return absl::Status(analyzer.status().code(),
                        absl::StrCat(model_path, ": ", analyzer.status().message()));
  }
  return analyzer;
}

absl::StatusOr<std::unique_ptr<Analyzer>> Analyzer::FromModelSet(const ModelSet& models) {
  std::unique_ptr<Analyzer> a(new Analyzer());
  auto tagger = Tagger::FromProto(models.tagger());
  if (!tagger.ok()) return tagger.status();
  a->tagger_ = std::make_unique<Tagger>(std::move(*tagger));
  auto lemmatizer = Lemmatizer::FromProto(models.lemmatizer());
  if (!lemmatizer.ok()) return lemmatizer.status();
  a->lemmatizer_ = std::make_unique<Lemmatizer>(std::move(*lemmatizer));
  if (models.has_parser() && models.parser().labels_size() > 0) {
    auto parser = Parser::FromProto(models.parser());
    if (!parser.ok()) return parser.status();
    a->parser_ = std::make_unique<Parser>(std::move(*parser));
  }
  a->gazetteers_ = std::make_unique<GazetteerMatcher>(models.gazetteers());
  if (models.has_ner() && models.ner().labels_size() > 0) {
    auto ner = EntityRecognizer::FromProto(models.ner(), a->gazetteers_.get());
    if (!ner.ok()) return ner.status();
    a->recognizer_ = std::make_unique<EntityRecognizer>(std::move(*ner));
  }
  return a;
}

std::string Analyzer::DefaultModelPath() {
  if (const char* env = std::getenv("KG_MODEL"); env != nullptr && *env != '\0') return env;
  std::error_code ec;
#ifdef KG_SOURCE_DIR
  std::string source = std::string(KG_SOURCE_DIR) + "/models/en.kgm";
  if (std::filesystem::exists(source, ec)) return source;
#endif
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) return (exe.parent_path() / ".." / "models" / "en.kgm").lexically_normal().string();
  return "models/en.kgm";
}

void Analyzer::Tag(std::vector<Token>& tokens) const {
  tagger_->Tag(tokens);
  for (Token& t : tokens) t.lemma = lemmatizer_->Lemma(t.text, t.xpos);
}

void Analyzer::Parse(std::vector<Token>& tokens) const {
  if (parser_ != nullptr) parser_->Parse(tokens);
}

void Analyzer::Recognize(std::vector<Token>& tokens) const {
  for (Token& t : tokens) t.ner = "O";
  if (recognizer_ != nullptr) {
    std::vector<std::string_view> words, upos, xpos;
    for (const Token& t : tokens) {
      words.push_back(t.text);
      upos.push_back(t.upos);
      xpos.push_back(t.xpos);
    }
    std::vector<std::string> tags = recognizer_->Recognize(words, upos, xpos);
    for (size_t i = 0; i < tokens.size(); ++i) tokens[i].ner = std::move(tags[i]);
    // A LOC span that is exactly a country or subdivision is a GPE.
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i].ner != "B-LOC") continue;
      size_t j = i + 1;
      while (j < tokens.size() && tokens[j].ner == "I-LOC") ++j;
      std::vector<std::string_view> span(words.begin() + i, words.begin() + j);
      if (gazetteers_->IsPlace(span)) {
        tokens[i].ner = "B-GPE";
        for (size_t k = i + 1; k < j; ++k) tokens[k].ner = "I-GPE";
      }
    }
  }
  RecognizeValues(tokens);
}

Analysis Analyzer::Analyze(std::string_view text) const {
  Analysis analysis;
  analysis.sentences = SplitSentences(text, Tokenize(text));
  for (Sentence& s : analysis.sentences) {
    // Very long "sentences" (tables, lists) are processed in pieces so cost
    // stays linear; each piece gets its own tree.
    for (size_t from = 0; from < s.tokens.size(); from += kMaxSentenceTokens) {
      size_t to = std::min(s.tokens.size(), from + kMaxSentenceTokens);
      if (from == 0 && to == s.tokens.size()) {
        Tag(s.tokens);
        Parse(s.tokens);
        Recognize(s.tokens);
        break;
      }
      std::vector<Token> piece(std::make_move_iterator(s.tokens.begin() + from),
                               std::make_move_iterator(s.tokens.begin() + to));
      Tag(piece);
      Parse(piece);
      Recognize(piece);
      for (Token& t : piece) {
        if (t.head >= 0) t.head += static_cast<int>(from);
      }
      std::move(piece.begin(), piece.end(), s.tokens.begin() + from);
    }
  }
  return analysis;
}

}  // namespace kg::core
