#include "core/mention_finder.h"

#include <utf8proc.h>

#include <algorithm>
#include <cctype>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "proto/term_key.h"

namespace kg::core {
namespace {

bool IsMonthName(std::string_view lower) {
  static const absl::flat_hash_set<std::string_view> kMonths = {
      "january", "february", "march",     "april",   "may",      "june", "july",
      "august",  "september", "october", "november", "december", "jan.", "feb.",
      "mar.",    "apr.",      "jun.",    "jul.",     "aug.",     "sep.", "sept.",
      "oct.",    "nov.",      "dec."};
  return kMonths.contains(lower);
}

bool IsWeekday(std::string_view lower) {
  static const absl::flat_hash_set<std::string_view> kDays = {
      "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
  return kDays.contains(lower);
}

bool IsNumber(std::string_view w) {
  if (w.empty() || !std::isdigit(static_cast<unsigned char>(w[0]))) return false;
  for (char c : w) {
    if (!std::isdigit(static_cast<unsigned char>(c)) && c != ',' && c != '.') return false;
  }
  return true;
}

bool IsYear(std::string_view w) {
  return w.size() == 4 && IsNumber(w) && (w[0] == '1' || w[0] == '2');
}

bool IsMagnitude(std::string_view lower) {
  return lower == "million" || lower == "billion" || lower == "trillion" ||
         lower == "thousand" || lower == "hundred";
}

bool IsOpenQuote(std::string_view w) { return w == "\"" || w == "\xE2\x80\x9C" || w == "``"; }
bool IsCloseQuote(std::string_view w) { return w == "\"" || w == "\xE2\x80\x9D" || w == "''"; }
bool IsPossessive(std::string_view w) { return w == "'s" || w == "\xE2\x80\x99s" || w == "'" || w == "\xE2\x80\x99"; }

// Whether LowerAscii(w) == w, without building the lower-case copy.
bool LowerAsciiUnchanged(std::string_view w) {
  for (char c : w) {
    if (c >= 'A' && c <= 'Z') return false;
  }
  return true;
}

bool IsAlphaWord(std::string_view w) {
  if (w.empty()) return false;
  for (char c : w) {
    if (!std::isalpha(static_cast<unsigned char>(c)) && c != '-' &&
        static_cast<unsigned char>(c) < 0x80) {
      return false;
    }
  }
  return true;
}

// Words that join parts of one capitalised name.
bool IsNameConnector(std::string_view lower) {
  return lower == "of" || lower == "for" || lower == "de" || lower == "del" || lower == "la" ||
         lower == "los" || lower == "las" || lower == "da" || lower == "do" || lower == "dos" ||
         lower == "van" || lower == "von" || lower == "der" || lower == "du" || lower == "le" ||
         lower == "&" || lower == "y" || lower == "bin" || lower == "al";
}

// Internal type until PersonNames() decides (never leaves this file).
constexpr EntityType kMaybePerson = static_cast<EntityType>(1000);

struct Chunk {
  int sentence, begin, end;  // tokens [begin, end)
  std::string key;           // lemma form
  std::string name;
  bool frame = false;
  bool group = false;
  bool topic = false;
};

class Finder {
 public:
  Finder(const Analysis& a, std::string_view text, const Lexicon& lex)
      : a_(a), text_(text), lex_(lex), used_(a.sentences.size()) {
    for (size_t s = 0; s < a.sentences.size(); ++s) used_[s].assign(a.sentences[s].tokens.size(), 0);
  }

  std::vector<Mention> Run() {
    CollectMidSentenceCapitals();
    QuotedPhrasesInRawText();
    // Name boundaries come from the capitalisation rules: the recogniser's
    // spans proved too fragmentary on news text ("Joe" / "Biden"), so NER
    // tags are not used for boundaries yet (see HasNer / NerSpans).
    has_ner_ = false;
    for (int s = 0; s < static_cast<int>(a_.sentences.size()); ++s) SentenceMentions(s);
    AddChunks();
    PersonNames();
    std::sort(out_.begin(), out_.end(), [](const Mention& x, const Mention& y) {
      return x.sentence != y.sentence ? x.sentence < y.sentence : x.begin < y.begin;
    });
    return std::move(out_);
  }

 private:
  const std::vector<Token>& Tok(int s) const { return a_.sentences[s].tokens; }

  bool HasNer() const {
    for (const Sentence& s : a_.sentences) {
      for (const Token& t : s.tokens) {
        if (!t.ner.empty()) return true;
      }
    }
    return false;
  }

  int FirstWord(int s) const {
    const auto& t = Tok(s);
    for (int i = 0; i < static_cast<int>(t.size()); ++i) {
      unsigned char c = static_cast<unsigned char>(t[i].text[0]);
      if (std::isalnum(c) || c >= 0x80) {
        if (t[i].text.rfind("\xE2\x80", 0) == 0) continue;  // curly quotes, dashes
        return i;
      }
    }
    return 0;
  }

  // Capitalised words seen after the first word of a sentence (and not
  // right after an opening quote or a colon, which also start clauses).
  void CollectMidSentenceCapitals() {
    for (int s = 0; s < static_cast<int>(a_.sentences.size()); ++s) {
      const auto& t = Tok(s);
      int first = FirstWord(s);
      for (int i = first + 1; i < static_cast<int>(t.size()); ++i) {
        if (!IsCapitalized(t[i].text)) continue;
        const std::string& prev = t[i - 1].text;
        if (IsOpenQuote(prev) || prev == ":" || prev == "(") continue;
        mid_caps_.insert(t[i].text);
      }
    }
  }

  // A flag per token of each sentence: asked for nearly every token, more
  // than once, so an array rather than a hash set of (sentence, token).
  bool Used(int s, int i) const {
    const std::vector<char>& u = used_[s];
    return i >= 0 && i < static_cast<int>(u.size()) && u[i];
  }
  void MarkUsed(int s, int b, int e) {
    std::vector<char>& u = used_[s];
    if (e > static_cast<int>(u.size())) u.resize(e, 0);
    for (int i = b; i < e; ++i) u[i] = 1;
  }

  Mention Make(int s, int b, int e, EntityType type) const {
    const auto& t = Tok(s);
    Mention m;
    m.sentence = s;
    m.begin = b;
    m.end = e;
    m.byte_begin = t[b].begin;
    m.byte_end = t[e - 1].end;
    m.text = std::string(text_.substr(m.byte_begin, m.byte_end - m.byte_begin));
    m.type = type;
    return m;
  }

  void SentenceMentions(int s) {
    const auto& t = Tok(s);
    const int n = static_cast<int>(t.size());
    Values(s);
    if (has_ner_) NerSpans(s);
    Quoted(s);
    const int first = FirstWord(s);
    int i = 0;
    while (i < n) {
      if (Used(s, i) || !IsCapitalized(t[i].text)) {
        ++i;
        continue;
      }
      // Known multi-word names (seen quoted) match unquoted too.
      if (int k = MatchKnownPhrase(s, i); k > 0) {
        EntityType type = known_types_[PhraseKey(s, i, i + k)];
        if (i + k < n && lex_.HeadType(t[i + k].text) == PROGRAM) type = PROGRAM;
        Mention m = Make(s, i, i + k, type);
        MarkUsed(s, i, i + k);
        out_.push_back(std::move(m));
        i += k;
        continue;
      }
      int j = i + 1;
      int last_ok = i + 1;  // end of the span accepted so far
      while (j < n && !Used(s, j)) {
        const std::string& w = t[j].text;
        if (IsCapitalized(w) && !IsPossessive(w)) {
          ++j;
          last_ok = j;
          continue;
        }
        std::string lw = LowerAscii(w);
        bool next_cap = j + 1 < n && IsCapitalized(t[j + 1].text) && !Used(s, j + 1);
        if (next_cap && IsNameConnector(lw)) {
          ++j;
          continue;
        }
        if (next_cap && lw == "on" && lex_.HeadType(t[j - 1].text) == ORG) {
          ++j;
          continue;
        }
        if (w == ",") {
          // "Bureau of Alcohol, Tobacco, Firearms and Explosives": a list
          // closing with "and" after "<organisation word> of" is one name.
          if (int k = ListAfterOrgOf(s, i, j); k > 0) {
            j = k;
            last_ok = k;
            continue;
          }
        }
        if (next_cap && lw == "and" && !lex_.IsTitleWord(t[j + 1].text)) {
          // Keep "Customs and Border Patrol" whole: only organisations.
          int k = j + 1;
          while (k < n && IsCapitalized(t[k].text) && !Used(s, k)) ++k;
          EntityType head = lex_.HeadType(t[k - 1].text);
          if (head == ORG || head == PROGRAM) {
            j = k;
            last_ok = k;
            continue;
          }
        }
        break;
      }
      int b = i, e = last_ok;
      i = std::max(e, i + 1);
      AddNameSpan(s, b, e, first);
    }
    DemonymGroups(s);
  }

  // Whether span [b, e) has an organisation word right before an "of"
  // ("Bureau of ...", "Ministry of ...").
  bool OrgOf(int s, int b, int e) const {
    const auto& t = Tok(s);
    for (int k = b + 1; k < e; ++k) {
      if (LowerAscii(t[k].text) == "of" && lex_.HeadType(t[k - 1].text) == ORG) return true;
    }
    return false;
  }

  // At the comma `c` ending an "<organisation word> of" span [b, c): the end
  // of a list of capitalised items (1-3 words each) closed by "and"/"&", or
  // -1. A list with a country in it enumerates actors, not one name.
  int ListAfterOrgOf(int s, int b, int c) const {
    const auto& t = Tok(s);
    const int n = static_cast<int>(t.size());
    if (!OrgOf(s, b, c)) return -1;
    auto item = [&](int k) {
      int e = k;
      while (e < n && e - k < 3 && IsCapitalized(t[e].text) && !Used(s, e)) ++e;
      if (e == k) return -1;
      std::string words(text_.substr(t[k].begin, t[e - 1].end - t[k].begin));
      return lex_.CountryByKey(TermKey(words)) != nullptr ? -1 : e;
    };
    auto is_and = [&](int k) {
      return k < n && (LowerAscii(t[k].text) == "and" || t[k].text == "&");
    };
    int k = c;
    while (k < n && t[k].text == ",") {
      const bool oxford = is_and(++k);  // ", and"
      k = item(oxford ? k + 1 : k);
      if (k < 0 || oxford) return k;
      if (is_and(k)) return item(k + 1);
    }
    return -1;
  }

  // Multi-word names without a type cue become PERSON when their last (or
  // first) word also stands alone in the document, or when a title or a
  // reporting verb goes with them; else MISC.
  void PersonNames() {
    absl::flat_hash_set<std::string> single;
    absl::flat_hash_set<std::string> person_words;
    for (const Mention& m : out_) {
      if (m.end - m.begin == 1 || m.text.find(' ') == std::string::npos) single.insert(TermKey(m.text));
      if (m.type == PERSON) {
        for (std::string_view w : Words(m.text)) person_words.insert(TermKey(w));
      }
    }
    for (Mention& m : out_) {
      if (m.type != kMaybePerson) continue;
      std::vector<std::string_view> w = Words(m.text);
      bool person = single.contains(TermKey(w.back())) || single.contains(TermKey(w.front())) ||
                    person_words.contains(TermKey(w.back()));
      // Names of people are mostly words that are not English common words
      // ("Marta Ruiz"); organisations and places are built from common words
      // ("White House", "Century Arms").
      for (std::string_view x : w) person |= !CommonWord(LowerAscii(x));
      const auto& t = Tok(m.sentence);
      if (m.end < static_cast<int>(t.size())) {
        std::string next = LowerAscii(t[m.end].text);
        if (next == "said" || next == "says" || next == "told" || next == "who") person = true;
        if (next == "," && m.end + 1 < static_cast<int>(t.size()) &&
            LowerAscii(t[m.end + 1].text) == "who") {
          person = true;
        }
      }
      m.type = person ? PERSON : MISC;
    }
  }

  static std::vector<std::string_view> Words(std::string_view s) {
    std::vector<std::string_view> out;
    size_t i = 0;
    while (i < s.size()) {
      while (i < s.size() && s[i] == ' ') ++i;
      size_t b = i;
      while (i < s.size() && s[i] != ' ') ++i;
      if (i > b) out.push_back(s.substr(b, i - b));
    }
    return out;
  }

  // Title-case phrases quoted anywhere in the raw text, headlines included:
  // "Remain in Mexico" is then a name wherever it appears.
  void QuotedPhrasesInRawText() {
    std::string_view t = text_;
    size_t i = 0;
    while ((i = t.find("\xE2\x80\x9C", i)) != std::string_view::npos) {
      size_t close = t.find("\xE2\x80\x9D", i + 3);
      if (close == std::string_view::npos || close - i > 80) {
        i += 3;
        continue;
      }
      std::string_view inner = t.substr(i + 3, close - i - 3);
      i = close + 3;
      while (!inner.empty() && (inner.back() == ',' || inner.back() == '.')) inner.remove_suffix(1);
      std::vector<std::string_view> w = Words(inner);
      if (w.size() < 2 || w.size() > 8 || !IsCapitalized(w[0])) continue;
      bool ok = true;
      for (std::string_view x : w) {
        if (!IsCapitalized(x) && !lex_.IsFunctionWord(LowerAscii(x))) ok = false;
        if (x.find('.') != std::string_view::npos || x.find(',') != std::string_view::npos) ok = false;
      }
      if (!ok) continue;
      std::string key = TermKey(inner);
      known_phrases_.insert(key);
      known_types_.try_emplace(key, WORK);
    }
  }

  std::string PhraseKey(int s, int b, int e) const {
    const auto& t = Tok(s);
    return TermKey(text_.substr(t[b].begin, t[e - 1].end - t[b].begin));
  }

  int MatchKnownPhrase(int s, int i) const {
    // Five keys built per capitalised word otherwise, for most documents
    // in vain.
    if (known_phrases_.empty()) return 0;
    const auto& t = Tok(s);
    for (int len = 6; len >= 2; --len) {
      if (i + len > static_cast<int>(t.size())) continue;
      if (known_phrases_.contains(PhraseKey(s, i, i + len))) return len;
    }
    return 0;
  }

  // Title-case phrases in quotes: "Remain in Mexico".
  void Quoted(int s) {
    const auto& t = Tok(s);
    const int n = static_cast<int>(t.size());
    for (int i = 0; i + 2 < n; ++i) {
      if (!IsOpenQuote(t[i].text)) continue;
      int close = -1;
      for (int k = i + 1; k < n && k <= i + 10; ++k) {
        if (IsCloseQuote(t[k].text)) {
          close = k;
          break;
        }
      }
      if (close < i + 2) continue;
      // “Remain in Mexico,” — punctuation inside the quotes is not the name.
      int name_end = close;
      while (name_end > i + 1 && (t[name_end - 1].text == "," || t[name_end - 1].text == ".")) {
        --name_end;
      }
      bool ok = IsCapitalized(t[i + 1].text) && name_end >= i + 2;
      int words = 0;
      for (int k = i + 1; k < name_end && ok; ++k) {
        std::string lw = LowerAscii(t[k].text);
        if (Used(s, k)) ok = false;
        if (!IsCapitalized(t[k].text) && !lex_.IsFunctionWord(lw)) ok = false;
        if (IsAlphaWord(t[k].text)) ++words;
      }
      if (!ok || words < 2) continue;
      EntityType type = WORK;
      for (int k = std::max(0, i - 3); k <= std::min(n - 1, close + 1); ++k) {
        if (k > i && k < close) continue;
        if (lex_.HeadType(t[k].text) == PROGRAM) type = PROGRAM;
      }
      Mention m = Make(s, i + 1, name_end, type);
      std::string key = PhraseKey(s, i + 1, name_end);
      known_phrases_.insert(key);
      EntityType& known = known_types_[key];
      if (known != PROGRAM) known = type;
      MarkUsed(s, i + 1, name_end);
      out_.push_back(std::move(m));
      i = close;
    }
  }

  void Values(int s) {
    const auto& t = Tok(s);
    const int n = static_cast<int>(t.size());
    for (int i = 0; i < n; ++i) {
      if (Used(s, i)) continue;
      std::string lw = LowerAscii(t[i].text);
      if (t[i].text == "$" && i + 1 < n && IsNumber(t[i + 1].text)) {
        int e = i + 2;
        if (e < n && IsMagnitude(LowerAscii(t[e].text))) ++e;
        Add(s, i, e, MONEY);
        i = e - 1;
        continue;
      }
      if (IsMonthName(lw) && IsCapitalized(t[i].text)) {
        int e = i + 1;
        if (e < n && IsNumber(t[e].text) && t[e].text.size() <= 2) ++e;
        if (e < n && t[e].text == "," && e + 1 < n && IsYear(t[e + 1].text)) e += 2;
        else if (e < n && IsYear(t[e].text)) ++e;
        // "May" alone is too often the modal.
        if (e > i + 1 || lw != "may") Add(s, i, e, DATE);
        i = e - 1;
        continue;
      }
      if (IsNumber(t[i].text)) {
        if (i + 1 < n && (t[i + 1].text == "%" || LowerAscii(t[i + 1].text) == "percent")) {
          Add(s, i, i + 2, PERCENT);
          ++i;
        } else if (IsYear(t[i].text) && (i + 1 >= n || !IsMagnitude(LowerAscii(t[i + 1].text)))) {
          Add(s, i, i + 1, DATE);
        } else {
          int e = i + 1;
          if (e < n && IsMagnitude(LowerAscii(t[e].text))) ++e;
          Add(s, i, e, QUANTITY);
          i = e - 1;
        }
      }
    }
  }

  void Add(int s, int b, int e, EntityType type) {
    MarkUsed(s, b, e);
    out_.push_back(Make(s, b, e, type));
  }

  static EntityType NerType(std::string_view label) {
    if (label == "PERSON" || label == "PER") return PERSON;
    if (label == "ORG" || label == "ORGANIZATION") return ORG;
    if (label == "GPE") return GPE;
    if (label == "LOC" || label == "LOCATION") return LOC;
    if (label == "EVENT") return EVENT;
    if (label == "NORP" || label == "GROUP") return GROUP;
    if (label == "WORK" || label == "WORK_OF_ART") return WORK;
    if (label == "LAW" || label == "PROGRAM") return PROGRAM;
    return MISC;
  }

  // The recogniser's type when one of its spans is exactly [b, e), else
  // unspecified.
  EntityType ExactNerType(int s, int b, int e) const {
    const auto& t = Tok(s);
    const std::string& tag = t[b].ner;
    if (tag.size() < 3 || tag[0] != 'B' || tag[1] != '-') return ENTITY_TYPE_UNSPECIFIED;
    const std::string inside = "I-" + tag.substr(2);
    for (int k = b + 1; k < e; ++k) {
      if (t[k].ner != inside) return ENTITY_TYPE_UNSPECIFIED;
    }
    if (e < static_cast<int>(t.size()) && t[e].ner == inside) return ENTITY_TYPE_UNSPECIFIED;
    return NerType(std::string_view(tag).substr(2));
  }

  void NerSpans(int s) {
    const auto& t = Tok(s);
    const int n = static_cast<int>(t.size());
    const int first = FirstWord(s);
    for (int i = 0; i < n; ++i) {
      const std::string& tag = t[i].ner;
      if (tag.size() < 3 || tag[0] != 'B' || Used(s, i)) continue;
      std::string label = tag.substr(2);
      int e = i + 1;
      while (e < n && t[e].ner == "I-" + label && !Used(s, e)) ++e;
      // A tagged span of function words only is noise.
      bool content = false;
      for (int k = i; k < e; ++k) content |= IsCapitalized(t[k].text);
      if (!content) continue;
      ner_type_ = NerType(label);
      AddNameSpan(s, i, e, first);
      ner_type_ = ENTITY_TYPE_UNSPECIFIED;
      i = e - 1;
    }
  }

  // A capitalised span [b, e): sentence-initial filtering, title stripping,
  // typing.
  void AddNameSpan(int s, int b, int e, int first) {
    const auto& t = Tok(s);
    // Trailing connectors never end a name.
    while (e > b && IsNameConnector(LowerAscii(t[e - 1].text))) --e;
    if (b == first && b < e) {
      const std::string& w = t[b].text;
      std::string lw = LowerAscii(w);
      // Kept: acronyms, words capitalised elsewhere mid-sentence, names
      // WordNet knows only as names, countries and their adjectives, and the
      // first word of a longer name unless it is an adverb ("Previously").
      bool keep = IsAcronym(w) || mid_caps_.contains(w) || lex_.CountryByKey(TermKey(w)) ||
                  lex_.CountryOfDemonym(w) != nullptr || !CommonWord(lw) ||
                  (e - b >= 2 && !(lw.size() > 3 && lw.ends_with("ly")));
      if (lex_.IsFunctionWord(lw)) keep = false;
      if (!keep) ++b;
      while (b < e && IsNameConnector(LowerAscii(t[b].text))) ++b;
    }
    if (b >= e) return;
    // Lone function words, weekdays and months are no names.
    if (e - b == 1) {
      std::string lw = LowerAscii(t[b].text);
      if (lex_.IsFunctionWord(lw) || IsWeekday(lw) || IsMonthName(lw) || lw == "i") return;
      if (!IsAcronym(t[b].text) && t[b].text.size() < 2) return;
    }
    // Title stripping: [country] title-words [of X] NAME.
    int k = b;
    std::string role_country;
    if (e - b >= 3) {
      const std::string* c = CountryOf(t[k].text);
      if (c != nullptr && lex_.IsTitleWord(StripFormer(t[k + 1].text))) {
        role_country = *c;
        ++k;
      }
    }
    // "DHS Secretary Kirstjen Nielsen": an organisation's acronym qualifies
    // the title.
    int qualifier_begin = k;
    if (k == b && e - b >= 3 && IsAcronym(t[k].text) && lex_.IsTitleWord(StripFormer(t[k + 1].text))) {
      ++k;
    }
    int title_begin = k;
    bool former = false;
    while (k < e - 1) {
      std::string w = t[k].text;
      std::string stripped = StripFormer(w);
      if (stripped.size() != w.size()) former = true;
      if (lex_.IsTitleWord(stripped) && !(stripped == "state" && k == title_begin)) {
        ++k;
        continue;
      }
      if (k > title_begin && LowerAscii(w) == "of" && k + 2 < e && lex_.IsTitleWord(t[k + 1].text)) {
        k += 2;
        continue;
      }
      break;
    }
    Mention m;
    if (k > title_begin && k < e && !IsNameConnector(LowerAscii(t[k].text)) &&
        lex_.HeadType(t[e - 1].text) == ENTITY_TYPE_UNSPECIFIED) {
      // Titles own a whole token range; the name is what follows.
      m = Make(s, k, e, PERSON);
      m.begin = b;  // the title belongs to the mention for relation purposes
      std::string role(text_.substr(t[qualifier_begin].begin, t[k - 1].end - t[qualifier_begin].begin));
      // "Ex-Defense Minister" -> "Defense Minister".
      if (former) role = StripFormerPrefix(role);
      m.role = role;
      m.role_country = role_country;
      m.former_role = former;
    } else {
      if (k == e && k > b) return;  // a bare title ("Secretary of State")
      m = Make(s, b, e, ENTITY_TYPE_UNSPECIFIED);
      ner_hint_ = ExactNerType(s, b, e);
      m.type = TypeOfName(s, b, e);
      ner_hint_ = ENTITY_TYPE_UNSPECIFIED;
    }
    // Modifier use: "Trump-era", "Trump policies".
    int n = static_cast<int>(t.size());
    if (e < n) {
      const std::string& next = t[e].text;
      if ((next == "-" && e + 1 < n && !IsCapitalized(t[e + 1].text)) ||
          (e - b == 1 && !IsAcronym(t[b].text) && IsAlphaWord(next) && !IsCapitalized(next) &&
           lex_.IsNoun(LowerAscii(next)) && !lex_.IsVerbForm(LowerAscii(next)) &&
           !lex_.IsFunctionWord(LowerAscii(next)))) {
        m.modifier = m.type != GPE;
      }
    }
    MarkUsed(s, b, e);
    out_.push_back(std::move(m));
  }

  // A lower-case form that is an ordinary English word (so a capitalised
  // sentence-initial occurrence is no evidence of a name).
  bool CommonWord(const std::string& lw) const {
    if (lw.size() > 2 && lw.ends_with("ly")) return true;
    return (lex_.IsNoun(lw) && !lex_.IsProperOnly(lw)) || lex_.IsAdjective(lw) ||
           lex_.IsAdverb(lw) || lex_.IsVerbForm(lw);
  }

  static std::string StripFormer(const std::string& w) {
    std::string l = LowerAscii(w);
    for (std::string_view p : {"ex-", "former-"}) {
      if (l.starts_with(p) && l.size() > p.size()) return l.substr(p.size());
    }
    return l;
  }
  static std::string StripFormerPrefix(const std::string& role) {
    std::string l = LowerAscii(role);
    for (std::string_view p : {"ex-", "former "}) {
      if (l.starts_with(p)) {
        std::string r = role.substr(p.size());
        if (!r.empty()) r[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(r[0])));
        return r;
      }
    }
    return role;
  }

  const std::string* CountryOf(const std::string& w) const {
    if (const std::string* c = lex_.CountryByKey(TermKey(w))) return c;
    if (IsAcronym(w)) {
      std::string letters;
      for (char c : w) {
        if (std::isalpha(static_cast<unsigned char>(c))) letters.push_back(c);
      }
      if (const std::string* c = lex_.CountryByInitials(letters)) return c;
    }
    return lex_.CountryOfDemonym(w);
  }

  EntityType TypeOfName(int s, int b, int e) const {
    const auto& t = Tok(s);
    std::string name(text_.substr(t[b].begin, t[e - 1].end - t[b].begin));
    if (ner_type_ != ENTITY_TYPE_UNSPECIFIED && ner_type_ != LOC && ner_type_ != MISC) {
      return ner_type_;
    }
    const std::string key = TermKey(name);
    if (lex_.CountryByKey(key) || lex_.IsSubdivisionKey(key)) return GPE;
    // Place-name prefixes: "San Diego", "Ciudad Juárez", "Los Angeles".
    if (e - b >= 2) {
      std::string f = LowerAscii(t[b].text);
      if (f == "san" || f == "santa" || f == "santo" || f == "ciudad" || f == "los" ||
          f == "las" || f == "fort" || f == "port" || f == "saint" || f == "st." ||
          f == "lake" || f == "mount" || f == "puerto" || f == "new" || f == "nuevo" || f == "rio") {
        if (lex_.HeadType(t[e - 1].text) == ENTITY_TYPE_UNSPECIFIED) return GPE;
      }
    }
    if (e - b == 1 && IsAcronym(t[b].text) && CountryOf(t[b].text) != nullptr &&
        lex_.CountryOfDemonym(t[b].text) == nullptr) {
      return GPE;
    }
    EntityType head = lex_.HeadType(t[e - 1].text);
    if (head != ENTITY_TYPE_UNSPECIFIED) {
      // "Central America", "Western Hemisphere" vs "United States".
      return head;
    }
    if (ner_type_ != ENTITY_TYPE_UNSPECIFIED) return ner_type_;
    if (OrgOf(s, b, e)) return ORG;  // "Bureau of Alcohol"
    if (e - b == 1 && lex_.CountryOfDemonym(t[b].text) != nullptr) return GROUP;
    bool connectors = false, acronym = false;
    for (int k = b; k < e; ++k) {
      std::string lw = LowerAscii(t[k].text);
      if (IsNameConnector(lw) && lw != "de" && lw != "del" && lw != "la" && lw != "van" &&
          lw != "von" && lw != "da" && lw != "y") {
        connectors = true;
      }
      acronym |= IsAcronym(t[k].text);
    }
    // No rule types the name: the recogniser's type for exactly this span,
    // if it gave one ("Trump" alone is a PERSON, not MISC).
    if (ner_hint_ != ENTITY_TYPE_UNSPECIFIED && ner_hint_ != MISC) return ner_hint_;
    // A multi-word name with no cue: a person only when the text also uses
    // its last word alone or has a title on it (decided in PersonNames()).
    if (e - b >= 2 && e - b <= 5 && !connectors && !acronym) return kMaybePerson;
    return MISC;
  }

  // "Mexican officials" -> GROUP linked to Mexico.
  void DemonymGroups(int s) {
    for (Mention& m : out_) {
      if (m.sentence != s || m.end - m.begin != 1 || !m.role.empty()) continue;
      const auto& t = Tok(s);
      if (m.end >= static_cast<int>(t.size())) continue;
      const std::string* c = lex_.CountryOfDemonym(t[m.begin].text);
      if (c == nullptr) continue;
      m.country = *c;
      const std::string& next = t[m.end].text;
      std::string ln = LowerAscii(next);
      if (!IsAlphaWord(next) || IsCapitalized(next) || lex_.IsFunctionWord(ln) ||
          !lex_.IsNoun(ln) || Used(s, m.end)) {
        continue;
      }
      bool plural = PluralNoun(ln);
      if (!plural && lex_.HeadType(ln) != ORG) continue;
      MarkUsed(s, m.end, m.end + 1);
      m.end += 1;
      m.byte_end = t[m.end - 1].end;
      m.text = std::string(text_.substr(m.byte_begin, m.byte_end - m.byte_begin));
      m.type = plural ? GROUP : ORG;
      m.modifier = false;
    }
  }

  static std::string Singular(const std::string& w) {
    if (w.ends_with("ies")) return w.substr(0, w.size() - 3) + "y";
    if (w.ends_with("ses") || w.ends_with("xes") || w.ends_with("ches") || w.ends_with("shes")) {
      return w.substr(0, w.size() - 2);
    }
    return w.substr(0, w.size() - 1);
  }

  // "authorities" is listed as a noun itself; its singular is too.
  bool PluralNoun(const std::string& w) const {
    if (w.size() <= 3 || w.back() != 's' || w.ends_with("ss") || w.ends_with("us")) return false;
    return lex_.NounLemma(w) != w || lex_.IsNoun(Singular(w));
  }

  bool NounLike(const std::string& w) const {
    if (!IsAlphaWord(w) || IsCapitalized(w) || w.find('-') != std::string::npos) return false;
    if (!std::isalpha(static_cast<unsigned char>(w[0]))) return false;
    if (lex_.IsFunctionWord(w) || (w.size() > 3 && w.ends_with("ly"))) return false;
    if (lex_.IsNoun(w)) return true;
    // Unknown words are most often nouns ("narcotrafficking").
    return lex_.has_wordnet() && !lex_.IsAdjective(w) && !lex_.IsVerbForm(w) && !lex_.IsAdverb(w);
  }

  bool Nominal(const std::string& head) const {
    if (lex_.IsNominalization(head)) return true;
    return lex_.has_wordnet() && head.size() >= 8 && head.ends_with("ing") &&
           !lex_.IsNoun(head) && !lex_.IsVerbForm(head) && !lex_.IsFrameNoun(head);
  }

  static bool IsFrameHead(std::string_view w) {
    return w == "issue" || w == "issues" || w == "cooperation" || w == "role" ||
           w == "fight" || w == "war" || w == "efforts" || w == "effort" || w == "crackdown" ||
           w == "policy" || w == "policies";
  }

  // Bare noun chunks -> TOPIC / GROUP (two passes: counts first).
  void AddChunks() {
    std::vector<Chunk> chunks;
    absl::flat_hash_map<std::string, int> counts;
    for (int s = 0; s < static_cast<int>(a_.sentences.size()); ++s) {
      const auto& t = Tok(s);
      const int n = static_cast<int>(t.size());
      int i = 0;
      while (i < n) {
        if (Used(s, i) || !LowerAsciiUnchanged(t[i].text) || !NounLike(t[i].text)) {
          ++i;
          continue;
        }
        int b = i++;  // token b passed the tests just above
        while (i < n && !Used(s, i) && LowerAsciiUnchanged(t[i].text) &&
               NounLike(t[i].text)) {
          ++i;
        }
        // "arms trafficking": a gerund after a (non-plural) noun heads a
        // compound ("people arriving" is a clause).
        if (i < n && i > b && !Used(s, i) && t[i].text.ends_with("ing") &&
            LowerAsciiUnchanged(t[i].text) && lex_.IsVerbForm(t[i].text) &&
            lex_.NounLemma(t[i - 1].text) == t[i - 1].text) {
          ++i;
        }
        // "practices feed arms trafficking": a verb form after a plural noun
        // is the verb; the chunk starts after it.
        for (int k = b + 1; k < i - 1; ++k) {
          if (lex_.IsVerbForm(t[k].text) && PluralNoun(t[k - 1].text)) b = k + 1;
        }
        int e = i;
        // An -ing head with a determiner after it is a verb with its object
        // ("awaiting the status", "fueling the violence").
        if (e < n && t[e - 1].text.ends_with("ing") && lex_.IsDeterminer(LowerAscii(t[e].text))) {
          --e;
          if (e == b) continue;
        }
        if (e - b > 3) b = e - 3;
        std::string head = t[e - 1].text;
        // Drop leading modifiers that are only adjectives, and a leading
        // verb after "to" or a modal ("to curb cocaine trafficking").
        while (b < e - 1 && lex_.IsAdjective(t[b].text) && (!lex_.IsNoun(t[b].text) || e - b >= 3)) ++b;
        if (b < e - 1 && b > 0 && lex_.IsVerbForm(t[b].text)) {
          std::string p = LowerAscii(t[b - 1].text);
          if (p == "to" || lex_.IsModal(p) || lex_.IsRelativizer(p)) ++b;
        }
        Chunk c{s, b, e, "", "", false, false, false};
        std::string lemma = lex_.NounLemma(head);
        for (int k = b; k < e - 1; ++k) c.key += t[k].text + " ";
        c.name = c.key;
        c.key += lemma;
        if (e - b > 1) counts[c.key]++;
        if (lemma != head) plural_.insert(lemma);
        // Bare: no determiner or possessive before the chunk (adjectives may
        // intervene).
        int p = b - 1;
        while (p >= 0 && lex_.IsAdjective(LowerAscii(t[p].text)) &&
               !lex_.IsNoun(LowerAscii(t[p].text)) && !lex_.IsFunctionWord(LowerAscii(t[p].text))) {
          --p;
        }
        // A name directly before ("the U.S. border asylum seekers") makes
        // the chunk part of a larger phrase.
        if (p >= 0 && ((Used(s, p) && !LowerAsciiUnchanged(t[p].text)) || t[p].text == ")")) {
          continue;
        }
        std::string before = p >= 0 ? LowerAscii(t[p].text) : "";
        if (lex_.IsDeterminer(before) || IsPossessive(before) || IsNumber(before)) continue;
        std::string before2 = b >= 2 ? LowerAscii(t[b - 2].text) : "";
        std::string prev = b >= 1 ? LowerAscii(t[b - 1].text) : "";
        c.frame = ((prev == "of" || prev == "on" || prev == "in" || prev == "against") &&
                   IsFrameHead(before2)) ||
                  prev == "like" || prev == "including" || (prev == "as" && before2 == "such");
        bool plural = PluralNoun(head);
        if (plural && lemma == head) lemma = Singular(head);
        bool agent = false;
        for (std::string_view suf : {"er", "or", "ant", "ent", "ist", "ee", "ian"}) {
          agent |= lemma.ends_with(suf);
        }
        if (plural && agent && !lex_.IsRoleNoun(lemma)) {
          c.group = true;
          c.name += head;
        } else if (Nominal(head) || c.frame) {
          c.topic = true;
          c.name += lemma;
        } else {
          continue;
        }
        chunks.push_back(std::move(c));
      }
    }
    // Single words count wherever they occur as nouns. Only single-word
    // chunks read the counts, and a document repeats its words: the forms
    // are counted first, then one lemma look-up per distinct form.
    absl::flat_hash_map<std::string, int> word_counts;
    for (const Chunk& c : chunks) {
      if (c.end - c.begin < 2) word_counts.try_emplace(c.key, 0);
    }
    if (!word_counts.empty()) {
      absl::flat_hash_map<std::string_view, int> form_counts;
      for (const Sentence& sent : a_.sentences) {
        for (const Token& tok : sent.tokens) {
          if (LowerAsciiUnchanged(tok.text) &&
              std::isalpha(static_cast<unsigned char>(tok.text[0]))) {
            form_counts[tok.text]++;
          }
        }
      }
      for (const auto& [form, n] : form_counts) {
        if (auto it = word_counts.find(lex_.NounLemma(form)); it != word_counts.end()) {
          it->second += n;
        }
      }
    }
    for (const Chunk& c : chunks) {
      bool multi = c.end - c.begin >= 2;
      int count = multi ? counts[c.key] : word_counts[c.key];
      bool keep = c.group ? (multi || count >= 2) : (multi || count >= 2 || c.frame);
      // A lone -ing word is a gerund (a verb) unless it fills an issue frame
      // or is also used in the plural ("kidnappings").
      if (!multi && c.topic && c.key.ends_with("ing") && !c.frame && !plural_.contains(c.key)) {
        keep = false;
      }
      if (!keep) continue;
      Mention m = Make(c.sentence, c.begin, c.end, c.group ? GROUP : TOPIC);
      m.text = c.name;  // lemma form: "kidnapping" for "kidnappings"
      m.common = true;
      MarkUsed(c.sentence, c.begin, c.end);
      out_.push_back(std::move(m));
    }
  }

  const Analysis& a_;
  std::string_view text_;
  const Lexicon& lex_;
  bool has_ner_ = false;
  EntityType ner_type_ = ENTITY_TYPE_UNSPECIFIED;
  // The recogniser's type of the rule-found name being typed (ExactNerType).
  EntityType ner_hint_ = ENTITY_TYPE_UNSPECIFIED;
  absl::flat_hash_set<std::string> mid_caps_;
  std::vector<std::vector<char>> used_;  // [sentence][token]
  absl::flat_hash_set<std::string> known_phrases_;
  absl::flat_hash_set<std::string> plural_;
  absl::flat_hash_map<std::string, EntityType> known_types_;
  std::vector<Mention> out_;
};

}  // namespace

std::string LowerAscii(std::string_view s) {
  // A-Z only, as std::tolower in the C locale, without a call per byte.
  return absl::AsciiStrToLower(absl::string_view(s.data(), s.size()));
}

bool IsCapitalized(std::string_view word) {
  if (word.empty()) return false;
  unsigned char c = static_cast<unsigned char>(word[0]);
  if (c < 0x80) return std::isupper(c);
  utf8proc_int32_t cp;
  utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(word.data()),
                                        static_cast<utf8proc_ssize_t>(word.size()), &cp);
  if (n <= 0) return false;
  return utf8proc_category(cp) == UTF8PROC_CATEGORY_LU;
}

bool IsAcronym(std::string_view word) {
  int letters = 0;
  for (char c : word) {
    if (std::isupper(static_cast<unsigned char>(c))) {
      ++letters;
    } else if (c != '.') {
      return false;
    }
  }
  return letters >= 2;
}

std::vector<Mention> FindMentions(const Analysis& analysis, std::string_view text,
                                  const Lexicon& lexicon) {
  return Finder(analysis, text, lexicon).Run();
}

}  // namespace kg::core
