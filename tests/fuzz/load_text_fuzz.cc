// Fuzzes kg-load's byte-level checks (tools/load_text.h): RepairUtf8 keeps
// the length and yields valid UTF-8 that differs only where bytes were
// invalid; SplitSpans tiles the text with non-empty spans of at most
// max_bytes that never cut a UTF-8 character; BinaryReason never crashes.
// The first two input bytes choose max_bytes.

#include <cstdint>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_check.h"
#include "tools/load_text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  uint64_t max_bytes = 4 + ((uint64_t{data[0]} << 8) | data[1]) % 2048;
  std::string text(reinterpret_cast<const char*>(data) + 2, size - 2);

  (void)kg::tools::BinaryReason(text);

  std::string repaired = text;
  kg::tools::Utf8Repair r = kg::tools::RepairUtf8(&repaired);
  FUZZ_CHECK(repaired.size() == text.size(), "repair changed the length");
  FUZZ_CHECK(kg::fuzz::IsValidUtf8(repaired), "repaired text is not valid UTF-8");
  FUZZ_CHECK((r.bytes == 0) == (repaired == text), "repair count disagrees with the change");
  FUZZ_CHECK((r.bytes == 0) == kg::fuzz::IsValidUtf8(text), "valid text was repaired or v.v.");
  uint64_t changed = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (repaired[i] != text[i]) {
      FUZZ_CHECK(repaired[i] == kg::tools::kSubstituteByte, "repair wrote another byte");
      if (changed == 0) FUZZ_CHECK(i == r.first_offset, "first_offset is wrong");
      ++changed;
    }
  }
  FUZZ_CHECK(changed <= r.bytes, "more bytes changed than reported");

  auto spans = kg::tools::SplitSpans(repaired, max_bytes);
  uint64_t pos = 0;
  for (const auto& [begin, end] : spans) {
    FUZZ_CHECK(begin == pos, "spans do not tile the text");
    FUZZ_CHECK(end > begin || repaired.empty(), "empty span");
    FUZZ_CHECK(end - begin <= max_bytes, "span longer than max_bytes");
    if (end < repaired.size()) {
      FUZZ_CHECK((static_cast<unsigned char>(repaired[end]) & 0xC0) != 0x80,
                 "span cuts a UTF-8 character");
    }
    pos = end;
  }
  FUZZ_CHECK(pos == repaired.size(), "spans do not reach the end");
  return 0;
}
