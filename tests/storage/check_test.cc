#include <filesystem>
#include <fstream>

#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/term_key.h"
#include "storage/bulk_loader.h"
#include "storage/keys.h"
#include "storage/rocks_store.h"
#include "storage/store.h"
#include "tests/storage/store_testutil.h"

namespace kg::storage {
namespace {

using testing::MakeDoc;
using testing::SyntheticDoc;
using testing::TempStorePath;
using ::testing::HasSubstr;

std::string Problems(const CheckReport& r) { return absl::StrJoin(r.problems, "\n"); }

void Fill(Store& store) {
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(store.PutDocument(SyntheticDoc(i, 30, 20, 1)).ok());
  BulkLoader loader(&store);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(loader.Add("Entity 1", "imported", absl::StrCat("x", i)).ok());
  ASSERT_TRUE(loader.Finish().ok());
  ASSERT_TRUE(store.ForgetDocument("doc00002").ok());
}

TEST(CheckTest, HealthyStorePasses) {
  auto store = std::move(*Store::Open(TempStorePath("db")));
  Fill(*store);
  auto r = store->Check();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->ok()) << Problems(*r);
  auto stats = store->Stats().value();
  EXPECT_EQ(r->documents, 4u);
  EXPECT_EQ(r->facts, stats.facts);
  EXPECT_EQ(r->entities, stats.entities);
  EXPECT_EQ(r->evidence, stats.evidence);
  EXPECT_GT(r->evidence, 0u);
}

TEST(CheckTest, ReportsBrokenInvariants) {
  auto rs = std::move(*RocksStore::OpenRocks(TempStorePath("db"), {}));
  Fill(*rs);
  // Remove one pos entry and one document record behind the store's back.
  std::string pos_key;
  ASSERT_TRUE(rs->Scan(kPos, "", [&](std::string_view k, std::string_view) {
    pos_key = std::string(k);
    return false;
  }).ok());
  ASSERT_TRUE(rs->db()->Delete({}, rs->cf(kPos), pos_key).ok());
  ASSERT_TRUE(rs->db()->Delete({}, rs->cf(kDocs), "doc00003").ok());
  auto r = rs->Check();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->ok());
  std::string all = Problems(*r);
  EXPECT_THAT(all, HasSubstr("pos lacks"));
  EXPECT_THAT(all, HasSubstr("missing document 'doc00003'"));
  EXPECT_THAT(all, HasSubstr("meta counts 4 documents, the store holds 3"));
}

TEST(CheckTest, CorruptedSstIsReportedNamingTheFile) {
  std::string path = TempStorePath("db");
  {
    auto store = std::move(*Store::Open(path));
    Fill(*store);
    ASSERT_TRUE(store->Compact().ok());
  }
  // Flip bytes inside the data blocks of the biggest table file.
  std::filesystem::path biggest;
  uintmax_t size = 0;
  for (const auto& e : std::filesystem::directory_iterator(path)) {
    if (e.path().extension() == ".sst" && e.file_size() > size) {
      size = e.file_size();
      biggest = e.path();
    }
  }
  ASSERT_GT(size, 200u);
  {
    std::fstream f(biggest, std::ios::in | std::ios::out | std::ios::binary);
    for (int i = 0; i < 16; ++i) {
      f.seekg(40 + i);
      char c = static_cast<char>(f.get());
      f.seekp(40 + i);
      f.put(static_cast<char>(c ^ 0x5a));
    }
  }
  std::string name = biggest.filename().string();
  auto store = Store::Open(path);
  if (!store.ok()) {  // RocksDB may already notice at open
    EXPECT_TRUE(absl::IsDataLoss(store.status())) << store.status();
    EXPECT_THAT(std::string(store.status().message()), HasSubstr(name));
    return;
  }
  auto r = (*store)->Check();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE(r->ok());
  EXPECT_THAT(Problems(*r), HasSubstr("corruption"));
  EXPECT_THAT(Problems(*r), HasSubstr(name));
}

}  // namespace
}  // namespace kg::storage
