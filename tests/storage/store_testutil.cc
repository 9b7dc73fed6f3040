#include "tests/storage/store_testutil.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "proto/term_key.h"

namespace kg::storage::testing {

namespace {

// The per-process root of every test store; removed when the process exits,
// so repeated runs do not fill /tmp (a crashed run still leaves its root).
std::filesystem::path ProcessRoot() {
  static const std::filesystem::path* root = [] {
    auto* p = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                        absl::StrCat("kg_storage_test_", getpid()));
    static const pid_t owner = getpid();
    std::atexit([] {
      if (getpid() != owner) return;  // a forked child leaves its parent's stores alone
      std::error_code ec;
      std::filesystem::remove_all(ProcessRoot(), ec);
    });
    return p;
  }();
  return *root;
}

}  // namespace

std::string TempStorePath(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::filesystem::path p = ProcessRoot();
  if (info != nullptr) p /= absl::StrCat(info->test_suite_name(), ".", info->name());
  p /= name;
  std::filesystem::remove_all(p);
  std::filesystem::create_directories(p.parent_path());
  return p.string();
}

DocumentFacts MakeDoc(const std::string& id, const std::string& hash,
                      const std::vector<FactSpec>& facts) {
  DocumentFacts d;
  d.mutable_document()->set_id(id);
  d.mutable_document()->set_source(absl::StrCat("/corpus/", id, ".txt"));
  d.mutable_document()->set_content_hash(hash);
  d.mutable_document()->set_ingest_time(1700000000);
  std::map<std::string, int> mentions;
  for (const auto& f : facts) {
    ++mentions[f.subject];
    ++mentions[f.object];
  }
  for (const auto& [name, n] : mentions) {
    Entity* e = d.add_entities();
    e->set_name(name);
    e->set_key(TermKey(name));
    e->set_type(ORG);
    e->set_mentions(n);
  }
  for (const auto& f : facts) {
    ExtractedFact* x = d.add_facts();
    x->set_subject(TermKey(f.subject));
    x->set_predicate(f.predicate);
    x->set_object(TermKey(f.object));
    x->set_confidence(f.confidence);
    x->set_flags(f.flags);
    Evidence* ev = x->mutable_evidence();
    ev->set_sentence(f.sentence);
    ev->set_start(f.sentence * 100);
    ev->set_end(f.sentence * 100 + 50);
    ev->set_text(absl::StrCat("s", f.sentence, " of ", id));
  }
  return d;
}

DocumentFacts SyntheticDoc(int index, int n, int vocab, uint32_t seed) {
  std::mt19937 rng(seed * 7919u + static_cast<uint32_t>(index));
  std::uniform_int_distribution<int> pick(0, vocab - 1);
  std::uniform_int_distribution<int> pred(0, 5);
  std::vector<FactSpec> facts;
  for (int i = 0; i < n; ++i) {
    FactSpec f;
    f.subject = absl::StrCat("Entity ", pick(rng));
    f.object = absl::StrCat("Entity ", pick(rng));
    f.predicate = absl::StrCat("rel", pred(rng));
    f.sentence = static_cast<uint32_t>(i / 3);
    facts.push_back(f);
  }
  return MakeDoc(absl::StrFormat("doc%05d", index), absl::StrCat("hash", index, "-", seed), facts);
}

std::string Dump(Store& store) {
  std::vector<std::string> lines;
  auto ok = [](const absl::Status& s) { EXPECT_TRUE(s.ok()) << s; };
  ok(store.ForEachDocument([&](const Document& d) {
    lines.push_back(absl::StrCat("doc ", d.id(), " ", d.content_hash()));
    return true;
  }));
  std::map<uint64_t, std::string> names;
  ok(store.ForEachEntity([&](const Entity& e) {
    std::string aliases;
    for (const auto& a : e.aliases()) absl::StrAppend(&aliases, a, "|");
    lines.push_back(absl::StrCat("entity ", e.key(), " name=", e.name(), " type=", e.type(),
                                 " mentions=", e.mentions(), " docs=", e.documents(),
                                 " aliases=", aliases));
    names[e.id()] = e.key();
    return true;
  }));
  ok(store.ForEachFact([&](const Fact& f) {
    lines.push_back(absl::StrCat("fact ", names[f.subject()], " ", f.predicate(), " ",
                                 names[f.object()], " support=", f.support(),
                                 " flags=", f.flags(), " conf=", f.confidence()));
    ok(store.ForEachEvidence(f, [&](const Evidence& e) {
      lines.push_back(absl::StrCat("  evidence ", names[f.subject()], " ", f.predicate(), " ",
                                   names[f.object()], " ", e.doc_id(), "#", e.sentence(), " ",
                                   e.text()));
      return true;
    }));
    return true;
  }));
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const auto& l : lines) absl::StrAppend(&out, l, "\n");
  return out;
}

}  // namespace kg::storage::testing
