#include "storage/store.h"

#include <sys/wait.h>
#include <unistd.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/term_key.h"
#include "storage/keys.h"
#include "storage/rocks_store.h"
#include "tests/storage/store_testutil.h"

namespace kg::storage {
namespace {

using testing::Dump;
using ::testing::HasSubstr;
using testing::MakeDoc;
using testing::TempStorePath;

std::unique_ptr<Store> OpenOrDie(const std::string& path, StoreOptions options = {}) {
  auto s = Store::Open(path, options);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? std::move(*s) : nullptr;
}

uint64_t IdOf(Store& store, const std::string& name) {
  auto id = store.LookupTerm(TermKey(name));
  EXPECT_TRUE(id.ok()) << id.status();
  return id.ok() && id->has_value() ? **id : 0;
}

std::vector<Fact> From(Store& store, uint64_t id) {
  std::vector<Fact> out;
  EXPECT_TRUE(store
                  .FactsFrom(id,
                             [&](const Fact& f) {
                               out.push_back(f);
                               return true;
                             })
                  .ok());
  return out;
}

std::vector<Evidence> EvidenceOf(Store& store, const Fact& f) {
  std::vector<Evidence> out;
  EXPECT_TRUE(store
                  .ForEachEvidence(f,
                                   [&](const Evidence& e) {
                                     out.push_back(e);
                                     return true;
                                   })
                  .ok());
  return out;
}

TEST(StoreTest, RoundTrip) {
  std::string path = TempStorePath("db");
  auto store = OpenOrDie(path);
  auto doc = MakeDoc("brief", "h1",
                     {{"Mérida Initiative", "funds", "Arms Trafficking", 2},
                      {"Mexico", "partners_with", "United States", 3},
                      {"Mérida Initiative", "funds", "Arms Trafficking", 5}});
  auto put = store->PutDocument(doc);
  ASSERT_TRUE(put.ok()) << put.status();
  EXPECT_TRUE(put->changed);
  EXPECT_FALSE(put->replaced);
  EXPECT_EQ(put->facts, 2u);
  EXPECT_EQ(put->evidence, 3u);
  EXPECT_EQ(put->entities, 4u);

  auto d = store->GetDocument("brief");
  ASSERT_TRUE(d.ok() && d->has_value());
  EXPECT_EQ((*d)->content_hash(), "h1");

  // Lookups go through TermKey: case does not matter.
  uint64_t merida = IdOf(*store, "MÉRIDA initiative");
  ASSERT_NE(merida, 0u);
  auto e = store->GetEntity(merida);
  ASSERT_TRUE(e.ok() && e->has_value());
  EXPECT_EQ((*e)->name(), "Mérida Initiative");
  EXPECT_EQ((*e)->type(), ORG);
  EXPECT_EQ((*e)->mentions(), 2u);
  EXPECT_EQ((*e)->documents(), 1u);

  auto facts = From(*store, merida);
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].predicate(), "funds");
  EXPECT_EQ(facts[0].object(), IdOf(*store, "arms trafficking"));
  EXPECT_EQ(facts[0].support(), 2u);
  auto ev = EvidenceOf(*store, facts[0]);
  ASSERT_EQ(ev.size(), 2u);
  EXPECT_EQ(ev[0].doc_id(), "brief");
  EXPECT_EQ(ev[0].sentence(), 2u);
  EXPECT_EQ(ev[1].text(), "s5 of brief");

  std::vector<Fact> to;
  ASSERT_TRUE(store
                  ->FactsTo(IdOf(*store, "United States"),
                            [&](const Fact& f) {
                              to.push_back(f);
                              return true;
                            })
                  .ok());
  ASSERT_EQ(to.size(), 1u);
  EXPECT_EQ(to[0].subject(), IdOf(*store, "mexico"));

  auto stats = store->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->documents, 1u);
  EXPECT_EQ(stats->entities, 4u);
  EXPECT_EQ(stats->facts, 2u);
  EXPECT_EQ(stats->evidence, 3u);
  EXPECT_GT(stats->disk_bytes, 0u);

  // Survives a reopen.
  std::string before = Dump(*store);
  store.reset();
  store = OpenOrDie(path);
  EXPECT_EQ(Dump(*store), before);
}

// Each evidence record names its document and carries a date: its own, or
// the document's when it has none; a doc_id the extractor left on it is
// replaced. (The writer serialises the common case without copying the
// evidence: every branch is checked here.)
TEST(StoreTest, EvidenceNamesItsDocumentAndKeepsOrTakesADate) {
  std::string path = TempStorePath("db");
  auto store = OpenOrDie(path);
  auto dated = MakeDoc("dated", "h1",
                       {{"Mexico", "partners_with", "Canada", 1},
                        {"Mexico", "partners_with", "Canada", 2},
                        {"Mexico", "partners_with", "Canada", 3}});
  dated.mutable_document()->set_date("2021-03-25");
  dated.mutable_facts(1)->mutable_evidence()->set_date("2020-01-02");
  dated.mutable_facts(2)->mutable_evidence()->set_doc_id("elsewhere");
  auto undated = MakeDoc("undated", "h2",
                         {{"Mexico", "partners_with", "Canada", 7},
                          {"Mexico", "partners_with", "Canada", 8}});
  undated.mutable_facts(1)->mutable_evidence()->set_date("2019-05-06");
  ASSERT_TRUE(store->PutDocument(dated).ok());
  ASSERT_TRUE(store->PutDocument(undated).ok());

  auto facts = From(*store, IdOf(*store, "mexico"));
  ASSERT_EQ(facts.size(), 1u);
  std::map<std::pair<std::string, uint32_t>, Evidence> by_doc;
  for (const Evidence& e : EvidenceOf(*store, facts[0])) by_doc[{e.doc_id(), e.sentence()}] = e;
  ASSERT_EQ(by_doc.size(), 5u);
  EXPECT_EQ((by_doc[{"dated", 1}].date()), "2021-03-25");
  EXPECT_EQ((by_doc[{"dated", 2}].date()), "2020-01-02");
  EXPECT_EQ((by_doc[{"dated", 3}].date()), "2021-03-25");
  EXPECT_EQ((by_doc[{"undated", 7}].date()), "");
  EXPECT_EQ((by_doc[{"undated", 8}].date()), "2019-05-06");
  const Evidence& e = by_doc[{"undated", 7}];
  EXPECT_EQ(e.start(), 700u);
  EXPECT_EQ(e.end(), 750u);
  EXPECT_EQ(e.text(), "s7 of undated");
}

TEST(StoreTest, IdenticalReputIsNoop) {
  auto store = OpenOrDie(TempStorePath("db"));
  auto doc = MakeDoc("a", "h1", {{"A", "r", "B"}});
  ASSERT_TRUE(store->PutDocument(doc).ok());
  uint64_t v = store->Version();
  std::string before = Dump(*store);
  auto again = store->PutDocument(doc);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->changed);
  EXPECT_EQ(store->Version(), v);
  EXPECT_EQ(Dump(*store), before);

  // Without a content hash, the extracted content itself is fingerprinted.
  auto nohash = MakeDoc("b", "", {{"A", "r", "C"}});
  ASSERT_TRUE(store->PutDocument(nohash).value().changed);
  EXPECT_FALSE(store->PutDocument(nohash).value().changed);
}

TEST(StoreTest, ChangedContentReplacesOldVersion) {
  auto store = OpenOrDie(TempStorePath("db"));
  ASSERT_TRUE(
      store->PutDocument(MakeDoc("a", "v1", {{"A", "r", "B", 1}, {"B", "r", "C", 2}})).ok());
  uint64_t v1 = store->Version();
  auto put = store->PutDocument(MakeDoc("a", "v2", {{"A", "r", "B", 7}}));
  ASSERT_TRUE(put.ok());
  EXPECT_TRUE(put->changed);
  EXPECT_TRUE(put->replaced);
  EXPECT_GT(store->Version(), v1);

  EXPECT_EQ(store->LookupTerm(TermKey("C")).value(), std::nullopt);
  EXPECT_TRUE(From(*store, IdOf(*store, "B")).empty());
  auto facts = From(*store, IdOf(*store, "A"));
  ASSERT_EQ(facts.size(), 1u);
  auto ev = EvidenceOf(*store, facts[0]);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].sentence(), 7u);
  auto stats = store->Stats().value();
  EXPECT_EQ(stats.documents, 1u);
  EXPECT_EQ(stats.facts, 1u);
  EXPECT_EQ(stats.entities, 2u);
  EXPECT_EQ(stats.evidence, 1u);

  // Same content as putting v2 alone.
  auto fresh = OpenOrDie(TempStorePath("fresh"));
  ASSERT_TRUE(fresh->PutDocument(MakeDoc("a", "v2", {{"A", "r", "B", 7}})).ok());
  EXPECT_EQ(Dump(*fresh), Dump(*store));
}

TEST(StoreTest, ForgetCascadesThroughSupportCounts) {
  auto store = OpenOrDie(TempStorePath("db"));
  ASSERT_TRUE(
      store->PutDocument(MakeDoc("d1", "h", {{"A", "r", "B", 0}, {"A", "r", "C", 1}})).ok());
  ASSERT_TRUE(store->PutDocument(MakeDoc("d2", "h", {{"A", "r", "B", 4}})).ok());
  uint64_t a = IdOf(*store, "A");
  auto facts = From(*store, a);
  ASSERT_EQ(facts.size(), 2u);
  for (const auto& f : facts) {
    EXPECT_EQ(f.support(), f.object() == IdOf(*store, "B") ? 2u : 1u);
  }
  EXPECT_EQ(store->GetEntity(a).value()->documents(), 2u);

  ASSERT_TRUE(store->ForgetDocument("d1").ok());
  facts = From(*store, a);
  ASSERT_EQ(facts.size(), 1u);
  EXPECT_EQ(facts[0].object(), IdOf(*store, "B"));
  EXPECT_EQ(facts[0].support(), 1u);
  auto ev = EvidenceOf(*store, facts[0]);
  ASSERT_EQ(ev.size(), 1u);
  EXPECT_EQ(ev[0].doc_id(), "d2");
  // C was only in d1: gone from lookups and from the entity scan.
  EXPECT_EQ(store->LookupTerm(TermKey("C")).value(), std::nullopt);
  bool seen_c = false;
  ASSERT_TRUE(store
                  ->ForEachEntity([&](const Entity& e) {
                    seen_c |= e.key() == TermKey("C");
                    return true;
                  })
                  .ok());
  EXPECT_FALSE(seen_c);
  auto e = store->GetEntity(a).value();
  EXPECT_EQ(e->documents(), 1u);
  EXPECT_EQ(e->mentions(), 1u);
  EXPECT_EQ(store->GetDocument("d1").value(), std::nullopt);
  auto stats = store->Stats().value();
  EXPECT_EQ(stats.documents, 1u);
  EXPECT_EQ(stats.facts, 1u);
  EXPECT_EQ(stats.entities, 2u);
  EXPECT_EQ(stats.evidence, 1u);

  EXPECT_TRUE(absl::IsNotFound(store->ForgetDocument("d1")));
  ASSERT_TRUE(store->ForgetDocument("d2").ok());
  EXPECT_EQ(Dump(*store), "");
}

// A forget reads a fact's evidence keys once, from the batch and the
// table files (prefix seeks): a document id that is a prefix of another's
// ("d1", "d10") must lose only its own evidence, and the rest must fold to
// what a store that never held the old versions holds.
TEST(StoreTest, ReplaceAndForgetOverFlushedSharedFacts) {
  auto store = OpenOrDie(TempStorePath("db"));
  ASSERT_TRUE(store
                  ->PutDocument(MakeDoc("d1", "v1",
                                        {{"A", "r", "B", 1}, {"A", "r", "B", 2}, {"A", "r", "C", 3}}))
                  .ok());
  ASSERT_TRUE(store->PutDocument(MakeDoc("d10", "h", {{"A", "r", "B", 4}})).ok());
  ASSERT_TRUE(store->PutDocument(MakeDoc("d2", "h", {{"A", "r", "C", 5}})).ok());
  ASSERT_TRUE(store->Flush().ok());  // the evidence now lives in table files

  ASSERT_TRUE(store->PutDocument(MakeDoc("d1", "v2", {{"A", "r", "B", 6}})).value().replaced);
  uint64_t a = IdOf(*store, "A");
  for (const auto& f : From(*store, a)) {
    EXPECT_EQ(f.support(), f.object() == IdOf(*store, "B") ? 2u : 1u);
    for (const auto& e : EvidenceOf(*store, f)) {
      EXPECT_TRUE(e.doc_id() != "d1" || e.sentence() == 6u) << e.doc_id() << " " << e.sentence();
    }
  }
  ASSERT_TRUE(store->ForgetDocument("d10").ok());
  EXPECT_TRUE(store->Check().value().ok());

  auto fresh = OpenOrDie(TempStorePath("fresh"));
  ASSERT_TRUE(fresh->PutDocument(MakeDoc("d2", "h", {{"A", "r", "C", 5}})).ok());
  ASSERT_TRUE(fresh->PutDocument(MakeDoc("d1", "v2", {{"A", "r", "B", 6}})).ok());
  EXPECT_EQ(Dump(*fresh), Dump(*store));
  EXPECT_EQ(store->Stats().value().evidence, 2u);
}

TEST(StoreTest, AliasesAndMergeLedger) {
  auto store = OpenOrDie(TempStorePath("db"));
  auto doc = MakeDoc("d1", "h", {{"United States", "borders", "Mexico"}});
  for (auto& e : *doc.mutable_entities()) {
    if (e.name() == "United States") e.add_aliases("USA");
  }
  Merge* m = doc.add_merges();
  m->set_alias("U.S.");
  m->set_canonical(TermKey("United States"));
  m->set_rule("acronym");
  m->mutable_evidence()->set_sentence(0);
  ASSERT_TRUE(store->PutDocument(doc).ok());

  uint64_t us = IdOf(*store, "United States");
  EXPECT_EQ(store->LookupTerm(TermKey("usa")).value(), us);
  EXPECT_EQ(store->LookupTerm(TermKey("U.S.")).value(), us);
  EXPECT_THAT(store->GetEntity(us).value()->aliases(), ::testing::ElementsAre("U.S.", "USA"));
  std::vector<Merge> merges;
  ASSERT_TRUE(store
                  ->ForEachMerge(TermKey("United States"),
                                 [&](const Merge& x) {
                                   merges.push_back(x);
                                   return true;
                                 })
                  .ok());
  ASSERT_EQ(merges.size(), 1u);
  EXPECT_EQ(merges[0].rule(), "acronym");
  EXPECT_EQ(merges[0].evidence().doc_id(), "d1");

  // A second document supports the same entity without the alias; forgetting
  // d1 drops the aliases and the ledger entry but keeps the entity.
  ASSERT_TRUE(
      store->PutDocument(MakeDoc("d2", "h", {{"United States", "borders", "Canada"}})).ok());
  ASSERT_TRUE(store->ForgetDocument("d1").ok());
  EXPECT_EQ(store->LookupTerm(TermKey("usa")).value(), std::nullopt);
  EXPECT_EQ(store->LookupTerm(TermKey("united states")).value(), us);
  merges.clear();
  ASSERT_TRUE(store
                  ->ForEachMerge(TermKey("United States"),
                                 [&](const Merge& x) {
                                   merges.push_back(x);
                                   return true;
                                 })
                  .ok());
  EXPECT_TRUE(merges.empty());
}

TEST(StoreTest, MostFrequentTypeWinsWhateverTheOrder) {
  auto d1 = MakeDoc("d1", "h", {{"Jordan", "visited", "Mexico"}});
  auto d2 = MakeDoc("d2", "h", {{"Jordan", "met", "Biden"}, {"Jordan", "met", "Harris"}});
  for (auto& e : *d1.mutable_entities()) {
    if (e.name() == "Jordan") e.set_type(GPE);
  }
  for (auto& e : *d2.mutable_entities()) {
    if (e.name() == "Jordan") e.set_type(PERSON);  // two mentions here, one in d1
  }

  auto ab = OpenOrDie(TempStorePath("ab"));
  ASSERT_TRUE(ab->PutDocument(d1).ok());
  EXPECT_EQ(ab->GetEntity(IdOf(*ab, "jordan")).value()->type(), GPE);
  ASSERT_TRUE(ab->PutDocument(d2).ok());
  EXPECT_EQ(ab->GetEntity(IdOf(*ab, "jordan")).value()->type(), PERSON);
  auto ba = OpenOrDie(TempStorePath("ba"));
  ASSERT_TRUE(ba->PutDocument(d2).ok());
  ASSERT_TRUE(ba->PutDocument(d1).ok());
  EXPECT_EQ(Dump(*ab), Dump(*ba));
  // Forgetting the PERSON evidence restores GPE.
  ASSERT_TRUE(ab->ForgetDocument("d2").ok());
  EXPECT_EQ(ab->GetEntity(IdOf(*ab, "jordan")).value()->type(), GPE);
}

TEST(StoreTest, HashCollisionGetsAnotherId) {
  std::string path = TempStorePath("db");
  {
    auto rs = RocksStore::OpenRocks(path, {});
    ASSERT_TRUE(rs.ok()) << rs.status();
    // Plant a different term at the id that "victim" hashes to.
    Entity squatter;
    squatter.set_id(TermId("victim"));
    squatter.set_key("squatter");
    squatter.set_name("Squatter");
    ASSERT_TRUE(
        (*rs)
            ->db()
            ->Put({}, (*rs)->cf(kEntities), IdKey(TermId("victim")), squatter.SerializeAsString())
            .ok());
    ASSERT_TRUE((*rs)->db()->Put({}, (*rs)->cf(kTerms), "squatter", IdKey(TermId("victim"))).ok());
  }
  auto store = OpenOrDie(path);
  ASSERT_TRUE(store->PutDocument(MakeDoc("d", "h", {{"Victim", "r", "Other"}})).ok());
  uint64_t id = IdOf(*store, "victim");
  EXPECT_EQ(id, TermId("victim", 1));
  EXPECT_EQ(store->GetEntity(id).value()->key(), "victim");
  EXPECT_EQ(store->GetEntity(TermId("victim")).value()->key(), "squatter");
  EXPECT_EQ(From(*store, id).size(), 1u);
}

TEST(StoreTest, SecondWriterIsToldTheStoreIsInUse) {
  std::string path = TempStorePath("db");
  // Fork before the store exists in this process: a child forked from a
  // process with RocksDB's threads running can inherit a lock one of them
  // held and hang in Open (it did once under ASan). The child waits on the
  // pipe until the parent holds the store.
  int opened[2];
  ASSERT_EQ(pipe(opened), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(opened[1]);
    char byte;
    if (read(opened[0], &byte, 1) != 1) _exit(2);
    auto other = Store::Open(path);
    bool in_use =
        !other.ok() && absl::IsFailedPrecondition(other.status()) &&
        absl::StrContains(other.status().message(), "store is in use by another process: " + path);
    _exit(in_use ? 0 : 1);
  }
  close(opened[0]);
  auto store = OpenOrDie(path);
  ASSERT_NE(store, nullptr);
  ASSERT_EQ(write(opened[1], "x", 1), 1);
  close(opened[1]);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

TEST(StoreTest, ReaderWorksWhileWriterIsActive) {
  std::string path = TempStorePath("db");
  auto writer = OpenOrDie(path);
  ASSERT_TRUE(writer->PutDocument(MakeDoc("d1", "h", {{"A", "r", "B"}})).ok());
  auto reader = OpenOrDie(path, {.read_only = true});
  ASSERT_NE(reader, nullptr);
  EXPECT_NE(IdOf(*reader, "A"), 0u);
  EXPECT_FALSE(reader->PutDocument(MakeDoc("x", "h", {{"A", "r", "B"}})).ok());

  ASSERT_TRUE(writer->PutDocument(MakeDoc("d2", "h", {{"C", "r", "D"}})).ok());
  reader->Version();  // catches up with the writer
  EXPECT_NE(IdOf(*reader, "C"), 0u);
  EXPECT_EQ(Dump(*reader), Dump(*writer));
}

TEST(StoreTest, NewerSchemaIsRefused) {
  std::string path = TempStorePath("db");
  {
    auto rs = RocksStore::OpenRocks(path, {});
    ASSERT_TRUE(rs.ok());
    Meta meta = (*rs)->ReadMeta().value();
    meta.set_schema_version(kSchemaVersion + 1);
    ASSERT_TRUE((*rs)->db()->Put({}, (*rs)->cf(kDefault), kMetaKey, meta.SerializeAsString()).ok());
  }
  auto s = Store::Open(path);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::IsFailedPrecondition(s.status()));
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("newer kg"));
  EXPECT_FALSE(Store::Open(path, {.read_only = true}).ok());
}

TEST(StoreTest, OlderSchemaIsRefused) {
  for (uint32_t old : {1u, 2u}) {
    std::string path = TempStorePath("db");
    {
      auto rs = RocksStore::OpenRocks(path, {});
      ASSERT_TRUE(rs.ok());
      Meta meta = (*rs)->ReadMeta().value();
      EXPECT_EQ(meta.schema_version(), kSchemaVersion);
      meta.set_schema_version(old);
      ASSERT_TRUE(
          (*rs)->db()->Put({}, (*rs)->cf(kDefault), kMetaKey, meta.SerializeAsString()).ok());
    }
    for (bool read_only : {false, true}) {
      auto s = Store::Open(path, {.read_only = read_only});
      ASSERT_FALSE(s.ok());
      EXPECT_TRUE(absl::IsFailedPrecondition(s.status()));
      EXPECT_THAT(std::string(s.status().message()),
                  HasSubstr(absl::StrCat("store format ", old, ", this kg reads ", kSchemaVersion,
                                         ": re-import (kg export/import")));
      EXPECT_THAT(std::string(s.status().message()), HasSubstr(path));
    }
  }
}

TEST(StoreTest, MissingStoreForReadingIsNotFound) {
  auto s = Store::Open(TempStorePath("nothing"), {.read_only = true});
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(absl::IsNotFound(s.status()));
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("nothing"));
}

TEST(StoreTest, BadDocumentsAreRejectedWithoutWriting) {
  auto store = OpenOrDie(TempStorePath("db"));
  auto doc = MakeDoc("d", "h", {{"A", "r", "B"}});
  doc.mutable_facts(0)->clear_predicate();
  auto put = store->PutDocument(doc);
  EXPECT_TRUE(absl::IsInvalidArgument(put.status()));
  EXPECT_THAT(std::string(put.status().message()), HasSubstr("fact #0"));
  EXPECT_EQ(Dump(*store), "");
  DocumentFacts noid;
  EXPECT_TRUE(absl::IsInvalidArgument(store->PutDocument(noid).status()));
}

TEST(StoreTest, GetDocumentFactsRebuildsWhatWasPut) {
  auto store = OpenOrDie(TempStorePath("db"));
  auto d1 = MakeDoc("d1", "h", {{"A", "r", "B", 0}, {"A", "r", "B", 3}, {"B", "s", "C", 1}});
  d1.mutable_entities(0)->add_aliases("Alpha");
  ASSERT_TRUE(store->PutDocument(d1).ok());
  ASSERT_TRUE(store->PutDocument(MakeDoc("d2", "h", {{"A", "r", "B", 0}})).ok());
  auto copy = OpenOrDie(TempStorePath("copy"));
  for (const char* id : {"d2", "d1"}) {
    auto facts = store->GetDocumentFacts(id);
    ASSERT_TRUE(facts.ok() && facts->has_value());
    ASSERT_TRUE(copy->PutDocument(**facts).ok());
  }
  EXPECT_EQ(Dump(*copy), Dump(*store));
  EXPECT_EQ(store->GetDocumentFacts("nope").value(), std::nullopt);
}

}  // namespace
}  // namespace kg::storage
