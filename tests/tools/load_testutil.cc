#include "tests/tools/load_testutil.h"

#include <filesystem>
#include <mutex>
#include <vector>

#include "gtest/gtest.h"

namespace kg::tools::testing {
namespace {

// Removes the directories MakeTempDir made once their test has passed; a
// failed test keeps them for inspection. The names are stable per test, so
// without this every run left ~20 stores and corpora in the temp directory.
class TempDirCleaner : public ::testing::EmptyTestEventListener {
 public:
  static TempDirCleaner& Get() {
    // Owned by gtest's listener list once appended (never deleted here).
    static TempDirCleaner* cleaner = [] {
      auto* c = new TempDirCleaner;
      ::testing::UnitTest::GetInstance()->listeners().Append(c);
      return c;
    }();
    return *cleaner;
  }

  void Add(const std::filesystem::path& dir) {
    std::lock_guard<std::mutex> lock(mu_);
    dirs_.push_back(dir);
  }

  void OnTestEnd(const ::testing::TestInfo& info) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (info.result() != nullptr && info.result()->Passed()) {
      for (const std::filesystem::path& d : dirs_) {
        std::error_code ec;
        std::filesystem::remove_all(d, ec);
      }
    }
    dirs_.clear();
  }

 private:
  std::mutex mu_;
  std::vector<std::filesystem::path> dirs_;
};

}  // namespace

std::string LoadFixture(const std::string& relative) {
  return std::string(KG_SOURCE_DIR) + "/tests/data/load/" + relative;
}

std::string MakeTempDir(const std::string& name) {
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::filesystem::path dir =
      std::filesystem::path(::testing::TempDir()) /
      ("kg_load_" + std::string(info->test_suite_name()) + "_" + info->name() + "_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  TempDirCleaner::Get().Add(dir);
  return dir.string();
}

bool RecordingSink::OnDocument(SourceDocument doc) {
  docs.push_back(std::move(doc));
  return true;
}

bool RecordingSink::OnTriple(SourceTriple triple) {
  triples.push_back(std::move(triple));
  return true;
}

bool RecordingSink::OnIssue(LoadIssue issue) {
  bool error = issue.severity == LoadIssue::Severity::kError;
  issues.push_back(std::move(issue));
  return !(stop_on_issue && error);
}

std::vector<LoadIssue> RecordingSink::Errors() const {
  std::vector<LoadIssue> out;
  for (const LoadIssue& i : issues) {
    if (i.severity == LoadIssue::Severity::kError) out.push_back(i);
  }
  return out;
}

std::string RecordingSink::IssueText() const {
  std::string out;
  for (const LoadIssue& i : issues) out += i.ToString() + "\n";
  return out;
}

RecordingSink ReadFixture(const std::string& path, InputFormat format, uint64_t max_doc_bytes) {
  RecordingSink sink;
  ReadOptions options;
  options.format = format;
  options.max_doc_bytes = max_doc_bytes;
  std::error_code ec;
  uint64_t size = std::filesystem::file_size(path, ec);
  ReadInputFile(InputFile{path, ec ? 0 : size}, options, &sink);
  return sink;
}

}  // namespace kg::tools::testing
