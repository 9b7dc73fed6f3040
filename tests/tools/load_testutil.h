#ifndef KG_TESTS_TOOLS_LOAD_TESTUTIL_H_
#define KG_TESTS_TOOLS_LOAD_TESTUTIL_H_

// Helpers shared by the kg-load tests.

#include <string>
#include <vector>

#include "tools/load_reader.h"

namespace kg::tools::testing {

// tests/data/load/<relative>.
std::string LoadFixture(const std::string& relative);

// A fresh empty directory under the test's temporary directory.
std::string MakeTempDir(const std::string& name);

// Records everything a reader produces.
class RecordingSink : public ReadSink {
 public:
  bool OnDocument(SourceDocument doc) override;
  bool OnTriple(SourceTriple triple) override;
  bool OnIssue(LoadIssue issue) override;
  void OnBytesRead(uint64_t bytes) override { bytes_ += bytes; }

  std::vector<SourceDocument> docs;
  std::vector<SourceTriple> triples;
  std::vector<LoadIssue> issues;
  uint64_t bytes_ = 0;
  bool stop_on_issue = false;

  std::vector<LoadIssue> Errors() const;
  // All issue texts, one a line, for failure messages.
  std::string IssueText() const;
};

// Reads one file with the given format into a new sink.
RecordingSink ReadFixture(const std::string& path, InputFormat format = InputFormat::kAuto,
                          uint64_t max_doc_bytes = 1 << 20);

}  // namespace kg::tools::testing

#endif  // KG_TESTS_TOOLS_LOAD_TESTUTIL_H_
