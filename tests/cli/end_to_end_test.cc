// End to end: the kg program ingests the sample corpus and the seed, answers
// the connection question, and every hop's evidence span, cut from the
// source file, is exactly the sentence the store holds.

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/term_key.h"
#include "storage/store.h"
#include "tests/cli/small_store_testutil.h"

namespace kg {
namespace {

namespace fs = std::filesystem;

using cli::testing::RunResult;

// Runs a shell command line and captures stdout.
RunResult Run(const std::string& command) { return cli::testing::Sh(command); }
std::string Quote(const std::string& s) { return cli::testing::ShellQuote(s); }

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

class EndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    db_ = (fs::temp_directory_path() /
           ("kg_e2e_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name()))
              .string();
    fs::remove_all(db_);
  }
  void TearDown() override { fs::remove_all(db_); }

  RunResult Kg(const std::string& args) {
    return kg::Run(std::string(KG_BIN_DIR) + "/kg --db " + Quote(db_) + " " + args + " 2>/dev/null");
  }

  // Checks every hop of every path: the evidence span cut out of the source
  // document equals the stored sentence for that (document, sentence).
  void CheckEvidence(const nlohmann::json& answer) {
    auto store = storage::Store::Open(db_, {.read_only = true, .create_if_missing = false});
    ASSERT_TRUE(store.ok()) << store.status();
    int checked = 0;
    for (const auto& path : answer["paths"]) {
      for (const auto& hop : path["hops"]) {
        // Collect the stored sentences of facts touching the hop's source.
        auto id = (*store)->LookupTerm(TermKey(hop["from"].get<std::string>()));
        ASSERT_TRUE(id.ok() && id->has_value()) << hop["from"];
        std::map<std::pair<std::string, uint32_t>, std::string> stored;
        auto collect = [&](const Fact& f) {
          EXPECT_TRUE((*store)
                          ->ForEachEvidence(f,
                                            [&](const Evidence& e) {
                                              stored[{e.doc_id(), e.sentence()}] = e.text();
                                              return true;
                                            })
                          .ok());
          return true;
        };
        ASSERT_TRUE((*store)->FactsFrom(**id, collect).ok());
        ASSERT_TRUE((*store)->FactsTo(**id, collect).ok());
        ASSERT_FALSE(hop["evidence"].empty()) << "hop without evidence: " << hop.dump();
        for (const auto& ev : hop["evidence"]) {
          std::string doc = ev["doc"];
          uint32_t sentence = ev["sentence"];
          size_t start = ev["start"], end = ev["end"];
          std::string source = ReadAll(doc);
          ASSERT_LE(end, source.size()) << doc;
          ASSERT_LT(start, end);
          auto it = stored.find({doc, sentence});
          ASSERT_NE(it, stored.end()) << doc << " #" << sentence;
          EXPECT_EQ(source.substr(start, end - start), it->second);
          ++checked;
        }
      }
    }
    EXPECT_GT(checked, 0);
  }

  std::string db_;
};

constexpr char kConnect[] = "connect \"Merida Initiative\" and \"arms trafficking\"";

TEST_F(EndToEndTest, SampleCorpusConnectsMeridaToArmsTrafficking) {
  RunResult ingest = Kg(std::string("ingest ") + KG_SOURCE_DIR + "/examples/corpus");
  ASSERT_EQ(ingest.exit_code, 0) << ingest.out;

  RunResult q = Kg("query " + Quote(kConnect) + " --format json");
  ASSERT_EQ(q.exit_code, 0) << q.out;
  nlohmann::json answer = nlohmann::json::parse(q.out);
  ASSERT_FALSE(answer["paths"].empty()) << q.out;
  ASSERT_TRUE(answer.contains("connectors"));
  CheckEvidence(answer);

  // Re-ingesting identical content is a no-op: every count stays (the size
  // on disk may move as RocksDB reopens, so it is not compared).
  auto counts = [&] {
    nlohmann::json s = nlohmann::json::parse(Kg("stats --format json").out);
    return std::vector<uint64_t>{s["documents"], s["entities"], s["facts"], s["evidence"]};
  };
  std::vector<uint64_t> before = counts();
  EXPECT_EQ(before[0], 8u);
  RunResult again = Kg(std::string("ingest ") + KG_SOURCE_DIR + "/examples/corpus");
  ASSERT_EQ(again.exit_code, 0);
  EXPECT_THAT(again.out, ::testing::HasSubstr("ingested 0 document(s)"));
  EXPECT_EQ(counts(), before);
}

TEST_F(EndToEndTest, SeedAnswersWithEvidenceFromTheSeed) {
  const std::string seed = std::string(KG_SOURCE_DIR) + "/../shared/data/seed";
  if (!fs::exists(seed)) GTEST_SKIP() << "no ../shared/data/seed beside the checkout";
  ASSERT_EQ(Kg("ingest " + Quote(seed)).exit_code, 0);
  RunResult q = Kg("query " + Quote(kConnect) + " --format json");
  ASSERT_EQ(q.exit_code, 0) << q.out;
  nlohmann::json answer = nlohmann::json::parse(q.out);
  ASSERT_FALSE(answer["paths"].empty());
  for (const auto& path : answer["paths"]) {
    for (const auto& hop : path["hops"]) {
      for (const auto& ev : hop["evidence"]) {
        EXPECT_THAT(ev["doc"].get<std::string>(), ::testing::HasSubstr("us-mexico-cooperation"));
      }
    }
  }
  CheckEvidence(answer);
  // The answer leads with typed facts through actors, not co-mentions: the
  // first path has no co-mention hop, and paths come strongest first.
  const auto& first = answer["paths"][0];
  ASSERT_GE(first["hops"].size(), 2u) << first.dump();
  for (const auto& hop : first["hops"]) {
    EXPECT_NE(hop["predicate"].get<std::string>(), "co_mentioned") << first.dump();
  }
  double previous = 0;
  for (const auto& path : answer["paths"]) {
    EXPECT_GE(path["weight"].get<double>(), previous);
    previous = path["weight"].get<double>();
  }
}

TEST_F(EndToEndTest, UnknownNameIsExit2WithSuggestions) {
  ASSERT_EQ(Kg(std::string("ingest ") + KG_SOURCE_DIR + "/examples/corpus").exit_code, 0);
  RunResult r = kg::Run(std::string(KG_BIN_DIR) + "/kg --db " + Quote(db_) +
                    " query 'path \"Merida Initiativ\" to \"Mexico\"' 2>&1");
  EXPECT_EQ(r.exit_code, 2);
  // The canonical spelling may carry the accent ("Mérida"); either is right.
  EXPECT_THAT(r.out, ::testing::ContainsRegex("M(e|\xC3\xA9)rida Initiative"));
}

TEST_F(EndToEndTest, BadFilesAreNamedAndTheRestIsIngested) {
  fs::path dir = db_ + "_in";
  fs::create_directories(dir);
  std::ofstream(dir / "empty.txt").close();
  std::ofstream(dir / "bad.txt", std::ios::binary) << "Mexico and the United States\xff\xfe agreed.";
  std::ofstream(dir / "good.txt") << "The United States funded the Merida Initiative in Mexico.\n";
  RunResult r = kg::Run(std::string(KG_BIN_DIR) + "/kg --db " + Quote(db_) + " ingest " +
                    Quote(dir.string()) + " " + Quote((dir / "missing.txt").string()) + " 2>&1");
  fs::remove_all(dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, ::testing::HasSubstr("empty.txt"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("bad.txt"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("28"));  // byte offset of the invalid byte
  EXPECT_THAT(r.out, ::testing::HasSubstr("missing.txt"));
  EXPECT_THAT(r.out, ::testing::HasSubstr("ingested 1 document(s)"));
}

TEST_F(EndToEndTest, SecondWriterGetsInUse) {
  auto writer = storage::Store::Open(db_);
  ASSERT_TRUE(writer.ok()) << writer.status();
  RunResult r = kg::Run(std::string(KG_BIN_DIR) + "/kg --db " + Quote(db_) + " ingest " +
                    KG_SOURCE_DIR + "/examples/corpus 2>&1");
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.out, ::testing::HasSubstr("in use"));
}

}  // namespace
}  // namespace kg
