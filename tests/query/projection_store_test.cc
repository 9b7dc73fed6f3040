// The projection built from a real RocksDB store: the batched scan
// (Store::ForEachFactBatch + ForEachPredicate) must give exactly the graph the
// per-fact scan (ForEachFact) gives, and the CSR laid out directly from
// subject-ordered facts must equal Boost's construction from unordered ones.

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "proto/term_key.h"
#include "query/projection.h"
#include "storage/bulk_loader.h"
#include "storage/store.h"

namespace kg::query {
namespace {

using storage::FactRecord;
using storage::Store;

// A store that hides the batched scan, so Projection::Build falls back to
// ForEachFact (as with a Store implementation without it).
class PerFactOnly : public Store {
 public:
  explicit PerFactOnly(Store* inner) : inner_(inner) {}
  absl::StatusOr<storage::PutResult> PutDocument(const DocumentFacts& d) override {
    return inner_->PutDocument(d);
  }
  absl::Status ForgetDocument(std::string_view id) override { return inner_->ForgetDocument(id); }
  absl::StatusOr<std::optional<Document>> GetDocument(std::string_view id) override {
    return inner_->GetDocument(id);
  }
  absl::StatusOr<std::optional<Entity>> GetEntity(uint64_t id) override {
    return inner_->GetEntity(id);
  }
  absl::StatusOr<std::optional<uint64_t>> LookupTerm(std::string_view key) override {
    return inner_->LookupTerm(key);
  }
  absl::Status ForEachEntity(const std::function<bool(const Entity&)>& fn) override {
    return inner_->ForEachEntity(fn);
  }
  absl::Status ForEachDocument(const std::function<bool(const Document&)>& fn) override {
    return inner_->ForEachDocument(fn);
  }
  absl::Status ForEachFact(const std::function<bool(const Fact&)>& fn) override {
    return inner_->ForEachFact(fn);
  }
  absl::Status FactsFrom(uint64_t s, const std::function<bool(const Fact&)>& fn) override {
    return inner_->FactsFrom(s, fn);
  }
  absl::Status FactsTo(uint64_t o, const std::function<bool(const Fact&)>& fn) override {
    return inner_->FactsTo(o, fn);
  }
  absl::Status ForEachEvidence(const Fact& f,
                               const std::function<bool(const Evidence&)>& fn) override {
    return inner_->ForEachEvidence(f, fn);
  }
  absl::Status ForEachMerge(std::string_view key,
                            const std::function<bool(const Merge&)>& fn) override {
    return inner_->ForEachMerge(key, fn);
  }
  absl::StatusOr<storage::StoreStats> Stats() override { return inner_->Stats(); }
  uint64_t Version() override { return inner_->Version(); }

 private:
  Store* inner_;
};

// Random documents: repeated facts across documents (support > 1), varied
// confidences, co-mentions and entity types; then imported triples.
void Fill(Store& store, int documents, int facts_per_document, uint32_t seed) {
  std::mt19937 rng(seed);
  const EntityType types[] = {PERSON, ORG, GPE, TOPIC, PROGRAM};
  const int vocabulary = 400;
  for (int d = 0; d < documents; ++d) {
    DocumentFacts doc;
    doc.mutable_document()->set_id(absl::StrCat("/corpus/doc", d, ".txt"));
    doc.mutable_document()->set_content_hash(absl::StrCat("hash", d));
    doc.mutable_document()->set_date("2021-03-18");
    std::map<std::string, int> mentions;
    for (int i = 0; i < facts_per_document; ++i) {
      std::string s = absl::StrCat("Entity ", rng() % vocabulary),
                  o = absl::StrCat("Entity ", rng() % vocabulary);
      ++mentions[s];
      ++mentions[o];
      ExtractedFact* f = doc.add_facts();
      f->set_subject(TermKey(s));
      f->set_object(TermKey(o));
      f->set_predicate(absl::StrCat("rel", rng() % 7));
      f->set_confidence(0.05f * static_cast<float>(1 + rng() % 20));
      f->set_flags(rng() % 5 == 0 ? CO_MENTION : 0);
      Evidence* e = f->mutable_evidence();
      e->set_doc_id(doc.document().id());
      e->set_sentence(static_cast<uint32_t>(i));
      e->set_text(absl::StrCat("sentence ", i));
    }
    for (const auto& [name, n] : mentions) {
      Entity* e = doc.add_entities();
      e->set_name(name);
      e->set_key(TermKey(name));
      e->set_type(types[std::hash<std::string>()(name) % 5]);
      e->set_mentions(n);
    }
    auto put = store.PutDocument(doc);
    ASSERT_TRUE(put.ok()) << put.status();
  }
  storage::BulkLoader loader(&store);
  for (int i = 0; i < 300; ++i) {
    ASSERT_TRUE(loader
                    .Add(absl::StrCat("Entity ", rng() % vocabulary),
                         absl::StrCat("imported", rng() % 3), absl::StrCat("Resource ", rng() % 50))
                    .ok());
  }
  auto loaded = loader.Finish();
  ASSERT_TRUE(loaded.ok()) << loaded.status();
}

// What a projection must leave out: an entity without facts, and a predicate
// whose only fact was forgotten (the dictionary keeps it).
void AddOddities(Store& store) {
  DocumentFacts loner;
  loner.mutable_document()->set_id("/corpus/loner.txt");
  loner.mutable_document()->set_content_hash("loner");
  Entity* e = loner.add_entities();
  e->set_name("Lonely Entity");
  e->set_key(TermKey("Lonely Entity"));
  e->set_type(PERSON);
  e->set_mentions(1);
  ASSERT_TRUE(store.PutDocument(loner).ok());

  DocumentFacts gone;
  gone.mutable_document()->set_id("/corpus/gone.txt");
  gone.mutable_document()->set_content_hash("gone");
  for (const char* name : {"Gone A", "Gone B"}) {
    Entity* g = gone.add_entities();
    g->set_name(name);
    g->set_key(TermKey(name));
    g->set_type(ORG);
    g->set_mentions(1);
  }
  ExtractedFact* f = gone.add_facts();
  f->set_subject(TermKey("Gone A"));
  f->set_object(TermKey("Gone B"));
  f->set_predicate("vanished");
  f->set_confidence(0.5f);
  f->mutable_evidence()->set_doc_id("/corpus/gone.txt");
  ASSERT_TRUE(store.PutDocument(gone).ok());
  ASSERT_TRUE(store.ForgetDocument("/corpus/gone.txt").ok());
}

// Everything a projection holds, in a comparable form: per vertex its entity
// id, type, out-edges and in-edges as (other end id, predicate name, props).
using EdgeKey = std::tuple<uint64_t, std::string, uint32_t, uint16_t, uint16_t>;
struct Shape {
  std::vector<std::tuple<uint64_t, int, std::vector<EdgeKey>, std::vector<EdgeKey>>> vertices;
  bool operator==(const Shape&) const = default;
};

Shape ShapeOf(const Projection& p, bool sort_rows) {
  Shape shape;
  for (Vertex v = 0; v < p.num_vertices(); ++v) {
    std::vector<EdgeKey> out, in;
    auto key = [&](Vertex other, EdgeIndex e) {
      const EdgeProps& x = p.Props(e);
      return EdgeKey{p.EntityId(other), p.PredicateName(x.predicate()), x.flags(), x.confidence_q,
                     x.support};
    };
    for (EdgeIndex i = p.OutBegin(v); i < p.OutEnd(v); ++i) {
      out.push_back(key(p.OutTarget(i), i));
      EXPECT_EQ(p.EdgeSource(i), v);
    }
    for (EdgeIndex j = p.InBegin(v); j < p.InEnd(v); ++j) {
      in.push_back(key(p.InSource(j), p.InEdge(j)));
      EXPECT_EQ(p.OutTarget(p.InEdge(j)), v);
    }
    if (sort_rows) {
      std::sort(out.begin(), out.end());
      std::sort(in.begin(), in.end());
    }
    shape.vertices.emplace_back(p.EntityId(v), static_cast<int>(p.Type(v)), out, in);
  }
  return shape;
}

// One store for the suite: filling it is the slow part (RocksDB syncs).
class ProjectionStoreTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    path_ = new std::string((std::filesystem::temp_directory_path() /
                             absl::StrCat("kg_query_projection_store_", getpid()))
                                .string());
    std::filesystem::remove_all(*path_);
    auto opened = Store::Open(*path_);
    ASSERT_TRUE(opened.ok()) << opened.status();
    store_ = opened->release();
    // > 4096 distinct facts: the scan passes several batches.
    Fill(*store_, 4, 1800, 11);
    AddOddities(*store_);
  }
  static void TearDownTestSuite() {
    delete store_;
    store_ = nullptr;
    std::filesystem::remove_all(*path_);
    delete path_;
  }
  void SetUp() override { ASSERT_NE(store_, nullptr); }
  static std::string* path_;
  static Store* store_;
};

std::string* ProjectionStoreTest::path_ = nullptr;
Store* ProjectionStoreTest::store_ = nullptr;

TEST_F(ProjectionStoreTest, BatchScanReturnsWhatForEachFactReturns) {
  std::vector<Fact> facts;
  ASSERT_TRUE(store_
                  ->ForEachFact([&](const Fact& f) {
                    facts.push_back(f);
                    return true;
                  })
                  .ok());
  ASSERT_GT(facts.size(), 4096u);
  std::vector<FactRecord> records;
  int batches = 0;
  ASSERT_TRUE(store_
                  ->ForEachFactBatch([&](std::span<const FactRecord> batch) {
                    ++batches;
                    EXPECT_FALSE(batch.empty());
                    records.insert(records.end(), batch.begin(), batch.end());
                    return true;
                  })
                  .ok());
  EXPECT_GE(batches, 2);
  ASSERT_EQ(records.size(), facts.size());
  std::map<uint64_t, std::string> predicates;
  ASSERT_TRUE(store_
                  ->ForEachPredicate([&](uint64_t id, std::string_view text) {
                    EXPECT_TRUE(predicates.emplace(id, std::string(text)).second);
                    return true;
                  })
                  .ok());
  bool some_support = false, some_co_mention = false, some_imported = false;
  for (size_t i = 0; i < facts.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(records[i].subject, facts[i].subject());
    EXPECT_EQ(records[i].object, facts[i].object());
    EXPECT_EQ(records[i].predicate_id, facts[i].predicate_id());
    EXPECT_EQ(predicates[records[i].predicate_id], facts[i].predicate());
    EXPECT_EQ(records[i].confidence, facts[i].confidence());
    EXPECT_EQ(records[i].flags, facts[i].flags());
    EXPECT_EQ(records[i].support, facts[i].support());
    some_support |= facts[i].support() > 1;
    some_co_mention |= (facts[i].flags() & CO_MENTION) != 0;
    some_imported |= (facts[i].flags() & IMPORTED) != 0;
  }
  // The fixture exercises every payload field.
  EXPECT_TRUE(some_support && some_co_mention && some_imported);

  // Stopping early: no further batch after fn returns false.
  batches = 0;
  ASSERT_TRUE(
      store_->ForEachFactBatch([&](std::span<const FactRecord>) { return ++batches < 1; }).ok());
  EXPECT_EQ(batches, 1);
}

TEST_F(ProjectionStoreTest, BatchedBuildEqualsPerFactBuild) {
  auto batched = Projection::Build(*store_);
  ASSERT_TRUE(batched.ok()) << batched.status();
  PerFactOnly slow(store_);
  auto per_fact = Projection::Build(slow);
  ASSERT_TRUE(per_fact.ok()) << per_fact.status();
  EXPECT_GT((*batched)->num_edges(), 4096u);
  EXPECT_EQ((*batched)->num_edges(), (*per_fact)->num_edges());
  EXPECT_EQ((*batched)->num_vertices(), (*per_fact)->num_vertices());
  EXPECT_TRUE(ShapeOf(**batched, false) == ShapeOf(**per_fact, false));
  EXPECT_EQ((*batched)->uniform_weights(), (*per_fact)->uniform_weights());
  // Predicate names and dictionary ids agree.
  for (uint32_t i = 0; i < (*batched)->predicates().size(); ++i) {
    auto j = (*per_fact)->PredicateIndex((*batched)->PredicateName(i));
    ASSERT_TRUE(j.has_value()) << (*batched)->PredicateName(i);
    EXPECT_EQ((*batched)->PredicateId(i), (*per_fact)->PredicateId(*j));
    EXPECT_EQ((*batched)->PredicateIndex((*batched)->PredicateName(i)), i);
  }
}

// Hides ScanGraph (as in a Store without it): Build takes the Builder path
// over ForEachFactBatch.
class BatchOnly : public PerFactOnly {
 public:
  explicit BatchOnly(Store* inner) : PerFactOnly(inner), inner_(inner) {}
  absl::Status ForEachFactBatch(
      const std::function<bool(std::span<const FactRecord>)>& fn) override {
    return inner_->ForEachFactBatch(fn);
  }
  absl::Status ForEachPredicate(
      const std::function<bool(uint64_t, std::string_view)>& fn) override {
    return inner_->ForEachPredicate(fn);
  }

 private:
  Store* inner_;
};

// ScanGraph whose entity pass misses every entity whose id is divisible by
// `modulus` (as if a writer added them between two passes): the facts then
// name unknown entities, and Build must fall back to the Builder.
class MissingEntities : public BatchOnly {
 public:
  MissingEntities(Store* inner, uint64_t modulus)
      : BatchOnly(inner), inner_(inner), modulus_(modulus) {}
  absl::Status ScanGraph(const storage::GraphScan& scan) override {
    storage::GraphScan filtered = scan;
    filtered.entities = [&](int part, std::span<const storage::EntityTypeRecord> batch) {
      std::vector<storage::EntityTypeRecord> kept;
      for (const auto& r : batch) {
        if (r.id % modulus_ != 0) kept.push_back(r);
      }
      return scan.entities(part, kept);
    };
    ++calls;
    return inner_->ScanGraph(filtered);
  }
  int calls = 0;

 private:
  Store* inner_;
  uint64_t modulus_;
};

TEST_F(ProjectionStoreTest, ScanGraphPartsReturnWhatTheSingleScansReturn) {
  std::vector<FactRecord> expected_facts;
  ASSERT_TRUE(store_
                  ->ForEachFactBatch([&](std::span<const FactRecord> b) {
                    expected_facts.insert(expected_facts.end(), b.begin(), b.end());
                    return true;
                  })
                  .ok());
  std::vector<std::pair<uint64_t, int>> expected_entities;
  ASSERT_TRUE(store_
                  ->ForEachEntity([&](const Entity& e) {
                    expected_entities.emplace_back(e.id(), static_cast<int>(e.type()));
                    return true;
                  })
                  .ok());
  ASSERT_GT(expected_entities.size(), 100u);
  for (int parts : {1, 2, 3, 7}) {
    SCOPED_TRACE(parts);
    std::vector<std::vector<FactRecord>> facts(parts);
    std::vector<std::vector<std::pair<uint64_t, int>>> entities(parts);
    bool facts_started = false, done_called = false, entities_after_done = false;
    storage::GraphScan scan;
    scan.parts = parts;
    scan.entities = [&](int part, std::span<const storage::EntityTypeRecord> b) {
      EXPECT_FALSE(b.empty());
      for (const auto& r : b) entities[part].emplace_back(r.id, static_cast<int>(r.type));
      if (facts_started || done_called) entities_after_done = true;
      return true;
    };
    scan.entities_done = [&] {
      done_called = true;
      return true;
    };
    scan.facts = [&](int part, std::span<const FactRecord> b) {
      facts_started = true;
      facts[part].insert(facts[part].end(), b.begin(), b.end());
      return true;
    };
    ASSERT_TRUE(store_->ScanGraph(scan).ok());
    EXPECT_TRUE(done_called);
    EXPECT_FALSE(entities_after_done);
    std::vector<FactRecord> all_facts;
    std::vector<std::pair<uint64_t, int>> all_entities;
    int nonempty_parts = 0;
    for (int i = 0; i < parts; ++i) {
      nonempty_parts += !facts[i].empty();
      all_facts.insert(all_facts.end(), facts[i].begin(), facts[i].end());
      all_entities.insert(all_entities.end(), entities[i].begin(), entities[i].end());
    }
    // Hash ids spread over every part.
    EXPECT_EQ(nonempty_parts, parts);
    EXPECT_EQ(all_entities, expected_entities);
    ASSERT_EQ(all_facts.size(), expected_facts.size());
    for (size_t i = 0; i < all_facts.size(); ++i) {
      const FactRecord &a = all_facts[i], &b = expected_facts[i];
      ASSERT_TRUE(a.subject == b.subject && a.predicate_id == b.predicate_id &&
                  a.object == b.object && a.confidence == b.confidence && a.flags == b.flags &&
                  a.support == b.support)
          << i;
    }
  }
  // A callback returning false stops the scan: no facts after entities_done says stop.
  storage::GraphScan stop;
  stop.parts = 2;
  int fact_batches = 0;
  stop.entities = [](int, std::span<const storage::EntityTypeRecord>) { return true; };
  stop.entities_done = [] { return false; };
  stop.facts = [&](int, std::span<const FactRecord>) { return ++fact_batches > 0; };
  ASSERT_TRUE(store_->ScanGraph(stop).ok());
  EXPECT_EQ(fact_batches, 0);
  stop.parts = 0;
  EXPECT_EQ(store_->ScanGraph(stop).code(), absl::StatusCode::kInvalidArgument);
  storage::GraphScan unset;  // no callbacks
  EXPECT_EQ(store_->ScanGraph(unset).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ProjectionStoreTest, ParallelBuildEqualsBuilderBuild) {
  BatchOnly batch_only(store_);
  auto reference = Projection::Build(batch_only);
  ASSERT_TRUE(reference.ok()) << reference.status();
  const Projection& r = **reference;
  EXPECT_EQ(r.build_profile().threads, 1);
  // The oddities are left out by the Builder path: check they are in the store.
  ASSERT_TRUE(store_->LookupTerm(TermKey("Lonely Entity")).ok());
  auto lonely = store_->LookupTerm(TermKey("Lonely Entity"));
  ASSERT_TRUE(lonely->has_value());
  EXPECT_FALSE(r.VertexOf(**lonely).has_value());
  EXPECT_FALSE(r.PredicateIndex("vanished").has_value());
  for (int threads : {1, 2, 3}) {
    SCOPED_TRACE(threads);
    Projection::BuildOptions options;
    options.threads = threads;
    auto built = Projection::Build(*store_, options);
    ASSERT_TRUE(built.ok()) << built.status();
    const Projection& p = **built;
    EXPECT_EQ(p.build_profile().threads, threads);
    EXPECT_EQ(p.num_vertices(), r.num_vertices());
    EXPECT_EQ(p.num_edges(), r.num_edges());
    EXPECT_TRUE(ShapeOf(p, false) == ShapeOf(r, false));
    EXPECT_EQ(p.uniform_weights(), r.uniform_weights());
    EXPECT_FALSE(p.VertexOf(**lonely).has_value());
    EXPECT_FALSE(p.PredicateIndex("vanished").has_value());
    ASSERT_EQ(p.predicates().size(), r.predicates().size());
    for (uint32_t i = 0; i < p.predicates().size(); ++i) {
      auto j = r.PredicateIndex(p.PredicateName(i));
      ASSERT_TRUE(j.has_value()) << p.PredicateName(i);
      EXPECT_EQ(p.PredicateId(i), r.PredicateId(*j));
      EXPECT_EQ(p.PredicateIndex(p.PredicateName(i)), i);
    }
    EXPECT_LE(p.MemoryBytes(), r.MemoryBytes() + r.MemoryBytes() / 100);  // within 1 %
  }
}

TEST_F(ProjectionStoreTest, PassesThatDisagreeFallBackToTheBuilder) {
  BatchOnly batch_only(store_);
  auto reference = Projection::Build(batch_only);
  ASSERT_TRUE(reference.ok()) << reference.status();
  MissingEntities missing(store_, 5);
  Projection::BuildOptions options;
  options.threads = 2;
  auto built = Projection::Build(missing, options);
  ASSERT_TRUE(built.ok()) << built.status();
  EXPECT_EQ(missing.calls, 1);
  EXPECT_EQ((*built)->build_profile().threads, 1);  // the Builder's result
  EXPECT_TRUE(ShapeOf(**built, false) == ShapeOf(**reference, false));
}

// The same edges in subject order (direct CSR layout) and shuffled (Boost's
// unsorted construction) give the same graph up to the order within a row.
TEST(ProjectionLayoutTest, SortedAndShuffledInputGiveTheSameGraph) {
  std::mt19937_64 rng(5);
  struct E {
    uint64_t s, o;
    std::string p;
    float c;
    uint32_t flags, support;
  };
  std::vector<E> edges;
  for (int i = 0; i < 5000; ++i) {
    edges.push_back({100 + rng() % 300, 100 + rng() % 300, absl::StrCat("p", rng() % 5),
                     0.1f * static_cast<float>(1 + rng() % 10),
                     rng() % 4 == 0 ? uint32_t{CO_MENTION} : 0u,
                     static_cast<uint32_t>(1 + rng() % 3)});
  }
  std::stable_sort(edges.begin(), edges.end(), [](const E& a, const E& b) { return a.s < b.s; });
  Projection::Builder sorted, shuffled;
  for (const E& e : edges) sorted.AddEdge(e.s, e.o, e.p, e.c, e.flags, e.support);
  std::shuffle(edges.begin(), edges.end(), rng);
  for (const E& e : edges) shuffled.AddEdge(e.s, e.o, e.p, e.c, e.flags, e.support);
  for (uint64_t id = 100; id < 400; ++id) {
    sorted.SetType(id, id % 2 ? PERSON : ORG);
    shuffled.SetType(id, id % 2 ? PERSON : ORG);
  }
  auto a = sorted.Finish();
  auto b = shuffled.Finish();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ((*a)->num_edges(), 5000u);
  EXPECT_TRUE(ShapeOf(**a, true) == ShapeOf(**b, true));
  EXPECT_LE((*a)->MemoryBytes(), (*b)->MemoryBytes());
}

TEST(ProjectionLayoutTest, UnnamedPredicateIdIsDataLoss) {
  Projection::Builder b;
  FactRecord r{1, 77, 2, 0.5f, 0, 1};
  b.AddRecords(std::span<const FactRecord>(&r, 1));
  b.NamePredicate(78, "other");  // an id no record used is ignored
  auto p = b.Finish();
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_NE(p.status().message().find("000000000000004d"), std::string_view::npos) << p.status();

  Projection::Builder named;
  named.AddRecords(std::span<const FactRecord>(&r, 1));
  named.NamePredicate(77, "funds");
  auto q = named.Finish();
  ASSERT_TRUE(q.ok()) << q.status();
  EXPECT_EQ((*q)->PredicateName(0), "funds");
  EXPECT_EQ((*q)->PredicateId(0), 77u);
  EXPECT_EQ((*q)->PredicateIndex("funds"), 0u);
}

}  // namespace
}  // namespace kg::query
