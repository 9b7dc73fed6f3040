// Fuzzes the store's decoding of what it reads back: a small valid store is
// built once; each input then damages a copy of it through RocksDB directly
// (overwrites values of existing keys, deletes keys, adds arbitrary keys and
// values in any column family) before kg's Store opens it and runs every read,
// Check, a query, and a forget. Garbage on disk must give errors (or a Check
// report), never a crash. Input: a list of operations, each
//   [op: 0 overwrite, 1 delete, 2 put] [column family] [key index | key len+key]
//   [value len] [value]

#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "query/engine.h"
#include "rocksdb/db.h"
#include "storage/rocks_options.h"
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

const std::string& TemplateDir() {
  static const std::string dir = [] {
    std::string base = (fs::temp_directory_path() / ("kg_fuzz_store_" + std::to_string(getpid()))).string();
    fs::remove_all(base);
    fs::create_directories(base);
    std::string path = base + "/template";
    auto store = kg::storage::Store::Open(path);
    FUZZ_CHECK(store.ok(), std::string(store.status().message()));
    FUZZ_CHECK((*store)->PutDocument(SampleDocument("/doc/a.txt", "Mexico")).ok(), "put a");
    FUZZ_CHECK((*store)->PutDocument(SampleDocument("/doc/b.txt", "Texas")).ok(), "put b");
    return base;
  }();
  return dir;
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

void Damage(const std::string& path, std::string_view in) {
  const auto& names = kg::storage::ColumnFamilyNames();
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (const auto& n : names) cfs.emplace_back(n, kg::storage::ColumnFamilyOptionsFor(n));
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  rocksdb::DBOptions options = kg::storage::StoreDbOptions();
  rocksdb::Status s = rocksdb::DB::Open(options, path, cfs, &handles, &db);
  FUZZ_CHECK(s.ok(), s.ToString());
  int ops = 0;
  while (in.size() >= 3 && ops++ < 16) {
    int op = static_cast<unsigned char>(in[0]) % 3;
    rocksdb::ColumnFamilyHandle* cf = handles[static_cast<unsigned char>(in[1]) % handles.size()];
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
    if (op == 1) {
      db->Delete(rocksdb::WriteOptions(), cf, key);
    } else {
      std::string value(Take(&in));
      db->Put(rocksdb::WriteOptions(), cf, key, value);
    }
  }
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  db->Close();
  delete db;
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
  for (const char* q : {"connect \"United States\" and \"Mexico\"", "neighbors \"Merida Initiative\"",
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
  const std::string& base = TemplateDir();
  const std::string work = base + "/work";
  fs::remove_all(work);
  fs::copy(base + "/template", work, fs::copy_options::recursive);
  Damage(work, std::string_view(reinterpret_cast<const char*>(data), size));
  auto store = kg::storage::Store::Open(work);
  if (!store.ok()) return 0;
  ReadEverything(**store);
  return 0;
}
