#include "storage/bulk_loader.h"

#include <array>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "proto/term_key.h"
#include "storage/keys.h"
#include "tests/storage/store_testutil.h"

namespace kg::storage {
namespace {

using testing::Dump;
using testing::MakeDoc;
using testing::TempStorePath;

std::unique_ptr<Store> OpenOrDie(const std::string& path) {
  auto s = Store::Open(path);
  EXPECT_TRUE(s.ok()) << s.status();
  return std::move(*s);
}

// Term ids cut to a few bits for one test, restored whatever happens.
struct NarrowIds {
  explicit NarrowIds(int bits) { SetTermIdBitsForTesting(bits); }
  ~NarrowIds() { SetTermIdBitsForTesting(kIdBits); }
};

// Loads `triples` (in that order) into a new store; key -> id of every term.
std::map<std::string, uint64_t> LoadAndMapIds(
    const std::string& path, const std::vector<std::array<std::string, 3>>& triples,
    BulkLoaderOptions options = {}) {
  auto store = OpenOrDie(path);
  {
    BulkLoader loader(store.get(), options);
    for (const auto& t : triples) EXPECT_TRUE(loader.Add(t[0], t[1], t[2]).ok());
    auto r = loader.Finish();
    EXPECT_TRUE(r.ok()) << r.status();
  }
  std::map<std::string, uint64_t> ids;
  EXPECT_TRUE(store
                  ->ForEachEntity([&](const Entity& e) {
                    ids[e.key()] = e.id();
                    return true;
                  })
                  .ok());
  auto report = store->Check();
  EXPECT_TRUE(report.ok() && report->ok())
      << (report.ok() && !report->problems.empty() ? report->problems[0] : "");
  return ids;
}

TEST(BulkLoaderTest, CollidingKeysGetDistinctIdsWhateverTheOrder) {
  NarrowIds narrow(8);  // 255 ids: 80 keys collide many times
  std::vector<std::array<std::string, 3>> triples;
  std::vector<std::string> keys;
  for (int i = 0; i < 80; ++i) keys.push_back(absl::StrCat("/m/k", i));
  for (int i = 0; i < 80; ++i) {
    triples.push_back({keys[i], "/rel/next", keys[(i + 1) % 80]});
    triples.push_back({keys[i], "/rel/skip", keys[(i * 7 + 3) % 80]});
  }
  std::map<uint64_t, int> by_first_id;
  for (const auto& k : keys) ++by_first_id[TermId(k)];
  int colliding = 0;
  for (const auto& [id, n] : by_first_id) colliding += n > 1 ? n : 0;
  ASSERT_GE(colliding, 4) << "the test must force collisions";

  const std::string fwd_path = TempStorePath("fwd");
  auto forward = LoadAndMapIds(fwd_path, triples);
  std::vector<std::array<std::string, 3>> reversed(triples.rbegin(), triples.rend());
  // Also through run files (spilled sorts) and in another order.
  auto backward = LoadAndMapIds(TempStorePath("bwd"), reversed, {.memory_bytes = 4096});
  ASSERT_EQ(forward.size(), keys.size());
  EXPECT_EQ(forward, backward);
  std::set<uint64_t> distinct;
  for (const auto& [key, id] : forward) distinct.insert(id);
  EXPECT_EQ(distinct.size(), keys.size());
  // The smallest key of each group keeps its first id.
  std::map<uint64_t, std::string> smallest;
  for (const auto& k : keys) {
    auto [it, inserted] = smallest.emplace(TermId(k), k);
    if (!inserted && k < it->second) it->second = k;
  }
  for (const auto& [id, k] : smallest) EXPECT_EQ(forward[k], id) << k;

  // The facts name the right entities.
  auto store = OpenOrDie(fwd_path);
  for (int i = 0; i < 80; ++i) {
    std::set<uint64_t> objects;
    ASSERT_TRUE(store
                    ->FactsFrom(forward[keys[i]],
                                [&](const Fact& f) {
                                  objects.insert(f.object());
                                  return true;
                                })
                    .ok());
    std::set<uint64_t> want = {forward[keys[(i + 1) % 80]], forward[keys[(i * 7 + 3) % 80]]};
    EXPECT_EQ(objects, want) << keys[i];
  }
}

TEST(BulkLoaderTest, StoredKeyKeepsItsIdAgainstASmallerNewKey) {
  NarrowIds narrow(8);
  // Two keys under one id; the larger one is stored first.
  std::map<uint64_t, std::string> first;
  std::string small, large;
  for (int i = 0; large.empty(); ++i) {
    std::string k = absl::StrCat("/m/q", i);
    auto [it, inserted] = first.emplace(TermId(k), k);
    if (!inserted) std::tie(small, large) = std::minmax(it->second, k);
  }
  std::string path = TempStorePath("db");
  uint64_t large_id = 0;
  {
    auto store = OpenOrDie(path);
    BulkLoader loader(store.get());
    ASSERT_TRUE(loader.Add(large, "/rel/x", "/m/other").ok());
    ASSERT_TRUE(loader.Finish().ok());
    large_id = store->LookupTerm(large).value().value();
    EXPECT_EQ(large_id, TermId(large));
  }
  auto store = OpenOrDie(path);
  BulkLoader loader(store.get());
  ASSERT_TRUE(loader.Add(small, "/rel/x", large).ok());
  auto r = loader.Finish();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(store->LookupTerm(large).value().value(), large_id);
  uint64_t small_id = store->LookupTerm(small).value().value();
  EXPECT_NE(small_id, large_id);
  EXPECT_EQ(store->GetEntity(small_id).value()->key(), small);
  EXPECT_EQ(store->GetEntity(large_id).value()->key(), large);
  int n = 0;
  ASSERT_TRUE(store
                  ->FactsFrom(small_id,
                              [&](const Fact& f) {
                                EXPECT_EQ(f.object(), large_id);
                                ++n;
                                return true;
                              })
                  .ok());
  EXPECT_EQ(n, 1);
  auto report = store->Check();
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->ok()) << (report->problems.empty() ? "" : report->problems[0]);
}

TEST(BulkLoaderTest, LoadsDeduplicatesAndFlagsImported) {
  std::string path = TempStorePath("db");
  auto store = OpenOrDie(path);
  BulkLoader loader(store.get());
  ASSERT_TRUE(loader.Add("/m/a", "/rel/x", "/m/b").ok());
  ASSERT_TRUE(loader.Add("/m/a", "/rel/x", "/m/b").ok());  // duplicate
  ASSERT_TRUE(loader.Add("/m/b", "/rel/y", "/m/c").ok());
  ASSERT_TRUE(loader.Add("/M/A", "/rel/y", "/m/c").ok());  // same term as /m/a
  auto r = loader.Finish();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->triples_added, 4u);
  EXPECT_EQ(r->new_facts, 3u);
  EXPECT_EQ(r->new_entities, 3u);
  EXPECT_EQ(r->runs_spilled, 0u);

  auto stats = store->Stats().value();
  EXPECT_EQ(stats.facts, 3u);
  EXPECT_EQ(stats.entities, 3u);
  EXPECT_EQ(stats.evidence, 0u);
  auto a = store->LookupTerm(TermKey("/m/a")).value();
  ASSERT_TRUE(a.has_value());
  auto e = store->GetEntity(*a).value();
  EXPECT_EQ(e->type(), RESOURCE);
  EXPECT_EQ(e->name(), "/m/a");  // mixed case preferred over all capitals
  int n = 0;
  ASSERT_TRUE(store
                  ->FactsFrom(*a,
                              [&](const Fact& f) {
                                EXPECT_EQ(f.flags() & IMPORTED, static_cast<uint32_t>(IMPORTED));
                                EXPECT_EQ(f.support(), 0u);
                                ++n;
                                return true;
                              })
                  .ok());
  EXPECT_EQ(n, 2);
  int to_c = 0;
  ASSERT_TRUE(store
                  ->FactsTo(*store->LookupTerm("/m/c").value(),
                            [&](const Fact&) {
                              ++to_c;
                              return true;
                            })
                  .ok());
  EXPECT_EQ(to_c, 2);
  EXPECT_FALSE(std::filesystem::exists(path + "/bulk.tmp"));
}

TEST(BulkLoaderTest, SpillsToRunsWithSmallMemoryAndGivesTheSameContent) {
  auto big = OpenOrDie(TempStorePath("big"));
  auto small = OpenOrDie(TempStorePath("small"));
  BulkLoader a(big.get());
  BulkLoader b(small.get(), {.memory_bytes = 64 << 10});
  for (int i = 0; i < 20000; ++i) {
    std::string s = absl::StrCat("e", (i * 7919) % 3001),
                o = absl::StrCat("e", (i * 104729) % 2999);
    std::string p = absl::StrCat("p", i % 13);
    ASSERT_TRUE(a.Add(s, p, o).ok());
    ASSERT_TRUE(b.Add(s, p, o).ok());
  }
  auto ra = a.Finish();
  auto rb = b.Finish();
  ASSERT_TRUE(ra.ok() && rb.ok()) << ra.status() << rb.status();
  EXPECT_EQ(ra->runs_spilled, 0u);
  EXPECT_GT(rb->runs_spilled, 1u);
  EXPECT_EQ(ra->new_facts, rb->new_facts);
  EXPECT_EQ(ra->new_entities, rb->new_entities);
  EXPECT_EQ(Dump(*big), Dump(*small));
  EXPECT_EQ(big->Stats().value().facts, ra->new_facts);
}

TEST(BulkLoaderTest, WriteBatchPathGivesTheSameContentAsSstPath) {
  auto sst = OpenOrDie(TempStorePath("sst"));
  auto wb = OpenOrDie(TempStorePath("wb"));
  for (auto* s : {sst.get(), wb.get()}) {
    ASSERT_TRUE(
        s->PutDocument(MakeDoc("d1", "h", {{"e1", "p1", "e2", 2}, {"e9", "p0", "E3"}})).ok());
  }
  BulkLoader a(sst.get());
  BulkLoader b(wb.get(), {.use_sst = false, .batch_triples = 333});
  for (int i = 0; i < 3000; ++i) {
    std::string s = absl::StrCat(i % 2 ? "e" : "E", (i * 7919) % 101);
    std::string o = absl::StrCat("e", (i * 104729) % 97);
    std::string p = absl::StrCat("p", i % 3);
    ASSERT_TRUE(a.Add(s, p, o).ok());
    ASSERT_TRUE(b.Add(s, p, o).ok());
  }
  auto ra = a.Finish();
  auto rb = b.Finish();
  ASSERT_TRUE(ra.ok() && rb.ok()) << ra.status() << rb.status();
  EXPECT_EQ(ra->new_facts, rb->new_facts);
  EXPECT_EQ(ra->new_entities, rb->new_entities);
  EXPECT_EQ(Dump(*sst), Dump(*wb));
  EXPECT_EQ(sst->Stats().value().facts, wb->Stats().value().facts);
  EXPECT_EQ(sst->Stats().value().entities, wb->Stats().value().entities);
}

TEST(BulkLoaderTest, MergesWithDocumentFacts) {
  auto store = OpenOrDie(TempStorePath("db"));
  ASSERT_TRUE(store->PutDocument(MakeDoc("d1", "h", {{"Alpha", "r", "Beta", 2}})).ok());
  BulkLoader loader(store.get());
  ASSERT_TRUE(loader.Add("Alpha", "r", "Beta").ok());
  ASSERT_TRUE(loader.Add("alpha", "r", "Gamma").ok());
  auto r = loader.Finish();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->new_facts, 1u);
  EXPECT_EQ(r->new_entities, 1u);
  auto stats = store->Stats().value();
  EXPECT_EQ(stats.facts, 2u);
  EXPECT_EQ(stats.entities, 3u);

  uint64_t alpha = store->LookupTerm("alpha").value().value();
  auto e = store->GetEntity(alpha).value();
  EXPECT_EQ(e->type(), ORG);  // the document's type beats RESOURCE on a tie
  EXPECT_EQ(e->documents(), 1u);
  std::vector<Fact> facts;
  ASSERT_TRUE(store
                  ->FactsFrom(alpha,
                              [&](const Fact& f) {
                                facts.push_back(f);
                                return true;
                              })
                  .ok());
  ASSERT_EQ(facts.size(), 2u);
  for (const auto& f : facts) {
    EXPECT_TRUE(f.flags() & IMPORTED);
    if (f.object() == store->LookupTerm("beta").value().value()) {
      EXPECT_EQ(f.support(), 1u);
    }
  }

  // Forgetting the document keeps the imported facts and entities.
  ASSERT_TRUE(store->ForgetDocument("d1").ok());
  stats = store->Stats().value();
  EXPECT_EQ(stats.facts, 2u);
  EXPECT_EQ(stats.entities, 3u);
  EXPECT_EQ(stats.evidence, 0u);
  EXPECT_EQ(store->GetEntity(alpha).value()->type(), RESOURCE);

  // Loading the same triples again changes nothing.
  std::string before = Dump(*store);
  BulkLoader again(store.get());
  ASSERT_TRUE(again.Add("Alpha", "r", "Beta").ok());
  auto r2 = again.Finish();
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->new_facts, 0u);
  EXPECT_EQ(Dump(*store), before);
}

TEST(BulkLoaderTest, AbandonedLoadLeavesTheStoreUnchanged) {
  std::string path = TempStorePath("db");
  auto store = OpenOrDie(path);
  ASSERT_TRUE(store->PutDocument(MakeDoc("d1", "h", {{"Alpha", "r", "Beta"}})).ok());
  std::string before = Dump(*store);
  {
    BulkLoader loader(store.get(), {.memory_bytes = 4096});
    for (int i = 0; i < 1000; ++i) ASSERT_TRUE(loader.Add(absl::StrCat("x", i), "p", "y").ok());
  }
  EXPECT_EQ(Dump(*store), before);
  EXPECT_FALSE(std::filesystem::exists(path + "/bulk.tmp"));
}

// Many chunks, so both resolution threads work and their names, spellings
// and predicates meet again in Finish(); the result is the WriteBatch path's.
TEST(BulkLoaderTest, ChunksOnBothShardsGiveTheSameContentAsWriteBatches) {
  std::string dumps[2];
  for (bool sst : {true, false}) {
    auto store = OpenOrDie(TempStorePath(sst ? "sst" : "wb"));
    BulkLoader loader(store.get(), {.use_sst = sst, .batch_triples = 50000});
    for (int i = 0; i < 150000; ++i) {
      // Spellings of one term differ by case across chunks ("/E/7", "/e/7").
      std::string s = absl::StrCat(i % 3 == 0 ? "/E/" : "/e/", i % 5000);
      std::string o = absl::StrCat("Mérida ", (i * 7919) % 6000);
      ASSERT_TRUE(loader.Add(s, absl::StrCat("/rel/", i % 40), o).ok());
    }
    auto r = loader.Finish();
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_EQ(r->triples_added, 150000u);
    auto report = store->Check();
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_TRUE(report->ok());
    dumps[sst] = Dump(*store);
  }
  EXPECT_EQ(dumps[0], dumps[1]);
}

TEST(BulkLoaderTest, RejectsBadInput) {
  auto store = OpenOrDie(TempStorePath("db"));
  BulkLoader loader(store.get());
  EXPECT_TRUE(absl::IsInvalidArgument(loader.Add("", "p", "o")));
  EXPECT_TRUE(absl::IsInvalidArgument(loader.Add("s", "", "o")));
  EXPECT_TRUE(absl::IsInvalidArgument(loader.Add("s", "p", "   ")));
  EXPECT_TRUE(absl::IsInvalidArgument(loader.Add("\u0301", "p", "o")));  // a lone mark
  EXPECT_TRUE(loader.Add("s", "p", "o").ok());
  EXPECT_TRUE(loader.Finish().ok());
}

// Packed hand-overs (kg-load's TSV path), large and small, mixed with
// single adds, give the same store as the same triples added one by one,
// on both paths.
TEST(BulkLoaderTest, PackedTriplesGiveTheSameContentAsSingleAdds) {
  auto triple = [](int i) {
    return std::array<std::string, 3>{absl::StrCat(i % 3 == 0 ? "/E/" : "/e/", i % 4000),
                                      absl::StrCat("/rel/", i % 30),
                                      absl::StrCat("Mérida ", (i * 7919) % 5000)};
  };
  constexpr int kTriples = 100000;
  for (bool sst : {true, false}) {
    std::string dumps[2];
    for (bool packed : {false, true}) {
      auto store = OpenOrDie(TempStorePath(absl::StrCat(sst, packed)));
      BulkLoader loader(store.get(), {.use_sst = sst, .batch_triples = 30000});
      PackedTriples batch;
      for (int i = 0; i < kTriples; ++i) {
        auto t = triple(i);
        // Hand-overs of 40000, 100 and single triples in turn.
        bool single = packed && (i / 1000) % 7 == 3;
        if (!packed || single) {
          ASSERT_TRUE(loader.Add(t[0], t[1], t[2]).ok());
          continue;
        }
        batch.Add(t[0], t[1], t[2]);
        if (batch.size() == ((i / 10000) % 2 ? 100u : 40000u)) {
          ASSERT_TRUE(loader.Add(std::move(batch)).ok());
          batch.clear();
        }
      }
      if (!batch.empty()) {
        ASSERT_TRUE(loader.Add(std::move(batch)).ok());
      }
      auto r = loader.Finish();
      ASSERT_TRUE(r.ok()) << r.status();
      EXPECT_EQ(r->triples_added, static_cast<uint64_t>(kTriples));
      auto report = store->Check();
      ASSERT_TRUE(report.ok()) << report.status();
      EXPECT_TRUE(report->ok());
      dumps[packed] = Dump(*store);
    }
    EXPECT_EQ(dumps[0], dumps[1]) << (sst ? "sst" : "writebatch");
  }
}

// A packed hand-over with an unusable triple names it and adds none of it.
TEST(BulkLoaderTest, PackedTriplesWithABadTripleAddNothing) {
  auto store = OpenOrDie(TempStorePath("db"));
  BulkLoader loader(store.get());
  PackedTriples batch;
  batch.Add("/m/a", "/rel/x", "/m/b");
  batch.Add("/m/b", "", "/m/c");  // empty predicate
  batch.Add("/m/c", "/rel/x", "/m/d");
  size_t failed = 99;
  EXPECT_TRUE(absl::IsInvalidArgument(loader.Add(std::move(batch), &failed)));
  EXPECT_EQ(failed, 1u);
  PackedTriples good;
  good.Add("/m/c", "/rel/x", "/m/d");
  ASSERT_TRUE(loader.Add(std::move(good)).ok());
  auto r = loader.Finish();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->triples_added, 1u);
  EXPECT_EQ(store->Stats()->facts, 1u);
  EXPECT_FALSE(store->LookupTerm("/m/a")->has_value());
}

}  // namespace
}  // namespace kg::storage
