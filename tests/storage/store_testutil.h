#ifndef KG_TESTS_STORAGE_STORE_TESTUTIL_H_
#define KG_TESTS_STORAGE_STORE_TESTUTIL_H_

// Builders for storage tests: small DocumentFacts written by hand, and
// temporary store directories.

#include <string>
#include <vector>

#include "proto/kg.pb.h"
#include "storage/store.h"

namespace kg::storage::testing {

// A fresh, empty directory path under the test's temp dir (removed first).
std::string TempStorePath(const std::string& name);

struct FactSpec {
  std::string subject, predicate, object;
  uint32_t sentence = 0;
  float confidence = 0.9f;
  uint32_t flags = 0;
};

// A document whose entities are the names used by `facts` (type ORG unless
// listed in `types` as "name=TYPE"); evidence text is "s<N>".
DocumentFacts MakeDoc(const std::string& id, const std::string& hash,
                      const std::vector<FactSpec>& facts);

// A deterministic synthetic document (for crash and bulk tests): `n` facts
// over a vocabulary of `vocab` names, seeded by `seed`.
DocumentFacts SyntheticDoc(int index, int n, int vocab, uint32_t seed);

// Everything readable through the public API, one line per record, sorted
// within each section: equal dumps mean equal content.
std::string Dump(Store& store);

}  // namespace kg::storage::testing

#endif  // KG_TESTS_STORAGE_STORE_TESTUTIL_H_
