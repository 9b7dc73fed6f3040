// Support of imported facts in query answers: an imported triple counts as
// one source beside the sentences that state the same fact (the store's
// support counts evidence only, so a bare import stored 0).

#include <unistd.h>

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/term_key.h"
#include "query/engine.h"
#include "query/format.h"
#include "query/projection.h"
#include "storage/bulk_loader.h"
#include "storage/store.h"

namespace kg::query {
namespace {

using Json = nlohmann::json;

TEST(SourceCountTest, EvidencePlusOneForAnImport) {
  EXPECT_EQ(SourceCount(0, 0), 0u);
  EXPECT_EQ(SourceCount(2, CO_MENTION), 2u);
  EXPECT_EQ(SourceCount(0, IMPORTED), 1u);
  EXPECT_EQ(SourceCount(2, IMPORTED | CO_MENTION), 3u);
}

class ImportedSupportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             absl::StrCat("kg_query_imported_support_", getpid()))
                .string();
    std::filesystem::remove_all(path_);
    auto opened = storage::Store::Open(path_);
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = std::move(*opened);
    // Alpha funds Beta: in a document (two sentences) and imported.
    DocumentFacts doc;
    doc.mutable_document()->set_id("/corpus/a.txt");
    doc.mutable_document()->set_content_hash("a");
    for (const char* name : {"Alpha", "Beta"}) {
      Entity* e = doc.add_entities();
      e->set_name(name);
      e->set_key(TermKey(name));
      e->set_type(ORG);
      e->set_mentions(2);
    }
    for (uint32_t sentence : {0u, 1u}) {
      ExtractedFact* f = doc.add_facts();
      f->set_subject(TermKey("Alpha"));
      f->set_object(TermKey("Beta"));
      f->set_predicate("funds");
      f->set_confidence(0.6f);
      f->mutable_evidence()->set_doc_id("/corpus/a.txt");
      f->mutable_evidence()->set_sentence(sentence);
      f->mutable_evidence()->set_text(absl::StrCat("Alpha funds Beta (", sentence, ")."));
    }
    ASSERT_TRUE(store_->PutDocument(doc).ok());
    // Beta funds Gamma: imported only.
    storage::BulkLoader loader(store_.get());
    ASSERT_TRUE(loader.Add("Alpha", "funds", "Beta").ok());
    ASSERT_TRUE(loader.Add("Beta", "funds", "Gamma").ok());
    auto loaded = loader.Finish();
    ASSERT_TRUE(loaded.ok()) << loaded.status();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(path_);
  }
  std::string path_;
  std::unique_ptr<storage::Store> store_;
};

TEST_F(ImportedSupportTest, ImportedFactsCountOneSource) {
  Engine engine(store_.get());
  auto r = engine.Run(R"(path "Alpha" to "Gamma")");
  ASSERT_TRUE(r.ok()) << r.status();
  Json j = Json::parse(engine.Format(**r, OutputFormat::kJson));
  ASSERT_EQ(j["paths"].size(), 1u) << j.dump();
  const Json& hops = j["paths"][0]["hops"];
  ASSERT_EQ(hops.size(), 2u);
  EXPECT_EQ(hops[0]["to"], "Beta");
  EXPECT_EQ(hops[0]["support"], 3);  // two sentences and the import
  EXPECT_EQ(hops[0]["evidence"].size(), 2u);
  EXPECT_EQ(hops[1]["to"], "Gamma");
  EXPECT_EQ(hops[1]["support"], 1);  // the import alone (was 0)
  // The store keeps counting evidence only (its invariant, see Store::Check).
  bool seen = false;
  ASSERT_TRUE(store_
                  ->ForEachFact([&](const Fact& f) {
                    if (f.predicate() == "funds" && (f.flags() & IMPORTED) && f.support() == 0)
                      seen = true;
                    return true;
                  })
                  .ok());
  EXPECT_TRUE(seen);
  // `match` answers from the store's facts, not the projection: same count.
  auto m = engine.Run(R"(match "Beta" funds ?x)");
  ASSERT_TRUE(m.ok()) << m.status();
  Json mj = Json::parse(engine.Format(**m, OutputFormat::kJson));
  ASSERT_EQ(mj["facts"].size(), 1u) << mj.dump();
  EXPECT_EQ(mj["facts"][0][0]["support"], 1) << mj.dump();
}

}  // namespace
}  // namespace kg::query
