#ifndef KG_CORE_CONTENT_HASH_H_
#define KG_CORE_CONTENT_HASH_H_

// The content hash that keys a document's version: "sha256:<64 hex digits>"
// of the exact bytes ingested. Every entry point (kg ingest, kg-load) uses
// this one function, so a rerun recognises what is already stored.

#include <string>
#include <string_view>

namespace kg::core {

std::string ContentHash(std::string_view bytes);

}  // namespace kg::core

#endif  // KG_CORE_CONTENT_HASH_H_
