#ifndef KG_TESTS_TOOLS_LOAD_FAKES_TESTUTIL_H_
#define KG_TESTS_TOOLS_LOAD_FAKES_TESTUTIL_H_

// In-memory doubles for the kg-load pipeline tests: a Store that keeps
// DocumentFacts by id, an Extractor that makes one fact per sentence, and a
// TripleSink that records chunks. They let the pipeline's own behaviour
// (resume, strict, splitting, bounded queues) be tested apart from the real
// extractor and RocksDB.

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "core/extractor.h"
#include "storage/store.h"
#include "tools/load_pipeline.h"

namespace kg::tools::testing {

class FakeStore : public storage::Store {
 public:
  absl::StatusOr<storage::PutResult> PutDocument(const DocumentFacts& doc) override;
  absl::Status ForgetDocument(std::string_view doc_id) override;
  absl::StatusOr<std::optional<Document>> GetDocument(std::string_view doc_id) override;
  absl::StatusOr<std::optional<Entity>> GetEntity(uint64_t) override { return std::nullopt; }
  absl::StatusOr<std::optional<uint64_t>> LookupTerm(std::string_view) override {
    return std::nullopt;
  }
  absl::Status ForEachEntity(const std::function<bool(const Entity&)>&) override {
    return absl::OkStatus();
  }
  absl::Status ForEachDocument(const std::function<bool(const Document&)>& fn) override;
  absl::Status ForEachFact(const std::function<bool(const Fact&)>&) override {
    return absl::OkStatus();
  }
  absl::Status FactsFrom(uint64_t, const std::function<bool(const Fact&)>&) override {
    return absl::OkStatus();
  }
  absl::Status FactsTo(uint64_t, const std::function<bool(const Fact&)>&) override {
    return absl::OkStatus();
  }
  absl::Status ForEachEvidence(const Fact&, const std::function<bool(const Evidence&)>&) override {
    return absl::OkStatus();
  }
  absl::Status ForEachMerge(std::string_view, const std::function<bool(const Merge&)>&) override {
    return absl::OkStatus();
  }
  absl::StatusOr<storage::StoreStats> Stats() override;
  uint64_t Version() override { return version_; }

  std::map<std::string, DocumentFacts> Docs();
  std::atomic<int> get_calls{0};
  std::atomic<int> put_calls{0};

 private:
  std::mutex mu_;
  std::map<std::string, DocumentFacts> docs_;
  uint64_t version_ = 0;
};

// One fact per sentence (sentences end at ". "), evidence = the sentence.
// Text containing "EXTRACTION-FAILS" fails with an error naming its offset.
// While `Block()` is in force, Extract waits until `Release()`.
class FakeExtractor : public core::Extractor {
 public:
  absl::StatusOr<DocumentFacts> Extract(const Document& doc, std::string_view text) const override;
  void Block();
  void Release();
  mutable std::atomic<int> calls{0};

 private:
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool blocked_ = false;
};

class FakeTripleSink : public TripleSink {
 public:
  absl::Status Add(const std::vector<SourceTriple>& chunk) override;
  absl::Status Finish() override;
  std::vector<size_t> chunk_sizes;
  std::vector<SourceTriple> triples;
  int finishes = 0;
};

}  // namespace kg::tools::testing

#endif  // KG_TESTS_TOOLS_LOAD_FAKES_TESTUTIL_H_
