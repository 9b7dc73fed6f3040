#ifndef KG_STORAGE_PACKED_TRIPLES_H_
#define KG_STORAGE_PACKED_TRIPLES_H_

// PackedTriples: many (subject, predicate, object) name triples in one
// buffer, back to back, with the end offset of every name. The form the bulk
// loader resolves (storage/bulk_loader.h): a reader that packs its triples
// hands them over with BulkLoader::Add(PackedTriples&&), no string per name
// and no copy on the way.

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace kg::storage {

struct PackedTriples {
  std::string bytes;         // every name, back to back
  std::vector<size_t> ends;  // three end offsets per triple

  size_t size() const { return ends.size() / 3; }
  bool empty() const { return ends.empty(); }
  void clear() {
    bytes.clear();
    ends.clear();
  }
  void Add(std::string_view subject, std::string_view predicate, std::string_view object) {
    for (std::string_view part : {subject, predicate, object}) {
      bytes.append(part.data(), part.size());
      ends.push_back(bytes.size());
    }
  }
  // Name `part` (0 subject, 1 predicate, 2 object) of triple `i`.
  std::string_view Name(size_t i, int part) const {
    size_t k = 3 * i + part;
    size_t begin = k == 0 ? 0 : ends[k - 1];
    return std::string_view(bytes).substr(begin, ends[k] - begin);
  }
};

}  // namespace kg::storage

#endif  // KG_STORAGE_PACKED_TRIPLES_H_
