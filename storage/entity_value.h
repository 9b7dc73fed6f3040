#ifndef KG_STORAGE_ENTITY_VALUE_H_
#define KG_STORAGE_ENTITY_VALUE_H_

// The value encoding of Entity records in the `entities` and `contrib`
// families. Since schema 2 a record leaves out what its key already says:
// the id (the key's first 8 bytes) and the dictionary key when it equals the
// name (most structured terms: "/m/027rn"). On the 10 M-triple graph those
// two fields were a third of the dictionary's bytes (storage/README.md).
// Schema 1 records carry both fields and decode to the same Entity.

#include <string>
#include <string_view>

#include "proto/kg.pb.h"

namespace kg::storage {

std::string EncodeEntityValue(const Entity& e);

// `record_key` is the record's key in its family (id ‖ ...). False when
// `value` is not an Entity encoding or the key is shorter than an id.
bool DecodeEntityValue(std::string_view record_key, std::string_view value, Entity* e);

}  // namespace kg::storage

#endif  // KG_STORAGE_ENTITY_VALUE_H_
