#include "tools/nlp_eval.h"

#include <algorithm>
#include <iostream>
#include <set>

#include "absl/strings/str_format.h"

namespace kg::tools {

PosScores EvaluatePos(const core::Analyzer& analyzer,
                      const std::vector<core::ConlluSentence>& gold) {
  PosScores s;
  for (const core::ConlluSentence& sent : gold) {
    std::vector<core::Token> tokens(sent.tokens.size());
    for (size_t i = 0; i < tokens.size(); ++i) tokens[i].text = sent.tokens[i].form;
    analyzer.Tag(tokens);
    for (size_t i = 0; i < tokens.size(); ++i) {
      const core::ConlluToken& g = sent.tokens[i];
      ++s.words;
      s.upos += tokens[i].upos == g.upos;
      s.xpos += tokens[i].xpos == g.xpos;
      s.lemma += tokens[i].lemma == g.lemma;
    }
  }
  return s;
}

std::vector<std::vector<std::string>> PredictNer(const core::Analyzer& analyzer,
                                                 const std::vector<core::NerSentence>& gold,
                                                 const NerEvalOptions& options) {
  std::vector<std::vector<std::string>> predicted(gold.size());
  std::vector<std::vector<core::Token>> tokens;
  for (size_t begin = 0; begin < gold.size();) {
    size_t end = begin + 1;
    if (options.by_document) {
      while (end < gold.size() && gold[end].doc_id == gold[begin].doc_id) ++end;
    }
    tokens.assign(end - begin, {});
    std::vector<std::vector<core::Token>*> document;
    for (size_t k = begin; k < end; ++k) {
      std::vector<core::Token>& t = tokens[k - begin];
      t.resize(gold[k].words.size());
      for (size_t i = 0; i < t.size(); ++i) t[i].text = gold[k].words[i];
      analyzer.Tag(t);
      document.push_back(&t);
    }
    if (options.by_document) {
      analyzer.RecognizeDocument(document, options.document);
    } else {
      analyzer.Recognize(tokens[0]);
    }
    for (size_t k = begin; k < end; ++k) {
      for (const core::Token& t : tokens[k - begin]) {
        std::string tag = t.ner;
        if (tag.size() > 2 && tag.substr(2) == "GPE") tag = tag.substr(0, 2) + "LOC";
        predicted[k].push_back(std::move(tag));
      }
    }
    begin = end;
  }
  return predicted;
}

NerScores EvaluateNer(const core::Analyzer& analyzer, const std::vector<core::NerSentence>& gold,
                      const std::vector<std::string>& types, const NerEvalOptions& options) {
  NerScores scores;
  std::set<std::string> headline(types.begin(), types.end());
  const std::vector<std::vector<std::string>> predicted = PredictNer(analyzer, gold, options);
  for (size_t k = 0; k < gold.size(); ++k) {
    const core::NerSentence& sent = gold[k];
    std::vector<core::NerSpan> g = core::BioToSpans(sent.tags);
    std::vector<core::NerSpan> p = core::BioToSpans(predicted[k]);
    for (const core::NerSpan& x : g) {
      ++scores.by_type[x.type].gold;
      if (headline.count(x.type)) ++scores.headline.gold;
    }
    for (const core::NerSpan& x : p) {
      bool named =
          x.type != "DATE" && x.type != "MONEY" && x.type != "PERCENT" && x.type != "QUANTITY";
      if (!named) continue;
      ++scores.by_type[x.type].predicted;
      if (headline.count(x.type)) ++scores.headline.predicted;
      if (std::find(g.begin(), g.end(), x) != g.end()) {
        ++scores.by_type[x.type].correct;
        if (headline.count(x.type)) ++scores.headline.correct;
      }
    }
  }
  return scores;
}

void PrintNerScores(const NerScores& scores, const std::string& title) {
  std::cout << absl::StrFormat("%-10s %6s %6s %6s %7s %7s\n", "type", "P", "R", "F1", "gold",
                               "pred");
  for (const auto& [type, s] : scores.by_type) {
    std::cout << absl::StrFormat("%-10s %6.2f %6.2f %6.2f %7d %7d\n", type, s.Precision(),
                                 s.Recall(), s.F1(), s.gold, s.predicted);
  }
  const TypeScores& h = scores.headline;
  std::cout << absl::StrFormat("%-10s %6.2f %6.2f %6.2f %7d %7d  (%s)\n", "headline", h.Precision(),
                               h.Recall(), h.F1(), h.gold, h.predicted, title);
}

}  // namespace kg::tools
