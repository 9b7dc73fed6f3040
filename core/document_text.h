#ifndef KG_CORE_DOCUMENT_TEXT_H_
#define KG_CORE_DOCUMENT_TEXT_H_

// kg::core::DocumentText: the first look at a document's bytes, before any
// language analysis. It validates the input, finds the title and the dateline
// date, and marks the regions that carry no content (HTML markup, page
// furniture such as comment forms and photo credits, bibliographies,
// headings). Nothing is deleted or normalised: masked() has exactly the
// length of the input, with skipped bytes blanked, so every offset computed on
// it is an offset into the original bytes.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace kg::core {

enum class RegionKind {
  kMarkup,     // HTML tags, scripts, styles, comments
  kFurniture,  // "Leave a Comment", "Photos: ...", "click here", ...
  kSources,    // a "Sources"/"References" heading and its citation lines
  kHeading,    // title and section headings (no sentence, title case)
  kDateline,   // "03/18/21 (written by x) –" before the first sentence
};

struct TextRegion {
  uint32_t begin = 0;
  uint32_t end = 0;  // one past the last byte
  RegionKind kind = RegionKind::kFurniture;
};

class DocumentText {
 public:
  // Fails with InvalidArgumentError on invalid UTF-8 (naming the byte offset),
  // on empty or whitespace-only input, and on input of 4 GiB or more.
  // `text` must outlive the result.
  static absl::StatusOr<DocumentText> Parse(std::string_view text);

  std::string_view text() const { return text_; }
  // The text with skipped regions replaced by spaces (markup between blocks by
  // newlines, so paragraphs stay apart). Same length as text().
  const std::string& masked() const { return masked_; }
  // Skipped regions in text order, non-overlapping.
  const std::vector<TextRegion>& skipped() const { return skipped_; }
  // The document title ("" when none was found): the main heading at the top.
  const std::string& title() const { return title_; }
  // ISO date (YYYY-MM-DD) from a dateline near the top, or "".
  const std::string& date() const { return date_; }

 private:
  std::string_view text_;
  std::string masked_;
  std::vector<TextRegion> skipped_;
  std::string title_;
  std::string date_;
};

// Parses one date expression at the start of `s` ("03/18/21", "3/18/2021",
// "March 2, 2021", "2 March 2021", "2021-03-18"). On success returns the ISO
// date and sets *length to the bytes consumed; otherwise returns "".
std::string ParseDateAt(std::string_view s, size_t* length);

}  // namespace kg::core

#endif  // KG_CORE_DOCUMENT_TEXT_H_
