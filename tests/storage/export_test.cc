#include "storage/export.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "proto/term_key.h"
#include "tests/storage/store_testutil.h"

namespace kg::storage {
namespace {

using testing::Dump;
using testing::MakeDoc;
using testing::SyntheticDoc;
using testing::TempStorePath;
using ::testing::HasSubstr;

std::unique_ptr<Store> Open(const std::string& name) { return std::move(*Store::Open(TempStorePath(name))); }

// Documents with aliases, merges, a replaced and a forgotten document, plus
// imported triples (one of them also extracted from a document).
void Fill(Store& store) {
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(store.PutDocument(SyntheticDoc(i, 12, 9, 3)).ok());
  auto doc = MakeDoc("brief, \"quoted\"", "h", {{"Mérida Initiative", "funds", "Arms Trafficking", 1}});
  doc.mutable_entities(1)->add_aliases("Plan Mérida");
  Merge* m = doc.add_merges();
  m->set_alias("MI");
  m->set_canonical(TermKey("Mérida Initiative"));
  m->set_rule("acronym");
  ASSERT_TRUE(store.PutDocument(doc).ok());
  ASSERT_TRUE(store.PutDocument(SyntheticDoc(2, 5, 9, 4)).ok());  // replaces doc00002
  ASSERT_TRUE(store.ForgetDocument("doc00003").ok());
  BulkLoader loader(&store);
  ASSERT_TRUE(loader.Add("http://example.org/a b", "http://example.org/p", "Entity 1").ok());
  ASSERT_TRUE(loader.Add("Mérida Initiative", "funds", "Arms Trafficking").ok());
  ASSERT_TRUE(loader.Add("/m/027rn", "/location/country/form_of_government", "/m/06cx9").ok());
  ASSERT_TRUE(loader.Finish().ok());
  Merge unmerge;  // the user split "MI" off again (`kg unmerge MI`)
  unmerge.set_alias("MI");
  unmerge.set_canonical(TermKey("Mérida Initiative"));
  unmerge.set_rule("unmerge");
  ASSERT_TRUE(store.AddUnmerge(unmerge).ok());
}

TEST(ExportTest, JsonlRoundTripIsExact) {
  auto a = Open("a");
  Fill(*a);
  std::stringstream first;
  ASSERT_TRUE(ExportJsonl(*a, first).ok());
  auto b = Open("b");
  auto r = ImportJsonl(*b, first, "first.jsonl");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->unmerges, 1u);
  EXPECT_EQ(r->documents, 4u);
  EXPECT_EQ(r->triples, 3u);
  auto unmerges = b->Unmerges();
  ASSERT_TRUE(unmerges.ok());
  ASSERT_EQ(unmerges->size(), 1u);
  EXPECT_EQ((*unmerges)[0].alias(), "MI");
  EXPECT_EQ((*unmerges)[0].canonical(), TermKey("Mérida Initiative"));
  std::stringstream second;
  ASSERT_TRUE(ExportJsonl(*b, second).ok());
  EXPECT_EQ(second.str(), first.str());
  EXPECT_EQ(Dump(*b), Dump(*a));  // and the stores agree record for record
  EXPECT_THAT(first.str(), HasSubstr("\"triple\""));
}

TEST(ExportTest, NTriplesRoundTripIsExact) {
  auto a = Open("a");
  Fill(*a);
  std::stringstream first;
  ASSERT_TRUE(ExportNTriples(*a, first).ok());
  EXPECT_THAT(first.str(), HasSubstr("<urn:kg:e:M%C3%A9rida%20Initiative> <urn:kg:p:funds> "));
  EXPECT_THAT(first.str(), HasSubstr("<urn:kg:e:http%3A//example.org/a%20b> <http://example.org/p>"));
  auto b = Open("b");
  auto r = ImportNTriples(*b, first, "first.nt");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->triples, a->Stats().value().facts);
  std::stringstream second;
  ASSERT_TRUE(ExportNTriples(*b, second).ok());
  EXPECT_EQ(second.str(), first.str());
}

TEST(ExportTest, NTriplesImportReadsIrisLiteralsAndReportsLines) {
  auto s = Open("db");
  std::stringstream in(
      "# comment\n"
      "<http://x.org/a> <http://x.org/knows> <http://x.org/b> .\r\n"
      "\n"
      "_:b1 <http://x.org/name> \"Ann \\\"A\\\"\"@en .\n");
  auto r = ImportNTriples(*s, in, "in.nt");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->triples, 2u);
  EXPECT_TRUE(s->LookupTerm(TermKey("http://x.org/a")).value().has_value());
  EXPECT_TRUE(s->LookupTerm(TermKey("Ann \"A\"")).value().has_value());

  std::stringstream bad("<http://x.org/a> <http://x.org/knows> <http://x.org/b> .\n<a> <b> .\n");
  auto e = ImportNTriples(*s, bad, "bad.nt");
  ASSERT_FALSE(e.ok());
  EXPECT_THAT(std::string(e.status().message()), HasSubstr("bad.nt:2: column"));
  std::stringstream bad_json("{\"document\": {\"document\": {\"id\": 5}}}\nnot json\n");
  auto j = ImportJsonl(*s, bad_json, "bad.jsonl");
  ASSERT_FALSE(j.ok());
  EXPECT_THAT(std::string(j.status().message()), HasSubstr("bad.jsonl:"));
  std::stringstream bad_unmerge("{\"unmerge\": {\"alias\": 7}}\n");
  auto u = ImportJsonl(*s, bad_unmerge, "u.jsonl");
  ASSERT_FALSE(u.ok());
  EXPECT_THAT(std::string(u.status().message()), HasSubstr("u.jsonl:1: bad unmerge"));
  std::stringstream empty_unmerge("\n{\"unmerge\": {\"alias\": \"\"}}\n");
  auto eu = ImportJsonl(*s, empty_unmerge, "e.jsonl");
  ASSERT_FALSE(eu.ok());
  EXPECT_THAT(std::string(eu.status().message()), HasSubstr("e.jsonl:2:"));
}

TEST(ExportTest, CsvHasHeadersQuotingAndEveryRecord) {
  auto a = Open("a");
  Fill(*a);
  std::string dir = TempStorePath("csv");
  std::filesystem::create_directories(dir);
  ASSERT_TRUE(ExportCsv(*a, dir + "/nodes.csv", dir + "/edges.csv").ok());
  auto lines = [](const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
  };
  auto nodes = lines(dir + "/nodes.csv");
  auto edges = lines(dir + "/edges.csv");
  auto stats = a->Stats().value();
  ASSERT_EQ(nodes.size(), stats.entities + 1);
  ASSERT_EQ(edges.size(), stats.facts + 1);
  EXPECT_EQ(nodes[0], "key,name,type,aliases,mentions,documents");
  EXPECT_EQ(edges[0], "from,to,predicate,confidence,flags,support");
  std::string all;
  for (const auto& n : nodes) all += n + "\n";
  EXPECT_THAT(all, HasSubstr("Plan Mérida"));
  EXPECT_THAT(all, HasSubstr(",RESOURCE,"));
}

}  // namespace
}  // namespace kg::storage
