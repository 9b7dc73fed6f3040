#include "core/conllu.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "proto/status_macros.h"

namespace kg::core {
namespace {

absl::Status LineError(absl::string_view name, int line, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(name, ":", line, ": ", what));
}

// Checks a finished sentence: ids 1..n and heads within 0..n.
absl::Status FinishSentence(absl::string_view name, ConlluSentence& s,
                            std::vector<ConlluSentence>& out) {
  const int n = static_cast<int>(s.tokens.size());
  for (const ConlluToken& t : s.tokens) {
    if (t.head > n) {
      return LineError(name, t.line,
                       absl::StrCat("head ", t.head, " is beyond the sentence's ", n, " words"));
    }
    if (t.head == t.id) {
      return LineError(name, t.line, absl::StrCat("word ", t.id, " is its own head"));
    }
  }
  for (const ConlluMultiword& m : s.multiwords) {
    if (m.last > n) {
      return LineError(name, s.line,
                       absl::StrCat("multiword range ", m.first, "-", m.last,
                                    " is beyond the sentence's ", n, " words"));
    }
  }
  out.push_back(std::move(s));
  s = ConlluSentence{};
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::vector<ConlluSentence>> ParseConllu(std::string_view content_std,
                                                        std::string_view name_std) {
  // Debian's abseil has its own string_view type, distinct from std's.
  const absl::string_view content(content_std.data(), content_std.size());
  const absl::string_view name(name_std.data(), name_std.size());
  std::vector<ConlluSentence> out;
  ConlluSentence cur;
  std::string doc_id;
  int line_no = 0;
  size_t pos = 0;
  while (pos <= content.size()) {
    size_t eol = content.find('\n', pos);
    if (eol == absl::string_view::npos) eol = content.size();
    absl::string_view line = content.substr(pos, eol - pos);
    const bool at_end = eol >= content.size();
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    if (line.empty()) {
      if (!cur.tokens.empty()) {
        RETURN_IF_ERROR(FinishSentence(name, cur, out));
        cur.doc_id = doc_id;
      } else if (!cur.multiwords.empty()) {
        return LineError(name, line_no, "sentence has multiword ranges but no words");
      }
      if (at_end) break;
      continue;
    }
    if (line[0] == '#') {
      absl::string_view body = absl::StripLeadingAsciiWhitespace(line.substr(1));
      if (absl::ConsumePrefix(&body, "sent_id")) {
        body = absl::StripLeadingAsciiWhitespace(body);
        if (absl::ConsumePrefix(&body, "=")) {
          cur.sent_id = std::string(absl::StripAsciiWhitespace(body));
        }
      } else if (absl::ConsumePrefix(&body, "text")) {
        body = absl::StripLeadingAsciiWhitespace(body);
        if (absl::ConsumePrefix(&body, "=")) {
          cur.text = std::string(absl::StripLeadingAsciiWhitespace(body));
        }
      } else if (absl::ConsumePrefix(&body, "newdoc")) {
        body = absl::StripLeadingAsciiWhitespace(body);
        if (absl::ConsumePrefix(&body, "id")) {
          body = absl::StripLeadingAsciiWhitespace(body);
          if (absl::ConsumePrefix(&body, "=")) {
            doc_id = std::string(absl::StripAsciiWhitespace(body));
          }
        }
        cur.doc_id = doc_id;
      }
      continue;
    }

    std::vector<absl::string_view> cols = absl::StrSplit(line, '\t');
    if (cols.size() != 10) {
      return LineError(name, line_no,
                       absl::StrCat("expected 10 tab-separated columns, found ", cols.size()));
    }
    absl::string_view id = cols[0];
    if (id.find('.') != absl::string_view::npos) continue;  // empty node
    if (size_t dash = id.find('-'); dash != absl::string_view::npos) {
      ConlluMultiword m;
      if (!absl::SimpleAtoi(id.substr(0, dash), &m.first) ||
          !absl::SimpleAtoi(id.substr(dash + 1), &m.last) || m.first < 1 || m.last < m.first) {
        return LineError(name, line_no, absl::StrCat("bad multiword range \"", id, "\""));
      }
      m.form = std::string(cols[1]);
      m.misc = std::string(cols[9]);
      cur.multiwords.push_back(std::move(m));
      continue;
    }
    ConlluToken t;
    if (!absl::SimpleAtoi(id, &t.id)) {
      return LineError(name, line_no, absl::StrCat("bad word id \"", id, "\""));
    }
    const int expected = static_cast<int>(cur.tokens.size()) + 1;
    if (t.id != expected) {
      return LineError(name, line_no,
                       absl::StrCat("word id ", t.id, " out of order (expected ", expected, ")"));
    }
    if (cols[1].empty()) return LineError(name, line_no, "empty FORM column");
    if (cols[6] == "_") {
      t.head = -1;
    } else if (!absl::SimpleAtoi(cols[6], &t.head) || t.head < 0) {
      return LineError(name, line_no, absl::StrCat("bad head \"", cols[6], "\""));
    }
    if (cur.tokens.empty()) cur.line = line_no;
    t.line = line_no;
    t.form = std::string(cols[1]);
    t.lemma = std::string(cols[2]);
    t.upos = std::string(cols[3]);
    t.xpos = std::string(cols[4]);
    t.feats = std::string(cols[5]);
    t.deprel = std::string(cols[7]);
    t.deps = std::string(cols[8]);
    t.misc = std::string(cols[9]);
    cur.tokens.push_back(std::move(t));
    if (at_end) break;
  }
  if (!cur.tokens.empty()) {
    RETURN_IF_ERROR(FinishSentence(name, cur, out));
  }
  return out;
}

absl::StatusOr<std::vector<ConlluSentence>> ReadConlluFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat(path, ": cannot open"));
  std::ostringstream buf;
  buf << in.rdbuf();
  if (in.bad()) return absl::DataLossError(absl::StrCat(path, ": read error"));
  return ParseConllu(buf.str(), path);
}

bool ConlluSpaceAfter(std::string_view misc) { return ConlluMiscValue(misc, "SpaceAfter") != "No"; }

std::string_view ConlluMiscValue(std::string_view misc, std::string_view key) {
  for (absl::string_view item : absl::StrSplit(absl::string_view(misc.data(), misc.size()), '|')) {
    std::string_view it(item.data(), item.size());
    if (it.size() > key.size() && it.substr(0, key.size()) == key && it[key.size()] == '=') {
      return it.substr(key.size() + 1);
    }
  }
  return {};
}

}  // namespace kg::core
