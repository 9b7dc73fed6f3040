#include "core/relations.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "core/dependency_relations.h"
#include "core/mention_finder.h"
#include "proto/term_key.h"

namespace kg::core {

int FindOrAddEntity(std::vector<DocEntity>& entities, const std::string& name, EntityType type) {
  std::string key = TermKey(name);
  for (size_t i = 0; i < entities.size(); ++i) {
    if (entities[i].key == key) return static_cast<int>(i);
    for (const std::string& a : entities[i].aliases) {
      if (TermKey(a) == key) return static_cast<int>(i);
    }
  }
  DocEntity e;
  e.name = name;
  e.key = key;
  e.type = type;
  entities.push_back(e);
  return static_cast<int>(entities.size()) - 1;
}

RelationMode RelationModeFromEnv() {
  static const RelationMode mode = [] {
    const char* v = std::getenv("KG_RELATIONS");
    std::string_view m = v == nullptr ? "" : v;
    if (m == "tree") return RelationMode::kTree;
    if (m == "patterns") return RelationMode::kPatterns;
    return RelationMode::kTreeThenPatterns;
  }();
  return mode;
}

namespace {

// Co-mention pairs entities at most this many names apart in a sentence:
// on Re-DocRED dev, pairs of neighbouring names are related 39% of the
// time, 4 apart 23%, 6 apart 9%.
constexpr size_t kCoMentionWindow = 4;

bool IsActor(EntityType t) {
  return t == PERSON || t == ORG || t == GPE || t == GROUP || t == PROGRAM;
}

bool IsValueType(EntityType t) { return t == DATE || t == MONEY || t == QUANTITY || t == PERCENT; }

bool IsPossessiveMark(std::string_view w) {
  return w == "'s" || w == "\xE2\x80\x99s" || w == "'" || w == "\xE2\x80\x99";
}

bool IsBeForm(std::string_view w) {
  return w == "is" || w == "was" || w == "were" || w == "are" || w == "be" || w == "been" ||
         w == "being" || w == "am" || w == "'s" || w == "'re";
}

// Prepositions that name how an object attaches to a verb, in preference
// order when several stand between the verb and the object.
constexpr std::string_view kStrongPreps[] = {"to",     "with",  "from",    "against", "into",
                                             "for",    "on",    "at",      "by",      "through",
                                             "about",  "over",  "between", "toward",  "towards",
                                             "across", "under", "within",  "onto",    "upon"};

bool IsStrongPrep(std::string_view w) {
  for (std::string_view p : kStrongPreps) {
    if (w == p) return true;
  }
  return false;
}

class SentenceRelations {
 public:
  SentenceRelations(const Sentence& sentence, int index, const std::vector<Mention>& all,
                    std::vector<const Mention*> mentions, std::vector<DocEntity>& entities,
                    const Lexicon& lex, int* last_person, DiscourseState* discourse,
                    RelationMode mode)
      : s_(sentence),
        index_(index),
        m_(std::move(mentions)),
        entities_(entities),
        lex_(lex),
        last_person_(last_person),
        discourse_(discourse),
        mode_(mode) {
    (void)all;
    const int n = static_cast<int>(s_.tokens.size());
    at_.assign(n, -1);
    lower_.resize(n);
    for (int i = 0; i < n; ++i) lower_[i] = LowerAscii(s_.tokens[i].text);
    for (int k = 0; k < static_cast<int>(m_.size()); ++k) {
      for (int i = m_[k]->begin; i < m_[k]->end && i < n; ++i) at_[i] = k;
    }
    attached_.assign(m_.size(), false);
    verb_lemma_.assign(n, "");
    for (int i = 0; i < n; ++i) verb_lemma_[i] = VerbAt(i);
  }

  std::vector<RawFact> Run() {
    Attribution();
    Titles();
    // Model mode: the tree's relations first; the word-order patterns then
    // add only pairs the tree left unrelated (parses are wrong often enough
    // that the patterns still find facts the tree misses).
    bool tree = mode_ != RelationMode::kPatterns && HasUsableTree(s_);
    std::vector<int> pronouns;
    if (tree) {
      std::vector<RawFact> dep =
          DependencyRelations(s_, index_, m_, entities_, lex_, *discourse_, &pronouns, &lower_);
      for (RawFact& f : dep) {
        tree_pairs_.insert({std::min(f.subject, f.object), std::max(f.subject, f.object)});
        typed_pairs_.insert({std::min(f.subject, f.object), std::max(f.subject, f.object)});
        facts_.push_back(std::move(f));
        fact_pos_.push_back(-1);
      }
    }
    if (!tree || mode_ == RelationMode::kTreeThenPatterns) {
      fallback_ = tree;
      Appositions();
      NounPatterns();
      verbs_fallback_ = tree;
      Verbs();
      verbs_fallback_ = false;
      fallback_ = false;
    }
    CoMentions(pronouns);
    for (size_t i = 0; i < facts_.size(); ++i) {
      RawFact& f = facts_[i];
      if (f.predicate == kCoMentioned) continue;
      // Attribution covers the sentence; "X said that ..." covers what follows.
      if (reported_ || (report_from_ >= 0 && fact_pos_[i] > report_from_)) f.flags |= REPORTED;
    }
    // Track the last person for pronoun subjects in later sentences.
    for (const Mention* m : m_) {
      if (entities_[m->entity].type == PERSON) *last_person_ = m->entity;
    }
    return std::move(facts_);
  }

 private:
  int N() const { return static_cast<int>(s_.tokens.size()); }
  // A view, so comparisons with literals check the length first instead of
  // calling std::string::compare.
  std::string_view W(int i) const { return lower_[i]; }

  void Emit(int subj, int obj, std::string predicate, uint32_t flags, float conf,
            const Mention* a = nullptr, const Mention* b = nullptr) {
    if (subj < 0 || obj < 0 || subj == obj) return;
    if (fallback_ && tree_pairs_.contains({std::min(subj, obj), std::max(subj, obj)})) return;
    // Beside a tree, word order relates only actors (and issues, sums):
    // elsewhere its guesses (works, events, places) were mostly wrong.
    if (verbs_fallback_ && predicate != kCoMentioned &&
        (!IsActor(entities_[subj].type) ||
         !(IsActor(entities_[obj].type) || entities_[obj].type == TOPIC ||
           entities_[obj].type == MONEY))) {
      return;
    }
    RawFact f;
    f.subject = subj;
    f.object = obj;
    f.predicate = std::move(predicate);
    f.flags = flags;
    f.confidence = conf;
    f.sentence = index_;
    if (a != nullptr && b != nullptr) {
      f.span_begin = std::min(a->byte_begin, b->byte_begin);
      f.span_end = std::max(a->byte_end, b->byte_end);
    }
    if (f.predicate != kCoMentioned) {
      typed_pairs_.insert({std::min(subj, obj), std::max(subj, obj)});
    }
    entities_[subj].used = entities_[obj].used = true;
    facts_.push_back(std::move(f));
    fact_pos_.push_back(b != nullptr ? b->begin : -1);
  }

  int EntityNamed(const std::string& name, EntityType type) {
    return FindOrAddEntity(entities_, name, type);
  }

  // A verb at token i (not inside a mention): its lemma, else "".
  std::string VerbAt(int i) const {
    if (at_[i] >= 0) return "";
    const std::string& w = s_.tokens[i].text;
    if (!s_.tokens[i].upos.empty()) {
      if (std::string_view(s_.tokens[i].upos) != "VERB") return "";
      // WordNet's lemma when it knows the form: it is exact for irregulars
      // and the model's lemmatiser can clip ("revok").
      std::string l = lex_.VerbLemma(W(i));
      if (l.empty()) l = LowerAscii(s_.tokens[i].lemma);
      return l.empty() ? std::string(W(i)) : l;
    }
    if (w.empty() || !std::isalpha(static_cast<unsigned char>(w[0])) || IsCapitalized(w)) return "";
    std::string_view lw = W(i);
    if (lex_.IsAuxiliary(lw) || lex_.IsModal(lw) || lex_.IsPreposition(lw) ||
        lex_.IsDeterminer(lw) || lex_.IsPronoun(lw) || lex_.IsConjunction(lw) ||
        lex_.IsNegation(lw)) {
      return "";
    }
    std::string lemma = lex_.VerbLemma(lw);
    if (lemma.empty()) return "";
    std::string_view prev = i > 0 ? W(i - 1) : "";
    // "the report"; floating quantifiers ("have both agreed") do not count.
    if ((lex_.IsDeterminer(prev) && prev != "both" && prev != "all" && prev != "each") ||
        IsPossessiveMark(prev)) {
      return "";
    }
    bool inflected = lemma != lw;
    bool after_aux = lex_.IsAuxiliary(prev) || lex_.IsModal(prev) || prev == "to" ||
                     lex_.IsNegation(prev) || (prev.size() > 3 && prev.ends_with("ly")) ||
                     prev == "also" || prev == "already" || prev == "both";
    bool after_subject = i > 0 && at_[i - 1] >= 0;
    if (lw.ends_with("ing")) {
      // Gerunds after a preposition or a comma act as clauses ("by revoking");
      // elsewhere an -ing word is usually a noun or adjective.
      return (lex_.IsPreposition(prev) || prev == "," || lex_.IsAuxiliary(prev) || after_subject ||
              prev == "been" || prev == "not")
                 ? lemma
                 : "";
    }
    if (inflected && (lw.ends_with("ed") || lw.ends_with("s") || lemma.size() + 1 != lw.size())) {
      // A noun that is also a verb form ("changes", "issues") is a verb only
      // right after a subject or an auxiliary.
      if (lw.ends_with("s") && !lw.ends_with("ed") && !after_subject && !after_aux) return "";
      if (lex_.IsNoun(lw) && !lw.ends_with("ed") && !after_subject && !after_aux) return "";
      return lemma;
    }
    if (after_aux) return lemma;
    // "The HRW report states": an uninflected noun after a name is a noun.
    if (after_subject && !lex_.IsNoun(lw)) return lemma;
    return "";
  }

  bool IsBoundary(int i) const {
    std::string_view w = W(i);
    // "agreed that ...": a complement clause.
    if (w == "that" && i > 0 && !verb_lemma_[i - 1].empty()) return true;
    if (w == ";" || w == ":" || w == "(" || w == ")") return true;
    if (lex_.IsRelativizer(w) && i > 0 && (W(i - 1) == "," || at_[i - 1] >= 0 || w != "that")) {
      return w != "that" || W(i - 1) == ",";
    }
    return w == "while" || w == "although" || w == "though" || w == "because" || w == "but" ||
           w == "whereas" || w == "unless" || w == "if";
  }

  // Is the mention introduced by a preposition (other than "of")?
  bool InPrepPhrase(const Mention& m) const {
    int p = m.begin - 1;
    while (p >= 0 &&
           (lex_.IsDeterminer(W(p)) || lex_.IsAdjective(W(p)) || IsPossessiveMark(W(p))) &&
           !lex_.IsPreposition(W(p))) {
      --p;
    }
    if (p < 0) return false;
    // "of" and exemplars ("groups like Human Rights Watch") leave the name
    // as the actor.
    return lex_.IsPreposition(W(p)) && W(p) != "of" && W(p) != "like" && W(p) != "including";
  }

  // Has verb token v a subject in the tree that is a name or a pronoun?
  bool TreeNamesSubject(int v) const {
    for (int i = 0; i < N(); ++i) {
      const Token& t = s_.tokens[i];
      if (t.head != v) continue;
      const std::string_view r = t.deprel;
      if (r != "nsubj" && r != "nsubj:pass") continue;
      if (at_[i] >= 0 || std::string_view(t.upos) == "PRON") return true;
    }
    return false;
  }

  // Could mention m be a clause's subject in the tree? Its head, climbed
  // through the nouns it modifies or is listed with, must not end as a
  // verb's object or oblique ("attended X and obtained a degree from Y":
  // X is not the subject of "obtained").
  bool TreeSubjectLike(const Mention& m) const {
    int t = -1;
    for (int i = m.begin; i < m.end && i < N(); ++i) {
      int h = s_.tokens[i].head;
      if (h < m.begin || h >= m.end) {
        t = i;
        break;
      }
    }
    for (int depth = 0; t >= 0 && depth < 8; ++depth) {
      const std::string_view r = s_.tokens[t].deprel;
      if (r == "nmod" || r == "conj" || r == "appos" || r == "compound" || r == "flat" ||
          r == "nmod:poss") {
        t = s_.tokens[t].head;
        continue;
      }
      return !(r == "obj" || r == "iobj" || r == "obl" || r == "obl:agent" || r == "obl:tmod" ||
               r == "obl:npmod");
    }
    return true;
  }

  // Does verb token v govern mention o in the tree, without another verb
  // (another clause) in between?
  bool TreeDominates(int v, const Mention& o) const {
    int t = -1;
    for (int i = o.begin; i < o.end && i < N(); ++i) {
      int h = s_.tokens[i].head;
      if (h < o.begin || h >= o.end) {
        t = i;
        break;
      }
    }
    for (int depth = 0; t >= 0 && depth < 8; ++depth) {
      int h = s_.tokens[t].head;
      if (h == v) return true;
      if (h < 0 || h >= N()) return false;
      if (std::string_view(s_.tokens[h].upos) == "VERB") return false;
      t = h;
    }
    return false;
  }

  bool PluralNounAt(int i) const {
    if (i >= N() || at_[i] >= 0) return false;
    std::string_view w = W(i);
    return w.size() > 3 && w.back() == 's' && !w.ends_with("ss") && lex_.IsNoun(w) &&
           lex_.NounLemma(w) != w;
  }

  // "it": the nearest organisation or country before; "they": the nearest
  // group or name used before a plural noun ("DEA agents").
  int PronounReferent(int pos, bool plural) const {
    for (int k = static_cast<int>(m_.size()) - 1; k >= 0; --k) {
      const Mention& m = *m_[k];
      if (m.end > pos || IsValueType(m.type)) continue;
      EntityType t = entities_[m.entity].type;
      bool before_plural = PluralNounAt(m.end);
      if (plural && (t == GROUP || before_plural)) return k;
      if (!plural && !before_plural && (t == ORG || t == GPE || t == PROGRAM)) return k;
    }
    return -1;
  }

  bool Subjectable(int k) const {
    const Mention& m = *m_[k];
    return !IsValueType(m.type) && !m.modifier && !attached_[k];
  }

  // --- attribution --------------------------------------------------------

  void Attribution() {
    const int n = N();
    for (int i = 0; i + 1 < n; ++i) {
      int src = -1, end = -1;
      if ((W(i) == "reported" || W(i) == "quoted" || W(i) == "cited") && W(i + 1) == "by") {
        src = NextMention(i + 2, 3);
      } else if (W(i) == "according" && W(i + 1) == "to") {
        src = NextMention(i + 2, 3);
      } else if (W(i) == "as" && i + 1 < n && at_[i + 1] >= 0) {
        int k = at_[i + 1];
        int after = m_[k]->end;
        if (after < n && lex_.IsReportingVerb(lex_.VerbLemma(W(after)))) {
          src = k;
          end = after + 1;
        }
      }
      if (src < 0 || IsValueType(m_[src]->type)) continue;
      reported_ = true;
      // A source is a person or an organisation; a lone unknown name is
      // most often a news outlet ("As Bloomberg reports").
      DocEntity& se = entities_[m_[src]->entity];
      if (se.type == MISC && m_[src]->end - m_[src]->begin == 1) se.type = ORG;
      if (end < 0) end = m_[src]->end;
      source_ = src;
      source_end_ = end;
      break;
    }
  }

  int NextMention(int from, int max_gap) const {
    for (int i = from; i < N() && i < from + max_gap + 1; ++i) {
      if (at_[i] >= 0) return at_[i];
    }
    return -1;
  }

  // --- titles and appositions ----------------------------------------------

  void Titles() {
    for (const Mention* m : m_) {
      int e = m->entity;
      if (!m->role.empty()) {
        int role = EntityNamed(m->role, ROLE);
        Emit(e, role, m->former_role ? "held_role" : "holds_role", 0, 0.9f, m, m);
        if (!m->role_country.empty()) {
          int c = EntityNamed(m->role_country, GPE);
          Emit(e, c, "affiliated_with", 0, 0.8f, m, m);
        }
      }
      if (!m->country.empty() && (m->type == GROUP || m->type == ORG)) {
        int c = EntityNamed(m->country, GPE);
        Emit(e, c, "affiliated_with", 0, 0.8f, m, m);
      }
    }
  }

  // Lower-case role phrase starting at token i ("the senior director"):
  // returns the role text and sets *head_end past its head, or "".
  std::string RolePhrase(int i, int limit, int* head_end, std::string* head) const {
    int k = i;
    if (k < limit && lex_.IsDeterminer(W(k))) ++k;
    int b = k;
    while (k < limit && at_[k] < 0 && !lex_.IsFunctionWord(W(k)) && W(k) != "," &&
           std::isalpha(static_cast<unsigned char>(W(k)[0]))) {
      if (lex_.IsRoleNoun(W(k))) {
        *head_end = k + 1;
        *head = lex_.NounLemma(W(k));
        std::string role;
        for (int j = b; j <= k; ++j) role += (j > b ? " " : "") + s_.tokens[j].text;
        return role;
      }
      ++k;
    }
    return "";
  }

  void RoleObjects(int person, int from, int to, const std::string& head, const Mention* pm) {
    for (int i = from; i < to; ++i) {
      int k = at_[i];
      if (k < 0 || m_[k]->entity == person || IsValueType(m_[k]->type)) continue;
      const Mention& o = *m_[k];
      std::string_view prep = o.begin > 0 ? W(o.begin - 1) : "";
      if (lex_.IsDeterminer(prep) && o.begin > 1) prep = W(o.begin - 2);
      EntityType t = entities_[o.entity].type;
      std::string pred =
          (t == ORG && (prep == "on" || prep == "at" || prep == "in" || prep == "with"))
              ? "member_of"
              : head + "_of";
      Emit(person, o.entity, pred, 0, 0.75f, pm, &o);
      attached_[k] = true;
      i = o.end - 1;
    }
  }

  void Appositions() {
    const int n = N();
    for (int k = 0; k < static_cast<int>(m_.size()); ++k) {
      const Mention& p = *m_[k];
      if (entities_[p.entity].type != PERSON || !p.role.empty()) continue;
      // "<the role ... ORG>, PERSON,"
      if (p.begin >= 2 && W(p.begin - 1) == ",") {
        int start = p.begin - 2;
        while (start > 0 && W(start - 1) != "," && !IsBoundary(start - 1)) --start;
        // Skip a leading attribution ("As Bloomberg reports,").
        if (source_ >= 0 && start < source_end_) start = source_end_;
        while (start < p.begin && W(start) == ",") ++start;
        int head_end = 0;
        std::string head;
        std::string role = RolePhrase(start, p.begin - 1, &head_end, &head);
        if (!role.empty()) {
          Emit(p.entity, EntityNamed(role, ROLE), "holds_role", 0, 0.8f, &p, &p);
          RoleObjects(p.entity, head_end, p.begin - 1, head, &p);
          continue;
        }
      }
      // "PERSON, the role of ORG," and "PERSON is the role of ORG".
      int after = p.end;
      if (after < n && (W(after) == "," || IsBeForm(W(after)))) {
        int head_end = 0;
        std::string head;
        int limit = after + 1;
        while (limit < n && W(limit) != "," && !IsBoundary(limit) && limit < after + 14) ++limit;
        std::string role = RolePhrase(after + 1, limit, &head_end, &head);
        if (!role.empty()) {
          Emit(p.entity, EntityNamed(role, ROLE), "holds_role", 0, 0.8f, &p, &p);
          RoleObjects(p.entity, head_end, limit, head, &p);
        }
      }
    }
  }

  // --- noun patterns -------------------------------------------------------

  void NounPatterns() {
    const int n = N();
    for (int k = 0; k < static_cast<int>(m_.size()); ++k) {
      const Mention& a = *m_[k];
      if (IsValueType(a.type)) continue;
      int i = a.end;
      // Possessive: "China's role in fentanyl".
      if (i + 2 < n && IsPossessiveMark(W(i))) {
        int j = i + 1;
        while (j < n && at_[j] < 0 && lex_.IsAdjective(W(j)) && !lex_.IsNoun(W(j))) ++j;
        if (j + 1 < n && at_[j] < 0 && lex_.IsNoun(W(j)) && lex_.IsPreposition(W(j + 1))) {
          int b = NextMention(j + 2, 2);
          if (b >= 0 && !IsValueType(m_[b]->type)) {
            Emit(a.entity, m_[b]->entity, lex_.NounLemma(W(j)) + "_" + std::string(W(j + 1)), 0,
                 0.6f, &a, m_[b]);
            attached_[b] = true;
            possessor_.insert(k);
          }
        }
        continue;
      }
      // Issue noun + preposition: "arms trafficking from the United States".
      EntityType t = entities_[a.entity].type;
      if ((t == TOPIC || t == GROUP || t == PROGRAM || t == EVENT || t == WORK) && i + 1 < n &&
          IsStrongPrep(W(i)) && W(i) != "by") {
        int b = NextMention(i + 1, 2);
        if (b >= 0 && b != k && !IsValueType(m_[b]->type)) {
          // Only determiners/adjectives may stand between.
          bool clean = true;
          for (int j = i + 1; j < m_[b]->begin; ++j) {
            clean &= lex_.IsDeterminer(W(j)) || lex_.IsAdjective(W(j));
          }
          if (clean) {
            Emit(a.entity, m_[b]->entity, std::string(W(i)), 0, 0.65f, &a, m_[b]);
            attached_[b] = true;
          }
        }
      }
    }
    // "the meeting between A and B".
    for (int i = 0; i + 3 < n; ++i) {
      if (at_[i] >= 0 || W(i + 1) != "between") continue;
      std::string lemma = lex_.VerbLemma(W(i));
      if (lemma.empty() || !lex_.IsNoun(W(i))) continue;
      int a = NextMention(i + 2, 3);
      if (a < 0) continue;
      int and_pos = m_[a]->end;
      if (and_pos >= n || W(and_pos) != "and") continue;
      int b = NextMention(and_pos + 1, 3);
      if (b < 0) continue;
      Emit(m_[a]->entity, m_[b]->entity, lemma + "_with", 0, 0.65f, m_[a], m_[b]);
      attached_[a] = attached_[b] = true;
    }
  }

  // --- verbs -----------------------------------------------------------------

  struct VerbInfo {
    int pos;
    std::string lemma;
    int subject = -1;   // mention index
    int subject2 = -1;  // coordinated subject
    bool hedged = false;
    bool inherited = false;
  };

  void Verbs() {
    const int n = N();
    std::vector<VerbInfo> verbs;
    for (int i = 0; i < n; ++i) {
      if (verb_lemma_[i].empty()) continue;
      if (source_ >= 0 && i < source_end_ && i >= m_[source_]->begin - 2) continue;
      verbs.push_back({i, verb_lemma_[i]});
    }
    for (size_t v = 0; v < verbs.size(); ++v) {
      VerbInfo& vi = verbs[v];
      int pos = vi.pos;
      // Beside a tree, a verb whose subject the tree names is the tree's.
      bool tree_subject = verbs_fallback_ && TreeNamesSubject(pos);
      // Subject: nearest suitable mention to the left within the clause.
      int subj = -1;
      bool pronoun = false;
      int prev_verb = v > 0 ? verbs[v - 1].pos : -1;
      for (int i = pos - 1; i >= 0; --i) {
        if (IsBoundary(i)) break;
        if (i == prev_verb) break;
        if (at_[i] < 0 && (W(i) == "he" || W(i) == "she" || W(i) == "it" || W(i) == "they" ||
                           W(i) == "we" || W(i) == "i" || W(i) == "there")) {
          pronoun = true;
          if ((W(i) == "he" || W(i) == "she") && *last_person_ >= 0) subj = -2;
          if (W(i) == "it" || W(i) == "they") subj = PronounReferent(i, W(i) == "they");
          break;
        }
        int k = at_[i];
        if (k < 0) continue;
        i = m_[k]->begin;
        if (!Subjectable(k) || InPrepPhrase(*m_[k])) continue;
        if (verbs_fallback_ && !TreeSubjectLike(*m_[k])) break;
        subj = k;
        break;
      }
      std::string_view prev = pos > 0 ? W(pos - 1) : "";
      bool chained =
          prev == "to" || prev == "and" || W(pos).ends_with("ing") || lex_.IsPreposition(prev);
      // "by revoking", "without alerting", "to quell": the clause's subject,
      // not the previous verb's object.
      bool nonfinite = (prev == "to" || lex_.IsPreposition(prev)) && v > 0;
      if (nonfinite || (subj == -1 && !pronoun && v > 0 && chained)) {
        vi.subject = verbs[v - 1].subject;
        vi.subject2 = verbs[v - 1].subject2;
        vi.hedged = verbs[v - 1].hedged || lex_.IsHedgingVerb(verbs[v - 1].lemma);
        vi.inherited = true;
      } else {
        vi.subject = subj;
        if (subj >= 0) {
          // "AMLO and Biden have agreed": a coordinated subject.
          int b = m_[subj]->begin;
          if (b >= 2 && W(b - 1) == "and" && at_[b - 2] >= 0 && Subjectable(at_[b - 2])) {
            vi.subject2 = at_[b - 2];
          }
        }
      }
      if (tree_subject) continue;
      // Beside a tree, word order guesses a subject only next to its verb:
      // subjects carried along verb chains and "he"/"she" resolved to the
      // last person were wrong three times in four on Re-DocRED dev (the
      // tree resolves both itself).
      if (verbs_fallback_ && (vi.inherited || vi.subject == -2)) continue;
      int subject_entity = vi.subject >= 0    ? m_[vi.subject]->entity
                           : vi.subject == -2 ? *last_person_
                                              : -1;
      if (subject_entity < 0) continue;
      const Mention* subject_mention = vi.subject >= 0 ? m_[vi.subject] : nullptr;
      // Flags from the words between subject and verb.
      uint32_t flags = 0;
      int from = subject_mention != nullptr ? subject_mention->end : std::max(0, pos - 4);
      for (int i = from; i < pos; ++i) {
        if (lex_.IsNegation(W(i)) && W(i) != "no") flags |= NEGATED;
        if (lex_.IsModal(W(i))) flags |= MODAL;
        if (lex_.IsAllegationWord(W(i))) flags |= ALLEGED;
      }
      if (pos > 0 && W(pos - 1) == "without") flags |= NEGATED;
      if (vi.hedged || lex_.IsHedgingVerb(vi.lemma)) flags |= HEDGED;
      bool passive = false;
      for (int i = std::max(from, pos - 3); i < pos; ++i) passive |= IsBeForm(W(i));
      passive &= W(pos).ends_with("ed") || W(pos).ends_with("en") || W(pos) != vi.lemma;
      // Objects: mentions up to the next verb or clause boundary.
      int stop = v + 1 < verbs.size() ? verbs[v + 1].pos : n;
      int found = 0;
      bool reporting = lex_.IsReportingVerb(vi.lemma);
      if (reporting && report_from_ < 0) report_from_ = pos;
      for (int i = pos + 1; i < stop; ++i) {
        if (IsBoundary(i) && W(i) != "(") break;
        if (reporting && (W(i) == "that" || W(i) == ",")) break;
        int k = at_[i];
        if (k < 0) continue;
        const Mention& o = *m_[k];
        i = o.end - 1;
        if (attached_[k] || possessor_.contains(k) || o.modifier || k == vi.subject) continue;
        if (o.type == DATE || o.type == PERCENT) continue;
        if (IsValueType(o.type) && o.begin > pos + 3) continue;
        // Beside the tree, a word-order object must at least hang under
        // the verb in it.
        if (fallback_ && !TreeDominates(pos, o)) continue;
        // A mention right after another ("DEA agents ... (DEA)") is fine;
        // the preposition that introduces the object names the relation.
        std::string prep;
        for (int j = pos + 1; j < o.begin; ++j) {
          if (IsStrongPrep(W(j))) prep = W(j);
        }
        if (prep.empty()) {
          for (int j = pos + 1; j < o.begin; ++j) {
            if (W(j) == "in") prep = "in";
          }
        }
        std::string pred = vi.lemma;
        int subj_e = subject_entity;
        int obj_e = o.entity;
        const Mention* sm = subject_mention;
        if (passive && prep == "by") {
          std::swap(subj_e, obj_e);
        } else if (!prep.empty()) {
          pred += "_" + prep;
        }
        float conf = vi.inherited ? 0.55f : 0.7f;
        if (o.begin - pos > 8) conf -= 0.1f;
        Emit(subj_e, obj_e, pred, flags, conf, sm != nullptr ? sm : &o, &o);
        if (vi.subject2 >= 0) {
          Emit(m_[vi.subject2]->entity, o.entity, pred, flags, conf - 0.1f, m_[vi.subject2], &o);
        }
        ++found;
      }
      // "address other issues, like A, B, and C's role in D": each item of
      // an exemplar list on the verb's issue noun is an object (its first
      // name that is no possessor), however the parser hung the list.
      if (!passive && !reporting) {
        for (int i = pos + 1; i < stop && i + 1 < n; ++i) {
          if (IsBoundary(i)) break;
          bool such_as = W(i) == "such" && W(i + 1) == "as";
          if (W(i) != "like" && W(i) != "including" && !such_as) continue;
          int b = W(i - 1) == "," ? i - 2 : i - 1;
          if (b > pos && lex_.IsFrameNoun(W(b))) {
            for (int k : ExemplarItems(i + (such_as ? 2 : 1))) {
              Emit(subject_entity, m_[k]->entity, vi.lemma, flags, 0.6f,
                   subject_mention != nullptr ? subject_mention : m_[k], m_[k]);
            }
          }
          break;
        }
      }
      if (found == 0 && vi.subject2 >= 0 && !vi.inherited) {
        Emit(m_[vi.subject2]->entity, subject_entity, vi.lemma + "_with", flags, 0.6f,
             m_[vi.subject2], subject_mention);
      }
      if (source_ >= 0 && v == FirstVerbAfterSource(verbs)) {
        Emit(m_[source_]->entity, subject_entity, "reports", REPORTED, 0.6f, m_[source_],
             subject_mention != nullptr ? subject_mention : m_[source_]);
      }
    }
  }

  // The items of a list starting at token `from` ("A, B and C's role in
  // D"), up to a clause boundary: per item, its first name that is not a
  // possessor.
  std::vector<int> ExemplarItems(int from) const {
    std::vector<int> out;
    bool taken = false;
    for (int i = from; i < N(); ++i) {
      if (IsBoundary(i) || W(i) == ".") break;
      if (W(i) == "," || W(i) == "and" || W(i) == "or") {
        taken = false;
        continue;
      }
      int k = at_[i];
      if (k < 0) continue;
      const Mention& m = *m_[k];
      i = m.end - 1;
      bool possessor = m.end < N() && IsPossessiveMark(W(m.end));
      if (taken || possessor || IsValueType(m.type) || m.modifier) continue;
      out.push_back(k);
      taken = true;
    }
    return out;
  }

  size_t FirstVerbAfterSource(const std::vector<VerbInfo>& verbs) const {
    for (size_t v = 0; v < verbs.size(); ++v) {
      if (verbs[v].pos >= source_end_) return v;
    }
    return verbs.size();
  }

  // --- co-mention ----------------------------------------------------------

  // Entities near each other in the sentence (at most kCoMentionWindow
  // names apart): nearer names are likelier to be related. Entities a
  // pronoun names in this sentence take part too.
  void CoMentions(const std::vector<int>& pronouns) {
    std::vector<const Mention*> names;
    absl::flat_hash_set<int> seen;
    for (const Mention* m : m_) {
      if (IsValueType(m->type)) continue;
      if (seen.insert(m->entity).second) names.push_back(m);
    }
    const size_t window = kCoMentionWindow;
    for (size_t a = 0; a < names.size(); ++a) {
      for (size_t b = a + 1; b < names.size() && b <= a + window; ++b) {
        int x = names[a]->entity, y = names[b]->entity;
        if (typed_pairs_.contains({std::min(x, y), std::max(x, y)})) continue;
        Emit(x, y, kCoMentioned, CO_MENTION, 0.3f, names[a], names[b]);
      }
    }
    for (int p : pronouns) {
      for (const Mention* m : names) {
        int y = m->entity;
        if (p == y || typed_pairs_.contains({std::min(p, y), std::max(p, y)})) continue;
        Emit(p, y, kCoMentioned, CO_MENTION, 0.25f, m, m);
      }
    }
  }

  const Sentence& s_;
  int index_;
  std::vector<const Mention*> m_;
  std::vector<DocEntity>& entities_;
  const Lexicon& lex_;
  int* last_person_;
  DiscourseState* discourse_;
  RelationMode mode_;
  bool fallback_ = false;
  bool verbs_fallback_ = false;
  absl::flat_hash_set<std::pair<int, int>> tree_pairs_;
  std::vector<int> at_;  // token -> index into m_, or -1
  std::vector<std::string> lower_;
  std::vector<bool> attached_;
  absl::flat_hash_set<int> possessor_;
  std::vector<std::string> verb_lemma_;
  bool reported_ = false;
  int report_from_ = -1;  // token of a reporting verb with a subject
  std::vector<int> fact_pos_;
  int source_ = -1;
  int source_end_ = -1;
  absl::flat_hash_set<std::pair<int, int>> typed_pairs_;
  std::vector<RawFact> facts_;
};

}  // namespace

namespace {

// Country context: a name is weakly linked to the country named nearest to
// it within this many sentences. On Re-DocRED dev the links it adds are
// gold relations (located in, country, citizenship) in 23% of the pairs
// (943 of 4,119), which lifts pair F1 from 36.5 to 41.0 (2 to 6 sentences:
// 39.8 to 41.5); countries among themselves are related almost never (3%),
// so they are not linked.
constexpr int kCountryContextSentences = 4;

void CountryContext(const std::vector<Mention>& mentions, std::vector<DocEntity>& entities,
                    const Lexicon& lexicon, std::vector<RawFact>& out) {
  auto is_name = [&](const Mention& m) {
    if (m.entity < 0) return false;
    EntityType t = entities[m.entity].type;
    return !IsValueType(t) && t != TOPIC && t != ROLE;
  };
  std::vector<bool> country(entities.size(), false);
  std::vector<const Mention*> countries;  // in document order
  for (const Mention& m : mentions) {
    if (!is_name(m)) continue;
    if (lexicon.CountryByKey(entities[m.entity].key) != nullptr) {
      country[m.entity] = true;
      countries.push_back(&m);
    }
  }
  if (countries.empty()) return;
  absl::flat_hash_set<std::pair<int, int>> related;
  for (const RawFact& f : out) {
    related.insert({std::min(f.subject, f.object), std::max(f.subject, f.object)});
  }
  for (const Mention& m : mentions) {
    if (!is_name(m) || country[m.entity]) continue;
    // The nearest country mention before or after (by byte distance).
    auto after =
        std::lower_bound(countries.begin(), countries.end(), m.byte_begin,
                         [](const Mention* c, uint32_t pos) { return c->byte_begin < pos; });
    const Mention* best = nullptr;
    auto consider = [&](const Mention* c) {
      if (std::abs(c->sentence - m.sentence) > kCountryContextSentences) return;
      auto distance = [&](const Mention* x) {
        return x->byte_begin > m.byte_begin ? x->byte_begin - m.byte_begin
                                            : m.byte_begin - x->byte_begin;
      };
      if (best == nullptr || distance(c) < distance(best)) best = c;
    };
    if (after != countries.begin()) consider(*(after - 1));
    if (after != countries.end()) consider(*after);
    if (best == nullptr) continue;
    int x = best->entity, y = m.entity;
    if (!related.insert({std::min(x, y), std::max(x, y)}).second) continue;
    RawFact f;
    f.subject = y;
    f.object = x;
    f.predicate = kCoMentioned;
    f.flags = CO_MENTION;
    f.confidence = 0.2f;
    f.sentence = m.sentence;
    f.span_begin = m.byte_begin;
    f.span_end = m.byte_end;
    entities[x].used = entities[y].used = true;
    out.push_back(std::move(f));
  }
}

// The mentions of sentence `s`; `next` walks `mentions` (in sentence
// order) across calls with increasing `s`.
std::vector<const Mention*> MentionsOfSentence(const std::vector<Mention>& mentions, int s,
                                               size_t& next) {
  std::vector<const Mention*> here;
  while (next < mentions.size() && mentions[next].sentence < s) ++next;
  while (next < mentions.size() && mentions[next].sentence == s) here.push_back(&mentions[next++]);
  return here;
}

}  // namespace

std::vector<RawFact> ExtractRelations(const Analysis& analysis,
                                      const std::vector<Mention>& mentions,
                                      std::vector<DocEntity>& entities, const Lexicon& lexicon) {
  std::vector<RawFact> out;
  int last_person = -1;
  DiscourseState discourse;
  const RelationMode mode = RelationModeFromEnv();
  size_t m = 0;
  for (int s = 0; s < static_cast<int>(analysis.sentences.size()); ++s) {
    std::vector<const Mention*> here = MentionsOfSentence(mentions, s, m);
    if (here.empty()) continue;
    SentenceRelations rel(analysis.sentences[s], s, mentions, std::move(here), entities, lexicon,
                          &last_person, &discourse, mode);
    std::vector<RawFact> facts = rel.Run();
    out.insert(out.end(), std::make_move_iterator(facts.begin()),
               std::make_move_iterator(facts.end()));
  }
  CountryContext(mentions, entities, lexicon, out);
  return out;
}

namespace {

// The forms a tree reader resolves to an entity, through the sentence or
// DiscourseState (dependency_relations.cc: SentenceAntecedent,
// PronounEntity, PluralAntecedent), matched on any token, tagged PRON or not.
// Which referents of the DiscourseState each may read:
enum PronounReads : int { kReadsNone = 0, kReadsPerson = 1, kReadsThing = 2, kReadsGroup = 4 };
int ReferringPronouns(const Sentence& sentence) {
  static const auto* forms = new absl::flat_hash_map<std::string, int>{
      {"he", kReadsPerson},   {"she", kReadsPerson},     {"him", kReadsPerson},
      {"his", kReadsPerson},  {"her", kReadsPerson},     {"himself", kReadsPerson},
      {"herself", kReadsPerson}, {"it", kReadsThing},    {"its", kReadsThing},
      {"itself", kReadsThing}, {"they", kReadsGroup},    {"them", kReadsGroup},
      {"their", kReadsGroup}};
  int reads = kReadsNone;
  for (const Token& t : sentence.tokens) {
    if (t.text.size() < 2 || t.text.size() > 7) continue;
    if (auto it = forms->find(LowerAscii(t.text)); it != forms->end()) reads |= it->second;
  }
  return reads;
}

// Whether no relation can come from the sentence, tree or not: facts (of
// the tree, the patterns, co-mention) join two distinct entities, and here
// every mention names the same one, or none. Entities the patterns add come
// from titles and nationalities (Mention::role, country) or a person's role;
// the tree adds roles only to persons; pronouns could name a second entity.
// What remains is the tree's subject, which only feeds DiscourseState.
bool TreeCannotRelate(const std::vector<const Mention*>& here,
                      const std::vector<DocEntity>& entities) {
  int entity = -1;
  for (const Mention* m : here) {
    if (!m->role.empty() || !m->role_country.empty() || !m->country.empty()) return false;
    if (m->type == PERSON) return false;
    if (m->entity < 0) continue;
    if (entities[m->entity].type == PERSON) return false;
    if (entity >= 0 && m->entity != entity) return false;
    entity = m->entity;
  }
  return true;
}

// DiscourseState::thing / group while unparsed sentences may still set it.
constexpr int kPendingReferent = -2;

}  // namespace

std::vector<RawFact> ExtractRelations(Analysis& analysis, const std::vector<Mention>& mentions,
                                      std::vector<DocEntity>& entities, const Lexicon& lexicon,
                                      const SentenceParser& parse, LazyParseCounts* counts) {
  LazyParseCounts local;
  LazyParseCounts& n = counts != nullptr ? *counts : local;
  n = LazyParseCounts();
  std::vector<RawFact> out;
  int last_person = -1;
  DiscourseState discourse;
  const RelationMode mode = RelationModeFromEnv();

  // An unparsed sentence, and (once parsed on demand) the referents its tree
  // sets. Unparsed sentences never touch DiscourseState::person (no person
  // among their entities), only thing and group.
  struct Unparsed {
    std::vector<const Mention*> mentions;
    bool parsed = false;
    DiscourseState sets;
  };
  absl::flat_hash_map<int, Unparsed> unparsed;
  // Per referent: the unparsed sentences since it was last known, in order,
  // and its value before them.
  struct Pending {
    std::vector<int> sentences;
    int before = -1;
  };
  Pending pending_thing, pending_group;

  auto sets = [&](int s) -> const DiscourseState& {
    Unparsed& u = unparsed[s];
    if (!u.parsed) {
      u.parsed = true;
      parse(analysis.sentences[s]);
      ++n.parsed;
      --n.skipped;
      DiscourseState fresh;
      if (HasUsableTree(analysis.sentences[s])) {
        // No facts (TreeCannotRelate); only the referents it sets.
        DependencyRelations(analysis.sentences[s], s, u.mentions, entities, lexicon, fresh,
                            nullptr);
      }
      u.sets = fresh;
    }
    return u.sets;
  };
  auto resolve = [&](Pending& p, int DiscourseState::*slot) {
    if (p.sentences.empty()) return;
    int value = p.before;
    for (auto it = p.sentences.rbegin(); it != p.sentences.rend(); ++it) {
      if (int v = sets(*it).*slot; v >= 0) {
        value = v;
        break;
      }
    }
    discourse.*slot = value;
    p.sentences.clear();
  };
  auto defer = [&](Pending& p, int DiscourseState::*slot, int s) {
    if (p.sentences.empty()) {
      p.before = discourse.*slot;
      discourse.*slot = kPendingReferent;
    }
    p.sentences.push_back(s);
  };

  size_t m = 0;
  for (int s = 0; s < static_cast<int>(analysis.sentences.size()); ++s) {
    std::vector<const Mention*> here = MentionsOfSentence(mentions, s, m);
    if (here.empty()) continue;
    Sentence& sentence = analysis.sentences[s];
    const int pronouns = ReferringPronouns(sentence);
    if (mode != RelationMode::kPatterns && pronouns == kReadsNone &&
        TreeCannotRelate(here, entities)) {
      ++n.skipped;
      unparsed[s].mentions = here;
      defer(pending_thing, &DiscourseState::thing, s);
      defer(pending_group, &DiscourseState::group, s);
    } else {
      // A pronoun reads its referent: a pending one must be known. (A
      // referent left pending is never read by this sentence's tree.)
      if (pronouns & kReadsThing) resolve(pending_thing, &DiscourseState::thing);
      if (pronouns & kReadsGroup) resolve(pending_group, &DiscourseState::group);
      parse(sentence);
      ++n.parsed;
    }
    SentenceRelations rel(sentence, s, mentions, std::move(here), entities, lexicon, &last_person,
                          &discourse, mode);
    std::vector<RawFact> facts = rel.Run();
    out.insert(out.end(), std::make_move_iterator(facts.begin()),
               std::make_move_iterator(facts.end()));
    // A referent this sentence's tree set no longer depends on earlier ones.
    if (discourse.thing != kPendingReferent) pending_thing.sentences.clear();
    if (discourse.group != kPendingReferent) pending_group.sentences.clear();
  }
  CountryContext(mentions, entities, lexicon, out);
  return out;
}

}  // namespace kg::core
