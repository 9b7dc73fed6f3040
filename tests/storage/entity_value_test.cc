#include "storage/entity_value.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "proto/term_key.h"
#include "storage/bulk_loader.h"
#include "storage/keys.h"
#include "storage/rocks_store.h"
#include "tests/storage/store_testutil.h"

namespace kg::storage {
namespace {

Entity Sample(std::string name, std::string key) {
  Entity e;
  e.set_id(TermId(key));
  e.set_name(std::move(name));
  e.set_key(std::move(key));
  e.set_type(RESOURCE);
  e.add_aliases("A");
  e.set_mentions(3);
  return e;
}

TEST(EntityValueTest, LeavesOutIdAndAKeyEqualToTheName) {
  for (const Entity& e : {Sample("/m/027rn", "/m/027rn"), Sample("Mérida", "merida")}) {
    std::string v = EncodeEntityValue(e);
    Entity raw;
    ASSERT_TRUE(raw.ParseFromString(v));
    EXPECT_EQ(raw.id(), 0u);
    EXPECT_EQ(raw.key().empty(), e.key() == e.name()) << e.name();
    Entity back;
    ASSERT_TRUE(DecodeEntityValue(IdKey(e.id()), v, &back));
    EXPECT_EQ(back.SerializeAsString(), e.SerializeAsString()) << e.name();
    // A contribution's key is id ‖ document.
    ASSERT_TRUE(DecodeEntityValue(ContribKey(e.id(), "/doc"), v, &back));
    EXPECT_EQ(back.id(), e.id());
  }
}

TEST(EntityValueTest, SchemaOneRecordsReadTheSame) {
  Entity e = Sample("Mérida", "merida");
  Entity back;
  // Schema 1 wrote every field; a stored id wins over the key's.
  ASSERT_TRUE(DecodeEntityValue(IdKey(e.id()), e.SerializeAsString(), &back));
  EXPECT_EQ(back.SerializeAsString(), e.SerializeAsString());
}

TEST(EntityValueTest, RejectsGarbageAndShortKeys) {
  Entity back;
  EXPECT_FALSE(DecodeEntityValue(IdKey(7), std::string("\xff\xff\xff", 3), &back));
  EXPECT_FALSE(DecodeEntityValue("abc", EncodeEntityValue(Sample("x", "x")), &back));
}

TEST(EntityValueTest, StoreWritesSlimRecords) {
  std::string path = testing::TempStorePath("db");
  auto store = Store::Open(path);
  ASSERT_TRUE(store.ok()) << store.status();
  BulkLoader loader(store->get());
  ASSERT_TRUE(loader.Add("/m/a", "/rel/x", "/M/B").ok());
  ASSERT_TRUE(loader.Finish().ok());
  auto* rs = dynamic_cast<RocksStore*>(store->get());
  ASSERT_NE(rs, nullptr);
  std::string v;
  ASSERT_TRUE(rs->db()->Get({}, rs->cf(kEntities), IdKey(TermId("/m/a")), &v).ok());
  Entity raw;
  ASSERT_TRUE(raw.ParseFromString(v));
  EXPECT_EQ(raw.id(), 0u);
  EXPECT_TRUE(raw.key().empty());
  auto b = (*store)->GetEntity(TermId("/m/b")).value();
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->id(), TermId("/m/b"));
  EXPECT_EQ(b->key(), "/m/b");
  EXPECT_EQ(b->name(), "/M/B");
  int n = 0;
  ASSERT_TRUE((*store)
                  ->ForEachEntity([&](const Entity& e) {
                    EXPECT_EQ(e.id(), TermId(e.key())) << e.name();
                    ++n;
                    return true;
                  })
                  .ok());
  EXPECT_EQ(n, 2);
  auto report = (*store)->Check();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->ok()) << (report->problems.empty() ? "" : report->problems[0]);
}

}  // namespace
}  // namespace kg::storage
