#include "core/iob2.h"

#include <fstream>
#include <sstream>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace kg::core {
namespace {

std::string MapType(std::string_view t) {
  if (t == "PER") return "PERSON";
  if (t == "OTH") return "MISC";
  return std::string(t);  // ORG, LOC, or an already-mapped kg type
}

}  // namespace

absl::StatusOr<std::vector<NerSentence>> ParseIob2(std::string_view content,
                                                   std::string_view name) {
  const std::string file(name);
  std::vector<NerSentence> out;
  NerSentence current;
  std::string doc_id;
  int line_no = 0;
  auto flush = [&]() {
    if (!current.words.empty()) out.push_back(std::move(current));
    current = NerSentence();
    current.doc_id = doc_id;
  };
  for (absl::string_view piece :
       absl::StrSplit(absl::string_view(content.data(), content.size()), '\n')) {
    std::string_view line(piece.data(), piece.size());
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) {
      flush();
      continue;
    }
    if (line[0] == '#') {
      constexpr std::string_view kSentId = "# sent_id = ";
      constexpr std::string_view kNewDoc = "# newdoc id = ";
      if (line.starts_with(kSentId)) current.id = std::string(line.substr(kSentId.size()));
      if (line.starts_with(kNewDoc)) {
        doc_id = std::string(line.substr(kNewDoc.size()));
        current.doc_id = doc_id;
      }
      continue;
    }
    std::vector<absl::string_view> cols =
        absl::StrSplit(absl::string_view(line.data(), line.size()), '\t');
    if (cols.size() < 3) {
      return absl::InvalidArgumentError(absl::StrCat(
          file, ":", line_no, ": expected ID<TAB>WORD<TAB>TAG, found ", cols.size(), " column(s)"));
    }
    std::string_view tag(cols[2].data(), cols[2].size());
    std::string bio;
    if (tag == "O" || tag == "B-O" || tag == "I-O" || tag == "_") {
      bio = "O";
    } else if ((tag.starts_with("B-") || tag.starts_with("I-")) && tag.size() > 2) {
      bio = std::string(tag.substr(0, 2)) + MapType(tag.substr(2));
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat(file, ":", line_no, ": bad IOB2 tag \"", std::string(tag), "\""));
    }
    current.words.emplace_back(cols[1].data(), cols[1].size());
    current.tags.push_back(std::move(bio));
  }
  flush();
  return out;
}

absl::StatusOr<std::vector<NerSentence>> ReadIob2File(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::stringstream buf;
  buf << in.rdbuf();
  return ParseIob2(buf.str(), path);
}

std::vector<NerSpan> BioToSpans(const std::vector<std::string>& tags) {
  std::vector<NerSpan> spans;
  for (int i = 0; i < static_cast<int>(tags.size()); ++i) {
    const std::string& t = tags[i];
    if (t.size() < 3 || t == "O") continue;
    std::string type = t.substr(2);
    bool continues =
        t[0] == 'I' && !spans.empty() && spans.back().end == i && spans.back().type == type;
    if (continues) {
      spans.back().end = i + 1;
    } else {
      spans.push_back({i, i + 1, type});
    }
  }
  return spans;
}

std::vector<std::string> SpansToBio(const std::vector<NerSpan>& spans, int n) {
  std::vector<std::string> tags(n, "O");
  for (const NerSpan& s : spans) {
    for (int i = s.begin; i < s.end && i < n; ++i) {
      tags[i] = absl::StrCat(i == s.begin ? "B-" : "I-", s.type);
    }
  }
  return tags;
}

}  // namespace kg::core
