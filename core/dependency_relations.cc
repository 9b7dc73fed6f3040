#include "core/dependency_relations.h"

#include <algorithm>
#include <string>
#include <string_view>

#include "core/mention_finder.h"

namespace kg::core {
namespace {

bool IsValueType(EntityType t) { return t == DATE || t == MONEY || t == QUANTITY || t == PERCENT; }

// Prepositions that relate one name to another by place, origin or part
// ("trafficking from X", "the Bank of Spain", "a theatre in London").
// Others on a name ("to", "for", "by", "as", "with") mostly belong to a
// verb or an event the parser attached to the name.
bool IsRelationalPreposition(std::string_view p) {
  return p == "of" || p == "in" || p == "from" || p == "at" || p == "on" || p == "near" ||
         p == "within" || p == "across" || p == "through" || p == "outside" || p == "inside" ||
         p == "along" || p == "between" || p == "via";
}

std::vector<std::string> LowerTokens(const Sentence& s) {
  std::vector<std::string> out;
  out.reserve(s.tokens.size());
  for (const Token& t : s.tokens) out.push_back(LowerAscii(t.text));
  return out;
}

// Something a fact can be about: a name, or a pronoun standing for one.
struct Arg {
  int entity = -1;
  uint32_t byte_begin = 0, byte_end = 0;
  bool pronoun = false;
  bool value = false;     // MONEY, QUANTITY (DATE and PERCENT are never args)
  bool modifier = false;  // "Trump-era": co-mention only
};

class TreeReader {
 public:
  TreeReader(const Sentence& s, int index, const std::vector<const Mention*>& mentions,
             std::vector<DocEntity>& entities, const Lexicon& lex, DiscourseState& state,
             const std::vector<std::string>* lower)
      : s_(s),
        index_(index),
        entities_(entities),
        lex_(lex),
        state_(state),
        own_lower_(lower == nullptr ? LowerTokens(s) : std::vector<std::string>()),
        lower_(lower == nullptr ? own_lower_ : *lower) {
    const int n = N();
    children_.resize(n);
    arg_.assign(n, -1);
    in_mention_.assign(n, false);
    mention_of_.assign(n, nullptr);
    name_head_.assign(n, -1);
    for (int i = 0; i < n; ++i) {
      int h = s_.tokens[i].head;
      if (h >= 0 && h < n) children_[h].push_back(i);
    }
    for (const Mention* m : mentions) {
      if (m->type == DATE || m->type == PERCENT || m->entity < 0) continue;
      int head = MentionHead(*m);
      if (head < 0) continue;
      for (int i = m->begin; i < m->end && i < n; ++i) {
        in_mention_[i] = true;
        name_head_[i] = head;
      }
      if (arg_[head] >= 0) continue;
      Arg a;
      a.entity = m->entity;
      a.byte_begin = m->byte_begin;
      a.byte_end = m->byte_end;
      a.value = IsValueType(m->type);
      a.modifier = m->modifier;
      arg_[head] = static_cast<int>(args_.size());
      mention_of_[head] = m;
      args_.push_back(a);
    }
    for (int i = 0; i < n; ++i) {
      if (in_mention_[i] || arg_[i] >= 0 || Upos(i) != "PRON") continue;
      int e = SentenceAntecedent(i);
      if (e < 0) e = PronounEntity(lower_[i]);
      if (Lw(i) == "they" || Lw(i) == "them" || Lw(i) == "their") {
        if (int here = PluralAntecedent(i, mentions); here >= 0) e = here;
      }
      if (e < 0) continue;
      Arg a;
      a.entity = e;
      a.byte_begin = s_.tokens[i].begin;
      a.byte_end = s_.tokens[i].end;
      a.pronoun = true;
      arg_[i] = static_cast<int>(args_.size());
      args_.push_back(a);
      pronoun_entities_.push_back(e);
    }
  }

  std::vector<RawFact> Run() {
    const int n = N();
    for (int v = 0; v < n; ++v) {
      if (Upos(v) == "VERB" && arg_[v] < 0 && !in_mention_[v] && !IsMistaggedNoun(v)) Verb(v);
      if (HasChild(v, "cop")) Copula(v);
    }
    for (int a = 0; a < n; ++a) {
      NounModifiers(a);
      if (arg_[a] >= 0) Appositions(a);
    }
    Attribution();
    UpdateState();
    return std::move(facts_);
  }

  const std::vector<int>& pronoun_entities() const { return pronoun_entities_; }

 private:
  int N() const { return static_cast<int>(s_.tokens.size()); }
  std::string_view Rel(int i) const { return s_.tokens[i].deprel; }
  // Lower-case form of token i; a view, so comparisons with literals
  // check the length first instead of calling std::string::compare.
  std::string_view Lw(int i) const { return lower_[i]; }
  std::string_view Upos(int i) const { return s_.tokens[i].upos; }
  std::string_view Xpos(int i) const { return s_.tokens[i].xpos; }
  int Head(int i) const { return s_.tokens[i].head; }

  int MentionHead(const Mention& m) const {
    const int n = N();
    int fallback = -1;
    for (int i = m.begin; i < m.end && i < n; ++i) {
      int h = Head(i);
      if (h < m.begin || h >= m.end) return i;
      fallback = i;
    }
    return fallback;
  }

  // "DEA agents ... they": a name modifying a plural noun earlier in the
  // sentence, or a group, is the nearest antecedent of "they".
  int PluralAntecedent(int pos, const std::vector<const Mention*>& mentions) const {
    int best = -1;
    for (const Mention* m : mentions) {
      if (m->end > pos || m->entity < 0 || IsValueType(m->type)) continue;
      int head = MentionHead(*m);
      if (head < 0) continue;
      int h = Head(head);
      bool before_plural = Rel(head) == "compound" && h >= 0 && Xpos(h) == "NNS";
      // "the immunity of DEA agents" with "DEA" not attached to "agents":
      // the name right before a plural noun for people (past a ")").
      int next = m->end;
      while (next < N() && Lw(next) == ")") ++next;
      before_plural |= next < N() && IsPeopleNoun(next);
      if (before_plural || entities_[m->entity].type == GROUP) best = m->entity;
    }
    return best;
  }

  // A pronoun's antecedent within its own sentence: the last subject before
  // it of the right kind ("the Congress weighed in when it drafted ...":
  // "it" is the Congress, not the previous sentence's subject).
  int SentenceAntecedent(int pos) const {
    std::string_view w = lower_[pos];
    bool person = w == "he" || w == "she" || w == "his" || w == "her" || w == "him";
    bool thing = w == "it" || w == "its";
    if (!person && !thing) return -1;
    int best = -1;
    for (int j = 0; j < pos; ++j) {
      if (Rel(j) != "nsubj" && Rel(j) != "nsubj:pass") continue;
      int t = NameAt(j);
      if (arg_[t] < 0 || args_[arg_[t]].value) continue;
      EntityType type = entities_[args_[arg_[t]].entity].type;
      if (person ? type == PERSON
                 : (type == ORG || type == GPE || type == PROGRAM || type == LOC)) {
        best = args_[arg_[t]].entity;
      }
    }
    return best;
  }

  // A token of a name the parser split ("Human Rights Watch" with "Watch"
  // as a subject of its own) stands for the whole name.
  int NameAt(int t) const { return arg_[t] < 0 && name_head_[t] >= 0 ? name_head_[t] : t; }

  int PronounEntity(const std::string& w) const {
    if (w == "he" || w == "she" || w == "him" || w == "his" || w == "her" || w == "himself" ||
        w == "herself") {
      return state_.person;
    }
    if (w == "it" || w == "its" || w == "itself") return state_.thing;
    if (w == "they" || w == "them" || w == "their") return state_.group;
    return -1;
  }

  bool HasChild(int t, std::string_view rel) const {
    for (int c : children_[t]) {
      if (Rel(c) == rel) return true;
    }
    return false;
  }

  // The lemma of a verb: WordNet's when it knows the form (the model's
  // lemmatiser can clip, "revok"), else the model's.
  std::string VerbLemma(int v) const {
    std::string l = lex_.VerbLemma(lower_[v]);
    if (l.empty()) l = LowerAscii(s_.tokens[v].lemma);
    return l.empty() ? lower_[v] : l;
  }

  std::string NounLemma(int t) const { return lex_.NounLemma(lower_[t]); }

  // The preposition of an oblique or nominal modifier: the case word
  // nearest before it, with its fixed parts ("according to" ->
  // "according_to"; "along with" -> "with"), or "".
  std::string CaseOf(int t) const {
    int best = -1;
    auto scan = [&](int x) {
      for (int c : children_[x]) {
        if (Rel(c) != "case" || c > t) continue;
        std::string_view w = lower_[c];
        if (w == "'s" || w == "\xE2\x80\x99s" || w == "'") continue;
        best = std::max(best, c);
      }
    };
    scan(t);
    // "prior to with U.S. Secretary of State Antony Blinken": the parser
    // may hang the preposition on a title word before the name.
    for (int c : children_[t]) {
      if (c < t && (Rel(c) == "compound" || Rel(c) == "nmod:desc")) scan(c);
    }
    if (best < 0) return "";
    std::string p = lower_[best];
    for (int c : children_[best]) {
      if (Rel(c) == "fixed") p += "_" + lower_[c];
    }
    return p;
  }

  // The dependents of a name's tokens that lie outside it ("arms
  // trafficking from X": "from X" hangs off "trafficking").
  std::vector<int> OutsideChildren(int head) const {
    const Mention* m = mention_of_[head];
    if (m == nullptr) return children_[head];
    std::vector<int> out;
    for (int i = m->begin; i < m->end && i < N(); ++i) {
      for (int c : children_[i]) {
        if (c < m->begin || c >= m->end) out.push_back(c);
      }
    }
    return out;
  }

  // A conjunct in a list with a coordinator somewhere ("A, B and C"); a
  // "conj" without one ("the Council, Juan González,") is an apposition
  // the parser mislabelled.
  bool IsConjunct(int c) const {
    if (Rel(c) != "conj") return false;
    int h = Head(c);
    for (int x : children_[h]) {
      if (Rel(x) != "conj") continue;
      for (int y : children_[x]) {
        if (Rel(y) == "cc") return true;
      }
    }
    return false;
  }

  bool IsApposition(int c) const {
    return Rel(c) == "appos" || (Rel(c) == "conj" && !IsConjunct(c));
  }

  // t and its conjuncts ("immigration and drug trafficking").
  std::vector<int> WithConjuncts(int t) const {
    std::vector<int> out = {t};
    for (size_t i = 0; i < out.size() && out.size() < 12; ++i) {
      for (int c : children_[out[i]]) {
        if (IsConjunct(c)) out.push_back(c);
      }
    }
    return out;
  }

  // A noun naming a measure or a document ("policy", "bill", "letter"):
  // its kind (PROGRAM, WORK) or one of the documents of public life.
  bool IsInstrument(int t) const {
    std::string lemma = NounLemma(t);
    EntityType type = lex_.HeadType(lemma);
    if (type == PROGRAM || type == WORK) return true;
    static constexpr std::string_view kDocuments[] = {
        "letter",   "statement",   "resolution",  "order",     "decree", "measure",
        "proposal", "legislation", "regulation",  "rule",      "memo",   "memorandum",
        "motion",   "petition",    "declaration", "directive", "reform"};
    for (std::string_view d : kDocuments) {
      if (lemma == d) return true;
    }
    return false;
  }

  // A plural noun for people in an organisation ("DEA agents", "CBP
  // officers"): a name modifying it stands for them as an object.
  bool IsPeopleNoun(int t) const {
    if (Xpos(t) != "NNS") return false;
    std::string lemma = NounLemma(t);
    if (lex_.IsRoleNoun(lemma) || lemma == "official" || lemma == "staff") return true;
    for (std::string_view suf : {"er", "or", "ant", "ent", "ist", "ee", "ian"}) {
      if (lemma.size() >= suf.size() + 2 && lemma.ends_with(suf)) return true;
    }
    return false;
  }

  // A noun the tagger took for a verb after "to" ("committed aid to
  // development projects"): not a form any verb has, but a noun.
  bool IsMistaggedNoun(int t) const {
    return Upos(t) == "VERB" && lex_.VerbLemma(lower_[t]).empty() &&
           lex_.IsNoun(lower_[t]);
  }

  bool IsRelativePronoun(int t) const {
    std::string_view w = lower_[t];
    return w == "who" || w == "which" || w == "that" || w == "whom";
  }

  // "immigration, which AMLO discussed": a "which"/"that" the parser made a
  // second subject of v beside another one is the clause's object.
  bool RelativeObject(int c, int v) const {
    if (Lw(c) != "which" && Lw(c) != "that") return false;
    if (RelativeHead(v) < 0) return false;
    for (int x : children_[v]) {
      if (x != c && (Rel(x) == "nsubj" || Rel(x) == "nsubj:pass")) return true;
    }
    return false;
  }

  // The noun a relative clause at verb v modifies, or -1.
  int RelativeHead(int v) const {
    return (Rel(v) == "acl:relcl" || Rel(v) == "advcl:relcl") && Head(v) >= 0 ? Head(v) : -1;
  }

  // A person named in apposition to token t, or -1.
  int AppositionPerson(int t) const {
    for (int c : children_[t]) {
      if (IsApposition(c) && arg_[c] >= 0 && !args_[arg_[c]].value &&
          entities_[args_[arg_[c]].entity].type == PERSON) {
        return c;
      }
    }
    return -1;
  }

  // What token t stands for as an argument: a relative pronoun stands for
  // the noun its clause modifies; a noun with a name in apposition ("the
  // senior adviser ..., Ingrid Solberg") for that name.
  int Resolve(int t, int v) const {
    t = NameAt(t);
    if (IsRelativePronoun(t) && arg_[t] < 0) {
      int h = RelativeHead(v);
      // "who" stands for someone: a place or a thing the parser hung the
      // clause on ("seekers left in Mexico who have become ...") is not it.
      if (h >= 0 && (Lw(t) == "who" || Lw(t) == "whom") && arg_[h] >= 0) {
        EntityType type = entities_[args_[arg_[h]].entity].type;
        if (type != PERSON && type != ORG && type != GROUP && type != MISC) return t;
      }
      if (h >= 0) return h;
    }
    if (arg_[t] < 0) {
      for (int c : children_[t]) {
        if (IsApposition(c) && arg_[c] >= 0 && !args_[arg_[c]].value) return c;
      }
      // "the senior director of the Western Hemisphere on the Council,
      // Juan González": the parser may hang the person's apposition on the
      // last noun of the title's modifiers; a person there names the title.
      if (lex_.IsRoleNoun(NounLemma(t))) {
        for (int c : children_[t]) {
          if (Rel(c) != "nmod") continue;
          for (int d : children_[c]) {
            int person = Rel(d) == "nmod" ? AppositionPerson(d) : -1;
            if (person < 0) person = AppositionPerson(c);
            if (person >= 0) return person;
          }
        }
      }
      // "arrest Ex-Defense Minister Salvador Cienfuegos" parsed with the
      // title as the head and the name as its flat tail: the person.
      for (int c : children_[t]) {
        if (Rel(c) == "flat" && c > t && arg_[c] >= 0 &&
            entities_[args_[arg_[c]].entity].type == PERSON) {
          return c;
        }
      }
    }
    return t;
  }

  // The names a common noun introduces as examples ("advocacy groups like
  // Human Rights Watch", "countries such as Peru"): they stand for it.
  std::vector<int> Examples(int t) const {
    std::vector<int> out;
    if (arg_[t] >= 0 || (Upos(t) != "NOUN" && Upos(t) != "PRON")) return out;
    for (int c : children_[t]) {
      if (Rel(c) != "nmod") continue;
      std::string p = CaseOf(c);
      if (p != "like" && p != "such_as" && p != "including") continue;
      for (int x : WithConjuncts(c)) {
        if (arg_[x] >= 0 && !args_[arg_[x]].value) out.push_back(x);
      }
    }
    return out;
  }

  // t and its conjuncts, each example name standing beside the noun it
  // exemplifies.
  std::vector<int> Participants(int t) const {
    std::vector<int> out;
    for (int x : WithConjuncts(t)) {
      out.push_back(x);
      for (int e : Examples(x)) out.push_back(e);
    }
    return out;
  }

  // Subject tokens of verb (or predicate) v; *passive set when the subject
  // is the patient.
  std::vector<int> Subjects(int v, bool* passive, bool* inherited, int depth = 0) const {
    bool carried = false, pass = false;
    std::vector<int> out = DirectSubjects(v, &pass, &carried, depth);
    if (inherited != nullptr) *inherited = carried;
    if (passive != nullptr) *passive = pass;
    // Only an agent subject of the verb itself (or the noun its active
    // participle modifies) is an instrument; one carried down a clause
    // chain, or a patient ("songs recorded by X"), is not.
    if (out.empty() || depth > 0 || pass || (carried && Rel(v) != "acl")) return out;
    // "X kept policies that empower Y", "X drafted a letter urging Y": an
    // instrument (a policy, a law, a document) acts for whoever adopted or
    // issued it.
    std::vector<int> agents;
    for (int x : out) {
      if (arg_[x] >= 0 || !IsInstrument(x) || Rel(x) != "obj") continue;
      int u = Head(x);
      if (u < 0 || Upos(u) != "VERB") continue;
      for (int a : Subjects(u, nullptr, nullptr, depth + 1)) {
        if (arg_[a] >= 0) agents.push_back(a);
      }
    }
    if (!agents.empty()) {
      if (inherited != nullptr) *inherited = true;
      out.insert(out.end(), agents.begin(), agents.end());
    }
    return out;
  }

  std::vector<int> DirectSubjects(int v, bool* passive, bool* inherited, int depth) const {
    std::vector<int> out;
    bool pass = HasChild(v, "aux:pass");
    for (int c : children_[v]) {
      if (Rel(c) == "nsubj" || Rel(c) == "nsubj:pass") {
        if (RelativeObject(c, v)) continue;
        if (Rel(c) == "nsubj:pass") pass = true;
        for (int x : Participants(Resolve(c, v))) out.push_back(x);
      }
    }
    if (passive != nullptr) *passive = pass;
    if (!out.empty() || depth > 4) return out;
    int h = Head(v);
    if (h < 0) return out;
    std::string_view r = Rel(v);
    if (inherited != nullptr) *inherited = true;
    if (r == "xcomp") {
      // Object control: "urged Norway to ban" -> Norway bans.
      for (int c : children_[h]) {
        if (Rel(c) == "obj" || Rel(c) == "iobj") return WithConjuncts(Resolve(c, h));
      }
      return Subjects(h, nullptr, nullptr, depth + 1);
    }
    if (r == "conj" || r == "advcl") {
      // A "verb" inside a name ("money laundering, cracking down on X") is
      // no clause to share a subject with.
      if ((Upos(h) == "VERB" && !in_mention_[h]) || HasChild(h, "cop")) {
        return Subjects(h, nullptr, nullptr, depth + 1);
      }
      return out;
    }
    if (r == "acl") {
      // "a policy launched by X": the noun is the patient; "a company
      // producing chips": the agent.
      std::string_view x = Xpos(v);
      if (x == "VBN") {
        if (passive != nullptr) *passive = true;
        return WithConjuncts(Resolve(h, v));
      }
      if (x == "VBG") return WithConjuncts(Resolve(h, v));
      // "they used intelligence to arrest X": an infinitive of purpose on
      // the object of a verb has that verb's subject.
      bool to = false;
      for (int c : children_[v]) to |= Rel(c) == "mark" && Lw(c) == "to";
      int u = Head(h);
      if (to && x == "VB" && arg_[h] < 0 && (Rel(h) == "obj" || Rel(h) == "obl") && u >= 0 &&
          Upos(u) == "VERB") {
        return Subjects(u, nullptr, nullptr, depth + 1);
      }
    }
    return out;
  }

  uint32_t Flags(int v) const {
    uint32_t f = 0;
    // The verb and the verbs it is the complement of ("did not agree to
    // end X": the ending is negated too).
    for (int t = v, depth = 0; t >= 0 && depth < 5; ++depth) {
      for (int c : children_[t]) {
        std::string_view w = lower_[c];
        if ((Rel(c) == "advmod" || Rel(c) == "neg") && (w == "not" || w == "n't" || w == "never")) {
          f |= NEGATED;
        }
        if (Rel(c) == "aux" && lex_.IsModal(w)) f |= MODAL;
        if ((Rel(c) == "advmod" || Rel(c) == "amod") && lex_.IsAllegationWord(w)) f |= ALLEGED;
        if (Rel(c) == "mark" && w == "without") f |= NEGATED;
      }
      std::string lemma = VerbLemma(t);
      if (t != v && lex_.IsHedgingVerb(lemma)) f |= HEDGED;
      if (t == v && lex_.IsHedgingVerb(lemma)) f |= HEDGED;
      if (t != v && lex_.IsReportingVerb(lemma) && Rel(v) != "xcomp") f |= REPORTED;
      if (lemma == "allege" || lemma == "accuse" || lemma == "suspect") f |= ALLEGED;
      std::string_view r = Rel(t);
      if (r != "xcomp" && r != "ccomp" && r != "conj") break;
      if (r == "conj") {
        t = Head(t);
        // A conjoined verb shares the complement context, not the
        // negation of its sibling.
        f &= ~(NEGATED | MODAL);
        continue;
      }
      t = Head(t);
    }
    return f;
  }

  void Emit(int a, int b, const std::string& predicate, uint32_t flags, float conf) {
    if (a < 0 || b < 0 || arg_[a] < 0 || arg_[b] < 0 || predicate.empty()) return;
    const Arg& x = args_[arg_[a]];
    const Arg& y = args_[arg_[b]];
    if (x.entity == y.entity || x.value || x.modifier || y.modifier) return;
    RawFact f;
    f.subject = x.entity;
    f.object = y.entity;
    f.predicate = predicate;
    f.flags = flags;
    f.confidence = conf;
    f.sentence = index_;
    f.span_begin = std::min(x.byte_begin, y.byte_begin);
    f.span_end = std::max(x.byte_end, y.byte_end);
    entities_[x.entity].used = entities_[y.entity].used = true;
    facts_.push_back(std::move(f));
  }

  // Names reached from a noun that is not itself a name: its nominal
  // modifiers with their preposition ("the immunity of DEA agents").
  // One more level through a common noun keeps the innermost preposition
  // ("enacted changes to the cooperation with X" -> enact_with).
  std::vector<std::pair<int, std::string>> NamesUnder(int noun, int depth = 0) const {
    std::vector<std::pair<int, std::string>> out;
    for (int c : children_[noun]) {
      if (Rel(c) != "nmod") continue;
      std::string p = CaseOf(c);
      for (int x : WithConjuncts(c)) {
        if (arg_[x] >= 0) {
          out.push_back({x, p});
        } else if (!IsPeopleNoun(x)) {
          if (depth == 0 && Upos(x) == "NOUN") {
            for (auto& inner : NamesUnder(x, depth + 1)) {
              // Only a partner survives the extra hop: "of"/"in" chains
              // ("the immunity of the agents of X") were right about one
              // time in five on Re-DocRED dev.
              if (inner.second == "with" || inner.second == "against") out.push_back(inner);
            }
          }
        } else {
          // "the immunity of DEA agents": the organisation of the people.
          for (int y : children_[x]) {
            if ((Rel(y) == "compound" || Rel(y) == "nmod:poss") && arg_[y] >= 0 &&
                !args_[arg_[y]].value) {
              out.push_back({y, p});
            }
          }
        }
      }
    }
    return out;
  }

  void Verb(int v) {
    bool passive = false, inherited = false;
    std::vector<int> subjects = Subjects(v, &passive, &inherited);
    std::string lemma = VerbLemma(v);
    for (int c : children_[v]) {
      if (Rel(c) == "compound:prt") lemma += "_" + lower_[c];
    }
    uint32_t flags = Flags(v);
    float conf = inherited ? 0.6f : 0.75f;
    std::vector<int> agents, objects;
    std::vector<std::pair<int, std::string>> obliques;  // token, predicate
    for (int c : children_[v]) {
      std::string_view r = Rel(c);
      if (r == "obj" || r == "iobj") {
        int t = Resolve(c, v);
        for (int x : Participants(t)) {
          if (arg_[x] >= 0) {
            objects.push_back(x);
            // "committed $4 billion in aid to projects in X", with the
            // phrases hung on the sum: read them as the verb's obliques.
            if (args_[arg_[x]].value) {
              for (int a : children_[x]) {
                if (Rel(a) != "nmod" || arg_[a] >= 0 || Upos(a) != "NOUN") continue;
                for (int b : children_[a]) {
                  if (Rel(b) != "nmod" || arg_[b] >= 0) continue;
                  std::string p = CaseOf(b);
                  if (p.empty()) continue;
                  for (auto& [y, q] : NamesUnder(b)) obliques.push_back({y, lemma + "_" + p});
                }
              }
            }
          } else {
            // "empower the CBP agents" -> empower CBP.
            if (IsPeopleNoun(x)) {
              for (int y : children_[x]) {
                if ((Rel(y) == "compound" || Rel(y) == "nmod:poss") && arg_[y] >= 0 &&
                    !args_[arg_[y]].value) {
                  objects.push_back(y);
                }
              }
            }
            // "revoked the immunity of X" -> revoke_of; but "ended the
            // policy of X", where the noun names X's kind -> end.
            bool kind = lex_.HeadType(lower_[x]) != ENTITY_TYPE_UNSPECIFIED;
            for (auto& [y, p] : NamesUnder(x)) {
              bool same = kind && p == "of";
              obliques.push_back({y, p.empty() || same ? lemma : lemma + "_" + p});
            }
          }
        }
      } else if ((r == "advcl" || r == "xcomp") && IsMistaggedNoun(c)) {
        // "aid to development projects in X" read as "to develop": the
        // "to" phrase is the verb's oblique.
        bool to = false;
        for (int m : children_[c]) to |= Rel(m) == "mark" && Lw(m) == "to";
        if (!to) continue;
        for (int y : children_[c]) {
          if (Rel(y) != "obj") continue;
          if (arg_[y] >= 0) {
            obliques.push_back({y, lemma + "_to"});
          } else {
            for (auto& [z, q] : NamesUnder(y)) obliques.push_back({z, lemma + "_to"});
          }
        }
      } else if (r == "obl:unmarked" || r == "obl:tmod") {
        // "discussed the day prior to with X": a partner phrase the parser
        // hung on the time phrase's adjective belongs to the verb.
        for (int a : children_[c]) {
          if (Rel(a) != "amod") continue;
          for (int b : children_[a]) {
            if (Rel(b) != "obl" || CaseOf(b) != "with") continue;
            int person = AppositionPerson(b);
            int x = person >= 0 ? person : b;
            if (arg_[x] >= 0) obliques.push_back({x, lemma + "_with"});
          }
        }
      } else if (r == "obl" || r == "obl:agent") {
        std::string p = CaseOf(c);
        if (p == "according_to") continue;  // a source (Attribution), not an argument
        bool agent = r == "obl:agent" || (passive && p == "by");
        for (int x : WithConjuncts(c)) {
          if (arg_[x] >= 0) {
            if (agent) {
              agents.push_back(x);
            } else {
              obliques.push_back({x, p.empty() ? lemma : lemma + "_" + p});
            }
          } else if (!agent) {
            // "committed aid to projects in Central America": the
            // preposition that attaches the noun to the verb.
            // "enacted changes to the cooperation with X": a partner ("with",
            // "against") keeps its own preposition.
            for (auto& [y, q] : NamesUnder(x)) {
              bool partner = q == "with" || q == "against";
              obliques.push_back({y, lemma + "_" + (p.empty() || partner ? q : p)});
            }
          }
        }
      }
    }
    if (int h = RelativeHead(v); h >= 0 && arg_[h] >= 0 && !passive) {
      for (int c : children_[v]) {
        if (RelativeObject(c, v)) objects.push_back(h);
      }
    }
    // "the treaty Peru signed": a bare relative clause's gap is the object.
    if (int h = RelativeHead(v); h >= 0 && objects.empty() && !passive) {
      bool has_relative = false;
      for (int c : children_[v]) has_relative |= IsRelativePronoun(c);
      bool own_subject = HasChild(v, "nsubj");
      if (!has_relative && own_subject && arg_[h] >= 0) objects.push_back(h);
    }
    if (passive) {
      for (int a : agents) {
        for (int s : subjects) Emit(a, s, lemma, flags, conf);
      }
    }
    for (int s : subjects) {
      for (int o : objects) Emit(s, o, lemma, flags, conf);
      for (auto& [o, pred] : obliques) Emit(s, o, pred, flags, conf - 0.05f);
    }
    if (passive && subjects.empty()) {
      for (int a : agents) {
        for (int o : objects) Emit(a, o, lemma, flags, conf - 0.1f);
      }
    }
    // "Ghana and Togo agreed": coordinated subjects of an objectless verb.
    if (objects.empty() && obliques.empty() && agents.empty() && subjects.size() >= 2 &&
        !inherited) {
      for (size_t i = 1; i < subjects.size(); ++i) {
        Emit(subjects[0], subjects[i], lemma + "_with", flags, 0.6f);
      }
    }
  }

  // Role phrase of a noun ("the senior director" -> "senior director").
  std::string RolePhrase(int noun) const {
    int b = noun;
    for (int c : children_[noun]) {
      if (c < noun && (Rel(c) == "amod" || Rel(c) == "compound") && arg_[c] < 0 &&
          !in_mention_[c]) {
        b = std::min(b, c);
      }
    }
    std::string out;
    for (int i = b; i <= noun; ++i) {
      if (Head(i) != noun && i != noun) continue;
      if (!out.empty()) out += " ";
      out += s_.tokens[i].text;
    }
    return out;
  }

  // "X is/, the <noun> of Y": facts between X and what hangs off the noun.
  void PredicateNoun(int x, int noun, float conf, uint32_t flags) {
    if (arg_[x] < 0) return;
    const Arg& xa = args_[arg_[x]];
    bool person = entities_[xa.entity].type == PERSON;
    bool role = person && lex_.IsRoleNoun(lower_[noun]);
    std::string head = NounLemma(noun);
    if (role) {
      std::string phrase = RolePhrase(noun);
      int r = FindOrAddEntity(entities_, phrase, ROLE);
      // A role entity has no token: emit directly.
      RawFact f;
      f.subject = xa.entity;
      f.object = r;
      f.predicate = "holds_role";
      f.flags = flags;
      f.confidence = conf;
      f.sentence = index_;
      f.span_begin = xa.byte_begin;
      f.span_end = std::max(xa.byte_end, s_.tokens[noun].end);
      entities_[xa.entity].used = entities_[r].used = true;
      facts_.push_back(std::move(f));
    }
    for (int c : children_[noun]) {
      std::string_view r = Rel(c);
      if (r == "nmod") {
        std::string p = CaseOf(c);
        // Nested modifiers: "director for the Western Hemisphere on the
        // National Security Council".
        std::vector<int> targets = WithConjuncts(c);
        for (int d : children_[c]) {
          if (Rel(d) == "nmod" && arg_[c] >= 0) {
            for (int y : WithConjuncts(d)) targets.push_back(y);
          }
        }
        for (int y : targets) {
          if (arg_[y] < 0) continue;
          std::string q = y == c || Head(y) == c ? CaseOf(y) : p;
          if (q.empty()) q = p;
          EntityType t = entities_[args_[arg_[y]].entity].type;
          std::string pred;
          if (role && t == ORG && (q == "on" || q == "at" || q == "in" || q == "with")) {
            pred = "member_of";
          } else if (role) {
            pred = head + "_of";
          } else {
            pred = q.empty() ? head : head + "_" + q;
          }
          Emit(x, y, pred, flags, conf - 0.05f);
        }
      } else if ((r == "amod" || r == "compound" || r == "nmod:poss") && arg_[c] >= 0) {
        // "a German racer", "an American company", "Mexico's president".
        EntityType t = entities_[args_[arg_[c]].entity].type;
        if (t == GPE || t == GROUP || t == LOC || t == ORG) {
          Emit(x, c, "affiliated_with", flags, conf - 0.1f);
        }
      }
    }
  }

  void Copula(int noun) {
    std::vector<int> subjects = Subjects(noun, nullptr, nullptr);
    uint32_t flags = Flags(noun);
    for (int s : subjects) {
      if (arg_[s] < 0) continue;
      if (arg_[noun] >= 0) {
        Emit(s, noun, "be", flags, 0.6f);
        continue;
      }
      if (Upos(noun) == "NOUN" || Upos(noun) == "PROPN") {
        PredicateNoun(s, noun, 0.7f, flags);
      } else {
        // "X is close to Y", "X is responsible for Y".
        for (int c : children_[noun]) {
          if (Rel(c) != "obl") continue;
          std::string p = CaseOf(c);
          for (int y : WithConjuncts(c)) {
            Emit(s, y, lower_[noun] + (p.empty() ? "" : "_" + p), flags, 0.6f);
          }
        }
      }
    }
  }

  void Appositions(int a) {
    for (int c : children_[a]) {
      if (!IsApposition(c)) continue;
      if (arg_[c] >= 0) {
        EntityType x = entities_[args_[arg_[a]].entity].type;
        EntityType y = entities_[args_[arg_[c]].entity].type;
        bool place_x = x == GPE || x == LOC, place_y = y == GPE || y == LOC;
        // "Vancouver, British Columbia": the second place contains the first.
        if (place_x && place_y) Emit(a, c, "located_in", 0, 0.7f);
        continue;
      }
      PredicateNoun(a, c, 0.75f, 0);
    }
    // "<the senior adviser on the Arctic Council>, Ingrid Solberg": the
    // name is in apposition to the role noun.
    // The parser may hang the name on the last name of the role's phrase
    // ("the senior director of X on the Y Council, Juan González"): climb
    // nominal modifiers up to the role noun.
    if (IsApposition(a) && entities_[args_[arg_[a]].entity].type == PERSON) {
      int noun = Head(a);
      for (int depth = 0; noun >= 0 && arg_[noun] >= 0 && depth < 4; ++depth) {
        if (Rel(noun) != "nmod" || entities_[args_[arg_[noun]].entity].type == PERSON) break;
        noun = Head(noun);
      }
      if (noun >= 0 && arg_[noun] < 0 && Upos(noun) == "NOUN" &&
          (noun == Head(a) || lex_.IsRoleNoun(lower_[noun]))) {
        PredicateNoun(a, noun, 0.75f, 0);
      }
    }
  }

  void NounModifiers(int a) {
    if (arg_[a] >= 0) {
      // "arms trafficking from the United States", "the Bank of Spain".
      for (int c : OutsideChildren(a)) {
        if (Rel(c) != "nmod" && !(Rel(c) == "obl" && Head(c) != a)) continue;
        std::string p = CaseOf(c);
        if (!IsRelationalPreposition(p)) continue;
        for (int y : WithConjuncts(c)) Emit(a, y, p, 0, 0.65f);
      }
      return;
    }
    if (Upos(a) != "NOUN") return;
    // "China's role in fentanyl": the possessor relates to what the noun
    // governs.
    std::vector<int> possessors;
    bool nmod = false;
    for (int c : children_[a]) {
      if (Rel(c) == "nmod:poss" && arg_[c] >= 0) possessors.push_back(c);
      nmod |= Rel(c) == "nmod";
    }
    // Most nouns have neither a possessor nor a modifier: no lemma, no
    // walk of the subtree for them.
    if (!nmod) return;
    std::string head = NounLemma(a);
    if (!possessors.empty()) {
      std::vector<std::pair<int, std::string>> under = NamesUnder(a);
      for (int x : possessors) {
        for (auto& [y, p] : under) Emit(x, y, p.empty() ? head : head + "_" + p, 0, 0.6f);
      }
    }
    // "the meeting between A and B".
    for (int c : children_[a]) {
      if (Rel(c) != "nmod" || CaseOf(c) != "between") continue;
      std::vector<int> sides = WithConjuncts(c);
      std::string verb = lex_.VerbLemma(lower_[a]);
      if (verb.empty()) verb = head;
      for (size_t i = 1; i < sides.size(); ++i) Emit(sides[0], sides[i], verb + "_with", 0, 0.65f);
    }
  }

  // "As Bloomberg reports, X ...", "as reported by the New York Times, X
  // ...", "according to X, Y ...": the source reports the main clause's
  // subject.
  void Attribution() {
    for (int r = 0; r < N(); ++r) {
      std::vector<int> sources;
      int main = -1;
      if (Upos(r) == "VERB" && lex_.IsReportingVerb(VerbLemma(r))) {
        bool as = false;
        for (int c : children_[r]) {
          as |= (Rel(c) == "mark" || Rel(c) == "case") && Lw(c) == "as";
        }
        if (!as) continue;
        for (int c : children_[r]) {
          if (Rel(c) == "nsubj" || Rel(c) == "obl:agent") {
            for (int x : WithConjuncts(c)) sources.push_back(x);
          }
        }
        if (Head(r) >= 0) {
          main = Head(r);
        } else {
          for (int c : children_[r]) {
            if (Rel(c) == "parataxis" || Rel(c) == "ccomp" || Rel(c) == "advcl") main = c;
          }
          // The parser read the main clause's subject as the object of
          // "reports": that subject is what the source reports on.
          if (main < 0) {
            for (int c : children_[r]) {
              if (Rel(c) != "obj" || c < r) continue;
              int x = Resolve(c, r);
              if (arg_[x] >= 0 && !args_[arg_[x]].value) {
                for (int src : sources) Emit(src, x, "reports", REPORTED, 0.6f);
              }
            }
          }
        }
      } else if ((Rel(r) == "obl" || Rel(r) == "nmod") && CaseOf(r) == "according_to" &&
                 arg_[r] >= 0) {
        sources = WithConjuncts(r);
        main = Head(r);
      }
      if (sources.empty() || main < 0) continue;
      for (int s : Subjects(main, nullptr, nullptr)) {
        for (int x : sources) Emit(x, s, "reports", REPORTED, 0.6f);
      }
    }
  }

  void UpdateState() {
    // The subjects of this sentence become the antecedents of the next
    // sentence's pronouns (a person for he/she, anything else for it).
    for (int v = 0; v < N(); ++v) {
      if (Rel(v) != "nsubj" && Rel(v) != "nsubj:pass") continue;
      int t = arg_[v] >= 0 ? v : -1;
      if (t < 0) continue;
      const Arg& a = args_[arg_[t]];
      if (a.value) continue;
      EntityType type = entities_[a.entity].type;
      if (type == PERSON) {
        if (state_.person < 0 || Head(v) < 0 || Rel(Head(v)) == "root" || Head(Head(v)) < 0) {
          state_.person = a.entity;
        }
      } else if (type == GROUP) {
        state_.group = a.entity;
      } else if (type != ROLE) {
        state_.thing = a.entity;
        if (type == ORG) state_.group = a.entity;
      }
    }
    // A person named before any subject was seen still helps.
    if (state_.person < 0) {
      for (const Arg& a : args_) {
        if (!a.pronoun && entities_[a.entity].type == PERSON) {
          state_.person = a.entity;
          break;
        }
      }
    }
  }

  const Sentence& s_;
  int index_;
  std::vector<DocEntity>& entities_;
  const Lexicon& lex_;
  DiscourseState& state_;
  std::vector<std::string> own_lower_;  // when the caller has none
  const std::vector<std::string>& lower_;
  std::vector<std::vector<int>> children_;
  std::vector<int> arg_;  // token -> index into args_ (mention heads, pronouns)
  std::vector<bool> in_mention_;
  std::vector<const Mention*> mention_of_;  // mention whose head token this is
  std::vector<int> name_head_;              // token -> head token of its mention, or -1
  std::vector<Arg> args_;
  std::vector<int> pronoun_entities_;
  std::vector<RawFact> facts_;
};

}  // namespace

bool HasUsableTree(const Sentence& sentence) {
  const int n = static_cast<int>(sentence.tokens.size());
  int roots = 0;
  for (const Token& t : sentence.tokens) {
    if (t.deprel.empty() || t.head >= n) return false;
    if (t.head < 0) ++roots;
  }
  return n > 0 && roots >= 1;
}

std::vector<RawFact> DependencyRelations(const Sentence& sentence, int index,
                                         const std::vector<const Mention*>& mentions,
                                         std::vector<DocEntity>& entities, const Lexicon& lexicon,
                                         DiscourseState& state,
                                         std::vector<int>* pronoun_entities,
                                         const std::vector<std::string>* lower) {
  TreeReader reader(sentence, index, mentions, entities, lexicon, state, lower);
  if (pronoun_entities != nullptr) {
    pronoun_entities->insert(pronoun_entities->end(), reader.pronoun_entities().begin(),
                             reader.pronoun_entities().end());
  }
  return reader.Run();
}

}  // namespace kg::core
