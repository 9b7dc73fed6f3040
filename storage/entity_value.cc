#include "storage/entity_value.h"

#include "storage/keys.h"

namespace kg::storage {

std::string EncodeEntityValue(const Entity& e) {
  Entity slim = e;
  slim.clear_id();
  // An empty key reads back as the name, so only a key equal to the name
  // may go (stored entities always have a non-empty key).
  if (slim.key() == slim.name()) slim.clear_key();
  return slim.SerializeAsString();
}

bool DecodeEntityValue(std::string_view record_key, std::string_view value, Entity* e) {
  if (record_key.size() < kIdBytes) return false;
  if (!e->ParseFromArray(value.data(), static_cast<int>(value.size()))) return false;
  if (e->id() == 0) e->set_id(ReadId(record_key.data()));
  if (e->key().empty()) e->set_key(e->name());
  return true;
}

}  // namespace kg::storage
