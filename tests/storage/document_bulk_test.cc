// The document bulk path (Store::BeginDocumentBulk, storage/document_stage.h):
// documents staged and ingested as SST chunks leave exactly the content that
// one write per document leaves.

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "storage/store.h"
#include "tests/storage/store_testutil.h"

namespace kg::storage {
namespace {

using testing::Dump;
using testing::MakeDoc;
using testing::SyntheticDoc;
using testing::TempStorePath;

std::unique_ptr<Store> OpenOrDie(const std::string& path) {
  auto s = Store::Open(path);
  EXPECT_TRUE(s.ok()) << s.status();
  return std::move(*s);
}

// A mix that exercises the read-modify-write paths: popular entities in many
// documents, a type conflict (the fold over every contribution), a re-put
// (no-op), a replaced document and a forgotten one.
std::vector<DocumentFacts> Corpus() {
  std::vector<DocumentFacts> docs;
  for (int i = 0; i < 60; ++i) docs.push_back(SyntheticDoc(i, 12, 40, 3));
  DocumentFacts jordan_gpe = MakeDoc("jordan1", "j1", {{"Jordan", "visited", "Entity 1"}});
  DocumentFacts jordan_person =
      MakeDoc("jordan2", "j2", {{"Jordan", "met", "Entity 2"}, {"Jordan", "met", "Entity 3"}});
  for (auto& e : *jordan_gpe.mutable_entities()) {
    if (e.name() == "Jordan") e.set_type(GPE);
  }
  for (auto& e : *jordan_person.mutable_entities()) {
    if (e.name() == "Jordan") e.set_type(PERSON);
  }
  docs.push_back(jordan_gpe);
  docs.push_back(jordan_person);
  docs.push_back(SyntheticDoc(5, 12, 40, 3));  // identical re-put
  DocumentFacts replaced = SyntheticDoc(7, 9, 40, 4);
  replaced.mutable_document()->set_id(docs[7].document().id());
  docs.push_back(replaced);
  return docs;
}

void PutAll(Store& store, const std::vector<DocumentFacts>& docs) {
  for (const DocumentFacts& d : docs) {
    auto r = store.PutDocument(d);
    ASSERT_TRUE(r.ok()) << r.status();
  }
}

TEST(DocumentBulkTest, ChunksLeaveTheSameContentAsOneWritePerDocument) {
  const std::vector<DocumentFacts> docs = Corpus();
  auto direct = OpenOrDie(TempStorePath("direct"));
  PutAll(*direct, docs);
  ASSERT_TRUE(direct->ForgetDocument("doc00011").ok());
  const std::string expected = Dump(*direct);

  // Chunk sizes: one document per chunk (each document's reads meet the
  // previous one's chunk while it goes in on the stage's thread), a few
  // documents per chunk, and everything in one chunk.
  for (size_t chunk : {size_t{1}, size_t{4096}, size_t{64} << 20}) {
    SCOPED_TRACE(chunk);
    const std::string path = TempStorePath("bulk" + std::to_string(chunk));
    auto bulk = OpenOrDie(path);
    ASSERT_TRUE(bulk->BeginDocumentBulk(chunk).ok());
    PutAll(*bulk, docs);
    // A forget in bulk mode sees the staged documents (it ingests them first).
    ASSERT_TRUE(bulk->ForgetDocument("doc00011").ok());
    ASSERT_TRUE(bulk->EndDocumentBulk().ok());
    EXPECT_EQ(Dump(*bulk), expected);
    auto check = bulk->Check();
    ASSERT_TRUE(check.ok()) << check.status();
    EXPECT_TRUE(check->ok()) << (check->problems.empty() ? "" : check->problems[0]);
    auto stats = bulk->Stats();
    ASSERT_TRUE(stats.ok());
    auto direct_stats = direct->Stats();
    ASSERT_TRUE(direct_stats.ok());
    EXPECT_EQ(stats->documents, direct_stats->documents);
    EXPECT_EQ(stats->entities, direct_stats->entities);
    EXPECT_EQ(stats->facts, direct_stats->facts);
    EXPECT_EQ(stats->evidence, direct_stats->evidence);
    // Nothing of the chunks is left behind.
    EXPECT_FALSE(std::filesystem::exists(path + "/docbulk.tmp"));
  }
}

// Many replaces: past a few, bulk mode gives way to one write per document;
// the content is the same either way.
TEST(DocumentBulkTest, ManyReplacesLeaveTheSameContent) {
  std::vector<DocumentFacts> first, second;
  for (int i = 0; i < 30; ++i) first.push_back(SyntheticDoc(i, 8, 30, 1));
  // New documents (staged) between 20 replaces of stored ones.
  for (int i = 0; i < 40; ++i) {
    second.push_back(i % 2 == 0 ? SyntheticDoc(100 + i, 8, 30, 2) : SyntheticDoc(i / 2, 8, 30, 2));
  }
  auto direct = OpenOrDie(TempStorePath("replaces-direct"));
  PutAll(*direct, first);
  PutAll(*direct, second);
  auto bulk = OpenOrDie(TempStorePath("replaces-bulk"));
  PutAll(*bulk, first);
  ASSERT_TRUE(bulk->BeginDocumentBulk(2048).ok());
  PutAll(*bulk, second);
  ASSERT_TRUE(bulk->EndDocumentBulk().ok());
  EXPECT_EQ(Dump(*bulk), Dump(*direct));
  auto check = bulk->Check();
  ASSERT_TRUE(check.ok());
  EXPECT_TRUE(check->ok()) << (check->problems.empty() ? "" : check->problems[0]);
}

TEST(DocumentBulkTest, StagedDocumentsAppearOnlyWhenTheirChunkIsIngested) {
  const std::string path = TempStorePath("visibility");
  auto store = OpenOrDie(path);
  ASSERT_TRUE(store->BeginDocumentBulk(size_t{64} << 20).ok());
  auto put = store->PutDocument(SyntheticDoc(1, 10, 20, 1));
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_TRUE(put->changed);
  // Staged: a second put of the same content is seen as stored already.
  auto again = store->PutDocument(SyntheticDoc(1, 10, 20, 1));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->changed);
  auto before = store->GetDocument("doc00001");
  ASSERT_TRUE(before.ok());
  EXPECT_FALSE(before->has_value());
  ASSERT_TRUE(store->EndDocumentBulk().ok());
  auto after = store->GetDocument("doc00001");
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->has_value());
  // Bulk mode is over: the next document is written at once.
  ASSERT_TRUE(store->PutDocument(SyntheticDoc(2, 10, 20, 1)).ok());
  auto direct = store->GetDocument("doc00002");
  ASSERT_TRUE(direct.ok());
  EXPECT_TRUE(direct->has_value());
}

// A chunk being ingested on the stage's thread is still read: a re-put of
// the document just sealed is a no-op, and a conflicting type folds in that
// document's contribution.
TEST(DocumentBulkTest, TheChunkGoingInIsStillRead) {
  auto direct = OpenOrDie(TempStorePath("sealed-direct"));
  auto bulk = OpenOrDie(TempStorePath("sealed-bulk"));
  ASSERT_TRUE(bulk->BeginDocumentBulk(1).ok());
  DocumentFacts gpe = MakeDoc("jordan1", "j1", {{"Jordan", "visited", "Entity 1"}});
  DocumentFacts person = MakeDoc("jordan2", "j2", {{"Jordan", "met", "Entity 2"}});
  for (auto& e : *gpe.mutable_entities()) {
    if (e.name() == "Jordan") e.set_type(GPE);
  }
  for (auto& e : *person.mutable_entities()) {
    if (e.name() == "Jordan") e.set_type(PERSON);
  }
  for (Store* store : {direct.get(), bulk.get()}) {
    for (const DocumentFacts& d : {gpe, gpe, person, person}) {
      auto put = store->PutDocument(d);
      ASSERT_TRUE(put.ok()) << put.status();
    }
  }
  auto again = bulk->PutDocument(person);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->changed);
  ASSERT_TRUE(bulk->EndDocumentBulk().ok());
  EXPECT_EQ(Dump(*bulk), Dump(*direct));
  auto stats = bulk->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->documents, 2u);
}

TEST(DocumentBulkTest, ARejectedDocumentLeavesTheChunkIntact) {
  auto store = OpenOrDie(TempStorePath("rejected"));
  ASSERT_TRUE(store->BeginDocumentBulk(size_t{64} << 20).ok());
  ASSERT_TRUE(store->PutDocument(SyntheticDoc(1, 10, 20, 1)).ok());
  DocumentFacts bad = SyntheticDoc(2, 10, 20, 1);
  bad.mutable_facts(0)->clear_predicate();
  EXPECT_FALSE(store->PutDocument(bad).ok());
  ASSERT_TRUE(store->PutDocument(SyntheticDoc(3, 10, 20, 1)).ok());
  ASSERT_TRUE(store->EndDocumentBulk().ok());

  auto reference = OpenOrDie(TempStorePath("rejected-ref"));
  ASSERT_TRUE(reference->PutDocument(SyntheticDoc(1, 10, 20, 1)).ok());
  ASSERT_TRUE(reference->PutDocument(SyntheticDoc(3, 10, 20, 1)).ok());
  EXPECT_EQ(Dump(*store), Dump(*reference));
}

TEST(DocumentBulkTest, ClosingTheStoreIngestsWhatIsStaged) {
  const std::string path = TempStorePath("closing");
  {
    auto store = OpenOrDie(path);
    ASSERT_TRUE(store->BeginDocumentBulk(size_t{64} << 20).ok());
    ASSERT_TRUE(store->PutDocument(SyntheticDoc(1, 10, 20, 1)).ok());
  }
  auto store = OpenOrDie(path);
  auto doc = store->GetDocument("doc00001");
  ASSERT_TRUE(doc.ok());
  EXPECT_TRUE(doc->has_value());
}

}  // namespace
}  // namespace kg::storage
