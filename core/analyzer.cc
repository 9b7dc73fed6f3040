#include "core/analyzer.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <optional>
#include <system_error>
#include <thread>

#include "absl/strings/str_cat.h"
#include "core/model_file.h"
#include "core/name_conventions.h"
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
  // The parser's table, the largest, is built on a second thread while
  // this one builds the others (the message is only read, by both).
  const bool want_parser = models.has_parser() && models.parser().labels_size() > 0;
  std::optional<absl::StatusOr<Parser>> parser;
  auto build_parser = [&] { parser.emplace(Parser::FromProto(models.parser())); };
  std::thread parser_thread;
  if (want_parser) {
    try {
      parser_thread = std::thread(build_parser);
    } catch (const std::system_error&) {
      build_parser();  // no thread to be had: build it here
    }
  }
  struct Joiner {
    std::thread& t;
    ~Joiner() {
      if (t.joinable()) t.join();
    }
  } joiner{parser_thread};
  auto tagger = Tagger::FromProto(models.tagger());
  if (!tagger.ok()) return tagger.status();
  a->tagger_ = std::make_unique<Tagger>(std::move(*tagger));
  auto lemmatizer = Lemmatizer::FromProto(models.lemmatizer());
  if (!lemmatizer.ok()) return lemmatizer.status();
  a->lemmatizer_ = std::make_unique<Lemmatizer>(std::move(*lemmatizer));
  a->gazetteers_ = std::make_unique<GazetteerMatcher>(models.gazetteers());
  if (models.has_ner() && models.ner().labels_size() > 0) {
    auto ner = EntityRecognizer::FromProto(models.ner(), a->gazetteers_.get());
    if (!ner.ok()) return ner.status();
    a->recognizer_ = std::make_unique<EntityRecognizer>(std::move(*ner));
  }
  if (parser_thread.joinable()) parser_thread.join();
  if (want_parser) {
    if (!parser->ok()) return parser->status();
    a->parser_ = std::make_unique<Parser>(std::move(**parser));
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
  RecognizeNames(tokens);
  FinishEntities(tokens);
}

void Analyzer::RecognizeDocument(const std::vector<std::vector<Token>*>& sentences,
                                 const DocumentEntityOptions& options) const {
  for (std::vector<Token>* s : sentences) RecognizeNames(*s);
  if (recognizer_ != nullptr) HarmonizeDocumentEntities(sentences, options);
  for (std::vector<Token>* s : sentences) FinishEntities(*s);
}

void Analyzer::RecognizeNames(std::vector<Token>& tokens) const {
  for (Token& t : tokens) t.ner = "O";
  if (recognizer_ == nullptr) return;
  std::vector<std::string_view> words, upos, xpos;
  for (const Token& t : tokens) {
    words.push_back(t.text);
    upos.push_back(t.upos);
    xpos.push_back(t.xpos);
  }
  std::vector<std::string> tags = recognizer_->Recognize(words, upos, xpos);
  for (size_t i = 0; i < tokens.size(); ++i) tokens[i].ner = std::move(tags[i]);
}

void Analyzer::FinishEntities(std::vector<Token>& tokens) const {
  if (recognizer_ != nullptr) {
    // After the document pass, which would split a joined name again (it
    // labels each occurrence of "Lenhart" on its own). Both conventions
    // start from a PERSON label, so most sentences skip the copies.
    if (std::any_of(tokens.begin(), tokens.end(),
                    [](const Token& t) { return t.ner == "B-PERSON"; })) {
      std::vector<std::string_view> words, xpos;
      std::vector<std::string> tags;
      for (Token& t : tokens) {
        words.push_back(t.text);
        xpos.push_back(t.xpos);
        tags.push_back(std::move(t.ner));
      }
      JoinInvertedNames(words, tags);
      PluralPersonsAsGroups(xpos, tags);
      for (size_t i = 0; i < tokens.size(); ++i) tokens[i].ner = std::move(tags[i]);
    }
    // A LOC span that is exactly a country or subdivision is a GPE.
    std::vector<std::string_view> span;
    for (size_t i = 0; i < tokens.size(); ++i) {
      if (tokens[i].ner != "B-LOC") continue;
      size_t j = i + 1;
      while (j < tokens.size() && tokens[j].ner == "I-LOC") ++j;
      span.clear();
      for (size_t k = i; k < j; ++k) span.push_back(tokens[k].text);
      if (gazetteers_->IsPlace(span)) {
        tokens[i].ner = "B-GPE";
        for (size_t k = i + 1; k < j; ++k) tokens[k].ner = "I-GPE";
      }
    }
  }
  RecognizeValues(tokens);
}

Analysis Analyzer::Analyze(std::string_view text) const { return Analyze(text, true); }

Analysis Analyzer::Analyze(std::string_view text, bool parse) const {
  Analysis analysis;
  analysis.sentences = SplitSentences(text, Tokenize(text));
  // Very long "sentences" (tables, lists) are processed in pieces so cost
  // stays linear; each piece gets its own tree (ParseSentence). The pieces of the whole
  // text then go through the recogniser as one document.
  std::vector<std::vector<Token>> pieces;
  std::vector<std::vector<Token>*> document;
  for (Sentence& s : analysis.sentences) {
    if (s.tokens.size() <= kMaxSentenceTokens) {
      Tag(s.tokens);
      continue;
    }
    for (size_t from = 0; from < s.tokens.size(); from += kMaxSentenceTokens) {
      size_t to = std::min(s.tokens.size(), from + kMaxSentenceTokens);
      Tag(pieces.emplace_back(std::make_move_iterator(s.tokens.begin() + from),
                              std::make_move_iterator(s.tokens.begin() + to)));
    }
  }
  size_t next_piece = 0;
  for (Sentence& s : analysis.sentences) {
    if (s.tokens.size() <= kMaxSentenceTokens) {
      document.push_back(&s.tokens);
      continue;
    }
    for (size_t from = 0; from < s.tokens.size(); from += kMaxSentenceTokens) {
      document.push_back(&pieces[next_piece++]);
    }
  }
  RecognizeDocument(document);
  next_piece = 0;
  for (Sentence& s : analysis.sentences) {
    if (s.tokens.size() <= kMaxSentenceTokens) continue;
    for (size_t from = 0; from < s.tokens.size(); from += kMaxSentenceTokens) {
      std::vector<Token>& piece = pieces[next_piece++];
      std::move(piece.begin(), piece.end(), s.tokens.begin() + from);
    }
  }
  // Neither the tagger nor the recogniser reads a tree, so the parse comes
  // last, through the one function that also serves callers parsing later.
  if (parse) {
    for (Sentence& s : analysis.sentences) ParseSentence(s);
  }
  return analysis;
}

void Analyzer::ParseSentence(Sentence& sentence) const {
  std::vector<Token>& tokens = sentence.tokens;
  if (tokens.size() <= kMaxSentenceTokens) {
    Parse(tokens);
    return;
  }
  // The same pieces as Analyze() cuts, so the trees are the ones it makes.
  for (size_t from = 0; from < tokens.size(); from += kMaxSentenceTokens) {
    size_t to = std::min(tokens.size(), from + kMaxSentenceTokens);
    std::vector<Token> piece(tokens.begin() + from, tokens.begin() + to);
    Parse(piece);
    for (size_t i = 0; i < piece.size(); ++i) {
      Token& t = tokens[from + i];
      t.head = piece[i].head >= 0 ? piece[i].head + static_cast<int>(from) : piece[i].head;
      t.deprel = std::move(piece[i].deprel);
    }
  }
}

}  // namespace kg::core
