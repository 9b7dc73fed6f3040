#include "storage/merge_rules.h"

#include <algorithm>
#include <map>
#include <set>
#include <string>

namespace kg::storage {
namespace {

bool AllCaps(const std::string& s) {
  bool any_upper = false;
  for (unsigned char c : s) {
    if (c >= 'a' && c <= 'z') return false;
    if (c >= 'A' && c <= 'Z') any_upper = true;
  }
  return any_upper;
}

uint64_t Weight(const Entity& e) { return std::max<uint64_t>(e.mentions(), 1); }

}  // namespace

bool PreferredName(const std::string& a, const std::string& b) {
  bool ca = AllCaps(a), cb = AllCaps(b);
  if (ca != cb) return !ca;
  if (a.size() != b.size()) return a.size() > b.size();
  return a < b;
}

Entity FoldEntity(const std::vector<Entity>& contributions,
                  const std::vector<bool>& from_document) {
  Entity out;
  if (contributions.empty()) return out;
  std::map<int, uint64_t> weights;
  std::set<std::string> aliases;
  std::string name = contributions[0].name();
  uint64_t mentions = 0, documents = 0;
  for (size_t i = 0; i < contributions.size(); ++i) {
    const Entity& c = contributions[i];
    mentions += c.mentions();
    if (from_document[i]) ++documents;
    weights[c.type()] += Weight(c);
    for (const auto& a : c.aliases()) aliases.insert(a);
    if (PreferredName(c.name(), name)) name = c.name();
  }
  EntityType type = ENTITY_TYPE_UNSPECIFIED;
  uint64_t best = 0;
  for (const auto& [t, w] : weights) {  // ascending enum: ties keep the lower
    if (t == ENTITY_TYPE_UNSPECIFIED) continue;
    if (w > best) {
      best = w;
      type = static_cast<EntityType>(t);
    }
  }
  // Contributions of one entity share its id and key; should they differ
  // (a damaged or hand-made record), the smallest (id, key) wins rather than
  // the first, so the fold stays order-independent.
  const Entity* ident = &contributions[0];
  for (const Entity& c : contributions) {
    if (c.id() < ident->id() || (c.id() == ident->id() && c.key() < ident->key())) ident = &c;
  }
  out.set_id(ident->id());
  out.set_key(ident->key());
  out.set_name(name);
  out.set_type(type);
  out.set_mentions(mentions);
  out.set_documents(documents);
  for (const auto& a : aliases) out.add_aliases(a);
  return out;
}

bool AddToEntity(Entity* merged, const Entity& c, bool from_document) {
  if (c.type() != merged->type() && c.type() != ENTITY_TYPE_UNSPECIFIED) {
    if (merged->type() != ENTITY_TYPE_UNSPECIFIED) return false;
    merged->set_type(c.type());
  }
  merged->set_mentions(merged->mentions() + c.mentions());
  if (from_document) merged->set_documents(merged->documents() + 1);
  if (PreferredName(c.name(), merged->name())) merged->set_name(c.name());
  if (c.aliases_size() > 0) {
    std::set<std::string> aliases(merged->aliases().begin(), merged->aliases().end());
    aliases.insert(c.aliases().begin(), c.aliases().end());
    merged->clear_aliases();
    for (const auto& a : aliases) merged->add_aliases(a);
  }
  return true;
}

void AddToFact(Fact* merged, const Fact& c) {
  merged->set_support(merged->support() + c.support());
  merged->set_confidence(std::max(merged->confidence(), c.confidence()));
  merged->set_flags(merged->flags() | c.flags());
  // 0 = unknown (imported triples carry no time).
  if (merged->first_seen() == 0 || (c.first_seen() != 0 && c.first_seen() < merged->first_seen())) {
    merged->set_first_seen(c.first_seen());
  }
  merged->set_last_seen(std::max(merged->last_seen(), c.last_seen()));
}

}  // namespace kg::storage
