#include "core/document_text.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <limits>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_format.h"

namespace kg::core {
namespace {

struct Span {
  size_t begin;
  size_t end;
};

// Debian's abseil has its own string_view type, so the few string helpers
// needed here take std::string_view.
std::string Lower(std::string_view s) {
  std::string out(s);
  absl::AsciiStrToLower(&out);
  return out;
}

bool Contains(std::string_view s, std::string_view needle) {
  return s.find(needle) != std::string_view::npos;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

absl::Status ValidateUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data());
  size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    utf8proc_int32_t c;
    utf8proc_ssize_t n = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(text.size() - i), &c);
    if (n <= 0) {
      return absl::InvalidArgumentError(
          absl::StrFormat("invalid UTF-8 at byte offset %d (byte 0x%02X)", i,
                          static_cast<unsigned char>(text[i])));
    }
    i += static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

// --- HTML -----------------------------------------------------------------

bool LooksLikeHtml(std::string_view text) {
  std::string head = Lower(text.substr(0, 4096));
  std::string_view t = Trim(head);
  if (t.starts_with("<!doctype html") || t.starts_with("<html")) return true;
  int tags = 0;
  for (const char* tag : {"<p>", "<p ", "<div", "<body", "<br", "<a href", "</p>", "<head"}) {
    if (Contains(head, tag)) ++tags;
  }
  return tags >= 2;
}

bool IsBlockTag(std::string_view name) {
  static constexpr std::array<std::string_view, 22> kBlocks = {
      "p",  "div", "br", "li", "ul",    "ol",      "h1",     "h2",    "h3",   "h4",     "h5",
      "h6", "tr",  "td", "th", "table", "section", "article", "header", "footer", "title", "blockquote"};
  return std::find(kBlocks.begin(), kBlocks.end(), name) != kBlocks.end();
}

// Blanks tags, comments, scripts and styles in `masked` (a copy of the text),
// recording the regions.
void MaskHtml(std::string& masked, std::vector<TextRegion>& regions) {
  const size_t n = masked.size();
  size_t i = 0;
  auto blank = [&](size_t b, size_t e, bool block) {
    for (size_t k = b; k < e; ++k) masked[k] = ' ';
    if (block && e - b >= 2) masked[b] = masked[b + 1] = '\n';
    regions.push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(e), RegionKind::kMarkup});
  };
  std::string lower = Lower(masked);
  while (i < n) {
    if (masked[i] != '<') {
      ++i;
      continue;
    }
    if (lower.compare(i, 4, "<!--") == 0) {
      size_t e = lower.find("-->", i + 4);
      e = e == std::string::npos ? n : e + 3;
      blank(i, e, false);
      i = e;
      continue;
    }
    size_t j = i + 1;
    bool closing = j < n && masked[j] == '/';
    if (closing) ++j;
    size_t name_begin = j;
    while (j < n && (std::isalnum(static_cast<unsigned char>(masked[j])) || masked[j] == '!')) ++j;
    if (j == name_begin) {  // a literal '<'
      ++i;
      continue;
    }
    std::string name = lower.substr(name_begin, j - name_begin);
    size_t e = masked.find('>', j);
    e = e == std::string::npos ? n : e + 1;
    if (!closing && (name == "script" || name == "style" || name == "noscript")) {
      std::string close = "</" + name;
      // An unclosed script or style runs to the end of the text.
      size_t ce = n;
      if (size_t c = lower.find(close, e); c != std::string::npos) {
        size_t gt = masked.find('>', c);
        ce = gt == std::string::npos ? n : gt + 1;
      }
      blank(i, ce, true);
      i = ce;
      continue;
    }
    blank(i, e, IsBlockTag(name));
    i = e;
  }
}

// --- paragraphs and furniture ---------------------------------------------

// Lines of `s` as [begin, end) without the newline.
std::vector<Span> Lines(std::string_view s) {
  std::vector<Span> lines;
  size_t b = 0;
  while (b <= s.size()) {
    size_t e = s.find('\n', b);
    if (e == std::string_view::npos) e = s.size();
    lines.push_back({b, e});
    b = e + 1;
  }
  return lines;
}

int WordCount(std::string_view s) {
  int words = 0;
  bool in_word = false;
  for (char c : s) {
    bool space = IsSpace(c);
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

// A line that is a heading rather than a sentence: short, no final
// punctuation, and its content words capitalised (or very short).
bool IsHeadingLine(std::string_view line) {
  line = Trim(line);
  if (line.empty()) return false;
  char last = line.back();
  if (last == '.' || last == '!' || last == '?' || last == ',' || last == ';' || last == ':' ||
      last == '"' || static_cast<unsigned char>(last) == 0x9D /* ” */) {
    return false;
  }
  int words = WordCount(line);
  if (words > 20) return false;
  int content = 0, capitalised = 0;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && IsSpace(line[i])) ++i;
    size_t b = i;
    while (i < line.size() && !IsSpace(line[i])) ++i;
    std::string_view w = line.substr(b, i - b);
    if (w.size() <= 3) continue;  // function words: of, the, and, on, ...
    ++content;
    unsigned char c = static_cast<unsigned char>(w.front());
    if (std::isupper(c) || c >= 0x80 || std::isdigit(c)) ++capitalised;
  }
  if (words <= 4) return content == 0 || capitalised >= 1;
  return capitalised * 4 >= content * 3;
}

// An unpunctuated short line: a headline at the top of a document.
bool IsTopLine(std::string_view line) {
  line = Trim(line);
  if (line.empty() || WordCount(line) > 25) return false;
  char last = line.back();
  if (last == '.' || last == '!' || last == '?' || last == ',' || last == ';' || last == ':' ||
      last == '"' || static_cast<unsigned char>(last) == 0x9D) {
    return false;
  }
  // Two sentences on the line ("... Tuesday. For ...") make it body text.
  for (size_t i = 0; i + 2 < line.size(); ++i) {
    if ((line[i] == '.' || line[i] == '!' || line[i] == '?') && line[i + 1] == ' ' &&
        std::isupper(static_cast<unsigned char>(line[i + 2]))) {
      return false;
    }
  }
  return true;
}

// Whole lines that are page furniture.
bool IsFurnitureLine(std::string_view line) {
  line = Trim(line);
  static constexpr std::array<std::string_view, 9> kWholeLine = {
      "leave a comment", "leave a reply", "comments", "share this", "related posts",
      "related articles", "share", "print", "subscribe"};
  std::string lower = Lower(line);
  while (!lower.empty() && (lower.back() == ':' || lower.back() == '*')) lower.pop_back();
  for (std::string_view w : kWholeLine) {
    if (lower == w) return true;
  }
  static constexpr std::array<std::string_view, 8> kPrefixes = {
      "photos:", "photo:", "photo credit", "image:", "image credit", "tags:", "posted in", "filed under"};
  for (std::string_view p : kPrefixes) {
    if (lower.starts_with(p)) return true;
  }
  static constexpr std::array<std::string_view, 6> kAnywhere = {
      "your email address will not be published", "required fields are marked",
      "all rights reserved", "subscribe to our newsletter", "follow us on",
      "cookies to improve"};
  for (std::string_view p : kAnywhere) {
    if (Contains(lower, p)) return true;
  }
  return false;
}

bool IsSourcesHeading(std::string_view line) {
  std::string lower = Lower(Trim(line));
  while (!lower.empty() && lower.back() == ':') lower.pop_back();
  for (std::string_view h : {"sources", "source", "references", "bibliography", "works cited",
                             "further reading", "notes", "citations"}) {
    if (lower == h) return true;
  }
  return false;
}

// A bibliography entry: short and carries a year.
bool IsCitationLine(std::string_view line) {
  line = Trim(line);
  if (line.size() > 500) return false;
  for (size_t i = 0; i + 4 <= line.size(); ++i) {
    if ((line[i] == '1' && line[i + 1] == '9') || (line[i] == '2' && line[i + 1] == '0')) {
      if (std::isdigit(static_cast<unsigned char>(line[i + 2])) &&
          std::isdigit(static_cast<unsigned char>(line[i + 3])) &&
          (i == 0 || !std::isdigit(static_cast<unsigned char>(line[i - 1]))) &&
          (i + 4 == line.size() || !std::isdigit(static_cast<unsigned char>(line[i + 4])))) {
        return true;
      }
    }
  }
  return false;
}

// --- dates ------------------------------------------------------------------

int MonthFromName(std::string_view word) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "january", "february", "march",     "april",   "may",      "june",
      "july",    "august",   "september", "october", "november", "december"};
  std::string lower = Lower(word);
  if (!lower.empty() && lower.back() == '.') lower.pop_back();
  for (int m = 0; m < 12; ++m) {
    if (lower == kMonths[m]) return m + 1;
    if (lower.size() >= 3 && lower.size() < kMonths[m].size() &&
        kMonths[m].substr(0, lower.size()) == lower && (lower.size() == 3 || lower == "sept")) {
      return m + 1;
    }
  }
  return 0;
}

// Reads digits at s[*i]; returns -1 when none. Sets *digits.
int ReadNumber(std::string_view s, size_t* i, int* digits) {
  int value = 0;
  *digits = 0;
  while (*i < s.size() && std::isdigit(static_cast<unsigned char>(s[*i])) && *digits < 5) {
    value = value * 10 + (s[*i] - '0');
    ++*i;
    ++*digits;
  }
  return *digits == 0 ? -1 : value;
}

bool ValidDate(int y, int m, int d) { return y >= 1000 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= 31; }

std::string Iso(int y, int m, int d) { return absl::StrFormat("%04d-%02d-%02d", y, m, d); }

bool WordBoundary(std::string_view s, size_t i) {
  return i >= s.size() || !std::isalnum(static_cast<unsigned char>(s[i]));
}

}  // namespace

std::string ParseDateAt(std::string_view s, size_t* length) {
  *length = 0;
  if (s.empty()) return "";
  size_t i = 0;
  int digits = 0;
  if (std::isdigit(static_cast<unsigned char>(s[0]))) {
    int a = ReadNumber(s, &i, &digits);
    if (digits == 4 && i < s.size() && s[i] == '-') {  // 2021-03-18
      ++i;
      int m = ReadNumber(s, &i, &digits);
      if (digits != 2 || i >= s.size() || s[i] != '-') return "";
      ++i;
      int d = ReadNumber(s, &i, &digits);
      if (digits != 2 || !ValidDate(a, m, d) || !WordBoundary(s, i)) return "";
      *length = i;
      return Iso(a, m, d);
    }
    if (digits <= 2 && i < s.size() && s[i] == '/') {  // 03/18/21 (US order)
      ++i;
      int d = ReadNumber(s, &i, &digits);
      if (digits < 1 || digits > 2 || i >= s.size() || s[i] != '/') return "";
      ++i;
      int y = ReadNumber(s, &i, &digits);
      if (digits == 2) {
        y += y < 70 ? 2000 : 1900;
      } else if (digits != 4) {
        return "";
      }
      if (!ValidDate(y, a, d) || !WordBoundary(s, i)) return "";
      *length = i;
      return Iso(y, a, d);
    }
    if (digits <= 2 && i < s.size() && s[i] == ' ') {  // 2 March 2021
      size_t w = i + 1, we = w;
      while (we < s.size() && std::isalpha(static_cast<unsigned char>(s[we]))) ++we;
      if (we < s.size() && s[we] == '.') ++we;
      int m = MonthFromName(s.substr(w, we - w));
      if (m == 0 || we >= s.size() || s[we] != ' ') return "";
      size_t k = we + 1;
      int y = ReadNumber(s, &k, &digits);
      if (digits != 4 || !ValidDate(y, m, a) || !WordBoundary(s, k)) return "";
      *length = k;
      return Iso(y, m, a);
    }
    return "";
  }
  size_t we = 0;
  while (we < s.size() && std::isalpha(static_cast<unsigned char>(s[we]))) ++we;
  if (we < s.size() && s[we] == '.') ++we;
  int m = MonthFromName(s.substr(0, we));
  if (m == 0 || we >= s.size() || s[we] != ' ') return "";
  i = we + 1;
  int d = ReadNumber(s, &i, &digits);
  if (digits < 1 || digits > 2) return "";
  if (i < s.size() && s[i] == ',') ++i;
  while (i < s.size() && s[i] == ' ') ++i;
  int y = ReadNumber(s, &i, &digits);
  if (digits != 4 || !ValidDate(y, m, d) || !WordBoundary(s, i)) return "";
  *length = i;
  return Iso(y, m, d);
}

absl::StatusOr<DocumentText> DocumentText::Parse(std::string_view text) {
  if (text.size() >= std::numeric_limits<uint32_t>::max()) {
    return absl::InvalidArgumentError("document too large (4 GiB or more)");
  }
  if (Trim(text).empty()) {
    return absl::InvalidArgumentError(text.empty() ? "empty document"
                                                   : "document contains only whitespace");
  }
  if (absl::Status s = ValidateUtf8(text); !s.ok()) return s;

  DocumentText doc;
  doc.text_ = text;
  doc.masked_ = std::string(text);
  std::vector<TextRegion> regions;
  if (LooksLikeHtml(text)) MaskHtml(doc.masked_, regions);

  const std::string& m = doc.masked_;
  std::vector<Span> lines = Lines(m);
  auto skip_line = [&](const Span& l, RegionKind kind) {
    for (size_t k = l.begin; k < l.end; ++k) doc.masked_[k] = ' ';
    regions.push_back({static_cast<uint32_t>(l.begin), static_cast<uint32_t>(l.end), kind});
  };
  auto blank_line = [&](size_t idx) { return idx >= lines.size() || Trim(std::string_view(m).substr(lines[idx].begin, lines[idx].end - lines[idx].begin)).empty(); };
  auto line_text = [&](size_t idx) {
    return std::string_view(m).substr(lines[idx].begin, lines[idx].end - lines[idx].begin);
  };

  bool seen_body = false;
  std::string first_heading, best_heading;
  bool in_sources = false;
  for (size_t li = 0; li < lines.size(); ++li) {
    std::string_view line = line_text(li);
    if (Trim(line).empty()) continue;
    if (in_sources) {
      if (IsCitationLine(line) || IsFurnitureLine(line)) {
        skip_line(lines[li], RegionKind::kSources);
        continue;
      }
      in_sources = false;
    }
    if (IsFurnitureLine(line)) {
      skip_line(lines[li], RegionKind::kFurniture);
      continue;
    }
    if (IsSourcesHeading(line)) {
      skip_line(lines[li], RegionKind::kSources);
      in_sources = true;
      continue;
    }
    // Before the body, a line that is only a date is the dateline.
    if (!seen_body) {
      std::string_view trimmed = Trim(line);
      size_t len = 0;
      std::string date = ParseDateAt(trimmed, &len);
      if (!date.empty() && len == trimmed.size()) {
        if (doc.date_.empty()) doc.date_ = date;
        skip_line(lines[li], RegionKind::kDateline);
        continue;
      }
    }
    // A heading stands alone: a single-line paragraph; at the top of the
    // document any unpunctuated short line is one (a headline in sentence
    // case, directly followed by its dateline).
    bool alone = (li == 0 || blank_line(li - 1)) && blank_line(li + 1);
    bool before_dateline = false;
    if (!seen_body && li + 1 < lines.size()) {
      std::string_view next = Trim(line_text(li + 1));
      size_t len = 0;
      before_dateline = !ParseDateAt(next, &len).empty() && len == next.size() &&
                        WordCount(line) <= 25;
    }
    if ((alone && IsHeadingLine(line)) || (!seen_body && (IsTopLine(line) || before_dateline))) {
      if (!seen_body) {
        std::string h(Trim(line));
        if (WordCount(h) > WordCount(best_heading)) best_heading = h;
      }
      skip_line(lines[li], RegionKind::kHeading);
      continue;
    }
    // "... click here": drop the sentence that carries the link text.
    std::string lower = Lower(line);
    size_t click = lower.find("click here");
    if (click != std::string::npos) {
      // Back to the previous sentence end: a terminator followed by a space
      // (so the periods inside "U.N.'s" do not count).
      size_t b = 0;
      for (size_t k = click; k-- > 1;) {
        if ((lower[k - 1] == '.' || lower[k - 1] == '!' || lower[k - 1] == '?') &&
            IsSpace(lower[k])) {
          b = k;
          break;
        }
      }
      while (b < click && IsSpace(line[b])) ++b;
      skip_line({lines[li].begin + b, lines[li].end}, RegionKind::kFurniture);
    }
    if (!seen_body) {
      seen_body = true;
      // Dateline at the start of the first paragraph: DATE [(...)] SEP.
      // A line that is only blanks here (other whitespace made it count as
      // text) has no dateline; found by fuzz-document_text.
      size_t off = std::min(line.find_first_not_of(" \t"), line.size());
      size_t len = 0;
      std::string date = ParseDateAt(line.substr(off), &len);
      if (!date.empty()) {
        doc.date_ = date;
        size_t k = off + len;
        while (k < line.size() && line[k] == ' ') ++k;
        if (k < line.size() && line[k] == '(') {
          size_t close = line.find(')', k);
          if (close != std::string_view::npos && close - k < 80) k = close + 1;
        }
        while (k < line.size() && line[k] == ' ') ++k;
        std::string_view rest = line.substr(k);
        size_t sep = 0;
        if (rest.starts_with("\xE2\x80\x93") || rest.starts_with("\xE2\x80\x94")) {
          sep = 3;
        } else if (rest.starts_with("--")) {
          sep = 2;
        } else if (!rest.empty() && (rest[0] == '-' || rest[0] == ':' || rest[0] == '|')) {
          sep = 1;
        }
        if (sep > 0 || rest.empty()) {
          k += sep;
          while (k < line.size() && line[k] == ' ') ++k;
          skip_line({lines[li].begin + off, lines[li].begin + k}, RegionKind::kDateline);
        }
      }
    }
  }
  doc.title_ = best_heading;
  // Without a dateline in the body, look for a date among the heading lines.
  if (doc.date_.empty()) {
    for (const TextRegion& r : regions) {
      if (r.kind != RegionKind::kHeading && r.kind != RegionKind::kFurniture) continue;
      std::string_view line = text.substr(r.begin, r.end - r.begin);
      for (size_t k = 0; k < line.size() && doc.date_.empty(); ++k) {
        if (k > 0 && std::isalnum(static_cast<unsigned char>(line[k - 1]))) continue;
        size_t len = 0;
        doc.date_ = ParseDateAt(line.substr(k), &len);
      }
      if (!doc.date_.empty()) break;
    }
  }
  std::sort(regions.begin(), regions.end(),
            [](const TextRegion& a, const TextRegion& b) { return a.begin < b.begin; });
  // Merge overlaps so the list is non-overlapping.
  for (const TextRegion& r : regions) {
    if (!doc.skipped_.empty() && r.begin < doc.skipped_.back().end) {
      doc.skipped_.back().end = std::max(doc.skipped_.back().end, r.end);
    } else {
      doc.skipped_.push_back(r);
    }
  }
  return doc;
}

}  // namespace kg::core
