#include "query/parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "proto/status_macros.h"

namespace kg::query {

const char* QueryKindName(QueryKind kind) {
  switch (kind) {
    case QueryKind::kPath:
      return "path";
    case QueryKind::kConnect:
      return "connect";
    case QueryKind::kNeighbors:
      return "neighbors";
    case QueryKind::kEntity:
      return "entity";
    case QueryKind::kMatch:
      return "match";
    case QueryKind::kTop:
      return "top";
  }
  return "?";
}

int EditDistance(std::string_view a, std::string_view b) {
  std::vector<int> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diag = row[0];
    row[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

namespace {

enum class TokenKind { kWord, kString, kVariable, kComma, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;    // word as written, unescaped string, variable name
  size_t offset = 0;   // byte offset in the query
};

const char* TokenKindName(TokenKind kind) {
  switch (kind) {
    case TokenKind::kWord:
      return "a word";
    case TokenKind::kString:
      return "a quoted name";
    case TokenKind::kVariable:
      return "a variable";
    case TokenKind::kComma:
      return "','";
    case TokenKind::kEnd:
      return "the end of the query";
  }
  return "?";
}

// 1-based column of a byte offset, counting UTF-8 characters.
int ColumnOf(std::string_view text, size_t offset) {
  int column = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  }
  return column;
}

absl::Status SyntaxError(std::string_view text, size_t offset, const std::string& message) {
  int column = ColumnOf(text, offset);
  std::string shown(text);
  std::replace_if(shown.begin(), shown.end(), [](char c) { return c == '\n' || c == '\t' || c == '\r'; }, ' ');
  return absl::InvalidArgumentError(absl::StrCat("query syntax error at column ", column, ": ", message,
                                                 "\n  ", shown, "\n  ", std::string(column - 1, ' '),
                                                 "^"));
}

// The keyword nearest to `word`, or "" when none is close.
std::string Nearest(std::string_view word, const std::vector<std::string>& candidates) {
  std::string lower = absl::AsciiStrToLower(std::string(word));
  std::string best;
  int best_distance = std::max<int>(2, static_cast<int>(lower.size()) / 3) + 1;
  for (const std::string& c : candidates) {
    int d = EditDistance(lower, c);
    if (c.size() > 2 && lower.size() >= 2 && c.rfind(lower, 0) == 0) d = std::min(d, 1);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

void AppendUtf8(uint32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

absl::StatusOr<std::vector<Token>> Lex(std::string_view text) {
  std::vector<Token> tokens;
  size_t i = 0;
  while (true) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    Token token;
    token.offset = i;
    if (i == text.size()) {
      tokens.push_back(token);
      return tokens;
    }
    char c = text[i];
    if (c == ',') {
      token.kind = TokenKind::kComma;
      token.text = ",";
      ++i;
    } else if (c == '"') {
      token.kind = TokenKind::kString;
      ++i;
      bool closed = false;
      while (i < text.size()) {
        char d = text[i];
        if (d == '"') {
          closed = true;
          ++i;
          break;
        }
        if (d != '\\') {
          token.text.push_back(d);
          ++i;
          continue;
        }
        if (i + 1 >= text.size()) break;
        char e = text[i + 1];
        switch (e) {
          case '"':
          case '\\':
          case '/':
            token.text.push_back(e);
            i += 2;
            break;
          case 'n':
            token.text.push_back('\n');
            i += 2;
            break;
          case 't':
            token.text.push_back('\t');
            i += 2;
            break;
          case 'u': {
            uint32_t cp = 0;
            bool ok = i + 6 <= text.size();
            for (size_t j = i + 2; ok && j < i + 6; ++j) {
              char h = text[j];
              if (!std::isxdigit(static_cast<unsigned char>(h))) {
                ok = false;
                break;
              }
              cp = cp * 16 + (std::isdigit(static_cast<unsigned char>(h))
                                  ? h - '0'
                                  : std::tolower(static_cast<unsigned char>(h)) - 'a' + 10);
            }
            if (!ok) return SyntaxError(text, i, "\\u must be followed by 4 hex digits");
            AppendUtf8(cp, token.text);
            i += 6;
            break;
          }
          default:
            return SyntaxError(text, i,
                               absl::StrCat("unknown escape '\\", std::string(1, e),
                                            "' (use \\\" \\\\ \\n \\t or \\uXXXX)"));
        }
      }
      if (!closed) return SyntaxError(text, token.offset, "unterminated name: missing closing '\"'");
    } else if (c == '?') {
      token.kind = TokenKind::kVariable;
      ++i;
      while (i < text.size() && (std::isalnum(static_cast<unsigned char>(text[i])) || text[i] == '_')) {
        token.text.push_back(text[i++]);
      }
      if (token.text.empty()) {
        return SyntaxError(text, token.offset, "a variable needs a name after '?', as in ?p");
      }
    } else {
      token.kind = TokenKind::kWord;
      while (i < text.size() && !IsSpace(text[i]) && text[i] != '"' && text[i] != ',') {
        token.text.push_back(text[i++]);
      }
    }
    tokens.push_back(std::move(token));
  }
}

// Options each command accepts (besides edge filters where noted).
const std::vector<std::string> kCommands = {"path", "connect", "neighbors", "entity", "match", "top",
                                            "explain"};
const std::vector<std::string> kFilterOptions = {"typed", "predicate", "min_confidence", "document",
                                                 "since", "until"};

std::vector<std::string> OptionsFor(QueryKind kind) {
  std::vector<std::string> own;
  switch (kind) {
    case QueryKind::kPath:
      own = {"max", "k", "by"};
      break;
    case QueryKind::kConnect:
      own = {"max", "k", "type", "by", "limit"};
      break;
    case QueryKind::kNeighbors:
      own = {"depth", "type", "limit"};
      break;
    case QueryKind::kEntity:
      return {};
    case QueryKind::kMatch:
      own = {"limit"};
      break;
    case QueryKind::kTop:
      own = {"type", "by", "limit"};
      break;
  }
  own.insert(own.end(), kFilterOptions.begin(), kFilterOptions.end());
  return own;
}

std::vector<std::string> RankingsFor(QueryKind kind) {
  if (kind == QueryKind::kTop) return {"degree", "pagerank"};
  return {"hops", "confidence"};
}

absl::StatusOr<EntityType> ParseType(std::string_view word) {
  std::string upper = absl::AsciiStrToUpper(std::string(word));
  if (upper == "ORGANIZATION" || upper == "ORGANISATION") upper = "ORG";
  if (upper == "PER") upper = "PERSON";
  EntityType type;
  if (upper != "ENTITY_TYPE_UNSPECIFIED" && EntityType_Parse(upper, &type)) return type;
  return absl::NotFoundError("");
}

std::vector<std::string> TypeNames() {
  std::vector<std::string> names;
  const auto* descriptor = EntityType_descriptor();
  for (int i = 0; i < descriptor->value_count(); ++i) {
    if (descriptor->value(i)->number() == 0) continue;
    names.push_back(absl::AsciiStrToLower(descriptor->value(i)->name()));
  }
  return names;
}

// Completes a partial ISO date: `since` takes the first day, `until` the last.
absl::StatusOr<std::string> NormalizeDate(const std::string& date, bool until) {
  auto digits = [&](size_t from, size_t n) {
    if (from + n > date.size()) return false;
    for (size_t i = from; i < from + n; ++i) {
      if (!std::isdigit(static_cast<unsigned char>(date[i]))) return false;
    }
    return true;
  };
  if (date.size() == 4 && digits(0, 4)) return absl::StrCat(date, until ? "-12-31" : "-01-01");
  if (date.size() == 7 && digits(0, 4) && date[4] == '-' && digits(5, 2)) {
    return absl::StrCat(date, until ? "-31" : "-01");
  }
  if (date.size() == 10 && digits(0, 4) && date[4] == '-' && digits(5, 2) && date[7] == '-' &&
      digits(8, 2)) {
    return std::string(date);
  }
  return absl::InvalidArgumentError("");
}

class Parser {
 public:
  Parser(std::string_view text, std::vector<Token> tokens) : text_(text), tokens_(std::move(tokens)) {}

  absl::StatusOr<Query> Parse() {
    Query query;
    if (IsWord("explain")) {
      query.explain = true;
      ++pos_;
    }
    const Token& command = Peek();
    if (command.kind != TokenKind::kWord) {
      return Error(command, absl::StrCat("expected a command (", Join(kCommands), "), found ",
                                         Describe(command)));
    }
    std::string word = absl::AsciiStrToLower(command.text);
    if (word == "neighbours") word = "neighbors";
    if (word == "path") {
      query.kind = QueryKind::kPath;
    } else if (word == "connect") {
      query.kind = QueryKind::kConnect;
    } else if (word == "neighbors") {
      query.kind = QueryKind::kNeighbors;
    } else if (word == "entity") {
      query.kind = QueryKind::kEntity;
    } else if (word == "match") {
      query.kind = QueryKind::kMatch;
    } else if (word == "top") {
      query.kind = QueryKind::kTop;
    } else {
      return Unknown(command, "command", kCommands);
    }
    ++pos_;
    switch (query.kind) {
      case QueryKind::kPath:
      case QueryKind::kConnect: {
        ASSIGN_OR_RETURN(Term a, ExpectName());
        query.names.push_back(std::move(a));
        const char* joiner = query.kind == QueryKind::kPath ? "to" : "and";
        if (!IsWord(joiner)) {
          std::string message = absl::StrCat("expected '", joiner, "' after the first name, found ",
                                             Describe(Peek()));
          return Error(Peek(), message);
        }
        ++pos_;
        ASSIGN_OR_RETURN(Term b, ExpectName());
        query.names.push_back(std::move(b));
        break;
      }
      case QueryKind::kNeighbors:
      case QueryKind::kEntity: {
        ASSIGN_OR_RETURN(Term a, ExpectName());
        query.names.push_back(std::move(a));
        break;
      }
      case QueryKind::kMatch: {
        while (true) {
          ASSIGN_OR_RETURN(Pattern p, ParsePattern());
          query.patterns.push_back(std::move(p));
          if (Peek().kind != TokenKind::kComma) break;
          ++pos_;
        }
        break;
      }
      case QueryKind::kTop:
        break;
    }
    RETURN_IF_ERROR(ParseOptions(query));
    return query;
  }

 private:
  const Token& Peek() const { return tokens_[pos_]; }
  bool IsWord(std::string_view keyword) const {
    return Peek().kind == TokenKind::kWord && absl::EqualsIgnoreCase(Peek().text, std::string(keyword));
  }
  absl::Status Error(const Token& at, const std::string& message) const {
    return SyntaxError(text_, at.offset, message);
  }
  static std::string Join(const std::vector<std::string>& words) { return absl::StrJoin(words, ", "); }
  static std::string Describe(const Token& t) {
    switch (t.kind) {
      case TokenKind::kWord:
        return absl::StrCat("'", t.text, "'");
      case TokenKind::kString:
        return absl::StrCat("the name \"", t.text, "\"");
      case TokenKind::kVariable:
        return absl::StrCat("the variable ?", t.text);
      default:
        return TokenKindName(t.kind);
    }
  }
  absl::Status Unknown(const Token& at, const std::string& what, const std::vector<std::string>& known) const {
    std::string message = absl::StrCat("unknown ", what, " '", at.text, "'");
    std::string near = Nearest(at.text, known);
    if (!near.empty()) absl::StrAppend(&message, " (did you mean '", near, "'?)");
    absl::StrAppend(&message, "; expected one of: ", Join(known));
    return Error(at, message);
  }

  absl::StatusOr<Term> ExpectName() {
    const Token& t = Peek();
    if (t.kind != TokenKind::kString) {
      std::string message = absl::StrCat("expected a quoted name, found ", Describe(t));
      if (t.kind == TokenKind::kWord) absl::StrAppend(&message, " (put names in double quotes: \"", t.text, "\")");
      return Error(t, message);
    }
    if (t.text.empty()) return Error(t, "empty name \"\"");
    ++pos_;
    return Term{false, t.text, ColumnOf(text_, t.offset)};
  }

  absl::StatusOr<Term> ParseTerm(bool predicate) {
    const Token& t = Peek();
    Term term;
    term.column = ColumnOf(text_, t.offset);
    if (t.kind == TokenKind::kVariable) {
      term.is_variable = true;
      term.text = t.text;
    } else if (t.kind == TokenKind::kString || (predicate && t.kind == TokenKind::kWord)) {
      if (t.text.empty()) return Error(t, "empty name \"\"");
      term.text = t.text;
    } else {
      return Error(t, absl::StrCat("expected ", predicate ? "a predicate or ?variable" : "a quoted name or ?variable",
                                   ", found ", Describe(t)));
    }
    ++pos_;
    return term;
  }

  absl::StatusOr<Pattern> ParsePattern() {
    Pattern p;
    ASSIGN_OR_RETURN(p.subject, ParseTerm(false));
    ASSIGN_OR_RETURN(p.predicate, ParseTerm(true));
    ASSIGN_OR_RETURN(p.object, ParseTerm(false));
    return p;
  }

  absl::StatusOr<int> ExpectInt(const std::string& option, int min) {
    const Token& t = Peek();
    int value = 0;
    if (t.kind != TokenKind::kWord || !absl::SimpleAtoi(t.text, &value) || value < min || value > 1000000) {
      return Error(t, absl::StrCat("'", option, "' needs an integer >= ", min, ", found ", Describe(t)));
    }
    ++pos_;
    return value;
  }

  // A comma-separated list of words or names.
  absl::StatusOr<std::vector<Token>> ExpectList(const std::string& option) {
    std::vector<Token> items;
    while (true) {
      const Token& t = Peek();
      if (t.kind != TokenKind::kWord && t.kind != TokenKind::kString) {
        return Error(t, absl::StrCat("'", option, "' needs a value, found ", Describe(t)));
      }
      items.push_back(t);
      ++pos_;
      if (Peek().kind != TokenKind::kComma) return items;
      ++pos_;
    }
  }

  absl::Status ParseOptions(Query& query) {
    const std::vector<std::string> allowed = OptionsFor(query.kind);
    std::vector<std::string> seen;
    while (Peek().kind != TokenKind::kEnd) {
      const Token& t = Peek();
      if (t.kind != TokenKind::kWord) {
        if (allowed.empty()) return Error(t, absl::StrCat("unexpected ", Describe(t), " after the query"));
        return Error(t, absl::StrCat("expected an option (", Join(allowed), "), found ", Describe(t)));
      }
      std::string option = absl::AsciiStrToLower(t.text);
      if (std::find(allowed.begin(), allowed.end(), option) == allowed.end()) {
        bool known = option == "max" || option == "k" || option == "depth" || option == "limit" ||
                     option == "type" || option == "by" ||
                     std::find(kFilterOptions.begin(), kFilterOptions.end(), option) != kFilterOptions.end();
        if (known) {
          return Error(t, absl::StrCat("'", option, "' does not apply to ", QueryKindName(query.kind),
                                       allowed.empty() ? "" : absl::StrCat("; it takes: ", Join(allowed))));
        }
        if (allowed.empty()) return Error(t, absl::StrCat("unexpected ", Describe(t), " after the query"));
        return Unknown(t, absl::StrCat("option for ", QueryKindName(query.kind)), allowed);
      }
      if (std::find(seen.begin(), seen.end(), option) != seen.end()) {
        return Error(t, absl::StrCat("'", option, "' given twice"));
      }
      seen.push_back(option);
      ++pos_;
      if (option == "max") {
        ASSIGN_OR_RETURN(query.max_hops, ExpectInt(option, 1));
      } else if (option == "k") {
        ASSIGN_OR_RETURN(query.k, ExpectInt(option, 1));
      } else if (option == "depth") {
        ASSIGN_OR_RETURN(query.depth, ExpectInt(option, 1));
      } else if (option == "limit") {
        ASSIGN_OR_RETURN(query.limit, ExpectInt(option, 1));
      } else if (option == "typed") {
        query.filter.typed_only = true;
      } else if (option == "type") {
        ASSIGN_OR_RETURN(std::vector<Token> items, ExpectList(option));
        for (const Token& item : items) {
          absl::StatusOr<EntityType> type = ParseType(item.text);
          if (!type.ok()) return Unknown(item, "entity type", TypeNames());
          query.types.push_back(*type);
        }
      } else if (option == "by") {
        const Token& v = Peek();
        std::vector<std::string> rankings = RankingsFor(query.kind);
        if (v.kind != TokenKind::kWord) {
          return Error(v, absl::StrCat("'by' needs one of: ", Join(rankings), "; found ", Describe(v)));
        }
        std::string r = absl::AsciiStrToLower(v.text);
        if (std::find(rankings.begin(), rankings.end(), r) == rankings.end()) {
          return Unknown(v, "ranking", rankings);
        }
        query.by = r == "degree"       ? Ranking::kDegree
                   : r == "pagerank"   ? Ranking::kPageRank
                   : r == "confidence" ? Ranking::kConfidence
                                       : Ranking::kHops;
        ++pos_;
      } else if (option == "predicate") {
        ASSIGN_OR_RETURN(std::vector<Token> items, ExpectList(option));
        for (const Token& item : items) {
          query.filter.predicates.push_back(item.text);
          query.filter.predicate_columns.push_back(ColumnOf(text_, item.offset));
        }
      } else if (option == "document") {
        ASSIGN_OR_RETURN(std::vector<Token> items, ExpectList(option));
        for (const Token& item : items) query.filter.documents.push_back(item.text);
      } else if (option == "min_confidence") {
        const Token& v = Peek();
        float value = 0;
        if (v.kind != TokenKind::kWord || !absl::SimpleAtof(v.text, &value) || !(value >= 0.0f) ||
            value > 1.0f) {
          return Error(v, absl::StrCat("'min_confidence' needs a number between 0 and 1, found ", Describe(v)));
        }
        query.filter.min_confidence = value;
        ++pos_;
      } else if (option == "since" || option == "until") {
        const Token& v = Peek();
        absl::StatusOr<std::string> date =
            v.kind == TokenKind::kWord || v.kind == TokenKind::kString
                ? NormalizeDate(v.text, option == "until")
                : absl::InvalidArgumentError("");
        if (!date.ok()) {
          return Error(v, absl::StrCat("'", option, "' needs a date YYYY, YYYY-MM or YYYY-MM-DD, found ",
                                       Describe(v)));
        }
        (option == "since" ? query.filter.since : query.filter.until) = *date;
        ++pos_;
      }
    }
    return absl::OkStatus();
  }

  std::string_view text_;
  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
      case '\\':
        out.push_back('\\');
        out.push_back(c);
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        // Other control bytes would be invisible or break the line in explain.
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7F) {
          out += absl::StrFormat("\\u%04x", static_cast<unsigned char>(c));
        } else {
          out.push_back(c);
        }
    }
  }
  out.push_back('"');
  return out;
}

// A word or name as it must be written to read back as the same text: bare
// when it is one word of letters, digits and '_' (so it can never be a
// keyword-shaped token the parser would take differently, a variable or two
// tokens), else quoted.
std::string WordOrQuoted(std::string_view s) {
  bool bare = !s.empty();
  for (char c : s) {
    if (!(absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_')) bare = false;
  }
  return bare ? std::string(s) : Quote(s);
}

std::string TermString(const Term& t, bool predicate) {
  if (t.is_variable) return "?" + t.text;
  return predicate ? WordOrQuoted(t.text) : Quote(t.text);
}

// Shortest decimal form that parses back to the same float.
std::string FloatString(float value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  if (ec != std::errc()) return absl::StrCat(value);
  return std::string(buf, end);
}

std::string WordOrDate(std::string_view s) {
  bool bare = !s.empty();
  for (char c : s) {
    if (!(absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '-')) bare = false;
  }
  return bare ? std::string(s) : Quote(s);
}

bool SameTerm(const Term& a, const Term& b) { return a.is_variable == b.is_variable && a.text == b.text; }

}  // namespace

absl::StatusOr<Query> ParseQuery(std::string_view text) {
  ASSIGN_OR_RETURN(std::vector<Token> tokens, Lex(text));
  Parser parser(text, std::move(tokens));
  return parser.Parse();
}

std::string ToString(const Query& q) {
  std::vector<std::string> parts;
  if (q.explain) parts.push_back("explain");
  parts.push_back(QueryKindName(q.kind));
  switch (q.kind) {
    case QueryKind::kPath:
    case QueryKind::kConnect:
    case QueryKind::kNeighbors:
    case QueryKind::kEntity:
      // Every name there is, so that a query built by hand with too few or
      // too many prints as written (ParseQuery then says what is wrong).
      for (size_t i = 0; i < q.names.size(); ++i) {
        if (i > 0) parts.push_back(q.kind == QueryKind::kPath ? "to" : "and");
        parts.push_back(Quote(q.names[i].text));
      }
      break;
    case QueryKind::kMatch: {
      std::vector<std::string> patterns;
      for (const Pattern& p : q.patterns) {
        patterns.push_back(absl::StrCat(TermString(p.subject, false), " ", TermString(p.predicate, true), " ",
                                        TermString(p.object, false)));
      }
      parts.push_back(absl::StrJoin(patterns, ", "));
      break;
    }
    case QueryKind::kTop:
      break;
  }
  if (q.max_hops > 0) absl::StrAppend(&parts.emplace_back("max "), q.max_hops);
  if (q.k > 0) absl::StrAppend(&parts.emplace_back("k "), q.k);
  if (q.depth > 0) absl::StrAppend(&parts.emplace_back("depth "), q.depth);
  if (!q.types.empty()) {
    std::vector<std::string> names;
    for (EntityType t : q.types) names.push_back(absl::AsciiStrToLower(EntityType_Name(t)));
    parts.push_back("type " + absl::StrJoin(names, ","));
  }
  switch (q.by) {
    case Ranking::kDefault:
      break;
    case Ranking::kHops:
      parts.push_back("by hops");
      break;
    case Ranking::kConfidence:
      parts.push_back("by confidence");
      break;
    case Ranking::kDegree:
      parts.push_back("by degree");
      break;
    case Ranking::kPageRank:
      parts.push_back("by pagerank");
      break;
  }
  if (q.filter.typed_only) parts.push_back("typed");
  if (!q.filter.predicates.empty()) {
    std::vector<std::string> predicates;
    for (const std::string& p : q.filter.predicates) predicates.push_back(WordOrQuoted(p));
    parts.push_back("predicate " + absl::StrJoin(predicates, ","));
  }
  if (q.filter.min_confidence > 0) parts.push_back("min_confidence " + FloatString(q.filter.min_confidence));
  if (!q.filter.documents.empty()) {
    std::vector<std::string> docs;
    for (const std::string& d : q.filter.documents) docs.push_back(Quote(d));
    parts.push_back("document " + absl::StrJoin(docs, ","));
  }
  // Dates are normalised by the parser to YYYY-MM-DD; quoting keeps the
  // printer safe should a Query be built by hand.
  if (!q.filter.since.empty()) parts.push_back("since " + WordOrDate(q.filter.since));
  if (!q.filter.until.empty()) parts.push_back("until " + WordOrDate(q.filter.until));
  if (q.limit > 0) absl::StrAppend(&parts.emplace_back("limit "), q.limit);
  return absl::StrJoin(parts, " ");
}

bool SameQuery(const Query& a, const Query& b) {
  auto same_terms = [](const std::vector<Term>& x, const std::vector<Term>& y) {
    return std::equal(x.begin(), x.end(), y.begin(), y.end(), SameTerm);
  };
  auto same_patterns = [](const Pattern& x, const Pattern& y) {
    return SameTerm(x.subject, y.subject) && SameTerm(x.predicate, y.predicate) && SameTerm(x.object, y.object);
  };
  const EdgeFilter& f = a.filter;
  const EdgeFilter& g = b.filter;
  return a.kind == b.kind && a.explain == b.explain && same_terms(a.names, b.names) &&
         std::equal(a.patterns.begin(), a.patterns.end(), b.patterns.begin(), b.patterns.end(), same_patterns) &&
         a.max_hops == b.max_hops && a.k == b.k && a.depth == b.depth && a.limit == b.limit && a.types == b.types &&
         a.by == b.by && f.typed_only == g.typed_only && f.predicates == g.predicates &&
         f.min_confidence == g.min_confidence && f.documents == g.documents && f.since == g.since &&
         f.until == g.until;
}

}  // namespace kg::query
