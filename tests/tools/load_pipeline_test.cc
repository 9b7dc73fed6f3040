#include "tools/load_pipeline.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/tools/load_fakes_testutil.h"
#include "tests/tools/load_testutil.h"

namespace kg::tools {
namespace {

using ::kg::tools::testing::FakeExtractor;
using ::kg::tools::testing::FakeStore;
using ::kg::tools::testing::FakeTripleSink;
using ::kg::tools::testing::LoadFixture;
using ::kg::tools::testing::MakeTempDir;
using ::testing::HasSubstr;

class Forwarding : public core::Extractor {
 public:
  explicit Forwarding(const FakeExtractor* e) : e_(e) {}
  absl::StatusOr<DocumentFacts> Extract(const Document& d, std::string_view t) const override {
    return e_->Extract(d, t);
  }

 private:
  const FakeExtractor* e_;
};

std::vector<InputFile> Files(const std::vector<std::string>& paths) {
  std::vector<PathError> errors;
  std::vector<InputFile> files = CollectInputFiles(paths, &errors);
  EXPECT_TRUE(errors.empty());
  return files;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct LoadRun {
  absl::StatusOr<LoadSummary> summary = absl::UnknownError("not run");
  std::vector<LoadIssue> issues;
};

LoadRun Load(FakeStore* store, const FakeExtractor* extractor, TripleSink* triples,
             const std::vector<InputFile>& files, LoadOptions options = {},
             const std::vector<PathError>& path_errors = {}) {
  LoadRun run;
  if (options.threads == 0) options.threads = 2;
  Loader loader(
      store,
      [extractor]() -> absl::StatusOr<std::unique_ptr<core::Extractor>> {
        return std::make_unique<Forwarding>(extractor);
      },
      triples, options, [&run](const LoadIssue& i) { run.issues.push_back(i); });
  run.summary = loader.Run(files, path_errors);
  return run;
}

TEST(LoadPipelineTest, LoadsEveryDocumentOnceAndRerunsSkipThem) {
  FakeStore store;
  FakeExtractor extractor;
  std::vector<InputFile> files = Files({LoadFixture("corpus")});
  LoadRun first = Load(&store, &extractor, nullptr, files);
  ASSERT_TRUE(first.summary.ok()) << first.summary.status();
  EXPECT_TRUE(first.issues.empty());
  // port-security.txt, water-accord.md, grant.html and three JSON lines.
  EXPECT_EQ(first.summary->documents, 6u);
  EXPECT_EQ(first.summary->unchanged, 0u);
  EXPECT_EQ(first.summary->errors, 0u);
  EXPECT_GT(first.summary->facts, 6u);
  EXPECT_EQ(first.summary->sentences, first.summary->facts);  // one fact a sentence
  uint64_t total = 0;
  for (const InputFile& f : files) total += f.size;
  EXPECT_EQ(first.summary->bytes, total);
  EXPECT_EQ(extractor.calls.load(), 6);
  auto docs = store.Docs();
  ASSERT_EQ(docs.size(), 6u);
  const DocumentFacts& news = docs.at("news-1");
  EXPECT_EQ(news.document().title(), "Bridge Opens");
  EXPECT_EQ(news.document().date(), "2021-05-02");
  EXPECT_THAT(news.document().content_hash(), ::testing::StartsWith("sha256:"));
  EXPECT_GT(news.document().ingest_time(), 0);

  // A rerun finds everything stored with the same hash: no extraction at all.
  LoadRun second = Load(&store, &extractor, nullptr, files);
  ASSERT_TRUE(second.summary.ok());
  EXPECT_EQ(second.summary->documents, 0u);
  EXPECT_EQ(second.summary->unchanged, 6u);
  EXPECT_EQ(extractor.calls.load(), 6);
}

TEST(LoadPipelineTest, ChangedContentIsReextracted) {
  std::string dir = MakeTempDir("changed");
  std::ofstream(dir + "/a.txt") << "Alpha met Beta. Gamma left.";
  std::ofstream(dir + "/b.txt") << "Delta met Epsilon.";
  FakeStore store;
  FakeExtractor extractor;
  ASSERT_TRUE(Load(&store, &extractor, nullptr, Files({dir})).summary.ok());
  std::ofstream(dir + "/a.txt", std::ios::trunc) << "Alpha met Beta again.";
  LoadRun run = Load(&store, &extractor, nullptr, Files({dir}));
  ASSERT_TRUE(run.summary.ok());
  EXPECT_EQ(run.summary->documents, 1u);
  EXPECT_EQ(run.summary->unchanged, 1u);
  EXPECT_EQ(extractor.calls.load(), 3);
}

TEST(LoadPipelineTest, SplitPartsKeepOffsetsIntoTheWholeDocument) {
  std::string path = LoadFixture("bad/long.txt");
  std::string whole = Slurp(path);
  FakeStore store;
  FakeExtractor extractor;
  LoadOptions options;
  options.read.max_doc_bytes = 256;
  LoadRun run = Load(&store, &extractor, nullptr, Files({path}), options);
  ASSERT_TRUE(run.summary.ok());
  EXPECT_EQ(run.summary->errors, 0u);
  EXPECT_EQ(run.summary->warnings, 1u);
  auto docs = store.Docs();
  ASSERT_GT(docs.size(), 2u);
  int facts = 0;
  for (const auto& [id, doc] : docs) {
    EXPECT_THAT(id, HasSubstr("#part-"));
    EXPECT_THAT(doc.document().title(), HasSubstr("(part "));
    for (const ExtractedFact& f : doc.facts()) {
      const Evidence& e = f.evidence();
      ASSERT_LE(e.end(), whole.size());
      EXPECT_EQ(whole.substr(e.start(), e.end() - e.start()), e.text());
      ++facts;
    }
  }
  EXPECT_EQ(facts, 12);  // the fixture's twelve sentences, none lost or cut
}

TEST(LoadPipelineTest, BadInputIsReportedAndTheRestLoaded) {
  FakeStore store;
  FakeExtractor extractor;
  std::string dir = MakeTempDir("mixed");
  std::ofstream(dir + "/fails.txt") << "Text that says EXTRACTION-FAILS here.";
  std::vector<InputFile> files =
      Files({LoadFixture("bad/docs.jsonl"), LoadFixture("bad/archive.txt"), dir,
             LoadFixture("corpus/port-security.txt")});
  LoadRun run = Load(&store, &extractor, nullptr, files, {},
                     {PathError{"missing/dir", "no such file or directory"}});
  ASSERT_TRUE(run.summary.ok());
  EXPECT_EQ(run.summary->documents, 3u);  // ok-1, ok-2, port-security
  // Path error, 3 bad JSON lines, the binary file, the failed extraction.
  EXPECT_EQ(run.summary->errors, 6u);
  ASSERT_EQ(run.issues.size(), 6u);
  EXPECT_EQ(run.issues[0].ToString(), "missing/dir: no such file or directory");
  std::string all;
  for (const LoadIssue& i : run.issues) all += i.ToString() + "\n";
  EXPECT_THAT(all, HasSubstr("docs.jsonl:3: malformed JSON"));
  EXPECT_THAT(all, HasSubstr("archive.txt: binary file"));
  EXPECT_THAT(all, HasSubstr("fails.txt: extraction failed for document"));
  EXPECT_THAT(all, HasSubstr("cannot analyse byte 15"));
  EXPECT_EQ(run.summary->issues.size(), 6u);
}

TEST(LoadPipelineTest, StrictStopsAtTheFirstError) {
  FakeStore store;
  FakeExtractor extractor;
  LoadOptions options;
  options.strict = true;
  LoadRun run = Load(
      &store, &extractor, nullptr,
      Files({LoadFixture("bad/docs.jsonl"), LoadFixture("corpus/port-security.txt")}), options);
  ASSERT_TRUE(run.summary.ok());
  EXPECT_TRUE(run.summary->stopped);
  EXPECT_EQ(run.summary->errors, 1u);
  EXPECT_EQ(run.summary->files, 1u);  // the second file was never opened
  EXPECT_LE(run.summary->documents, 1u);
  EXPECT_EQ(store.Docs().count(
                std::filesystem::absolute(LoadFixture("corpus/port-security.txt")).string()),
            0u);
}

TEST(LoadPipelineTest, TriplesGoToTheBulkPathInBoundedChunks) {
  FakeStore store;
  FakeExtractor extractor;
  FakeTripleSink sink;
  LoadOptions options;
  options.triple_chunk = 2;
  LoadRun run = Load(&store, &extractor, &sink,
                     Files({LoadFixture("triples/fb.tsv"), LoadFixture("triples/sample.nt"),
                            LoadFixture("triples/sample.jsonl")}),
                     options);
  ASSERT_TRUE(run.summary.ok());
  EXPECT_EQ(run.summary->triples, 9u);
  EXPECT_EQ(run.summary->errors, 6u);
  EXPECT_EQ(sink.triples.size(), 9u);
  for (size_t n : sink.chunk_sizes) EXPECT_LE(n, 2u);
  EXPECT_EQ(sink.finishes, 1);
  EXPECT_EQ(extractor.calls.load(), 0);  // triples bypass extraction
}

TEST(LoadPipelineTest, TriplesWithoutABulkPathAreAFailure) {
  FakeStore store;
  FakeExtractor extractor;
  LoadRun run = Load(&store, &extractor, nullptr, Files({LoadFixture("triples/sample.jsonl")}));
  ASSERT_TRUE(run.summary.ok());
  EXPECT_EQ(run.summary->errors, 3u);  // two bad lines + the unloadable chunk
  EXPECT_THAT(run.issues.back().message, HasSubstr("no bulk path"));
}

TEST(LoadPipelineTest, TheReaderWaitsWhenTheQueuesAreFull) {
  std::string dir = MakeTempDir("bounded");
  for (int i = 0; i < 40; ++i) {
    std::ofstream(dir + "/doc" + std::to_string(100 + i) + ".txt")
        << "Document " << i << " says something. It ends here.";
  }
  FakeStore store;
  FakeExtractor extractor;
  extractor.Block();
  LoadOptions options;
  options.threads = 1;
  options.queue_capacity = 2;
  std::thread release([&] {
    // However long the worker is stuck, the reader may only be a few
    // documents ahead: one in the worker, two queued, one being pushed.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_LE(store.get_calls.load(), 4);
    extractor.Release();
  });
  LoadRun run = Load(&store, &extractor, nullptr, Files({dir}), options);
  release.join();
  ASSERT_TRUE(run.summary.ok());
  EXPECT_EQ(run.summary->documents, 40u);
}

TEST(LoadPipelineTest, ExtractorCreationFailureStopsTheRun) {
  FakeStore store;
  Loader loader(
      &store,
      []() -> absl::StatusOr<std::unique_ptr<core::Extractor>> {
        return absl::NotFoundError("model file missing");
      },
      nullptr, LoadOptions{}, nullptr);
  absl::StatusOr<LoadSummary> s = loader.Run(Files({LoadFixture("corpus")}), {});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(std::string(s.status().message()), HasSubstr("model file missing"));
}

}  // namespace
}  // namespace kg::tools
