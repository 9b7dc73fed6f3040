// Fuzzes kg::core::DocumentText, the first look at a document's bytes (UTF-8
// validation, title and dateline, masking of HTML markup and furniture: the
// HTML stripper). Checks core/document_text.h: masked() has the input's
// length, skipped regions are ordered, disjoint and inside the text, bytes
// outside them are untouched; invalid input is an InvalidArgumentError.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/document_text.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<kg::core::DocumentText> doc = kg::core::DocumentText::Parse(text);
  if (!doc.ok()) {
    FUZZ_CHECK(doc.status().code() == absl::StatusCode::kInvalidArgument,
               std::string(doc.status().message()));
    return 0;
  }
  FUZZ_CHECK(kg::fuzz::IsValidUtf8(std::string(text)), "invalid UTF-8 accepted");
  const std::string& masked = doc->masked();
  FUZZ_CHECK(masked.size() == size, "masked text has another length");
  size_t pos = 0;
  for (const kg::core::TextRegion& r : doc->skipped()) {
    FUZZ_CHECK(r.begin >= pos && r.begin < r.end && r.end <= size,
               "bad skipped region [" + std::to_string(r.begin) + ", " + std::to_string(r.end) +
                   ") after " + std::to_string(pos) + " in " + std::to_string(size) + " bytes");
    FUZZ_CHECK(masked.compare(pos, r.begin - pos, text.substr(pos, r.begin - pos)) == 0,
               "bytes outside skipped regions changed");
    for (uint32_t i = r.begin; i < r.end; ++i) {
      FUZZ_CHECK(masked[i] == ' ' || masked[i] == '\n' || masked[i] == text[i],
                 "a skipped byte became something else than a blank");
    }
    pos = r.end;
  }
  FUZZ_CHECK(masked.compare(pos, size - pos, text.substr(pos)) == 0,
             "bytes after the last skipped region changed");
  FUZZ_CHECK(kg::fuzz::IsValidUtf8(masked), "masked text is not valid UTF-8");
  FUZZ_CHECK(kg::fuzz::IsValidUtf8(doc->title()), "title is not valid UTF-8");
  const std::string& date = doc->date();
  FUZZ_CHECK(date.empty() || (date.size() == 10 && date[4] == '-' && date[7] == '-'),
             "date is not ISO: " + date);
  return 0;
}
