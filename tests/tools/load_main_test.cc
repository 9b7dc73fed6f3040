// End-to-end tests of the kg-load program: exit statuses, the summary, the
// real store and extractor, and resumption after SIGKILL.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "storage/store.h"
#include "tests/tools/load_process_testutil.h"
#include "tests/tools/load_testutil.h"

namespace kg::tools {
namespace {

using ::kg::tools::testing::LoadFixture;
using ::kg::tools::testing::MakeTempDir;
using ::kg::tools::testing::ProgramResult;
using ::kg::tools::testing::RunProgram;
using ::kg::tools::testing::StoreSnapshot;
using ::testing::HasSubstr;

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in, nullptr, false);
}

TEST(KgLoadTest, UsageErrorsExitWithTwo) {
  std::string dir = MakeTempDir("usage");
  ProgramResult none = RunProgram("kg-load", {}, dir);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, HasSubstr("no PATH given"));
  EXPECT_THAT(none.err, HasSubstr("usage: kg-load"));
  ProgramResult format = RunProgram("kg-load", {"--format", "csv", "x"}, dir);
  EXPECT_EQ(format.exit_code, 2);
  EXPECT_THAT(format.err, HasSubstr("unknown --format 'csv'"));
  ProgramResult threads = RunProgram("kg-load", {"--threads", "0", "x"}, dir);
  EXPECT_EQ(threads.exit_code, 2);
  EXPECT_THAT(threads.err, HasSubstr("--threads needs an integer >= 1"));
  ProgramResult option = RunProgram("kg-load", {"--frobnicate", "x"}, dir);
  EXPECT_EQ(option.exit_code, 2);
  ProgramResult help = RunProgram("kg-load", {"--help"}, dir);
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_THAT(help.out, HasSubstr("--max-doc-bytes"));
}

TEST(KgLoadTest, LoadsACorpusThenARerunChangesNothing) {
  std::string dir = MakeTempDir("corpus");
  std::string db = dir + "/kg.db";
  std::string summary = dir + "/summary.json";
  ProgramResult first = RunProgram(
      "kg-load",
      {"--db", db, "--json-summary", summary, LoadFixture("corpus"), LoadFixture("wiki")}, dir);
  ASSERT_EQ(first.exit_code, 0) << first.err << first.out;
  EXPECT_THAT(first.out, HasSubstr("documents  8 written"));
  nlohmann::json j = ReadJson(summary);
  ASSERT_TRUE(j.is_object());
  EXPECT_EQ(j["documents"], 8);
  EXPECT_EQ(j["failures"], 0);
  EXPECT_EQ(j["warnings"], 1);  // the empty wiki article
  EXPECT_GT(j["sentences"].get<int>(), 8);
  EXPECT_GT(j["facts"].get<int>(), 0);
  EXPECT_GT(j["entities"].get<int>(), 0);
  EXPECT_GT(j["peak_rss_bytes"].get<uint64_t>(), 0u);
  std::vector<std::string> before = StoreSnapshot(db);

  ProgramResult second = RunProgram(
      "kg-load",
      {"--db", db, "--json-summary", summary, LoadFixture("corpus"), LoadFixture("wiki")}, dir);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  nlohmann::json j2 = ReadJson(summary);
  EXPECT_EQ(j2["documents"], 0);
  EXPECT_EQ(j2["unchanged"], 8);
  EXPECT_EQ(StoreSnapshot(db), before);
}

// Without the final flush every later open, a reader's too, replayed the
// write-ahead log into memory (~20 CPU-s after the 48 MB wiki sample).
TEST(KgLoadTest, TheRunEndsWithNothingLeftInTheWriteAheadLog) {
  std::string dir = MakeTempDir("flushed");
  std::string db = dir + "/kg.db";
  ProgramResult run = RunProgram("kg-load", {"--db", db, LoadFixture("corpus")}, dir);
  ASSERT_EQ(run.exit_code, 0) << run.err << run.out;
  int logs = 0;
  for (const auto& e : std::filesystem::directory_iterator(db)) {
    if (e.path().extension() != ".log") continue;
    ++logs;
    EXPECT_EQ(std::filesystem::file_size(e.path()), 0u) << e.path();
  }
  EXPECT_GT(logs, 0);
}

TEST(KgLoadTest, EvidenceSpansCutTheSourceText) {
  std::string dir = MakeTempDir("spans");
  std::string db = dir + "/kg.db";
  std::string path = LoadFixture("corpus/port-security.txt");
  ProgramResult r = RunProgram("kg-load", {"--db", db, path}, dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  storage::StoreOptions options;
  options.read_only = true;
  auto store = storage::Store::Open(db, options);
  ASSERT_TRUE(store.ok()) << store.status();
  int evidence = 0;
  ASSERT_TRUE((*store)
                  ->ForEachFact([&](const Fact& f) {
                    EXPECT_TRUE((*store)
                                    ->ForEachEvidence(f,
                                                      [&](const Evidence& e) {
                                                        EXPECT_LE(e.end(), text.size());
                                                        EXPECT_EQ(text.substr(e.start(),
                                                                              e.end() - e.start()),
                                                                  e.text());
                                                        ++evidence;
                                                        return true;
                                                      })
                                    .ok());
                    return true;
                  })
                  .ok());
  EXPECT_GT(evidence, 0);
}

TEST(KgLoadTest, BadInputsAreReportedTheRestLoadedAndTheExitStatusIsOne) {
  std::string dir = MakeTempDir("bad");
  std::string db = dir + "/kg.db";
  std::string summary = dir + "/summary.json";
  ProgramResult r = RunProgram(
      "kg-load",
      {"--db", db, "--json-summary", summary, "--max-doc-bytes", "256", LoadFixture("bad"),
       LoadFixture("corpus/port-security.txt"), dir + "/does-not-exist"},
      dir);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("archive.txt: binary file (NUL byte at offset 5): skipped"));
  EXPECT_THAT(r.err, HasSubstr("controls.txt: binary file"));
  EXPECT_THAT(r.err, HasSubstr("bad-utf8.txt: byte 29: invalid UTF-8"));
  EXPECT_THAT(r.err, HasSubstr("docs.jsonl:3: malformed JSON"));
  EXPECT_THAT(r.err, HasSubstr("unterminated.wiki:7:"));
  EXPECT_THAT(r.err, HasSubstr("long.txt"));  // split warning
  EXPECT_THAT(r.err, HasSubstr("does-not-exist: no such file or directory"));
  nlohmann::json j = ReadJson(summary);
  ASSERT_TRUE(j.is_object());
  // bad-utf8, ok-1, ok-2, the two wiki documents, long.txt's parts (>= 3),
  // port-security.
  EXPECT_GE(j["documents"].get<int>(), 9);
  EXPECT_GE(j["failures"].get<int>(), 8);
  EXPECT_FALSE(j["stopped"].get<bool>());
  auto store = storage::Store::Open(db, {.read_only = true});
  ASSERT_TRUE(store.ok());
  auto ok2 = (*store)->GetDocument("ok-2");
  ASSERT_TRUE(ok2.ok());
  EXPECT_TRUE(ok2->has_value());  // the line after the bad ones still loaded
}

TEST(KgLoadTest, StrictStopsAtTheFirstError) {
  std::string dir = MakeTempDir("strict");
  std::string summary = dir + "/summary.json";
  ProgramResult r = RunProgram("kg-load",
                               {"--db", dir + "/kg.db", "--strict", "--json-summary", summary,
                                LoadFixture("bad/docs.jsonl"), LoadFixture("corpus")},
                               dir);
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.out, HasSubstr("stopped at the first error"));
  nlohmann::json j = ReadJson(summary);
  EXPECT_TRUE(j["stopped"].get<bool>());
  EXPECT_EQ(j["failures"], 1);
  EXPECT_LE(j["documents"].get<int>(), 1);
}

TEST(KgLoadTest, StructuredTriplesGoThroughTheBulkPath) {
  std::string dir = MakeTempDir("triples");
  std::string db = dir + "/kg.db";
  std::string summary = dir + "/summary.json";
  ProgramResult r =
      RunProgram("kg-load", {"--db", db, "--json-summary", summary, LoadFixture("triples")}, dir);
  EXPECT_EQ(r.exit_code, 1) << r.err;  // the fixtures carry bad lines on purpose
  nlohmann::json j = ReadJson(summary);
  EXPECT_EQ(j["triples"], 9);
  EXPECT_EQ(j["failures"], 6);
  auto store = storage::Store::Open(db, {.read_only = true});
  ASSERT_TRUE(store.ok());
  auto stats = (*store)->Stats();
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->facts, 9u);
  int imported = 0;
  ASSERT_TRUE((*store)
                  ->ForEachFact([&](const Fact& f) {
                    imported += (f.flags() & IMPORTED) != 0;
                    return true;
                  })
                  .ok());
  EXPECT_EQ(imported, 9);
  // Loading the same triples again adds nothing.
  std::vector<std::string> before = StoreSnapshot(db);
  RunProgram("kg-load", {"--db", db, LoadFixture("triples")}, dir);
  EXPECT_EQ(StoreSnapshot(db), before);
}

// A deterministic synthetic corpus: `docs` short news items built from
// fixed word lists with a seeded generator.
void WriteCorpus(const std::string& dir, int docs) {
  const char* people[] = {"Maria Lopez",  "John Carter", "Amina Diallo", "Chen Wei",
                          "Olga Petrova", "Rahul Mehta", "Sara Cohen",   "Tomas Novak"};
  const char* orgs[] = {"the United Nations",     "the World Bank",          "the Red Cross",
                        "the Ministry of Health", "the European Commission", "Interpol"};
  const char* places[] = {"Mexico", "Kenya", "Peru", "Vietnam", "Norway", "Ghana", "Chile"};
  const char* topics[] = {"arms trafficking", "water security",     "malaria research",
                          "port inspections", "refugee protection", "trade rules"};
  std::mt19937 rng(20210318);
  auto pick = [&rng](auto& arr) { return arr[rng() % (sizeof(arr) / sizeof(arr[0]))]; };
  std::filesystem::create_directories(dir);
  for (int d = 0; d < docs; ++d) {
    std::ofstream out(dir + "/item-" + std::to_string(1000 + d) + ".txt");
    out << "Report " << d << " on " << pick(topics) << "\n\n";
    for (int s = 0; s < 12; ++s) {
      switch (rng() % 4) {
        case 0:
          out << pick(people) << " met officials from " << pick(orgs) << " in " << pick(places)
              << ". ";
          break;
        case 1:
          out << pick(orgs) << " announced a program on " << pick(topics) << " with "
              << pick(places) << ". ";
          break;
        case 2:
          out << pick(places) << " and " << pick(places) << " signed an agreement on "
              << pick(topics) << ". ";
          break;
        default:
          out << pick(people) << " said that " << pick(orgs) << " would fund " << pick(topics)
              << ". ";
          break;
      }
      if (s % 4 == 3) out << "\n\n";
    }
  }
}

// Kills kg-load runs (with `options`) at random points, each resuming the
// last one's store, and checks that a final run leaves the content of one
// uninterrupted run.
void KillAndResume(const std::string& name, const std::vector<std::string>& options) {
  std::string dir = MakeTempDir(name);
  std::string corpus = dir + "/corpus";
  WriteCorpus(corpus, 120);
  std::filesystem::copy_file(LoadFixture("triples/fb.tsv"), corpus + "/links.tsv");
  std::vector<std::string> common = {"--threads", "2", "--quiet"};
  common.insert(common.end(), options.begin(), options.end());
  common.push_back(corpus);
  auto args_for = [&](const std::string& db) {
    std::vector<std::string> a = {"--db", db};
    a.insert(a.end(), common.begin(), common.end());
    return a;
  };

  // The reference: one uninterrupted run, timed to choose kill points.
  std::string clean_db = dir + "/clean.db";
  auto t0 = std::chrono::steady_clock::now();
  ProgramResult clean = RunProgram("kg-load", args_for(clean_db), dir);
  double clean_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  ASSERT_EQ(clean.exit_code, 1) << clean.err;  // fb.tsv has two bad rows on purpose
  std::vector<std::string> expected = StoreSnapshot(clean_db);
  ASSERT_GT(expected.size(), 100u);

  // Kill runs at random points (fixed seed), each resuming the last one's
  // store, then finish with a run that is left alone.
  std::string db = dir + "/killed.db";
  std::mt19937 rng(8);
  std::uniform_real_distribution<double> when(0.05, 0.95);
  const int kKills = 6;
  int killed = 0;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(40);
  for (int i = 0; i < kKills && std::chrono::steady_clock::now() < deadline; ++i) {
    pid_t pid = ::kg::tools::testing::StartProgram("kg-load", args_for(db), dir + "/out.txt",
                                                   dir + "/err.txt");
    ASSERT_GT(pid, 0);
    std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(when(rng) * clean_ms));
    kill(pid, SIGKILL);
    int code = ::kg::tools::testing::WaitProgram(pid);
    killed += code == -1;
    // After every kill the store opens and its invariants hold.
    storage::StoreOptions ro;
    ro.read_only = true;
    auto store = storage::Store::Open(db, ro);
    if (!store.ok()) continue;  // killed before the store was created
    auto check = (*store)->Check();
    if (check.ok()) {
      EXPECT_TRUE(check->ok()) << "after kill " << i << ": "
                               << (check->problems.empty() ? "" : check->problems[0]);
    }
  }
  EXPECT_GT(killed, 0);
  ProgramResult final_run = RunProgram("kg-load", args_for(db), dir);
  ASSERT_EQ(final_run.exit_code, 1) << final_run.err;
  EXPECT_EQ(StoreSnapshot(db), expected);
}

TEST(KgLoadTest, KilledRunsResumeToTheSameStoreAsAnUninterruptedRun) {
  KillAndResume("resume", {"--doc-bulk", "off"});
}

// The document bulk path: a kill loses at most the chunk being staged.
// Small chunks (~10 documents) so that a run ingests several.
TEST(KgLoadTest, KilledBulkRunsResumeToTheSameStoreAsAnUninterruptedRun) {
  KillAndResume("resume-bulk", {"--doc-bulk", "on", "--doc-bulk-chunk", "40000"});
}

// Bulk mode is entered at the first document: structured triples alone
// never pay for its set-up and wind-down, even when it is asked for.
TEST(KgLoadTest, TriplesAloneDoNotEnterDocumentBulkMode) {
  std::string dir = MakeTempDir("doc-bulk-triples");
  std::string tsv = dir + "/t.tsv";
  {
    std::ofstream out(tsv, std::ios::binary);
    for (int i = 0; i < 50; ++i) out << "/m/s" << i << "\t/r/p\t/m/o" << i % 7 << "\n";
  }
  std::string summary = dir + "/s.json";
  ProgramResult r = RunProgram(
      "kg-load", {"--db", dir + "/db", "--quiet", "--doc-bulk", "on", "--json-summary", summary, tsv},
      dir);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = ReadJson(summary);
  EXPECT_EQ(j["document_bulk"], false);
  EXPECT_EQ(j["triples"], 50);
  EXPECT_EQ(j["store_facts"], 50);
}

TEST(KgLoadTest, TheDocumentBulkPathStoresWhatOneWritePerDocumentStores) {
  std::string dir = MakeTempDir("doc-bulk");
  std::string corpus = dir + "/corpus";
  WriteCorpus(corpus, 60);
  std::vector<std::vector<std::string>> snapshots;
  for (const char* mode : {"off", "on"}) {
    std::string db = dir + "/" + mode + ".db";
    std::string summary = dir + "/" + mode + ".json";
    ProgramResult r = RunProgram("kg-load",
                                 {"--db", db, "--quiet", "--threads", "2", "--doc-bulk", mode,
                                  "--doc-bulk-chunk", "40000", "--json-summary", summary, corpus},
                                 dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json j = ReadJson(summary);
    EXPECT_EQ(j["document_bulk"], std::string(mode) == "on");
    EXPECT_EQ(j["documents"], 60);
    snapshots.push_back(StoreSnapshot(db));
    storage::StoreOptions ro;
    ro.read_only = true;
    auto store = storage::Store::Open(db, ro);
    ASSERT_TRUE(store.ok()) << store.status();
    auto check = (*store)->Check();
    ASSERT_TRUE(check.ok()) << check.status();
    EXPECT_TRUE(check->ok()) << (check->problems.empty() ? "" : check->problems[0]);
    EXPECT_FALSE(std::filesystem::exists(db + "/docbulk.tmp"));
  }
  ASSERT_GT(snapshots[0].size(), 100u);
  EXPECT_EQ(snapshots[0], snapshots[1]);
}

}  // namespace
}  // namespace kg::tools
