#include "tools/load_format.h"

#include <array>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"

namespace kg::tools {
namespace {

constexpr std::array<std::pair<std::string_view, InputFormat>, 8> kNames = {{
    {"auto", InputFormat::kAuto},
    {"text", InputFormat::kText},
    {"html", InputFormat::kHtml},
    {"wiki", InputFormat::kWiki},
    {"jsonl", InputFormat::kJsonl},
    {"tsv", InputFormat::kTsv},
    {"ntriples", InputFormat::kNTriples},
    {"triples-jsonl", InputFormat::kTriplesJsonl},
}};

std::string_view Extension(std::string_view path) {
  size_t slash = path.rfind('/');
  std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
  size_t dot = base.rfind('.');
  if (dot == std::string_view::npos || dot == 0) return "";
  return base.substr(dot + 1);
}

std::string_view StripTrailingSpace(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool ContainsIgnoreCase(std::string_view haystack, std::string_view lower_needle) {
  std::string lower = absl::AsciiStrToLower(std::string(haystack));
  return lower.find(lower_needle) != std::string::npos;
}

std::string_view FirstLine(std::string_view head) {
  size_t start = head.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  if (start == std::string_view::npos) return "";
  head.remove_prefix(start);
  return head.substr(0, head.find('\n'));
}

// A JSON-lines file is documents when its first object has a "text" field,
// triples when it has "subject"/"predicate"/"object".
InputFormat SniffJson(std::string_view line) {
  if (line.find("\"predicate\"") != line.npos && line.find("\"subject\"") != line.npos) {
    return InputFormat::kTriplesJsonl;
  }
  return InputFormat::kJsonl;
}

bool LooksLikeNTriples(std::string_view line) {
  if (!(line.starts_with("<") || line.starts_with("_:"))) return false;
  std::string_view trimmed = StripTrailingSpace(line);
  return trimmed.ends_with(".") && trimmed.find("> <") != trimmed.npos;
}

bool LooksLikeTsvTriples(std::string_view line) {
  // Exactly three non-empty tab-separated fields, short ones (identifiers,
  // not prose).
  if (line.size() > 1024) return false;
  int tabs = 0;
  for (char c : line) tabs += c == '\t';
  if (tabs != 2) return false;
  return line.front() != '\t' && StripTrailingSpace(line).back() != '\t';
}

}  // namespace

absl::StatusOr<InputFormat> ParseInputFormat(std::string_view name) {
  for (const auto& [n, f] : kNames) {
    if (n == name) return f;
  }
  std::vector<std::string> all;
  for (const auto& [n, f] : kNames) all.emplace_back(n);
  return absl::InvalidArgumentError(absl::StrCat("unknown --format '", std::string(name),
                                                 "' (expected one of: ", absl::StrJoin(all, ", "),
                                                 ")"));
}

std::string_view InputFormatName(InputFormat format) {
  for (const auto& [n, f] : kNames) {
    if (f == format) return n;
  }
  return "?";
}

bool IsStructured(InputFormat format) {
  return format == InputFormat::kTsv || format == InputFormat::kNTriples ||
         format == InputFormat::kTriplesJsonl;
}

InputFormat DetectFormat(std::string_view path, std::string_view head) {
  std::string ext = absl::AsciiStrToLower(std::string(Extension(path)));
  std::string_view line = FirstLine(head);
  if (ext == "html" || ext == "htm" || ext == "xhtml") return InputFormat::kHtml;
  if (ext == "nt") return InputFormat::kNTriples;
  if (ext == "tsv") return InputFormat::kTsv;
  if (ext == "jsonl" || ext == "ndjson" || ext == "json") return SniffJson(line);
  if (ext == "md" || ext == "markdown") return InputFormat::kText;
  // .txt and extension-less files: WikiExtractor shards (wiki_00) and the
  // FB15k-237 splits (train.txt) carry no telling extension, so sniff.
  if (line.starts_with("<doc ") || line.starts_with("<doc>")) {
    return InputFormat::kWiki;
  }
  if (line.starts_with("{")) return SniffJson(line);
  if (LooksLikeNTriples(line)) return InputFormat::kNTriples;
  if (LooksLikeTsvTriples(line)) return InputFormat::kTsv;
  std::string_view lower_head = head.substr(0, 512);
  if (ContainsIgnoreCase(lower_head, "<!doctype html") || ContainsIgnoreCase(lower_head, "<html")) {
    return InputFormat::kHtml;
  }
  return InputFormat::kText;
}

}  // namespace kg::tools
