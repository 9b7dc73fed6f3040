#ifndef KG_TOOLS_LOAD_READER_H_
#define KG_TOOLS_LOAD_READER_H_

// Reads one input file of any kg-load format into a stream of documents
// (for extraction) or structured triples (for the bulk path), reporting every
// problem with the file and a line number or byte offset. Reading is
// streaming: line formats are read in fixed-size blocks, so a file of any
// size takes bounded memory; a prose document is held whole (and split when
// it exceeds max_doc_bytes).

#include <cstdint>
#include <string>

#include "tools/load_files.h"
#include "tools/load_format.h"
#include "tools/load_triple.h"

namespace kg::tools {

// One document (or one part of an oversize document) ready for extraction.
struct SourceDocument {
  std::string id;      // store id: the file's absolute path, a wiki URL, a JSON "id"
  std::string source;  // the file it came from
  std::string title;
  std::string date;
  std::string text;  // valid UTF-8 (repaired one byte for one byte)
  // Offset of `text` in the whole document: non-zero for the second and later
  // parts of a split document. Evidence offsets are shifted by it, so they
  // stay offsets into the document as a whole.
  uint64_t base_offset = 0;
  int part = 0;  // 0-based part index
  int parts = 1;
};

struct LoadIssue {
  enum class Severity {
    kError,    // input lost or altered: counts as a failure (exit status 1)
    kWarning,  // handled without loss (e.g. an oversize document split)
  };
  Severity severity = Severity::kError;
  std::string file;
  uint64_t line = 0;    // 1-based; 0 when not line-based
  int64_t offset = -1;  // byte offset in the file; -1 when not known
  std::string message;

  // "file:line: message", "file: byte N: message" or "file: message".
  std::string ToString() const;
};

// Receives what a reader produces. Returning false stops the reader (strict
// mode after an error, or cancellation).
class ReadSink {
 public:
  virtual ~ReadSink() = default;
  virtual bool OnDocument(SourceDocument doc) = 0;
  virtual bool OnTriple(SourceTriple triple) = 0;
  // Plain triples in bulk (TSV), in file order; issues found after them
  // come after the call. By default each goes to OnTriple. The sink may take
  // the batch's contents (the reader clears it after the call).
  virtual bool OnTriples(TripleBatch* batch) {
    for (size_t i = 0; i < batch->size(); ++i) {
      if (!OnTriple(batch->Get(i))) return false;
    }
    return true;
  }
  virtual bool OnIssue(LoadIssue issue) = 0;
  // Bytes of the file consumed so far since the last call, for progress.
  virtual void OnBytesRead(uint64_t /*bytes*/) {}
};

struct ReadOptions {
  InputFormat format = InputFormat::kAuto;  // kAuto: DetectFormat per file
  uint64_t max_doc_bytes = 1 << 20;         // larger documents are split
};

// Reads `file` into `sink`. Returns the format used (detected or forced).
InputFormat ReadInputFile(const InputFile& file, const ReadOptions& options, ReadSink* sink);

}  // namespace kg::tools

#endif  // KG_TOOLS_LOAD_READER_H_
