#ifndef KG_TOOLS_LOAD_FORMAT_H_
#define KG_TOOLS_LOAD_FORMAT_H_

// The input formats kg-load reads, and how a file's format is recognised:
// by extension first, then by sniffing its first bytes.

#include <string_view>

#include "absl/status/statusor.h"

namespace kg::tools {

enum class InputFormat {
  kAuto,          // detect per file
  kText,          // .txt / .md: one document per file
  kHtml,          // .html / .htm: one document; markup is masked by core/
  kWiki,          // WikiExtractor output: many <doc id url title>...</doc>
  kJsonl,         // JSON lines of documents {"id","title","text","date","url"}
  kTsv,           // structured triples: head TAB relation TAB tail
  kNTriples,      // structured triples: N-Triples
  kTriplesJsonl,  // structured triples: {"subject","predicate","object"}
};

// "auto", "text", "html", "wiki", "jsonl", "tsv", "ntriples", "triples-jsonl".
absl::StatusOr<InputFormat> ParseInputFormat(std::string_view name);
std::string_view InputFormatName(InputFormat format);

// Structured formats bypass extraction and go to the storage bulk path.
bool IsStructured(InputFormat format);

// The format of the file at `path` whose first bytes are `head` (up to a few
// KiB). Never returns kAuto: unknown prose defaults to kText.
InputFormat DetectFormat(std::string_view path, std::string_view head);

}  // namespace kg::tools

#endif  // KG_TOOLS_LOAD_FORMAT_H_
