#ifndef KG_STORAGE_MERGE_RULES_H_
#define KG_STORAGE_MERGE_RULES_H_

// How per-document contributions fold into the stored entity and fact.
// Every rule is order-independent, so adding contributions one by one (on
// put) and recomputing them from scratch (after a forget) give the same
// result, and the store's content does not depend on ingest order.

#include <vector>

#include "proto/kg.pb.h"

namespace kg::storage {

// Entity: mentions summed; documents = contributions from documents (the
// imported contribution, doc "", does not count); aliases = sorted union;
// name = the preferred spelling (PreferredName); type = the one with the
// largest weight (sum of max(mentions, 1)), UNSPECIFIED only when nothing
// else, ties to the lower enum value.
Entity FoldEntity(const std::vector<Entity>& contributions,
                  const std::vector<bool>& from_document);

// Adds one contribution to a folded entity in place. Returns false when the
// type may change (a different, specified type): the caller must then
// recompute with FoldEntity over all contributions.
bool AddToEntity(Entity* merged, const Entity& contribution, bool from_document);

// True when spelling `a` is preferred over `b` for the display name: mixed
// case over all capitals, then more bytes (keeps accents: "Mérida" over
// "Merida"), then bytewise smaller. A total order, hence order-independent.
bool PreferredName(const std::string& a, const std::string& b);

// Fact payload: support summed, confidence max, flags OR, first_seen min,
// last_seen max (0 means unknown). A default Fact is the empty fold.
void AddToFact(Fact* merged, const Fact& c);

}  // namespace kg::storage

#endif  // KG_STORAGE_MERGE_RULES_H_
