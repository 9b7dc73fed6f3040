#include "tools/load_bulk.h"

#include "absl/strings/str_cat.h"
#include "storage/bulk_loader.h"

namespace kg::tools {
namespace {

class BulkTripleSink : public TripleSink {
 public:
  BulkTripleSink(storage::Store* store, size_t memory_bytes) : store_(store) {
    options_.memory_bytes = memory_bytes;
  }

  absl::Status Add(const std::vector<SourceTriple>& chunk) override {
    // Created on the first triples, so document-only loads never touch the
    // bulk machinery.
    if (loader_ == nullptr) loader_ = std::make_unique<storage::BulkLoader>(store_, options_);
    for (const SourceTriple& t : chunk) {
      absl::Status s = loader_->Add(t.subject, t.predicate, t.object);
      if (!s.ok()) {
        return absl::Status(s.code(), absl::StrCat("line ", t.line, ": ", s.message()));
      }
    }
    return absl::OkStatus();
  }

  absl::Status AddBatch(TripleBatch* batch) override {
    if (loader_ == nullptr) loader_ = std::make_unique<storage::BulkLoader>(store_, options_);
    size_t failed = batch->size();
    absl::Status s = loader_->Add(std::move(batch->triples), &failed);
    if (s.ok() || failed >= batch->size()) return s;
    return absl::Status(s.code(), absl::StrCat("line ", batch->lines[failed], ": ", s.message()));
  }

  absl::Status Finish() override {
    if (loader_ == nullptr) return absl::OkStatus();
    absl::StatusOr<storage::BulkResult> result = loader_->Finish();
    if (!result.ok()) return result.status();
    result_ = *result;
    return absl::OkStatus();
  }

 private:
  storage::Store* store_;
  storage::BulkLoaderOptions options_;
  std::unique_ptr<storage::BulkLoader> loader_;
  storage::BulkResult result_;
};

}  // namespace

std::unique_ptr<TripleSink> MakeBulkTripleSink(storage::Store* store, size_t memory_bytes) {
  return std::make_unique<BulkTripleSink>(store, memory_bytes);
}

}  // namespace kg::tools
