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

NerScores EvaluateNer(const core::Analyzer& analyzer, const std::vector<core::NerSentence>& gold,
                      const std::vector<std::string>& types) {
  NerScores scores;
  std::set<std::string> headline(types.begin(), types.end());
  for (const core::NerSentence& sent : gold) {
    std::vector<core::Token> tokens(sent.words.size());
    for (size_t i = 0; i < tokens.size(); ++i) tokens[i].text = sent.words[i];
    analyzer.Tag(tokens);
    analyzer.Recognize(tokens);
    std::vector<std::string> predicted_tags;
    for (core::Token& t : tokens) {
      std::string tag = t.ner;
      if (tag.size() > 2 && tag.substr(2) == "GPE") tag = tag.substr(0, 2) + "LOC";
      predicted_tags.push_back(tag);
    }
    std::vector<core::NerSpan> g = core::BioToSpans(sent.tags);
    std::vector<core::NerSpan> p = core::BioToSpans(predicted_tags);
    for (const core::NerSpan& x : g) {
      ++scores.by_type[x.type].gold;
      if (headline.count(x.type)) ++scores.headline.gold;
    }
    for (const core::NerSpan& x : p) {
      bool named = x.type != "DATE" && x.type != "MONEY" && x.type != "PERCENT" &&
                   x.type != "QUANTITY";
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
  std::cout << absl::StrFormat("%-10s %6.2f %6.2f %6.2f %7d %7d  (%s)\n", "headline",
                               h.Precision(), h.Recall(), h.F1(), h.gold, h.predicted, title);
}

}  // namespace kg::tools
