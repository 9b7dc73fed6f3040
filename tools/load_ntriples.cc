#include "tools/load_ntriples.h"

#include <cstdint>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "proto/status_macros.h"
#include "utf8proc.h"

namespace kg::tools {
namespace {

class LineParser {
 public:
  explicit LineParser(std::string_view line) : s_(line) {}

  absl::StatusOr<bool> Parse(SourceTriple* out) {
    SkipSpace();
    if (AtEnd() || Peek() == '#') return false;
    out->object_is_literal = false;
    out->language.clear();
    out->datatype.clear();
    if (Peek() == '<') {
      RETURN_IF_ERROR(Iri(&out->subject));
    } else if (Peek() == '_') {
      RETURN_IF_ERROR(Blank(&out->subject));
    } else {
      return Error("expected a subject: an IRI <...> or a blank node _:x");
    }
    SkipSpace();
    if (AtEnd() || Peek() != '<') return Error("expected a predicate IRI <...>");
    RETURN_IF_ERROR(Iri(&out->predicate));
    SkipSpace();
    if (AtEnd()) return Error("expected an object");
    if (Peek() == '<') {
      RETURN_IF_ERROR(Iri(&out->object));
    } else if (Peek() == '_') {
      RETURN_IF_ERROR(Blank(&out->object));
    } else if (Peek() == '"') {
      RETURN_IF_ERROR(Literal(out));
    } else {
      return Error("expected an object: an IRI, a blank node or a \"literal\"");
    }
    SkipSpace();
    if (AtEnd() || Peek() != '.') return Error("expected '.' at the end of the triple");
    ++pos_;
    SkipSpace();
    if (!AtEnd() && Peek() != '#') return Error("unexpected text after the final '.'");
    return true;
  }

 private:
  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return s_[pos_]; }
  void SkipSpace() {
    while (!AtEnd() && (Peek() == ' ' || Peek() == '\t' || Peek() == '\r')) ++pos_;
  }
  absl::Status Error(std::string_view what) const {
    return absl::InvalidArgumentError(absl::StrCat("column ", pos_ + 1, ": ", std::string(what)));
  }

  static void AppendUtf8(uint32_t cp, std::string* out) {
    if (cp < 0x80) {
      out->push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  // At a backslash followed by u or U: decodes the escape.
  absl::Status Uchar(std::string* out) {
    char kind = s_[pos_ + 1];
    size_t digits = kind == 'u' ? 4 : 8;
    if (pos_ + 2 + digits > s_.size()) return Error("truncated \\u escape");
    uint32_t cp = 0;
    for (size_t i = 0; i < digits; ++i) {
      char c = s_[pos_ + 2 + i];
      int v = absl::ascii_isdigit(c)   ? c - '0'
              : (c >= 'a' && c <= 'f') ? c - 'a' + 10
              : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                       : -1;
      if (v < 0) return Error("bad hex digit in \\u escape");
      cp = cp * 16 + static_cast<uint32_t>(v);
    }
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return Error("\\u escape is not a Unicode scalar value");
    }
    AppendUtf8(cp, out);
    pos_ += 2 + digits;
    return absl::OkStatus();
  }

  absl::Status Iri(std::string* out) {
    out->clear();
    ++pos_;  // '<'
    while (true) {
      if (AtEnd()) return Error("unterminated IRI: missing '>'");
      char c = Peek();
      if (c == '>') break;
      if (c == '\\') {
        if (pos_ + 1 < s_.size() && (s_[pos_ + 1] == 'u' || s_[pos_ + 1] == 'U')) {
          RETURN_IF_ERROR(Uchar(out));
          continue;
        }
        return Error("only \\u and \\U escapes are allowed in an IRI");
      }
      if (static_cast<unsigned char>(c) <= 0x20 || c == '<' || c == '"' || c == '{' || c == '}' ||
          c == '|' || c == '^' || c == '`') {
        return Error(absl::StrCat("character not allowed in an IRI (byte 0x",
                                  absl::Hex(static_cast<unsigned char>(c)), ")"));
      }
      out->push_back(c);
      ++pos_;
    }
    ++pos_;  // '>'
    if (out->empty()) return Error("empty IRI <>");
    return absl::OkStatus();
  }

  static bool IsLabelChar(char c) {
    return absl::ascii_isalnum(c) || c == '_' || c == '-' || c == '.' || c == ':' ||
           static_cast<unsigned char>(c) >= 0x80;
  }

  absl::Status Blank(std::string* out) {
    if (pos_ + 1 >= s_.size() || s_[pos_ + 1] != ':') return Error("expected '_:' of a blank node");
    size_t start = pos_;
    pos_ += 2;
    while (!AtEnd() && IsLabelChar(Peek())) ++pos_;
    // A label may not end with '.': that dot ends the triple.
    while (pos_ > start + 2 && s_[pos_ - 1] == '.') --pos_;
    if (pos_ == start + 2) return Error("empty blank node label");
    out->assign(s_.substr(start, pos_ - start));
    return absl::OkStatus();
  }

  absl::Status Literal(SourceTriple* t) {
    std::string* out = &t->object;
    out->clear();
    ++pos_;  // '"'
    while (true) {
      if (AtEnd()) return Error("unterminated literal: missing closing '\"'");
      char c = Peek();
      if (c == '"') break;
      if (c == '\\') {
        if (pos_ + 1 >= s_.size()) return Error("dangling backslash in literal");
        char e = s_[pos_ + 1];
        if (e == 'u' || e == 'U') {
          RETURN_IF_ERROR(Uchar(out));
          continue;
        }
        char decoded;
        switch (e) {
          case 't':
            decoded = '\t';
            break;
          case 'b':
            decoded = '\b';
            break;
          case 'n':
            decoded = '\n';
            break;
          case 'r':
            decoded = '\r';
            break;
          case 'f':
            decoded = '\f';
            break;
          case '"':
            decoded = '"';
            break;
          case '\'':
            decoded = '\'';
            break;
          case '\\':
            decoded = '\\';
            break;
          default:
            ++pos_;
            return Error(absl::StrCat("unknown escape \\", std::string(1, e), " in literal"));
        }
        out->push_back(decoded);
        pos_ += 2;
        continue;
      }
      if (c == '\n' || c == '\r') return Error("raw line break in literal (use \\n)");
      out->push_back(c);
      ++pos_;
    }
    ++pos_;  // '"'
    t->object_is_literal = true;
    if (!AtEnd() && Peek() == '@') {
      ++pos_;
      size_t start = pos_;
      while (!AtEnd() && absl::ascii_isalpha(Peek())) ++pos_;
      if (pos_ == start) return Error("empty language tag after '@'");
      while (!AtEnd() && Peek() == '-') {
        size_t sub = ++pos_;
        while (!AtEnd() && absl::ascii_isalnum(Peek())) ++pos_;
        if (pos_ == sub) return Error("empty language subtag after '-'");
      }
      t->language = absl::AsciiStrToLower(std::string(s_.substr(start, pos_ - start)));
    } else if (pos_ + 1 < s_.size() && Peek() == '^' && s_[pos_ + 1] == '^') {
      pos_ += 2;
      if (AtEnd() || Peek() != '<') return Error("expected a datatype IRI after '^^'");
      RETURN_IF_ERROR(Iri(&t->datatype));
    }
    return absl::OkStatus();
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<bool> ParseNTriplesLine(std::string_view line, SourceTriple* out) {
  // N-Triples is UTF-8; a stray byte anywhere (an IRI included) is an error
  // at its column rather than a term the store would have to repair.
  const auto* bytes = reinterpret_cast<const utf8proc_uint8_t*>(line.data());
  for (size_t i = 0; i < line.size();) {
    utf8proc_int32_t cp;
    utf8proc_ssize_t n = utf8proc_iterate(bytes + i, static_cast<utf8proc_ssize_t>(line.size() - i), &cp);
    if (n <= 0) return absl::InvalidArgumentError(absl::StrCat("column ", i + 1, ": invalid UTF-8"));
    i += static_cast<size_t>(n);
  }
  return LineParser(line).Parse(out);
}

}  // namespace kg::tools
