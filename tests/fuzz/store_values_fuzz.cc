// Fuzzes the store's decoding of what it reads back: a small valid store is
// built and kept open once; each input then damages it through its own
// RocksDB handle (overwrites values of existing keys, deletes keys, adds
// arbitrary keys and values in any column family), runs every read, Check, a
// query and a forget, and puts every column family back as it was (a diff
// against the content saved at the start). An input that touched the meta
// record also opens the store as a reader (a RocksDB secondary, the costly
// part), for the checks made at open.
// Garbage in the store must give errors (or a Check report), never a crash.
// Opening RocksDB twice per input (a copy, then kg's open) made ~1 input per
// CPU second under ASan. Input: a list of operations, each
//   [op: 0 overwrite, 1 delete, 2 put] [column family] [key index | key len+key]
//   [value len] [value]

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "query/engine.h"
#include "rocksdb/db.h"
#include "storage/rocks_options.h"
#include "storage/rocks_store.h"
#include "storage/store.h"
#include "tests/fuzz/fuzz_check.h"

namespace {

namespace fs = std::filesystem;

kg::DocumentFacts SampleDocument(const std::string& id, const std::string& place) {
  kg::DocumentFacts d;
  d.mutable_document()->set_id(id);
  d.mutable_document()->set_source(id);
  d.mutable_document()->set_content_hash("hash-" + id);
  d.mutable_document()->set_sentences(1);
  const std::string sentence = "The United States funded the Merida Initiative in " + place + ".";
  struct E {
    const char* name;
    const char* key;
    kg::EntityType type;
  };
  const std::vector<E> entities = {{"United States", "united states", kg::GPE},
                                   {"Merida Initiative", "merida initiative", kg::PROGRAM}};
  for (const E& e : entities) {
    kg::Entity* x = d.add_entities();
    x->set_name(e.name);
    x->set_key(e.key);
    x->set_type(e.type);
    x->set_mentions(1);
    x->add_aliases(std::string(e.name) + " alias");
  }
  kg::Entity* p = d.add_entities();
  p->set_name(place);
  p->set_key(place == "Mexico" ? "mexico" : "texas");
  p->set_type(kg::GPE);
  for (const char* pred : {"funds", "located_in"}) {
    kg::ExtractedFact* f = d.add_facts();
    f->set_subject(std::string(pred) == "funds" ? "united states" : "merida initiative");
    f->set_predicate(pred);
    f->set_object(std::string(pred) == "funds" ? "merida initiative" : p->key());
    f->set_confidence(0.8f);
    kg::Evidence* ev = f->mutable_evidence();
    ev->set_doc_id(id);
    ev->set_start(0);
    ev->set_end(sentence.size());
    ev->set_text(sentence);
  }
  kg::Merge* m = d.add_merges();
  m->set_alias("US");
  m->set_canonical("united states");
  m->set_rule("short-name");
  return d;
}

using Content = std::vector<std::map<std::string, std::string>>;  // per family

Content ReadContent(kg::storage::RocksStore& rs) {
  Content c(kg::storage::ColumnFamilyNames().size());
  for (size_t i = 0; i < c.size(); ++i) {
    std::unique_ptr<rocksdb::Iterator> it(
        rs.db()->NewIterator(rocksdb::ReadOptions(), rs.cf(static_cast<kg::storage::Cf>(i))));
    for (it->SeekToFirst(); it->Valid(); it->Next())
      c[i][it->key().ToString()] = it->value().ToString();
    FUZZ_CHECK(it->status().ok(), it->status().ToString());
  }
  return c;
}

// Puts the store back to `want`, family by family.
void Restore(kg::storage::RocksStore& rs, const Content& want) {
  Content now = ReadContent(rs);
  rocksdb::WriteBatch batch;
  for (size_t i = 0; i < want.size(); ++i) {
    auto* cf = rs.cf(static_cast<kg::storage::Cf>(i));
    for (const auto& [k, v] : now[i]) {
      if (!want[i].contains(k)) batch.Delete(cf, k);
    }
    for (const auto& [k, v] : want[i]) {
      auto it = now[i].find(k);
      if (it == now[i].end() || it->second != v) batch.Put(cf, k, v);
    }
  }
  rocksdb::Status s = rs.db()->Write(rocksdb::WriteOptions(), &batch);
  FUZZ_CHECK(s.ok(), s.ToString());
}

struct Template {
  std::string path;
  std::unique_ptr<kg::storage::Store> store;
  kg::storage::RocksStore* rs = nullptr;
  Content content;
};

Template& Shared() {
  static Template* t = [] {
    auto* t = new Template;
    std::string base =
        (fs::temp_directory_path() / ("kg_fuzz_store_" + std::to_string(getpid()))).string();
    fs::remove_all(base);
    fs::create_directories(base);
    // libFuzzer ends a timed run with exit(): without this each run leaves
    // its store in the temporary directory.
    static std::string* cleanup = new std::string(base);
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(*cleanup, ec);
    });
    t->path = base + "/store";
    auto store = kg::storage::Store::Open(t->path);
    FUZZ_CHECK(store.ok(), std::string(store.status().message()));
    t->store = std::move(*store);
    FUZZ_CHECK(t->store->PutDocument(SampleDocument("/doc/a.txt", "Mexico")).ok(), "put a");
    FUZZ_CHECK(t->store->PutDocument(SampleDocument("/doc/b.txt", "Texas")).ok(), "put b");
    t->rs = dynamic_cast<kg::storage::RocksStore*>(t->store.get());
    FUZZ_CHECK(t->rs != nullptr, "not a RocksStore");
    t->content = ReadContent(*t->rs);
    return t;
  }();
  return *t;
}

// Reads a length-prefixed byte string.
std::string_view Take(std::string_view* in) {
  if (in->empty()) return {};
  size_t n = static_cast<unsigned char>((*in)[0]);
  in->remove_prefix(1);
  n = std::min(n, in->size());
  std::string_view s = in->substr(0, n);
  in->remove_prefix(n);
  return s;
}

// Applies the input's operations; true when one touched the meta record.
bool Damage(kg::storage::RocksStore& rs, std::string_view in) {
  const auto& names = kg::storage::ColumnFamilyNames();
  rocksdb::DB* db = rs.db();
  bool meta = false;
  int ops = 0;
  while (in.size() >= 3 && ops++ < 16) {
    int op = static_cast<unsigned char>(in[0]) % 3;
    int family = static_cast<unsigned char>(in[1]) % static_cast<int>(names.size());
    rocksdb::ColumnFamilyHandle* cf = rs.cf(static_cast<kg::storage::Cf>(family));
    in.remove_prefix(2);
    std::string key;
    if (op == 2) {
      key = std::string(Take(&in));
    } else {
      size_t index = static_cast<unsigned char>(in[0]);
      in.remove_prefix(1);
      std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions(), cf));
      size_t i = 0;
      for (it->SeekToFirst(); it->Valid(); it->Next(), ++i) {
        key = it->key().ToString();
        if (i == index) break;
      }
      if (key.empty()) continue;
    }
    meta |= family == kg::storage::kDefault && key == kg::storage::kMetaKey;
    if (op == 1) {
      db->Delete(rocksdb::WriteOptions(), cf, key);
    } else {
      std::string value(Take(&in));
      db->Put(rocksdb::WriteOptions(), cf, key, value);
    }
  }
  return meta;
}

void ReadEverything(kg::storage::Store& store) {
  (void)store.Stats();
  std::vector<kg::Fact> facts;
  (void)store.ForEachFact([&](const kg::Fact& f) {
    if (facts.size() < 64) facts.push_back(f);
    return true;
  });
  for (const kg::Fact& f : facts) {
    (void)store.ForEachEvidence(f, [](const kg::Evidence&) { return true; });
    (void)store.FactsFrom(f.subject(), [](const kg::Fact&) { return true; });
    (void)store.FactsTo(f.object(), [](const kg::Fact&) { return true; });
    (void)store.GetEntity(f.subject());
  }
  std::vector<std::string> docs;
  (void)store.ForEachDocument([&](const kg::Document& d) {
    if (docs.size() < 16) docs.push_back(d.id());
    return true;
  });
  for (const std::string& d : docs) {
    (void)store.GetDocument(d);
    (void)store.GetDocumentFacts(d);
  }
  std::vector<std::string> keys;
  (void)store.ForEachEntity([&](const kg::Entity& e) {
    if (keys.size() < 64) keys.push_back(e.key());
    return true;
  });
  for (const std::string& k : keys) {
    (void)store.LookupTerm(k);
    (void)store.ForEachMerge(k, [](const kg::Merge&) { return true; });
  }
  (void)store.Check();
  kg::query::Engine engine(&store);
  for (const char* q :
       {"connect \"United States\" and \"Mexico\"", "neighbors \"Merida Initiative\"",
        "top by degree limit 5", "match ?x funds ?y"}) {
    auto r = engine.Run(q);
    if (r.ok()) {
      (void)engine.Format(**r, kg::query::OutputFormat::kJson);
      (void)engine.Format(**r, kg::query::OutputFormat::kTable);
    }
  }
  for (const std::string& d : docs) (void)store.ForgetDocument(d);
  (void)store.Check();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 2048) return 0;
  Template& t = Shared();
  bool meta = Damage(*t.rs, std::string_view(reinterpret_cast<const char*>(data), size));
  if (meta) {
    auto reader = kg::storage::Store::Open(t.path, {.read_only = true});
    if (reader.ok()) (void)(*reader)->Stats();
  }
  ReadEverything(*t.store);
  Restore(*t.rs, t.content);
  FUZZ_CHECK(ReadContent(*t.rs) == t.content, "the store was not put back as it was");
  return 0;
}
