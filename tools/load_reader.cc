#include "tools/load_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "tools/load_ntriples.h"
#include "tools/load_text.h"

namespace kg::tools {

std::string LoadIssue::ToString() const {
  if (line > 0) return absl::StrCat(file, ":", line, ": ", message);
  if (offset >= 0) return absl::StrCat(file, ": byte ", offset, ": ", message);
  return absl::StrCat(file, ": ", message);
}

namespace {

constexpr size_t kSniffBytes = 8192;

// The document id of a whole file: its absolute, lexically normal path, the
// same rule as `kg ingest`, so both name a file's document alike.
std::string DocumentIdForFile(const std::string& path) {
  std::error_code ec;
  std::filesystem::path abs = std::filesystem::absolute(path, ec);
  if (ec) return path;
  return abs.lexically_normal().string();
}

// Debian's abseil has its own string_view type; this bridges std's.
absl::string_view Av(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// True when every byte is ASCII other than NUL (16 bytes at a time: a
// test per 8 was a seventh of reading FB15k-237's TSV).
bool IsPlainAscii(std::string_view s) {
  constexpr uint64_t kHigh = 0x8080808080808080ULL, kOnes = 0x0101010101010101ULL;
  // A high bit set, or a zero byte (w - 1 borrows into its high bit).
  auto bad = [](uint64_t w) { return w | ((w - kOnes) & ~w); };
  size_t i = 0;
  for (; i + 16 <= s.size(); i += 16) {
    uint64_t w[2];
    std::memcpy(w, s.data() + i, 16);
    if ((bad(w[0]) | bad(w[1])) & kHigh) return false;
  }
  if (i + 8 <= s.size()) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (bad(w) & kHigh) return false;
    i += 8;
  }
  for (; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0 || c >= 0x80) return false;
  }
  return true;
}

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n\f\v") == std::string_view::npos;
}
constexpr size_t kBlockBytes = 1 << 20;
constexpr size_t kProgressBytes = 64 << 10;

// Owns a file descriptor.
class File {
 public:
  explicit File(const std::string& path) : fd_(open(path.c_str(), O_RDONLY | O_CLOEXEC)) {
    if (fd_ < 0) error_ = errno;
  }
  ~File() {
    if (fd_ >= 0) close(fd_);
  }
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  bool ok() const { return fd_ >= 0; }
  int error() const { return error_; }
  // Reads up to n bytes; returns bytes read, 0 at end, -1 on error (errno).
  ssize_t Read(char* buf, size_t n) {
    while (true) {
      ssize_t r = read(fd_, buf, n);
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) error_ = errno;
      return r;
    }
  }

 private:
  int fd_;
  int error_ = 0;
};

// Splits a file into lines read in blocks. A line's view stays valid until
// the next call to Next().
class LineReader {
 public:
  explicit LineReader(File* file, std::string prefix) : file_(file) {
    cap_ = std::max(prefix.size(), kBlockBytes) + kBlockBytes;
    buf_.reset(new char[cap_]);  // not zero-filled: every byte is read into first
    std::memcpy(buf_.get(), prefix.data(), prefix.size());
    end_ = prefix.size();
  }

  // Returns false at the end of the file or on a read error (see error()).
  bool Next(std::string_view* line, uint64_t* offset) {
    while (true) {
      if (const void* nl = std::memchr(buf_.get() + pos_, '\n', end_ - pos_)) {
        size_t at = static_cast<const char*>(nl) - buf_.get();
        *line = std::string_view(buf_.get() + pos_, at - pos_);
        *offset = base_ + pos_;
        pos_ = at + 1;
        return true;
      }
      if (eof_) {
        if (pos_ >= end_) return false;
        *line = std::string_view(buf_.get() + pos_, end_ - pos_);
        *offset = base_ + pos_;
        pos_ = end_;
        return true;
      }
      // Keep the partial line, read the next block after it (a line longer
      // than the buffer doubles it).
      std::memmove(buf_.get(), buf_.get() + pos_, end_ - pos_);
      end_ -= pos_;
      base_ += pos_;
      pos_ = 0;
      if (cap_ - end_ < kBlockBytes) {
        size_t cap = 2 * cap_;
        std::unique_ptr<char[]> bigger(new char[cap]);
        std::memcpy(bigger.get(), buf_.get(), end_);
        buf_ = std::move(bigger);
        cap_ = cap;
      }
      ssize_t r = file_->Read(buf_.get() + end_, kBlockBytes);
      if (r > 0) end_ += static_cast<size_t>(r);
      if (r < 0) {
        failed_ = true;
        eof_ = true;
      } else if (r == 0) {
        eof_ = true;
      }
    }
  }
  bool failed() const { return failed_; }
  uint64_t consumed() const { return base_ + pos_; }

 private:
  File* file_;
  std::unique_ptr<char[]> buf_;
  size_t cap_ = 0;
  size_t end_ = 0;  // bytes held
  size_t pos_ = 0;  // start of the next line
  uint64_t base_ = 0;
  bool eof_ = false;
  bool failed_ = false;
};

class Reader {
 public:
  Reader(const InputFile& file, const ReadOptions& options, ReadSink* sink)
      : file_(file), options_(options), sink_(sink) {}

  InputFormat Run() {
    File f(file_.path);
    if (!f.ok()) {
      Issue(LoadIssue::Severity::kError, 0, -1,
            absl::StrCat("cannot open: ", std::strerror(f.error())));
      return options_.format;
    }
    // The first block decides the format and whether the file is binary.
    std::string head(kSniffBytes, '\0');
    ssize_t n = f.Read(head.data(), head.size());
    if (n < 0) {
      Issue(LoadIssue::Severity::kError, 0, -1,
            absl::StrCat("cannot read: ", std::strerror(f.error())));
      return options_.format;
    }
    head.resize(static_cast<size_t>(n));
    InputFormat format =
        options_.format == InputFormat::kAuto ? DetectFormat(file_.path, head) : options_.format;
    if (std::optional<std::string> reason = BinaryReason(head)) {
      Issue(LoadIssue::Severity::kError, 0, -1, absl::StrCat(*reason, ": skipped"));
      sink_->OnBytesRead(file_.size);
      return format;
    }
    switch (format) {
      case InputFormat::kText:
      case InputFormat::kHtml:
      case InputFormat::kWiki: {
        std::optional<std::string> all = ReadRest(&f, std::move(head));
        if (!all) return format;
        if (format == InputFormat::kWiki) {
          ReadWiki(std::move(*all));
        } else {
          ReadWholeDocument(std::move(*all), format == InputFormat::kText);
        }
        break;
      }
      default: {
        LineReader lines(&f, std::move(head));
        ReadLines(format, &lines);
        if (lines.failed()) {
          Issue(LoadIssue::Severity::kError, 0, static_cast<int64_t>(lines.consumed()),
                absl::StrCat("read error: ", std::strerror(f.error())));
        }
        break;
      }
    }
    return format;
  }

 private:
  bool Issue(LoadIssue::Severity severity, uint64_t line, int64_t offset, std::string message) {
    // Triples read before the problem reach the sink before it.
    FlushTriples();
    LoadIssue issue;
    issue.severity = severity;
    issue.file = file_.path;
    issue.line = line;
    issue.offset = offset;
    issue.message = std::move(message);
    if (!sink_->OnIssue(std::move(issue))) stopped_ = true;
    return !stopped_;
  }

  std::optional<std::string> ReadRest(File* f, std::string data) {
    std::vector<char> block(kBlockBytes);
    while (true) {
      ssize_t r = f->Read(block.data(), block.size());
      if (r < 0) {
        Issue(LoadIssue::Severity::kError, 0, static_cast<int64_t>(data.size()),
              absl::StrCat("read error: ", std::strerror(f->error())));
        return std::nullopt;
      }
      if (r == 0) break;
      data.append(block.data(), static_cast<size_t>(r));
    }
    return data;
  }

  // Repairs invalid UTF-8 in `text`, which starts at `file_offset` in the file.
  bool Repair(std::string* text, uint64_t file_offset, uint64_t line) {
    Utf8Repair r = RepairUtf8(text);
    if (r.bytes == 0) return true;
    return Issue(
        LoadIssue::Severity::kError, line,
        line > 0 ? -1 : static_cast<int64_t>(file_offset + r.first_offset),
        absl::StrCat("invalid UTF-8",
                     line > 0 ? absl::StrCat(" at byte ", file_offset + r.first_offset) : "", " (",
                     r.bytes, r.bytes == 1 ? " byte" : " bytes",
                     " replaced by U+001A; the rest of the document is loaded)"));
  }

  // Hands one logical document to the sink, split when oversize.
  bool EmitDocument(SourceDocument doc, uint64_t line) {
    if (IsBlank(doc.text)) {
      return Issue(LoadIssue::Severity::kWarning, line, -1,
                   absl::StrCat("empty document", doc.title.empty() ? "" : " '" + doc.title + "'",
                                ": skipped"));
    }
    if (doc.text.size() <= options_.max_doc_bytes) return Emit(std::move(doc));
    auto spans = SplitSpans(doc.text, options_.max_doc_bytes);
    if (!Issue(LoadIssue::Severity::kWarning, line, -1,
               absl::StrCat("document '", doc.id, "' of ", doc.text.size(),
                            " bytes is over --max-doc-bytes ", options_.max_doc_bytes,
                            ": split into ", spans.size(), " parts"))) {
      return false;
    }
    for (size_t i = 0; i < spans.size(); ++i) {
      SourceDocument part;
      part.id = absl::StrCat(doc.id, "#part-", i + 1);
      part.source = doc.source;
      part.title = doc.title;
      part.date = doc.date;
      part.text = doc.text.substr(spans[i].first, spans[i].second - spans[i].first);
      part.base_offset = spans[i].first;
      part.part = static_cast<int>(i);
      part.parts = static_cast<int>(spans.size());
      if (!Emit(std::move(part))) return false;
    }
    return true;
  }

  bool Emit(SourceDocument doc) {
    if (!sink_->OnDocument(std::move(doc))) stopped_ = true;
    return !stopped_;
  }

  // `plain_text`: lines are prose lines (not HTML, where a minified page is
  // one long line of markup), so an overlong one refuses the document.
  void ReadWholeDocument(std::string text, bool plain_text) {
    uint64_t size = text.size();
    if (std::optional<std::string> reason = BinaryReason(text)) {
      Issue(LoadIssue::Severity::kError, 0, -1, absl::StrCat(*reason, ": skipped"));
      sink_->OnBytesRead(size);
      return;
    }
    if (plain_text) {
      if (std::optional<LongLine> long_line = FindLongLine(text, kMaxLineBytes)) {
        Issue(LoadIssue::Severity::kError, 0, static_cast<int64_t>(long_line->offset),
              absl::StrCat("line ", long_line->number, " is ", long_line->bytes,
                           " bytes long, over the limit of ", kMaxLineBytes,
                           " bytes for a line of prose: skipped (break it into lines)"));
        sink_->OnBytesRead(size);
        return;
      }
    }
    if (!Repair(&text, 0, 0)) return;
    SourceDocument doc;
    doc.id = DocumentIdForFile(file_.path);
    doc.source = file_.path;
    doc.text = std::move(text);
    EmitDocument(std::move(doc), 0);
    sink_->OnBytesRead(size);
  }

  static std::string UnescapeXml(std::string_view s) {
    if (s.find('&') == std::string_view::npos) return std::string(s);
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '&') {
        static constexpr std::pair<std::string_view, char> kEntities[] = {
            {"&amp;", '&'}, {"&quot;", '"'},  {"&lt;", '<'},
            {"&gt;", '>'},  {"&apos;", '\''}, {"&#39;", '\''}};
        bool done = false;
        for (const auto& [name, c] : kEntities) {
          if (s.substr(i, name.size()) == name) {
            out.push_back(c);
            i += name.size() - 1;
            done = true;
            break;
          }
        }
        if (done) continue;
      }
      out.push_back(s[i]);
    }
    return out;
  }

  // The value of attribute `name` in a <doc ...> tag.
  static std::string Attribute(std::string_view tag, std::string_view name) {
    std::string needle = absl::StrCat(" ", Av(name), "=\"");
    size_t at = tag.find(needle);
    if (at == std::string_view::npos) return "";
    at += needle.size();
    size_t end = tag.find('"', at);
    if (end == std::string_view::npos) return "";
    return UnescapeXml(tag.substr(at, end - at));
  }

  // WikiExtractor: <doc id="" url="" title="">\n ... \n</doc> repeated.
  // Each document's text is what lies between the opening tag's line and the
  // closing tag; offsets are relative to that text.
  void ReadWiki(std::string data) {
    const uint64_t size = data.size();
    if (!Repair(&data, 0, 0)) return;
    std::string_view all(data);
    size_t pos = 0;
    uint64_t line_no = 1;
    uint64_t reported = 0;
    auto count_lines = [&](size_t from, size_t to) {
      for (size_t i = from; i < to; ++i) line_no += all[i] == '\n';
    };
    while (pos < all.size() && !stopped_) {
      size_t open = all.find("<doc", pos);
      std::string_view between =
          all.substr(pos, (open == std::string_view::npos ? all.size() : open) - pos);
      if (!IsBlank(between)) {
        size_t first = between.find_first_not_of(" \t\r\n");
        uint64_t at_line = line_no;
        for (size_t i = 0; i < first; ++i) at_line += between[i] == '\n';
        if (!Issue(LoadIssue::Severity::kError, at_line, -1,
                   "text outside any <doc>...</doc> element: skipped")) {
          return;
        }
      }
      if (open == std::string_view::npos) break;
      count_lines(pos, open);
      const uint64_t open_line = line_no;
      size_t tag_end = all.find('>', open);
      size_t eol = all.find('\n', open);
      if (tag_end == std::string_view::npos || (eol != std::string_view::npos && tag_end > eol)) {
        Issue(LoadIssue::Severity::kError, open_line, -1, "malformed <doc> tag: missing '>'");
        if (eol == std::string_view::npos) break;
        count_lines(open, eol + 1);
        pos = eol + 1;
        continue;
      }
      std::string_view tag = all.substr(open, tag_end + 1 - open);
      size_t text_begin = tag_end + 1;
      if (text_begin < all.size() && all[text_begin] == '\n') ++text_begin;
      size_t close = all.find("</doc>", text_begin);
      size_t next_open = all.find("<doc ", text_begin);
      bool unterminated = close == std::string_view::npos ||
                          (next_open != std::string_view::npos && next_open < close);
      size_t text_end =
          unterminated ? (next_open == std::string_view::npos ? all.size() : next_open) : close;
      SourceDocument doc;
      std::string id = Attribute(tag, "id");
      std::string url = Attribute(tag, "url");
      doc.title = Attribute(tag, "title");
      doc.id = !url.empty()  ? url
               : !id.empty() ? absl::StrCat(DocumentIdForFile(file_.path), "#doc-", id)
                             : absl::StrCat(DocumentIdForFile(file_.path), "#line-", open_line);
      doc.source = absl::StrCat(file_.path, ":", open_line);
      doc.text = std::string(all.substr(text_begin, text_end - text_begin));
      if (unterminated &&
          !Issue(LoadIssue::Severity::kError, open_line, -1,
                 absl::StrCat("<doc> element '", doc.title,
                              "' has no closing </doc>: loaded up to the next <doc> or the end"))) {
        return;
      }
      if (!EmitDocument(std::move(doc), open_line)) return;
      size_t next = unterminated ? text_end : close + 6;
      count_lines(open, next);
      pos = next;
      // Per document, so the progress line moves with the documents.
      sink_->OnBytesRead(pos - reported);
      reported = pos;
    }
    sink_->OnBytesRead(size - reported);
  }

  void ReadLines(InputFormat format, LineReader* lines) {
    std::string_view view;
    uint64_t offset = 0;
    uint64_t line_no = 0;
    uint64_t reported = 0;
    std::string line;
    while (!stopped_ && lines->Next(&view, &offset)) {
      ++line_no;
      if (lines->consumed() - reported >= kProgressBytes) {
        sink_->OnBytesRead(lines->consumed() - reported);
        reported = lines->consumed();
      }
      // A TSV line of printable ASCII (nearly all of them) has nothing to
      // repair: parsed where it lies, without the copy and the NUL and UTF-8
      // passes below.
      if (format == InputFormat::kTsv && IsPlainAscii(view)) {
        std::string_view tsv = view;
        if (!tsv.empty() && tsv.back() == '\r') tsv.remove_suffix(1);
        if (!PlainTsvTriple(tsv, line_no) && !IsBlank(tsv)) TsvTriple(tsv, line_no);
        continue;
      }
      line.assign(view);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (IsBlank(line)) continue;
      if (const void* nul = std::memchr(line.data(), 0, line.size())) {
        Issue(
            LoadIssue::Severity::kError, line_no, -1,
            absl::StrCat("NUL byte at byte ",
                         offset + (static_cast<const char*>(nul) - line.data()), ": line skipped"));
        continue;
      }
      if (!Repair(&line, offset, line_no)) break;
      switch (format) {
        case InputFormat::kJsonl:
          JsonDocument(line, line_no);
          break;
        case InputFormat::kTsv:
          TsvTriple(line, line_no);
          break;
        case InputFormat::kNTriples:
          NTriple(line, line_no);
          break;
        case InputFormat::kTriplesJsonl:
          JsonTriple(line, line_no);
          break;
        default:
          break;
      }
    }
    FlushTriples();
    sink_->OnBytesRead(lines->consumed() - reported);
  }

  bool LineError(uint64_t line_no, std::string message) {
    return Issue(LoadIssue::Severity::kError, line_no, -1, absl::StrCat(message, ": line skipped"));
  }

  bool TripleOut(SourceTriple t, uint64_t line_no) {
    if (!FlushTriples()) return false;
    t.line = line_no;
    if (!sink_->OnTriple(std::move(t))) stopped_ = true;
    return !stopped_;
  }

  // The common TSV line (plain ASCII, three fields, nothing to strip) in
  // one go: three memchr calls and the packing. False, with nothing done,
  // for any other line, which TsvTriple then handles (or reports).
  bool PlainTsvTriple(std::string_view line, uint64_t line_no) {
    const char* begin = line.data();
    const char* end = begin + line.size();
    auto tab = [end](const char* from) {
      return static_cast<const char*>(std::memchr(from, '\t', end - from));
    };
    const char* t1 = tab(begin);
    if (t1 == nullptr) return false;
    const char* t2 = tab(t1 + 1);
    if (t2 == nullptr || tab(t2 + 1) != nullptr) return false;
    // Every field non-empty and starting and ending above ' ' (in plain
    // ASCII, whitespace and control bytes are all at or below it).
    auto edge = [](const char* first, const char* last) {
      return last > first && static_cast<unsigned char>(first[0]) > ' ' &&
             static_cast<unsigned char>(last[-1]) > ' ';
    };
    if (!edge(begin, t1) || !edge(t1 + 1, t2) || !edge(t2 + 1, end)) return false;
    batch_.triples.Add(std::string_view(begin, t1 - begin), std::string_view(t1 + 1, t2 - t1 - 1),
                       std::string_view(t2 + 1, end - t2 - 1));
    batch_.lines.push_back(line_no);
    if (batch_.size() >= kBatchTriples) FlushTriples();
    return true;
  }

  void TsvTriple(std::string_view line, uint64_t line_no) {
    std::string_view fields[3];
    size_t count = 0, begin = 0;
    while (true) {
      size_t tab = line.find('\t', begin);
      std::string_view field =
          line.substr(begin, tab == std::string_view::npos ? std::string_view::npos : tab - begin);
      if (count < 3) fields[count] = field;
      ++count;
      if (tab == std::string_view::npos) break;
      begin = tab + 1;
    }
    if (count != 3) {
      LineError(
          line_no,
          absl::StrCat("expected 3 tab-separated fields (head, relation, tail), found ", count));
      return;
    }
    for (size_t i = 0; i < 3; ++i) {
      absl::string_view stripped = absl::StripAsciiWhitespace(Av(fields[i]));
      fields[i] = std::string_view(stripped.data(), stripped.size());
      if (fields[i].empty()) {
        static constexpr const char* kNames[] = {"head", "relation", "tail"};
        LineError(line_no, absl::StrCat("empty ", kNames[i], " field"));
        return;
      }
    }
    // Packed, not one SourceTriple per line: three strings a line were most
    // of the reader's cost on FB15k-237.
    batch_.triples.Add(fields[0], fields[1], fields[2]);
    batch_.lines.push_back(line_no);
    if (batch_.size() >= kBatchTriples) FlushTriples();
  }

  // Hands the packed triples to the sink.
  bool FlushTriples() {
    if (batch_.empty() || stopped_) {
      batch_.clear();
      return !stopped_;
    }
    // The sink usually takes the buffers: size the next ones like this one
    // so they are not regrown (and copied) a dozen times.
    size_t bytes = batch_.triples.bytes.size(), n = batch_.size();
    if (!sink_->OnTriples(&batch_)) stopped_ = true;
    batch_.clear();
    if (n >= kBatchTriples) {
      batch_.triples.bytes.reserve(bytes + bytes / 8);
      batch_.triples.ends.reserve(3 * kBatchTriples);
      batch_.lines.reserve(kBatchTriples);
    }
    return !stopped_;
  }

  void NTriple(std::string_view line, uint64_t line_no) {
    SourceTriple t;
    absl::StatusOr<bool> got = ParseNTriplesLine(line, &t);
    if (!got.ok()) {
      LineError(line_no, absl::StrCat("malformed N-Triples: ", got.status().message()));
      return;
    }
    if (*got) TripleOut(std::move(t), line_no);
  }

  // A JSON value as a string: strings as they are, numbers and booleans as
  // written; nullopt for null, objects and arrays.
  static std::optional<std::string> Scalar(const nlohmann::json& v) {
    if (v.is_string()) return v.get_ref<const std::string&>();
    if (v.is_number() || v.is_boolean()) return v.dump();
    return std::nullopt;
  }

  // Parses one JSON line; on failure returns the parser's message (which
  // names the column). The exception stays inside this function.
  static std::optional<std::string> ParseJson(std::string_view line, nlohmann::json* out) {
    try {
      *out = nlohmann::json::parse(line);
    } catch (const nlohmann::json::exception& e) {
      std::string what = e.what();
      // "[json.exception.parse_error.101] parse error at line 1, column 7: ..."
      size_t at = what.find("column ");
      return absl::StrCat("malformed JSON", at == std::string::npos ? "" : " at ",
                          at == std::string::npos ? "" : what.substr(at));
    }
    return std::nullopt;
  }

  void JsonDocument(std::string_view line, uint64_t line_no) {
    nlohmann::json j;
    if (std::optional<std::string> error = ParseJson(line, &j)) {
      LineError(line_no, *error);
      return;
    }
    if (!j.is_object()) {
      LineError(line_no, "expected a JSON object with a \"text\" field");
      return;
    }
    auto text = j.find("text");
    if (text == j.end() || !text->is_string()) {
      LineError(line_no, "missing string field \"text\"");
      return;
    }
    SourceDocument doc;
    auto field = [&](const char* name) -> std::string {
      auto it = j.find(name);
      if (it == j.end()) return "";
      return Scalar(*it).value_or("");
    };
    doc.id = field("id");
    if (doc.id.empty()) doc.id = field("url");
    if (doc.id.empty()) {
      doc.id = absl::StrCat(DocumentIdForFile(file_.path), "#line-", line_no);
    }
    doc.title = field("title");
    doc.date = field("date");
    doc.source = field("url");
    if (doc.source.empty()) doc.source = absl::StrCat(file_.path, ":", line_no);
    doc.text = text->get_ref<const std::string&>();
    EmitDocument(std::move(doc), line_no);
  }

  void JsonTriple(std::string_view line, uint64_t line_no) {
    nlohmann::json j;
    if (std::optional<std::string> error = ParseJson(line, &j)) {
      LineError(line_no, *error);
      return;
    }
    if (!j.is_object()) {
      LineError(line_no, "expected a JSON object {\"subject\",\"predicate\",\"object\"}");
      return;
    }
    SourceTriple t;
    const char* names[] = {"subject", "predicate", "object"};
    std::string* slots[] = {&t.subject, &t.predicate, &t.object};
    for (int i = 0; i < 3; ++i) {
      auto it = j.find(names[i]);
      std::optional<std::string> v;
      if (it != j.end()) v = Scalar(*it);
      if (!v || v->empty()) {
        LineError(line_no, absl::StrCat("missing or empty field \"", names[i], "\""));
        return;
      }
      *slots[i] = std::move(*v);
    }
    TripleOut(std::move(t), line_no);
  }

  static constexpr size_t kBatchTriples = 1 << 14;

  const InputFile& file_;
  const ReadOptions& options_;
  ReadSink* sink_;
  bool stopped_ = false;
  TripleBatch batch_;
};

}  // namespace

InputFormat ReadInputFile(const InputFile& file, const ReadOptions& options, ReadSink* sink) {
  return Reader(file, options, sink).Run();
}

}  // namespace kg::tools
