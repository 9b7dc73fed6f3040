#include "tests/tools/load_fakes_testutil.h"

#include "absl/strings/str_cat.h"

namespace kg::tools::testing {

absl::StatusOr<storage::PutResult> FakeStore::PutDocument(const DocumentFacts& doc) {
  std::lock_guard<std::mutex> lock(mu_);
  ++put_calls;
  storage::PutResult result;
  auto it = docs_.find(doc.document().id());
  if (it != docs_.end() && it->second.document().content_hash() == doc.document().content_hash()) {
    return result;
  }
  result.changed = true;
  result.replaced = it != docs_.end();
  result.facts = doc.facts_size();
  result.evidence = doc.facts_size();
  result.entities = doc.entities_size();
  docs_[doc.document().id()] = doc;
  ++version_;
  return result;
}

absl::Status FakeStore::ForgetDocument(std::string_view doc_id) {
  std::lock_guard<std::mutex> lock(mu_);
  if (docs_.erase(std::string(doc_id)) == 0) return absl::NotFoundError("unknown document");
  return absl::OkStatus();
}

absl::StatusOr<std::optional<Document>> FakeStore::GetDocument(std::string_view doc_id) {
  std::lock_guard<std::mutex> lock(mu_);
  ++get_calls;
  auto it = docs_.find(std::string(doc_id));
  if (it == docs_.end()) return std::nullopt;
  return it->second.document();
}

absl::Status FakeStore::ForEachDocument(const std::function<bool(const Document&)>& fn) {
  for (const auto& [id, doc] : Docs()) {
    if (!fn(doc.document())) break;
  }
  return absl::OkStatus();
}

absl::StatusOr<storage::StoreStats> FakeStore::Stats() {
  std::lock_guard<std::mutex> lock(mu_);
  storage::StoreStats stats;
  stats.documents = docs_.size();
  for (const auto& [id, doc] : docs_) stats.facts += doc.facts_size();
  return stats;
}

std::map<std::string, DocumentFacts> FakeStore::Docs() {
  std::lock_guard<std::mutex> lock(mu_);
  return docs_;
}

absl::StatusOr<DocumentFacts> FakeExtractor::Extract(const Document& doc,
                                                     std::string_view text) const {
  ++calls;
  {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !blocked_; });
  }
  if (size_t at = text.find("EXTRACTION-FAILS"); at != std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat("cannot analyse byte ", at));
  }
  DocumentFacts out;
  *out.mutable_document() = doc;
  size_t begin = 0;
  uint32_t index = 0;
  while (begin < text.size()) {
    size_t dot = text.find(". ", begin);
    size_t end = dot == std::string_view::npos ? text.size() : dot + 1;
    ExtractedFact* f = out.add_facts();
    f->set_subject(absl::StrCat("s", index));
    f->set_predicate("said");
    f->set_object(absl::StrCat("o", index));
    Evidence* e = f->mutable_evidence();
    e->set_doc_id(doc.id());
    e->set_sentence(index++);
    e->set_start(begin);
    e->set_end(end);
    e->set_text(std::string(text.substr(begin, end - begin)));
    begin = end;
    while (begin < text.size() && text[begin] == ' ') ++begin;
  }
  out.mutable_document()->set_sentences(index);
  return out;
}

void FakeExtractor::Block() {
  std::lock_guard<std::mutex> lock(mu_);
  blocked_ = true;
}

void FakeExtractor::Release() {
  std::lock_guard<std::mutex> lock(mu_);
  blocked_ = false;
  cv_.notify_all();
}

absl::Status FakeTripleSink::Add(const std::vector<SourceTriple>& chunk) {
  chunk_sizes.push_back(chunk.size());
  triples.insert(triples.end(), chunk.begin(), chunk.end());
  return absl::OkStatus();
}

absl::Status FakeTripleSink::Finish() {
  ++finishes;
  return absl::OkStatus();
}

}  // namespace kg::tools::testing
