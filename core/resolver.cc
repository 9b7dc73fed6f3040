#include "core/resolver.h"

#include <algorithm>
#include <cctype>
#include <map>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "core/mention_finder.h"
#include "proto/term_key.h"

namespace kg::core {
namespace {

std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t b = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > b) out.emplace_back(s.substr(b, i - b));
  }
  return out;
}

std::string AcronymLetters(std::string_view w) {
  std::string letters;
  for (char c : w) {
    if (std::isalpha(static_cast<unsigned char>(c))) letters.push_back(c);
  }
  return letters;
}

bool IsValueType(EntityType t) {
  return t == DATE || t == MONEY || t == QUANTITY || t == PERCENT;
}

// Priority when mentions of one entity disagree on type.
int TypeRank(EntityType t) {
  switch (t) {
    case ENTITY_TYPE_UNSPECIFIED: return 0;
    case MISC: return 1;
    case WORK: return 2;
    case GROUP: return 3;
    default: return 4;
  }
}

class UnionFind {
 public:
  int Add() {
    parent_.push_back(static_cast<int>(parent_.size()));
    return parent_.back();
  }
  int Find(int x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  // Joins b's set into a's.
  bool Union(int a, int b) {
    a = Find(a);
    b = Find(b);
    if (a == b) return false;
    parent_[b] = a;
    return true;
  }

 private:
  std::vector<int> parent_;
};

}  // namespace

std::string NameInitials(std::string_view name) {
  std::string out;
  for (const std::string& w : Words(name)) {
    std::string l = LowerAscii(w);
    if (l == "of" || l == "the" || l == "and" || l == "for" || l == "on" || l == "&") continue;
    if (IsAcronym(w)) {
      out += AcronymLetters(w);
      continue;
    }
    // Hyphenated words contribute each part's initial ("Al-Qaeda" -> "AQ").
    out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(w[0]))));
  }
  return out;
}

namespace {

// One resolution pass; no rule merges a mention whose key is in `frozen`.
Resolution Resolve(std::vector<Mention>& mentions, const Analysis& analysis,
                   const Lexicon& lexicon, const absl::flat_hash_set<std::string>& frozen) {
  Resolution res;
  UnionFind uf;
  absl::flat_hash_map<std::string, int> node_of_key;
  std::vector<std::string> node_surface;  // first surface form of the node
  std::vector<int> mention_node(mentions.size());
  // Each mention's TermKey, computed once (the rules below compare them
  // pairwise).
  std::vector<std::string> mention_key(mentions.size());
  for (size_t i = 0; i < mentions.size(); ++i) mention_key[i] = TermKey(mentions[i].text);
  for (size_t i = 0; i < mentions.size(); ++i) {
    const Mention& m = mentions[i];
    std::string key = mention_key[i];
    if (IsValueType(m.type)) key = "#" + key;  // values never merge with names
    auto [it, inserted] = node_of_key.try_emplace(key, -1);
    if (inserted) {
      it->second = uf.Add();
      node_surface.push_back(m.text);
    }
    mention_node[i] = it->second;
  }
  struct PendingMerge {
    int alias_node;
    std::string alias;
    int into_node;
    std::string rule;
    int sentence;
  };
  std::vector<PendingMerge> pending;
  auto merge = [&](size_t alias_m, size_t into_m, const std::string& rule) {
    if (!frozen.empty() &&
        (frozen.contains(mention_key[alias_m]) || frozen.contains(mention_key[into_m]))) {
      return;
    }
    int a = mention_node[alias_m], b = mention_node[into_m];
    if (uf.Find(a) == uf.Find(b)) return;
    uf.Union(b, a);
    pending.push_back({a, mentions[alias_m].text, b, rule, mentions[alias_m].sentence});
  };

  // Acronym definitions and nicknames: patterns between adjacent mentions.
  for (size_t i = 0; i + 1 < mentions.size(); ++i) {
    const Mention& m = mentions[i];
    const Mention& n = mentions[i + 1];
    if (m.sentence != n.sentence || IsValueType(m.type) || IsValueType(n.type) || m.common ||
        n.common) {
      continue;
    }
    const auto& t = analysis.sentences[m.sentence].tokens;
    if (IsAcronym(n.text) && n.begin == m.end + 1 && t[m.end].text == "(" &&
        n.end < static_cast<int>(t.size()) && t[n.end].text == ")") {
      std::string letters = AcronymLetters(n.text);
      std::string initials = NameInitials(m.text);
      if (!letters.empty() && !initials.empty() && letters[0] == initials[0]) {
        merge(i + 1, i, "acronym-definition");
        continue;
      }
    }
    if (n.begin >= m.end + 2 && n.begin <= m.end + 5 && t[m.end].text == ",") {
      std::string between;
      for (int k = m.end + 1; k < n.begin; ++k) {
        if (!between.empty()) between += " ";
        between += LowerAscii(t[k].text);
      }
      if (between == "nicknamed" || between == "dubbed" || between == "called" ||
          between == "aka" || between == "known as" || between == "also known as" ||
          between == "better known as" || between == "commonly known as" ||
          between == "widely known as" || between == "better known as \xE2\x80\x9C" ||
          between == "known as \xE2\x80\x9C" || between == "nicknamed \xE2\x80\x9C" ||
          between == "a.k.a.") {
        merge(i + 1, i, "nickname");
      }
    }
  }

  // Full names present in the document, by node, with their words' keys
  // and initials (compared against every acronym and short form).
  std::vector<size_t> full_names;
  std::vector<std::vector<std::string>> full_word_keys;
  std::vector<std::string> full_initials;
  auto word_keys = [](std::string_view text) {
    std::vector<std::string> keys = Words(text);
    for (std::string& k : keys) k = TermKey(k);
    return keys;
  };
  for (size_t i = 0; i < mentions.size(); ++i) {
    const Mention& m = mentions[i];
    if (IsValueType(m.type) || m.common || IsAcronym(m.text)) continue;
    std::vector<std::string> keys = word_keys(m.text);
    if (keys.size() < 2) continue;
    full_names.push_back(i);
    full_word_keys.push_back(std::move(keys));
    full_initials.push_back(NameInitials(m.text));
  }

  // Initialisms.
  for (size_t i = 0; i < mentions.size(); ++i) {
    const Mention& m = mentions[i];
    if (!IsAcronym(m.text)) continue;
    std::string letters = AcronymLetters(m.text);
    int root = uf.Find(mention_node[i]);
    // Already joined to a long form by definition or nickname?
    bool joined = false;
    for (size_t j : full_names) joined |= uf.Find(mention_node[j]) == root;
    if (joined) continue;
    absl::flat_hash_set<int> roots;
    size_t match = 0;
    for (size_t f = 0; f < full_names.size(); ++f) {
      if (full_initials[f] == letters) {
        roots.insert(uf.Find(mention_node[full_names[f]]));
        match = full_names[f];
      }
    }
    if (roots.size() == 1) {
      merge(i, match, "initialism");
    }
  }

  // Short forms of people.
  for (size_t i = 0; i < mentions.size(); ++i) {
    const Mention& m = mentions[i];
    if (IsValueType(m.type) || m.common || IsAcronym(m.text)) continue;
    if (m.type != PERSON && m.type != MISC) continue;
    std::vector<std::string> w = word_keys(m.text);
    if (w.empty() || w.size() > 2) continue;
    absl::flat_hash_set<int> roots;
    size_t match = 0;
    for (size_t f = 0; f < full_names.size(); ++f) {
      const size_t j = full_names[f];
      if (mentions[j].type != PERSON) continue;
      const std::vector<std::string>& fw = full_word_keys[f];
      if (fw.size() <= w.size()) continue;
      bool suffix = std::equal(w.begin(), w.end(), fw.end() - static_cast<long>(w.size()));
      bool first = w.size() == 1 && fw[0] == w[0];
      if (suffix || first) {
        roots.insert(uf.Find(mention_node[j]));
        match = j;
      }
    }
    if (roots.size() == 1 && uf.Find(mention_node[i]) != *roots.begin()) {
      mentions[i].type = PERSON;
      merge(i, match, "short-name");
    }
  }

  // Build entities from the sets.
  absl::flat_hash_map<int, int> entity_of_root;
  std::vector<std::vector<size_t>> members;
  for (size_t i = 0; i < mentions.size(); ++i) {
    int root = uf.Find(mention_node[i]);
    auto [it, inserted] = entity_of_root.try_emplace(root, static_cast<int>(members.size()));
    if (inserted) members.emplace_back();
    members[it->second].push_back(i);
    mentions[i].entity = it->second;
  }
  res.entities.resize(members.size());
  std::vector<std::string> country_rule(members.size());
  for (size_t e = 0; e < members.size(); ++e) {
    DocEntity& ent = res.entities[e];
    std::string best;
    int best_rank = -1;
    std::string country;
    std::string acronym_country;
    for (size_t i : members[e]) {
      const Mention& m = mentions[i];
      if (const std::string* c = lexicon.CountryByKey(mention_key[i])) country = *c;
      if (IsAcronym(m.text) && !frozen.contains(mention_key[i])) {
        if (const std::string* c = lexicon.CountryByInitials(AcronymLetters(m.text))) {
          acronym_country = *c;
        }
      }
      // Prefer the longest non-acronym surface.
      int rank = static_cast<int>(m.text.size()) + (IsAcronym(m.text) ? 0 : 1000);
      if (rank > best_rank) {
        best_rank = rank;
        best = m.text;
      }
      if (TypeRank(m.type) > TypeRank(ent.type)) ent.type = m.type;
      ++ent.mentions;
    }
    if (!country.empty()) {
      best = country;
      ent.type = GPE;
    } else if (!acronym_country.empty() && best_rank < 1000) {
      // Only an acronym in this document: name it by the country it spells.
      best = acronym_country;
      ent.type = GPE;
      country_rule[e] = "initialism-country";
    }
    ent.name = best;
    ent.key = TermKey(best);
    absl::flat_hash_set<std::string> seen = {ent.key};
    for (size_t i : members[e]) {
      const Mention& m = mentions[i];
      if (seen.insert(mention_key[i]).second) ent.aliases.push_back(m.text);
      if (IsAcronym(m.text) && m.text.find('.') != std::string::npos) {
        std::string bare = AcronymLetters(m.text);
        if (seen.insert(TermKey(bare)).second) ent.aliases.push_back(bare);
      }
    }
  }
  // The ledger: every alias that joined by a rule, plus country naming.
  for (const PendingMerge& p : pending) {
    int e = entity_of_root.at(uf.Find(p.into_node));
    res.merges.push_back({p.alias, e, p.rule, p.sentence});
  }
  for (size_t e = 0; e < members.size(); ++e) {
    if (country_rule[e].empty()) continue;
    const Mention& m = mentions[members[e].front()];
    res.merges.push_back({m.text, static_cast<int>(e), country_rule[e], m.sentence});
  }
  return res;
}

}  // namespace

std::string ResolutionFingerprint(const std::vector<BlockedMerge>& blocked) {
  if (blocked.empty()) return "";
  std::vector<std::string> parts;
  for (const BlockedMerge& b : blocked) parts.push_back(b.alias_key + "\x1f" + b.canonical_key);
  std::sort(parts.begin(), parts.end());
  parts.erase(std::unique(parts.begin(), parts.end()), parts.end());
  std::string out = "unmerge";
  for (const std::string& p : parts) out += "\x1e" + p;
  return out;
}

Resolution ResolveEntities(std::vector<Mention>& mentions, const Analysis& analysis,
                           const Lexicon& lexicon, const std::vector<BlockedMerge>& blocked) {
  std::vector<Mention> original;
  if (!blocked.empty()) original = mentions;
  Resolution res = Resolve(mentions, analysis, lexicon, {});
  if (blocked.empty()) return res;
  // Which vetoed aliases did the pass put into their vetoed entity? Those
  // aliases are frozen (no rule may join them to anything) and the document
  // is resolved again from the unresolved mentions.
  absl::flat_hash_set<std::string> frozen;
  for (const BlockedMerge& b : blocked) {
    for (const Mention& m : mentions) {
      if (m.entity < 0 || TermKey(m.text) != b.alias_key) continue;
      const DocEntity& e = res.entities[m.entity];
      if (e.key == b.canonical_key && e.key != b.alias_key) frozen.insert(b.alias_key);
    }
  }
  if (frozen.empty()) return res;
  mentions = std::move(original);
  return Resolve(mentions, analysis, lexicon, frozen);
}

}  // namespace kg::core
