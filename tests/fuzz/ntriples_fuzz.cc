// Fuzzes kg-load's N-Triples line parser (tools/load_ntriples.h): any line
// gives a triple, "nothing here", or an InvalidArgumentError naming a column;
// a parsed triple has its three parts and valid UTF-8 everywhere.

#include <cstdint>
#include <string>
#include <string_view>

#include "tests/fuzz/fuzz_check.h"
#include "tools/load_ntriples.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  if (line.find('\n') != std::string_view::npos) return 0;  // one line at a time
  kg::tools::SourceTriple t;
  absl::StatusOr<bool> r = kg::tools::ParseNTriplesLine(line, &t);
  if (!r.ok()) {
    FUZZ_CHECK(r.status().code() == absl::StatusCode::kInvalidArgument,
               std::string(r.status().message()));
    FUZZ_CHECK(r.status().message().find("column") != std::string_view::npos,
               "error without a column: " + std::string(r.status().message()));
    return 0;
  }
  if (!*r) return 0;
  FUZZ_CHECK(!t.subject.empty() && !t.predicate.empty(), "triple without subject or predicate");
  FUZZ_CHECK(t.object_is_literal || !t.object.empty(), "non-literal object is empty");
  for (const std::string* s : {&t.subject, &t.predicate, &t.object, &t.language, &t.datatype}) {
    FUZZ_CHECK(kg::fuzz::IsValidUtf8(*s), "invalid UTF-8 in a parsed triple");
  }
  return 0;
}
