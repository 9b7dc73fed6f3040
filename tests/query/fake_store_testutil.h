#ifndef KG_TESTS_QUERY_FAKE_STORE_TESTUTIL_H_
#define KG_TESTS_QUERY_FAKE_STORE_TESTUTIL_H_

// An in-memory storage::Store for query tests: entities, facts (merged by
// subject/predicate/object, support = evidence count), evidence, aliases and
// a version counter, with the contract's read semantics (ForEachFact in
// subject order, FactsFrom/FactsTo, LookupTerm through kg::TermKey and
// aliases). Entity ids are scrambled so tests do not depend on id order.

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "storage/store.h"

namespace kg::query::testing {

class FakeStore : public storage::Store {
 public:
  // Returns the new entity's id.
  uint64_t AddEntity(const std::string& name, EntityType type = ENTITY_TYPE_UNSPECIFIED,
                     const std::vector<std::string>& aliases = {});
  // Adds a fact, or one more evidence to an existing one (support grows by
  // one per evidence; a fact added without evidence has support 1). The
  // confidence is the maximum seen; flags are OR-ed.
  void AddFact(uint64_t subject, const std::string& predicate, uint64_t object, float confidence = 1.0f,
               uint32_t flags = 0, const std::vector<Evidence>& evidence = {});
  static Evidence MakeEvidence(const std::string& doc, uint32_t sentence, const std::string& text,
                               const std::string& date = "");

  absl::StatusOr<storage::PutResult> PutDocument(const DocumentFacts& doc) override;
  absl::Status ForgetDocument(std::string_view doc_id) override;
  absl::StatusOr<std::optional<Document>> GetDocument(std::string_view doc_id) override;
  absl::StatusOr<std::optional<Entity>> GetEntity(uint64_t id) override;
  absl::StatusOr<std::optional<uint64_t>> LookupTerm(std::string_view key) override;
  absl::Status ForEachEntity(const std::function<bool(const Entity&)>& fn) override;
  absl::Status ForEachDocument(const std::function<bool(const Document&)>& fn) override;
  absl::Status ForEachFact(const std::function<bool(const Fact&)>& fn) override;
  absl::Status FactsFrom(uint64_t subject, const std::function<bool(const Fact&)>& fn) override;
  absl::Status FactsTo(uint64_t object, const std::function<bool(const Fact&)>& fn) override;
  absl::Status ForEachEvidence(const Fact& fact, const std::function<bool(const Evidence&)>& fn) override;
  absl::Status ForEachMerge(std::string_view entity_key, const std::function<bool(const Merge&)>& fn) override;
  absl::StatusOr<storage::StoreStats> Stats() override;
  uint64_t Version() override { return version_; }

  // Counts of full scans, for tests of the projection cache.
  int fact_scans() const { return fact_scans_; }

 private:
  using FactKey = std::tuple<uint64_t, std::string, uint64_t>;  // subject, predicate, object
  std::map<uint64_t, Entity> entities_;
  std::map<std::string, uint64_t> terms_;
  std::map<FactKey, Fact> facts_;  // subject order
  std::map<FactKey, std::vector<Evidence>> evidence_;
  std::map<std::string, Document> documents_;
  uint64_t next_ = 0;
  uint64_t version_ = 1;
  int fact_scans_ = 0;
};

}  // namespace kg::query::testing

#endif  // KG_TESTS_QUERY_FAKE_STORE_TESTUTIL_H_
