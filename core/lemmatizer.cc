#include "core/lemmatizer.h"

#include <map>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "core/word_features.h"

namespace kg::core {
namespace {

constexpr int kMaxSuffix = 5;
constexpr int kMinRuleCount = 2;

bool IsProper(std::string_view xpos) { return xpos == "NNP" || xpos == "NNPS"; }

// Bit of a suffix's byte length in Lemmatizer::suffix_lengths_ (lengths
// from 63 up share the last bit).
uint64_t LengthBit(size_t bytes) { return uint64_t{1} << (bytes < 63 ? bytes : 63); }

// The edit turning `lower` into `lemma`: strip bytes, append a string.
std::pair<uint32_t, std::string> Edit(const std::string& lower, const std::string& lemma) {
  size_t common = 0;
  while (common < lower.size() && common < lemma.size() && lower[common] == lemma[common]) {
    ++common;
  }
  return {static_cast<uint32_t>(lower.size() - common), lemma.substr(common)};
}

using RuleCounts = std::map<std::pair<uint32_t, std::string>, int>;

std::pair<uint32_t, std::string> Best(const RuleCounts& counts, int* total) {
  std::pair<uint32_t, std::string> best{0, ""};
  int best_n = -1;
  *total = 0;
  for (const auto& [rule, n] : counts) {
    *total += n;
    if (n > best_n) best = rule, best_n = n;
  }
  return best;
}

}  // namespace

LemmaModel TrainLemmatizer(const std::vector<ConlluSentence>& train) {
  // (lower form, xpos) -> lemma counts.
  std::map<std::pair<std::string, std::string>, std::map<std::string, int>> seen;
  for (const ConlluSentence& s : train) {
    for (const ConlluToken& t : s.tokens) {
      if (t.lemma.empty() || t.lemma == "_") continue;
      ++seen[{Lowercase(t.form), t.xpos}][IsProper(t.xpos) ? t.lemma : Lowercase(t.lemma)];
    }
  }
  // Suffix rules over word types (not tokens), for open-class behaviour.
  std::map<std::pair<std::string, std::string>, RuleCounts> suffix_rules;  // (xpos, suffix)
  LemmaModel model;
  for (const auto& [key, lemmas] : seen) {
    const auto& [lower, xpos] = key;
    std::string lemma;
    int best = -1;
    for (const auto& [l, n] : lemmas) {
      if (n > best) lemma = l, best = n;
    }
    if (IsProper(xpos)) continue;  // proper nouns: the form itself
    auto edit = Edit(lower, lemma);
    for (int k = 0; k <= kMaxSuffix; ++k) {
      std::string_view suffix = Suffix(lower, k);
      if (static_cast<int>(suffix.size()) < static_cast<int>(edit.first)) continue;
      ++suffix_rules[{xpos, std::string(suffix)}][edit];
      if (suffix.size() == lower.size()) break;
    }
  }
  // Keep a suffix rule when it is frequent and differs from its parent's.
  std::map<std::pair<std::string, std::string>, std::pair<uint32_t, std::string>> chosen;
  for (const auto& [key, counts] : suffix_rules) {
    int total = 0;
    auto rule = Best(counts, &total);
    if (total >= kMinRuleCount || key.second.empty()) chosen[key] = rule;
  }
  for (const auto& [key, rule] : chosen) {
    const auto& [xpos, suffix] = key;
    if (!suffix.empty()) {
      // Equal to the nearest shorter kept suffix's rule: redundant.
      std::string s = suffix;
      bool redundant = false;
      while (!s.empty()) {
        size_t cut = 1;
        while (cut < s.size() && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) ++cut;
        s = s.substr(cut);
        auto it = chosen.find({xpos, s});
        if (it != chosen.end()) {
          redundant = it->second == rule;
          break;
        }
      }
      if (redundant) continue;
    }
    LemmaModel::Rule* r = model.add_rules();
    r->set_xpos(xpos);
    r->set_suffix(suffix);
    r->set_strip(rule.first);
    r->set_append(rule.second);
  }
  // Exceptions: what the rules get wrong.
  Lemmatizer rules_only = *Lemmatizer::FromProto(model);
  for (const auto& [key, lemmas] : seen) {
    const auto& [lower, xpos] = key;
    std::string lemma;
    int best = -1;
    for (const auto& [l, n] : lemmas) {
      if (n > best) lemma = l, best = n;
    }
    if (IsProper(xpos) && lemma != lower) {
      // Proper nouns default to the form as written; store lower-case keys
      // only where the lemma is not just a casing of the form.
      if (Lowercase(lemma) == lower) continue;
    }
    if (rules_only.Lemma(lower, xpos) == lemma) continue;
    model.add_keys(absl::StrCat(lower, "\t", xpos));
    model.add_lemmas(lemma);
  }
  return model;
}

absl::StatusOr<Lemmatizer> Lemmatizer::FromProto(const LemmaModel& model) {
  if (model.keys_size() != model.lemmas_size()) {
    return absl::InvalidArgumentError("lemma model: keys and lemmas differ in number");
  }
  Lemmatizer l;
  l.table_.reserve(model.keys_size());
  for (int i = 0; i < model.keys_size(); ++i) l.table_[model.keys(i)] = model.lemmas(i);
  for (const LemmaModel::Rule& r : model.rules()) {
    l.rules_[absl::StrCat(r.xpos(), "\t", r.suffix())] = Rule{r.strip(), r.append()};
  }
  // Which suffix lengths a look-up key "xpos\tsuffix" can match, per xpos:
  // every split of a rule's key at a tab (a tag could hold one).
  for (const auto& [key, rule] : l.rules_) {
    for (size_t tab = key.find('\t'); tab != std::string::npos; tab = key.find('\t', tab + 1)) {
      l.suffix_lengths_[key.substr(0, tab)] |= LengthBit(key.size() - tab - 1);
    }
  }
  return l;
}

std::string Lemmatizer::Lemma(std::string_view form, std::string_view xpos) const {
  std::string lower = Lowercase(form);
  // One key buffer per thread for all look-ups (this runs once per token;
  // a buffer per call cost a malloc and a free per token).
  thread_local std::string key;
  key.clear();
  key.append(lower).push_back('\t');
  key.append(xpos);
  auto it = table_.find(key);
  if (it != table_.end()) return it->second;
  if (IsProper(xpos)) return std::string(form);
  // Only suffixes of a length some rule of this tag has are looked up (a
  // hash and a probe each): the same rule is found as by trying them all.
  const auto lengths = suffix_lengths_.find(absl::string_view(xpos.data(), xpos.size()));
  if (lengths == suffix_lengths_.end()) return lower;
  key.assign(xpos).push_back('\t');
  const size_t base = key.size();
  for (int k = kMaxSuffix; k >= 0; --k) {
    std::string_view suffix = Suffix(lower, k);
    if ((lengths->second & LengthBit(suffix.size())) == 0) continue;
    key.resize(base);
    key.append(suffix);
    auto r = rules_.find(key);
    if (r == rules_.end()) continue;
    if (r->second.strip > lower.size()) continue;
    lower.resize(lower.size() - r->second.strip);
    return lower + r->second.append;
  }
  return lower;  // default: lower-cased
}

}  // namespace kg::core
