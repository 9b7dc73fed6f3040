// Fuzzes kg-load's file readers (tools/load_reader.h) through the real file
// path: the input (after a first byte choosing the format: text, html, wiki,
// jsonl, tsv, ntriples, triples-jsonl, auto) is put in a memory file and read
// with ReadInputFile. Every document must be valid UTF-8 with an id, every
// triple complete, every issue must name the file and say what is wrong.

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_check.h"
#include "tools/load_reader.h"

namespace {

using kg::tools::InputFormat;

class CheckingSink : public kg::tools::ReadSink {
 public:
  explicit CheckingSink(std::string path) : path_(std::move(path)) {}
  bool OnDocument(kg::tools::SourceDocument doc) override {
    FUZZ_CHECK(!doc.id.empty(), "document without an id");
    FUZZ_CHECK(kg::fuzz::IsValidUtf8(doc.text), "document text is not valid UTF-8");
    FUZZ_CHECK(doc.part >= 0 && doc.part < doc.parts, "bad part index");
    return true;
  }
  bool OnTriple(kg::tools::SourceTriple t) override {
    FUZZ_CHECK(!t.subject.empty() && !t.predicate.empty(), "triple without subject/predicate");
    FUZZ_CHECK(t.line > 0, "triple without a line number");
    return true;
  }
  bool OnIssue(kg::tools::LoadIssue issue) override {
    FUZZ_CHECK(issue.file == path_, "issue names another file: " + issue.file);
    FUZZ_CHECK(!issue.message.empty(), "issue without a message");
    return true;
  }

 private:
  std::string path_;
};

int MemFile() {
  static int fd = memfd_create("kg_fuzz_input", MFD_CLOEXEC);
  return fd;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  static constexpr InputFormat kFormats[] = {
      InputFormat::kText,     InputFormat::kHtml,        InputFormat::kWiki,
      InputFormat::kJsonl,    InputFormat::kTsv,         InputFormat::kNTriples,
      InputFormat::kTriplesJsonl, InputFormat::kAuto};
  kg::tools::ReadOptions options;
  options.format = kFormats[data[0] % 8];
  options.max_doc_bytes = 64 + 61 * (data[0] / 8);  // small, so splitting is exercised
  int fd = MemFile();
  FUZZ_CHECK(fd >= 0, "memfd_create failed");
  FUZZ_CHECK(ftruncate(fd, 0) == 0, "ftruncate failed");
  FUZZ_CHECK(pwrite(fd, data + 1, size - 1, 0) == static_cast<ssize_t>(size - 1), "pwrite failed");
  kg::tools::InputFile file;
  file.path = "/proc/self/fd/" + std::to_string(fd);
  file.size = size - 1;
  CheckingSink sink(file.path);
  InputFormat used = kg::tools::ReadInputFile(file, options, &sink);
  FUZZ_CHECK(used != InputFormat::kAuto, "ReadInputFile returned kAuto");
  return 0;
}
