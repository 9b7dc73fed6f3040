// Store::AddUnmerge / Unmerges, and re-puts under a changed resolution.
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "proto/term_key.h"
#include "storage/store.h"
#include "tests/storage/store_testutil.h"

namespace kg::storage {
namespace {

using testing::MakeDoc;
using testing::TempStorePath;

Merge Unmerge(const std::string& alias, const std::string& canonical_name) {
  Merge m;
  m.set_alias(alias);
  m.set_canonical(TermKey(canonical_name));
  m.set_rule("unmerge");
  return m;
}

TEST(UnmergeStoreTest, RecordedOnceAndSurviveReopening) {
  const std::string path = TempStorePath("unmerge_persist");
  {
    auto store = Store::Open(path);
    ASSERT_TRUE(store.ok()) << store.status();
    auto none = (*store)->Unmerges();
    ASSERT_TRUE(none.ok()) << none.status();
    EXPECT_TRUE(none->empty());
    ASSERT_TRUE((*store)->AddUnmerge(Unmerge("DEA", "Drug Enforcement Administration")).ok());
    // The same pair by another spelling of the alias is the same decision.
    ASSERT_TRUE((*store)->AddUnmerge(Unmerge("dea", "Drug Enforcement Administration")).ok());
    ASSERT_TRUE((*store)->AddUnmerge(Unmerge("AMLO", "Andres Manuel Lopez Obrador")).ok());
    EXPECT_FALSE((*store)->AddUnmerge(Unmerge("", "x")).ok());
  }
  auto store = Store::Open(path, {.read_only = true});
  ASSERT_TRUE(store.ok()) << store.status();
  auto got = (*store)->Unmerges();
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_EQ(got->size(), 2u);
  // Key order: by TermKey(alias).
  EXPECT_EQ((*got)[0].alias(), "AMLO");
  EXPECT_EQ((*got)[0].canonical(), TermKey("Andres Manuel Lopez Obrador"));
  EXPECT_EQ((*got)[1].alias(), "DEA");
  EXPECT_EQ((*got)[1].rule(), "unmerge");
}

TEST(UnmergeStoreTest, ReadOnlyStoreRefusesAnUnmerge) {
  const std::string path = TempStorePath("unmerge_ro");
  { ASSERT_TRUE(Store::Open(path).ok()); }
  auto store = Store::Open(path, {.read_only = true});
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_FALSE((*store)->AddUnmerge(Unmerge("DEA", "Drug Enforcement Administration")).ok());
}

TEST(UnmergeStoreTest, SameContentUnderANewResolutionReplacesTheDocument) {
  const std::string path = TempStorePath("unmerge_reput");
  auto store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  DocumentFacts before = MakeDoc("doc", "hash-1", {{"DEA", "raid", "Cartel"}});
  auto put = (*store)->PutDocument(before);
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_TRUE(put->changed);
  // Same hash, same resolution: a no-op.
  put = (*store)->PutDocument(before);
  ASSERT_TRUE(put.ok());
  EXPECT_FALSE(put->changed);
  // Same hash, different resolution: the document's facts are replaced.
  DocumentFacts after = MakeDoc("doc", "hash-1", {{"Drug Agency", "raid", "Cartel"}});
  after.mutable_document()->set_resolution("unmerge-fingerprint");
  put = (*store)->PutDocument(after);
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_TRUE(put->changed);
  EXPECT_TRUE(put->replaced);
  auto doc = (*store)->GetDocument("doc");
  ASSERT_TRUE(doc.ok() && doc->has_value());
  EXPECT_EQ((*doc)->resolution(), "unmerge-fingerprint");
  auto old_id = (*store)->LookupTerm(TermKey("DEA"));
  ASSERT_TRUE(old_id.ok());
  EXPECT_FALSE(old_id->has_value()) << "the old version's entity is gone";
  auto check = (*store)->Check();
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_TRUE(check->ok()) << (check->problems.empty() ? "" : check->problems[0]);
}

}  // namespace
}  // namespace kg::storage
