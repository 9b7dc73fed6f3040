#include "core/lexicon.h"

#include <atomic>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <nlohmann/json.hpp>

#include "absl/strings/ascii.h"
#include "proto/term_key.h"

namespace kg::core {
namespace {

using WordSet = absl::flat_hash_set<std::string_view>;

WordSet Set(std::initializer_list<std::string_view> words) { return WordSet(words); }

std::string Lower(std::string_view s) {
  // A-Z only, as std::tolower in the C locale, without a call per byte.
  return absl::AsciiStrToLower(absl::string_view(s.data(), s.size()));
}

const WordSet& Determiners() {
  static const WordSet* s = new WordSet(Set(
      {"the", "a", "an", "this", "that", "these", "those", "its", "their", "his", "her", "our",
       "my", "your", "some", "any", "each", "every", "both", "all", "several", "many", "most",
       "more", "few", "other", "such", "another", "no", "either", "neither", "much", "whose"}));
  return *s;
}
const WordSet& Pronouns() {
  static const WordSet* s = new WordSet(Set(
      {"i", "you", "he", "she", "it", "we", "they", "me", "him", "us", "them", "itself",
       "himself", "herself", "themselves", "who", "whom", "what", "which", "one", "ones",
       "someone", "something", "anyone", "everyone", "nobody", "none", "there", "here",
       "this", "that", "these", "those", "mine", "ours", "theirs"}));
  return *s;
}
const WordSet& Prepositions() {
  static const WordSet* s = new WordSet(Set(
      {"of", "in", "on", "at", "to", "for", "with", "from", "by", "about", "against", "between",
       "into", "through", "during", "before", "after", "above", "below", "under", "over",
       "across", "along", "among", "around", "behind", "beyond", "despite", "toward",
       "towards", "upon", "within", "without", "via", "per", "like", "since", "until",
       "amid", "onto", "regarding", "concerning", "throughout", "near", "off", "out", "up",
       "down", "as", "than"}));
  return *s;
}
const WordSet& Conjunctions() {
  static const WordSet* s = new WordSet(Set({"and", "or", "but", "nor", "yet", "so", "while",
                                             "whereas", "although", "though", "because",
                                             "if", "unless", "when", "whether", "&"}));
  return *s;
}
const WordSet& Auxiliaries() {
  static const WordSet* s = new WordSet(Set({"be", "is", "are", "was", "were", "been", "being",
                                             "am", "'s", "'re", "'m", "have", "has", "had",
                                             "having", "'ve", "'d", "do", "does", "did"}));
  return *s;
}
const WordSet& Modals() {
  static const WordSet* s = new WordSet(
      Set({"may", "might", "could", "would", "should", "must", "can", "ca", "shall", "ought"}));
  return *s;
}
const WordSet& Negations() {
  static const WordSet* s =
      new WordSet(Set({"not", "n't", "never", "no", "neither", "nor", "without"}));
  return *s;
}
// Sentence adverbs and connectives that open sentences in capitals.
const WordSet& Discourse() {
  static const WordSet* s = new WordSet(Set(
      {"however", "moreover", "meanwhile", "also", "still", "thus", "hence", "therefore",
       "instead", "otherwise", "indeed", "then", "now", "today", "yesterday", "tomorrow",
       "already", "again", "even", "just", "only", "first", "second", "finally", "later",
       "earlier", "recently", "previously", "currently", "additionally", "furthermore",
       "what", "where", "why", "how", "when", "according", "among", "other", "hand", "not",
       "yes", "well", "as", "so", "there", "here", "after", "before", "since", "under",
       "over", "most", "more", "less", "least", "very", "while", "although", "though",
       "because", "if", "unless", "whether", "once", "whatever", "whoever", "every", "each",
       "some", "many", "few", "several", "all", "both", "either", "neither", "no", "none",
       "nothing", "everything", "something", "anything", "mr", "mrs", "ms"}));
  return *s;
}
const WordSet& Relativizers() {
  static const WordSet* s =
      new WordSet(Set({"which", "who", "whom", "whose", "that", "where", "when"}));
  return *s;
}
const WordSet& ReportingVerbs() {
  static const WordSet* s = new WordSet(
      Set({"say", "report", "note", "state", "tell", "claim", "announce", "add", "comment",
           "explain", "write", "argue", "declare", "confirm", "insist", "warn", "suggest",
           "acknowledge", "assert", "reveal"}));
  return *s;
}
const WordSet& HedgingVerbs() {
  static const WordSet* s = new WordSet(
      Set({"urge", "seek", "propose", "plan", "hope", "try", "want", "push", "ask", "call",
           "aim", "intend", "consider", "recommend", "suggest", "request", "demand", "wish",
           "attempt", "pressure", "expect"}));
  return *s;
}
const WordSet& AllegationWords() {
  static const WordSet* s = new WordSet(Set(
      {"alleged", "allegedly", "suspected", "accused", "reportedly", "purportedly", "purported",
       "supposedly", "rumored", "rumoured", "suspect"}));
  return *s;
}
const WordSet& TitleWords() {
  static const WordSet* s = new WordSet(Set(
      {"president", "vice", "secretary", "minister", "senator", "sen.", "rep.", "representative",
       "governor", "gov.", "mayor", "ambassador", "general", "gen.", "director", "chief",
       "judge", "justice", "attorney", "prime", "chancellor", "king", "queen", "prince",
       "princess", "pope", "sheriff", "commissioner", "chairman", "chairwoman", "chair",
       "speaker", "mr.", "mrs.", "ms.", "dr.", "prof.", "professor", "lt.", "col.", "capt.",
       "sgt.", "admiral", "colonel", "captain", "lieutenant", "sergeant", "deputy",
       "assistant", "ex", "former", "foreign", "defense", "defence", "interior", "finance",
       "state", "homeland", "security", "treasury", "commerce", "health", "senior", "special",
       "envoy", "adviser", "advisor", "spokesman", "spokeswoman", "spokesperson", "lawmaker",
       "congressman", "congresswoman", "sir", "lord", "lady", "bishop", "cardinal",
       "archbishop", "rabbi", "imam", "emperor", "premier", "councillor", "councilor"}));
  return *s;
}
const WordSet& RoleNouns() {
  static const WordSet* s = new WordSet(Set(
      {"president", "secretary", "minister", "senator", "governor", "mayor", "ambassador",
       "general", "director", "chief", "judge", "justice", "attorney", "chancellor", "king",
       "queen", "commissioner", "chairman", "chairwoman", "chair", "speaker", "professor",
       "admiral", "colonel", "captain", "deputy", "envoy", "adviser", "advisor", "spokesman",
       "spokeswoman", "spokesperson", "head", "leader", "founder", "ceo", "member", "official",
       "officer", "administrator", "representative", "lawmaker", "congressman",
       "congresswoman", "premier", "emperor", "editor", "reporter", "correspondent",
       "economist", "analyst", "researcher", "coordinator", "manager", "executive"}));
  return *s;
}
const WordSet& FrameNouns() {
  static const WordSet* s = new WordSet(Set(
      {"issue", "issues", "cooperation", "matter", "question", "agenda", "aspect", "aspects",
       "effort", "efforts", "topic", "problem", "concern", "area", "field", "role", "shift",
       "change", "changes", "move", "approach", "direction", "meeting", "conversation",
       "conversations", "process", "action", "situation", "relationship", "condition",
       "conditions", "thing", "way", "part", "kind", "type", "lot", "number", "level",
       "levels", "year", "years", "day", "days", "time", "times", "people", "percent",
       "beginning", "setting", "building", "morning", "evening", "spring", "thing", "nothing",
       "something", "everything", "anything", "being", "during", "according", "including",
       "regarding", "concerning", "following", "notwithstanding", "pending", "bring",
       "string", "king", "ring", "wing", "sing", "thing", "ceiling", "earnings", "feelings",
       "meanings", "findings", "holdings", "proceedings", "surroundings", "belongings",
       "savings", "nation", "station", "population", "organization", "organisation",
       "administration", "government", "department", "parliament", "statement", "moment",
       "comment", "element", "segment", "document", "instrument", "apartment", "payment",
       "agreement", "attention", "option", "position", "condition", "mention", "portion",
       "section", "version", "session", "mission", "commission", "decision", "question",
       "intention", "direction", "collection", "connection", "election", "relation",
       "relations", "information", "application", "situation", "foundation", "institution",
       "location", "solution", "addition", "tradition", "operation", "operations"}));
  return *s;
}

struct HeadRule {
  std::string_view word;
  EntityType type;
};
const absl::flat_hash_map<std::string_view, EntityType>& HeadTypes() {
  static const auto* m = new absl::flat_hash_map<std::string_view, EntityType>{
      // organisations
      {"administration", ORG}, {"council", ORG}, {"congress", ORG}, {"agency", ORG},
      {"department", ORG}, {"ministry", ORG}, {"office", ORG}, {"watch", ORG},
      {"commission", ORG}, {"committee", ORG}, {"bank", ORG}, {"court", ORG},
      {"senate", ORG}, {"police", ORG}, {"army", ORG}, {"navy", ORG}, {"times", ORG},
      {"post", ORG}, {"press", ORG}, {"journal", ORG}, {"party", ORG}, {"university", ORG},
      {"institute", ORG}, {"association", ORG}, {"organization", ORG}, {"organisation", ORG},
      {"foundation", ORG}, {"bureau", ORG}, {"service", ORG}, {"services", ORG},
      {"patrol", ORG}, {"cartel", ORG}, {"corporation", ORG}, {"company", ORG}, {"inc.", ORG},
      {"corp.", ORG}, {"ltd", ORG}, {"ltd.", ORG}, {"group", ORG}, {"guard", ORG},
      {"parliament", ORG}, {"government", ORG}, {"nations", ORG}, {"union", ORG},
      {"federation", ORG}, {"authority", ORG}, {"board", ORG}, {"network", ORG},
      {"news", ORG}, {"club", ORG}, {"team", ORG}, {"school", ORG}, {"college", ORG},
      {"academy", ORG}, {"forces", ORG}, {"force", ORG}, {"command", ORG}, {"alliance", ORG},
      {"coalition", ORG}, {"center", ORG}, {"centre", ORG}, {"fund", ORG}, {"tribune", ORG},
      {"herald", ORG}, {"gazette", ORG}, {"daily", ORG}, {"magazine", ORG}, {"reuters", ORG},
      // places
      {"america", LOC}, {"hemisphere", LOC}, {"border", LOC}, {"gulf", LOC}, {"sea", LOC},
      {"ocean", LOC}, {"river", LOC}, {"valley", LOC}, {"region", LOC}, {"peninsula", LOC},
      {"coast", LOC}, {"mountains", LOC}, {"desert", LOC}, {"island", LOC}, {"islands", LOC},
      {"lake", LOC}, {"bay", LOC}, {"strait", LOC}, {"basin", LOC}, {"east", LOC},
      {"west", LOC}, {"asia", LOC}, {"europe", LOC}, {"africa", LOC}, {"triangle", LOC},
      {"city", GPE}, {"county", GPE}, {"province", GPE}, {"state", GPE}, {"republic", GPE},
      {"kingdom", GPE},
      // programmes, laws, agreements
      {"initiative", PROGRAM}, {"act", PROGRAM}, {"protocols", PROGRAM}, {"protocol", PROGRAM},
      {"program", PROGRAM}, {"programme", PROGRAM}, {"plan", PROGRAM}, {"agreement", PROGRAM},
      {"treaty", PROGRAM}, {"policy", PROGRAM}, {"accord", PROGRAM}, {"accords", PROGRAM},
      {"strategy", PROGRAM}, {"law", PROGRAM}, {"bill", PROGRAM}, {"deal", PROGRAM},
      {"arrivals", PROGRAM}, {"doctrine", PROGRAM}, {"amendment", PROGRAM},
      {"convention", PROGRAM}, {"pact", PROGRAM},
      // events
      {"war", EVENT}, {"summit", EVENT}, {"conference", EVENT}, {"olympics", EVENT},
      {"election", EVENT}, {"elections", EVENT}, {"championship", EVENT},
      {"championships", EVENT}, {"games", EVENT}, {"revolution", EVENT}, {"crisis", EVENT},
      {"cup", EVENT}, {"festival", EVENT}, {"massacre", EVENT}, {"battle", EVENT},
      {"award", EVENT}, {"awards", EVENT}, {"prize", EVENT},
      // works
      {"report", WORK}, {"study", WORK}, {"review", WORK}, {"book", WORK}, {"film", WORK},
      {"album", WORK}, {"song", WORK}, {"novel", WORK}, {"series", WORK}, {"show", WORK}};
  return *m;
}

bool Has(const WordSet& set, std::string_view w) { return set.contains(w); }

// Every closed-class word, with a bit per class it belongs to:
// IsFunctionWord asks one small table instead of eight sets.
enum ClosedClass : uint16_t {
  kDeterminer = 1 << 0,
  kPronoun = 1 << 1,
  kPreposition = 1 << 2,
  kConjunction = 1 << 3,
  kAuxiliary = 1 << 4,
  kModal = 1 << 5,
  kNegation = 1 << 6,
  kDiscourse = 1 << 7,
};
const absl::flat_hash_map<std::string_view, uint16_t>& ClosedClasses() {
  static const auto* m = [] {
    auto* out = new absl::flat_hash_map<std::string_view, uint16_t>();
    const std::pair<const WordSet*, uint16_t> classes[] = {
        {&Determiners(), kDeterminer}, {&Pronouns(), kPronoun},
        {&Prepositions(), kPreposition}, {&Conjunctions(), kConjunction},
        {&Auxiliaries(), kAuxiliary}, {&Modals(), kModal},
        {&Negations(), kNegation}, {&Discourse(), kDiscourse}};
    for (const auto& [set, bit] : classes) {
      for (std::string_view w : *set) (*out)[w] |= bit;
    }
    return out;
  }();
  return *m;
}

// Reads the lemma column of a WordNet index file ("word pos ...").
void ReadIndex(const std::string& path, absl::flat_hash_set<std::string>& out) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == ' ') continue;  // licence header
    size_t sp = line.find(' ');
    if (sp == std::string::npos) continue;
    std::string lemma = line.substr(0, sp);
    for (char& c : lemma) {
      if (c == '_') c = ' ';
    }
    out.insert(std::move(lemma));
  }
}

// Synset words of data.noun: collects lower-case forms that occur only
// capitalised (names).
void ReadProperNouns(const std::string& path, absl::flat_hash_set<std::string>& out) {
  std::ifstream in(path);
  absl::flat_hash_set<std::string> common;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == ' ') continue;
    // offset lex_filenum ss_type w_cnt (word lex_id)*
    size_t p = 0;
    for (int field = 0; field < 3 && p != std::string::npos; ++field) p = line.find(' ', p + 1);
    if (p == std::string::npos) continue;
    size_t q = line.find(' ', p + 1);
    int count = static_cast<int>(std::strtol(line.c_str() + p + 1, nullptr, 16));
    for (int k = 0; k < count && q != std::string::npos; ++k) {
      size_t we = line.find(' ', q + 1);
      if (we == std::string::npos) break;
      std::string word = line.substr(q + 1, we - q - 1);
      q = line.find(' ', we + 1);  // skip lex_id
      if (word.find('_') != std::string::npos || word.empty()) continue;
      std::string lower = Lower(word);
      if (std::isupper(static_cast<unsigned char>(word[0]))) {
        out.insert(lower);
      } else {
        common.insert(lower);
      }
    }
  }
  for (const std::string& c : common) out.erase(c);
}

void ReadExceptions(const std::string& path, absl::flat_hash_map<std::string, std::string>& out) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    size_t sp = line.find(' ');
    if (sp == std::string::npos) continue;
    size_t sp2 = line.find(' ', sp + 1);
    out.emplace(line.substr(0, sp), line.substr(sp + 1, sp2 == std::string::npos
                                                            ? std::string::npos
                                                            : sp2 - sp - 1));
  }
}

std::string Initials(std::string_view name) {
  std::string out;
  size_t i = 0;
  while (i < name.size()) {
    while (i < name.size() && name[i] == ' ') ++i;
    size_t b = i;
    while (i < name.size() && name[i] != ' ') ++i;
    std::string w = Lower(name.substr(b, i - b));
    if (w.empty() || w == "of" || w == "the" || w == "and" || w == "for" || w == "on") continue;
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(w[0]))));
  }
  return out;
}

}  // namespace

// A thread's memo of the look-ups that build strings or probe several sets
// (lemmas, IsNoun, demonyms, lower-cased title and head words). Prose asks
// the same few thousand words again and again; the memo answers from one
// probe. Each field is computed on first use, by the uncached functions.
struct Lexicon::WordFacts {
  enum : uint16_t {
    // Which fields are computed.
    kHasNounLemma = 1 << 0,
    kHasVerbLemma = 1 << 1,
    kHasNoun = 1 << 2,
    kHasDemonym = 1 << 3,
    kHasTitle = 1 << 4,
    kHasRole = 1 << 5,
    kHasHead = 1 << 6,
    // Answers.
    kNoun = 1 << 8,
    kTitle = 1 << 9,
    kRole = 1 << 10,
  };
  uint16_t bits = 0;
  EntityType head = ENTITY_TYPE_UNSPECIFIED;
  const std::string* demonym = nullptr;
  std::string noun_lemma, verb_lemma;
};

// Bounds each thread's memo (~100 bytes an entry); a full memo starts over.
constexpr size_t kMaxMemoWords = 1 << 16;

Lexicon::WordFacts& Lexicon::Facts(std::string_view w) const {
  struct Memo {
    uint64_t lexicon_id = 0;
    absl::flat_hash_map<std::string, WordFacts> words;
  };
  thread_local Memo memo;
  if (memo.lexicon_id != id_) {
    memo.words.clear();
    memo.lexicon_id = id_;
  }
  absl::string_view key(w.data(), w.size());
  if (auto it = memo.words.find(key); it != memo.words.end()) return it->second;
  if (memo.words.size() >= kMaxMemoWords) memo.words.clear();
  return memo.words.try_emplace(key).first->second;
}

Lexicon::Lexicon(const std::string& wordnet_dir, const std::string& iso_codes_dir) {
  static std::atomic<uint64_t> next_id{1};
  id_ = next_id.fetch_add(1, std::memory_order_relaxed);
  LoadWordNet(wordnet_dir);
  LoadCountries(iso_codes_dir);
}

void Lexicon::LoadWordNet(const std::string& dir) {
  ReadIndex(dir + "/index.noun", nouns_);
  ReadIndex(dir + "/index.verb", verbs_);
  ReadIndex(dir + "/index.adj", adjectives_);
  ReadIndex(dir + "/index.adv", adverbs_);
  ReadExceptions(dir + "/verb.exc", verb_exceptions_);
  ReadProperNouns(dir + "/data.noun", proper_only_);
  ReadExceptions(dir + "/noun.exc", noun_exceptions_);
}

void Lexicon::LoadCountries(const std::string& dir) {
  if (std::ifstream sub(dir + "/iso_3166-2.json"); sub) {
    nlohmann::json j = nlohmann::json::parse(sub, nullptr, /*allow_exceptions=*/false);
    if (!j.is_discarded() && j.contains("3166-2")) {
      for (const auto& c : j["3166-2"]) {
        if (!c.contains("name") || !c["name"].is_string()) continue;
        std::string name = c["name"].get<std::string>();
        // Only names that read as names (several are codes or have commas).
        if (name.find(',') != std::string::npos || name.find('(') != std::string::npos) continue;
        subdivisions_.insert(TermKey(name));
      }
    }
  }
  std::ifstream in(dir + "/iso_3166-1.json");
  if (!in) return;
  nlohmann::json j = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.contains("3166-1")) return;
  for (const auto& c : j["3166-1"]) {
    std::string name;
    if (c.contains("common_name")) {
      name = c["common_name"].get<std::string>();
    } else if (c.contains("name")) {
      name = c["name"].get<std::string>();
    }
    if (name.empty() || name.find(',') != std::string::npos) continue;
    country_names_.push_back(name);
    countries_.emplace(TermKey(name), name);
    for (const char* field : {"name", "official_name"}) {
      if (!c.contains(field)) continue;
      std::string alt = c[field].get<std::string>();
      if (alt.find(',') != std::string::npos) continue;
      countries_.emplace(TermKey(alt), name);
      std::string ini = Initials(alt);
      if (ini.size() >= 2) country_initials_.emplace(ini, name);
    }
    std::string ini = Initials(name);
    if (ini.size() >= 2) country_initials_.emplace(ini, name);
  }
}

bool Lexicon::InSet(const absl::flat_hash_set<std::string>& set, std::string_view w) const {
  // Heterogeneous lookup: no string built per probe (a few percent of a
  // prose load). Debian's abseil takes its own string_view here.
  return set.contains(absl::string_view(w.data(), w.size()));
}

bool Lexicon::IsDeterminer(std::string_view w) const { return Has(Determiners(), w); }
bool Lexicon::IsPronoun(std::string_view w) const { return Has(Pronouns(), w); }
bool Lexicon::IsPreposition(std::string_view w) const { return Has(Prepositions(), w); }
bool Lexicon::IsConjunction(std::string_view w) const { return Has(Conjunctions(), w); }
bool Lexicon::IsAuxiliary(std::string_view w) const { return Has(Auxiliaries(), w); }
bool Lexicon::IsModal(std::string_view w) const { return Has(Modals(), w); }
bool Lexicon::IsNegation(std::string_view w) const { return Has(Negations(), w); }
bool Lexicon::IsRelativizer(std::string_view w) const { return Has(Relativizers(), w); }
bool Lexicon::IsFunctionWord(std::string_view w) const {
  // Every class bit counts, so membership is the answer.
  return ClosedClasses().contains(w);
}
bool Lexicon::IsReportingVerb(std::string_view lemma) const { return Has(ReportingVerbs(), lemma); }
bool Lexicon::IsHedgingVerb(std::string_view lemma) const { return Has(HedgingVerbs(), lemma); }
bool Lexicon::IsAllegationWord(std::string_view w) const { return Has(AllegationWords(), w); }
bool Lexicon::IsTitleWord(std::string_view w) const {
  WordFacts& f = Facts(w);
  if (!(f.bits & WordFacts::kHasTitle)) {
    f.bits |= WordFacts::kHasTitle | (Has(TitleWords(), Lower(w)) ? WordFacts::kTitle : 0);
  }
  return f.bits & WordFacts::kTitle;
}
bool Lexicon::IsRoleNoun(std::string_view w) const {
  WordFacts& f = Facts(w);
  if (!(f.bits & WordFacts::kHasRole)) {
    std::string l = Lower(w);
    bool role = Has(RoleNouns(), l) ||
                (l.size() > 3 && l.back() == 's' &&
                 Has(RoleNouns(), std::string_view(l).substr(0, l.size() - 1)));
    f.bits |= WordFacts::kHasRole | (role ? WordFacts::kRole : 0);
  }
  return f.bits & WordFacts::kRole;
}
bool Lexicon::IsFrameNoun(std::string_view w) const { return Has(FrameNouns(), w); }

bool Lexicon::IsNoun(std::string_view w) const {
  if (!has_wordnet()) return !IsFunctionWord(w);
  if (InSet(nouns_, w)) return true;
  WordFacts& f = Facts(w);
  if (!(f.bits & WordFacts::kHasNounLemma)) {
    f.noun_lemma = ComputeNounLemma(w);
    f.bits |= WordFacts::kHasNounLemma;
  }
  if (!(f.bits & WordFacts::kHasNoun)) {
    f.bits |= WordFacts::kHasNoun | (InSet(nouns_, f.noun_lemma) ? WordFacts::kNoun : 0);
  }
  return f.bits & WordFacts::kNoun;
}

bool Lexicon::IsProperOnly(std::string_view w) const { return InSet(proper_only_, w); }

bool Lexicon::IsAdjective(std::string_view w) const { return InSet(adjectives_, w); }
bool Lexicon::IsAdverb(std::string_view w) const { return InSet(adverbs_, w); }

std::string Lexicon::NounLemma(std::string_view w) const {
  WordFacts& f = Facts(w);
  if (!(f.bits & WordFacts::kHasNounLemma)) {
    f.noun_lemma = ComputeNounLemma(w);
    f.bits |= WordFacts::kHasNounLemma;
  }
  return f.noun_lemma;
}

std::string Lexicon::ComputeNounLemma(std::string_view w) const {
  std::string s(w);
  if (auto it = noun_exceptions_.find(s); it != noun_exceptions_.end()) return it->second;
  if (InSet(nouns_, s) || !has_wordnet()) {
    if (has_wordnet() || s.size() < 4 || s.back() != 's') return s;
  }
  auto try_form = [&](std::string_view cand) { return !has_wordnet() || InSet(nouns_, cand); };
  if (s.size() > 4 && s.ends_with("ies") && try_form(s.substr(0, s.size() - 3) + "y")) {
    return s.substr(0, s.size() - 3) + "y";
  }
  if (s.size() > 3 && s.ends_with("es") && try_form(s.substr(0, s.size() - 2))) {
    return s.substr(0, s.size() - 2);
  }
  if (s.size() > 3 && s.back() == 's' && !s.ends_with("ss") && try_form(s.substr(0, s.size() - 1))) {
    return s.substr(0, s.size() - 1);
  }
  return s;
}

std::string Lexicon::VerbLemma(std::string_view w) const {
  WordFacts& f = Facts(w);
  if (!(f.bits & WordFacts::kHasVerbLemma)) {
    f.verb_lemma = ComputeVerbLemma(w);
    f.bits |= WordFacts::kHasVerbLemma;
  }
  return f.verb_lemma;
}

bool Lexicon::IsVerbForm(std::string_view w) const {
  WordFacts& f = Facts(w);
  if (!(f.bits & WordFacts::kHasVerbLemma)) {
    f.verb_lemma = ComputeVerbLemma(w);
    f.bits |= WordFacts::kHasVerbLemma;
  }
  return !f.verb_lemma.empty();
}

std::string Lexicon::ComputeVerbLemma(std::string_view w) const {
  std::string s(w);
  if (auto it = verb_exceptions_.find(s); it != verb_exceptions_.end()) return it->second;
  if (!has_wordnet()) {
    // Suffix stripping only.
    if (s.ends_with("ied")) return s.substr(0, s.size() - 3) + "y";
    if (s.ends_with("ed") && s.size() > 4) return s.substr(0, s.size() - 2);
    if (s.ends_with("ing") && s.size() > 5) return s.substr(0, s.size() - 3);
    return "";
  }
  if (InSet(verbs_, s)) return s;
  auto ok = [&](const std::string& c) { return c.size() >= 2 && InSet(verbs_, c); };
  auto strip = [&](size_t n) { return s.substr(0, s.size() - n); };
  if (s.ends_with("ied") || s.ends_with("ies")) {
    if (std::string c = strip(3) + "y"; ok(c)) return c;
  }
  for (std::string_view suf : {"ed", "ing", "es", "s"}) {
    if (s.size() <= suf.size() + 1 || !s.ends_with(suf)) continue;
    std::string base = strip(suf.size());
    if (suf != "s" && suf != "es") {
      if (ok(base + "e")) {
        // "committed" -> "commit" before "commite"; prefer the shorter form
        // only when the longer is not a verb.
        if (!ok(base)) return base + "e";
      }
      if (base.size() >= 3 && base[base.size() - 1] == base[base.size() - 2] &&
          ok(base.substr(0, base.size() - 1))) {
        return base.substr(0, base.size() - 1);
      }
    }
    if (ok(base)) return base;
  }
  return "";
}


bool Lexicon::IsNominalization(std::string_view w) const {
  std::string s = NounLemma(w);
  for (std::string_view suf : {"ing", "tion", "sion", "ment", "ance", "ence", "ism", "ery", "age"}) {
    if (s.size() >= suf.size() + 3 && s.ends_with(suf)) {
      if (IsFrameNoun(s)) return false;
      if (suf == "ing") {
        // "trafficking": a verb form used as a noun.
        return IsVerbForm(s);
      }
      return !has_wordnet() || InSet(nouns_, s);
    }
  }
  return false;
}

EntityType Lexicon::HeadType(std::string_view head) const {
  WordFacts& f = Facts(head);
  if (!(f.bits & WordFacts::kHasHead)) {
    auto it = HeadTypes().find(Lower(head));
    f.head = it == HeadTypes().end() ? ENTITY_TYPE_UNSPECIFIED : it->second;
    f.bits |= WordFacts::kHasHead;
  }
  return f.head;
}

const std::string* Lexicon::CountryByKey(std::string_view key) const {
  auto it = countries_.find(std::string(key));
  return it == countries_.end() ? nullptr : &it->second;
}

bool Lexicon::IsSubdivisionKey(std::string_view key) const {
  return subdivisions_.contains(std::string(key));
}

const std::string* Lexicon::CountryByInitials(std::string_view letters) const {
  auto it = country_initials_.find(std::string(letters));
  return it == country_initials_.end() ? nullptr : &it->second;
}

const std::string* Lexicon::CountryOfDemonym(std::string_view word) const {
  if (word.size() < 5 || !std::isupper(static_cast<unsigned char>(word[0]))) return nullptr;
  WordFacts& f = Facts(word);
  if (!(f.bits & WordFacts::kHasDemonym)) {
    f.demonym = ComputeCountryOfDemonym(word);
    f.bits |= WordFacts::kHasDemonym;
  }
  return f.demonym;
}

const std::string* Lexicon::ComputeCountryOfDemonym(std::string_view word) const {
  if (word.size() < 5) return nullptr;
  unsigned char c0 = static_cast<unsigned char>(word[0]);
  if (!std::isupper(c0)) return nullptr;
  std::string w = Lower(word);
  // Nationality adjectives end in -an, -ian, -ese, -ish, -i, -ic.
  bool suffix = w.ends_with("an") || w.ends_with("ese") || w.ends_with("ish") ||
                w.ends_with("i") || w.ends_with("ic");
  if (!suffix) return nullptr;
  const std::string* best = nullptr;
  size_t best_len = 0;
  for (const std::string& name : country_names_) {
    if (name.find(' ') != std::string::npos) continue;
    std::string n = Lower(name);
    size_t k = 0;
    while (k < n.size() && k < w.size() && n[k] == w[k]) ++k;
    // The demonym keeps the country's stem: all but at most two letters.
    if (k >= 4 && k + 2 >= n.size() && k > best_len) {
      best = &name;
      best_len = k;
    }
  }
  return best;
}

const Lexicon& DefaultLexicon() {
  static const Lexicon* lexicon = new Lexicon();
  return *lexicon;
}

}  // namespace kg::core
