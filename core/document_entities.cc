#include "core/document_entities.h"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "core/word_features.h"

namespace kg::core {
namespace {

constexpr std::array<std::string_view, 5> kTypes = {"PERSON", "ORG", "LOC", "EVENT", "MISC"};
constexpr int kOutside = -1;
constexpr int kOther = 5;  // a value (DATE...) or a type the pass does not handle

// The type index of a BIO tag; GPE reads as LOC.
int TypeOf(const std::string& tag) {
  if (tag.size() < 3 || tag[1] != '-') return kOutside;
  std::string_view t = std::string_view(tag).substr(2);
  if (t == "GPE") return 2;
  for (size_t k = 0; k < kTypes.size(); ++k) {
    if (t == kTypes[k]) return static_cast<int>(k);
  }
  return kOther;
}

struct Votes {
  std::array<float, kTypes.size()> type{};
  float unlabelled = 0;
  // The winning type, or kOutside without a strict majority.
  int Best() const {
    int best = kOutside;
    float top = 0, second = 0;
    for (size_t k = 0; k < type.size(); ++k) {
      if (type[k] > top) {
        second = top;
        top = type[k];
        best = static_cast<int>(k);
      } else if (type[k] > second) {
        second = type[k];
      }
    }
    return top > second ? best : kOutside;
  }
};

bool IsConnector(std::string_view w) {
  return w == "of" || w == "the" || w == "and" || w == "for" || w == "&" || w == "de" ||
         w == "on" || w == "in";
}

// "Drug Enforcement Administration" -> "DEA"; empty unless every word is a
// capitalised ASCII word or a connector and at least two initials result.
std::string Acronym(const std::vector<Token>& tokens, int begin, int end) {
  std::string out;
  for (int i = begin; i < end; ++i) {
    const std::string& w = tokens[i].text;
    if (IsConnector(w)) continue;
    if (w.empty() || w[0] < 'A' || w[0] > 'Z') return "";
    out.push_back(w[0]);
  }
  return out.size() >= 2 ? out : "";
}

class Harmonizer {
 public:
  Harmonizer(const std::vector<std::vector<Token>*>& sentences,
             const DocumentEntityOptions& options)
      : sentences_(sentences), options_(options) {}

  void Run() {
    CollectVotes();
    if (votes_.empty()) return;
    FindOccurrences();
    if (options_.unlabelled_weight > 0) {
      for (const Occurrence& o : occurrences_) {
        if (o.type == kOutside && o.start > 0 && o.standalone) {
          o.votes->unlabelled += options_.unlabelled_weight;
        }
      }
    }
    for (const Occurrence& o : occurrences_) Apply(o);
  }

 private:
  struct Occurrence {
    std::vector<Token>* tokens;
    int start, end;
    int type;  // the exact span's type, or kOutside when every word is O
    bool standalone;
    Votes* votes;
  };

  std::string Key(std::string_view word) const {
    return options_.case_insensitive ? Lowercase(word) : std::string(word);
  }

  std::string Key(const std::vector<Token>& tokens, int begin, int end) const {
    std::string key;
    for (int i = begin; i < end; ++i) {
      if (i > begin) key.push_back(' ');
      key += tokens[i].text;
    }
    return options_.case_insensitive ? Lowercase(key) : key;
  }

  void Vote(std::string key, int length, int type, float weight) {
    int& longest = first_words_[Key(std::string_view(key).substr(0, key.find(' ')))];
    longest = std::max(longest, length);
    votes_[std::move(key)].type[type] += weight;
  }

  void CollectVotes() {
    for (std::vector<Token>* s : sentences_) {
      const std::vector<Token>& t = *s;
      const int n = static_cast<int>(t.size());
      for (int i = 0; i < n;) {
        const int type = TypeOf(t[i].ner);
        if (type == kOutside || type == kOther) {
          ++i;
          continue;
        }
        int j = i + 1;
        while (j < n && t[j].ner.size() > 2 && t[j].ner[0] == 'I' && TypeOf(t[j].ner) == type) ++j;
        Vote(Key(t, i, j), j - i, type, 1.0f);
        if (j - i >= 2 && options_.acronyms) {
          if (std::string a = Acronym(t, i, j); !a.empty())
            Vote(Key(a), 1, type, options_.derived_weight);
        }
        if (j - i >= 2 && options_.name_parts && type == 0) {
          for (int k = i; k < j; ++k) {
            const std::string& w = t[k].text;
            if (w.size() >= 2 && StartsUpper(w) && w.back() != '.')
              Vote(Key(w), 1, type, options_.derived_weight);
          }
        }
        i = j;
      }
    }
  }

  // A neighbour that would make an unlabelled repeat part of a longer name.
  static bool NameLike(const std::vector<Token>& t, int i) {
    if (i < 0 || i >= static_cast<int>(t.size())) return false;
    if (TypeOf(t[i].ner) != kOutside) return true;
    return StartsUpper(t[i].text) && (i > 0 || t[i].upos == "PROPN");
  }

  void FindOccurrences() {
    for (std::vector<Token>* s : sentences_) {
      std::vector<Token>& t = *s;
      const int n = static_cast<int>(t.size());
      for (int i = 0; i < n;) {
        auto fw = first_words_.find(Key(t[i].text));
        if (fw == first_words_.end()) {
          ++i;
          continue;
        }
        int matched = 0;
        for (int len = std::min(fw->second, n - i); len >= 1 && matched == 0; --len) {
          auto v = votes_.find(Key(t, i, i + len));
          if (v == votes_.end()) continue;
          matched = len;
          Occurrence o{&t, i, i + len, kOutside, false, &v->second};
          if (Classify(o)) occurrences_.push_back(o);
        }
        i += std::max(matched, 1);
      }
    }
  }

  // Sets o.type and o.standalone; false if the occurrence overlaps another
  // span partly (or a value).
  static bool Classify(Occurrence& o) {
    const std::vector<Token>& t = *o.tokens;
    const int first = TypeOf(t[o.start].ner);
    if (first == kOutside) {
      for (int k = o.start; k < o.end; ++k) {
        if (TypeOf(t[k].ner) != kOutside) return false;
      }
      bool proper = false;
      for (int k = o.start; k < o.end; ++k) proper |= t[k].upos == "PROPN";
      o.standalone = proper && !NameLike(t, o.start - 1) && !NameLike(t, o.end);
      return true;
    }
    if (first == kOther || t[o.start].ner[0] != 'B') return false;
    for (int k = o.start + 1; k < o.end; ++k) {
      if (t[k].ner[0] != 'I' || TypeOf(t[k].ner) != first) return false;
    }
    if (o.end < static_cast<int>(t.size()) && t[o.end].ner[0] == 'I') return false;
    o.type = first;
    return true;
  }

  void Apply(const Occurrence& o) const {
    const int best = o.votes->Best();
    if (best == kOutside || best == o.type) return;
    if (o.type == kOutside) {
      if (!options_.label_repeats || !o.standalone) return;
      if (o.votes->type[best] <= o.votes->unlabelled) return;
    } else {
      if (!options_.retype || o.votes->type[best] <= o.votes->type[o.type]) return;
      if (o.type == 2 && best == 2) return;
    }
    std::vector<Token>& t = *o.tokens;
    for (int k = o.start; k < o.end; ++k) {
      t[k].ner = std::string(k == o.start ? "B-" : "I-") + std::string(kTypes[best]);
    }
  }

  const std::vector<std::vector<Token>*>& sentences_;
  const DocumentEntityOptions& options_;
  absl::flat_hash_map<std::string, Votes> votes_;
  absl::flat_hash_map<std::string, int> first_words_;  // -> longest name starting with it
  std::vector<Occurrence> occurrences_;
};

}  // namespace

void HarmonizeDocumentEntities(const std::vector<std::vector<Token>*>& sentences,
                               const DocumentEntityOptions& options) {
  Harmonizer(sentences, options).Run();
}

}  // namespace kg::core
