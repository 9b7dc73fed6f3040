#ifndef KG_CORE_MENTION_H_
#define KG_CORE_MENTION_H_

// Mentions: the spans of a sentence that name an entity, as found by
// FindMentions (core/mention_finder.h) and grouped into entities by
// ResolveEntities (core/resolver.h).

#include <cstdint>
#include <string>
#include <vector>

#include "proto/kg.pb.h"

namespace kg::core {

struct Mention {
  int sentence = 0;
  int begin = 0;  // token range [begin, end) within the sentence
  int end = 0;
  uint32_t byte_begin = 0;  // source span of the name (title stripped)
  uint32_t byte_end = 0;
  std::string text;  // the name as written, without a stripped title
  EntityType type = ENTITY_TYPE_UNSPECIFIED;
  // A name used as a modifier ("Trump-era", "Trump policies"): it takes part
  // in co-mention but not in typed relations.
  bool modifier = false;
  // A bare noun phrase (TOPIC / GROUP) rather than a capitalised name.
  bool common = false;
  // Title stripped from the name ("U.S. Secretary of State Antony Blinken"):
  // role "Secretary of State", role_country "United States".
  std::string role;
  std::string role_country;
  bool former_role = false;
  // "Mexican officials" -> "Mexico".
  std::string country;
  int entity = -1;  // index into the document's entities after resolution
};

// An entity of one document: the mentions resolved to one actor.
struct DocEntity {
  std::string name;  // canonical display name
  std::string key;   // kg::TermKey(name)
  EntityType type = ENTITY_TYPE_UNSPECIFIED;
  std::vector<std::string> aliases;  // other surface forms
  int mentions = 0;
  bool used = false;  // appears in at least one fact
};

}  // namespace kg::core

#endif  // KG_CORE_MENTION_H_
