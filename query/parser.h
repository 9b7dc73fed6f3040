#ifndef KG_QUERY_PARSER_H_
#define KG_QUERY_PARSER_H_

// The kg query language: a hand-written lexer and recursive-descent parser.
//
//   query     := ["explain"] command
//   command   := "path" NAME "to" NAME options
//              | "connect" NAME "and" NAME options
//              | "neighbors" NAME options
//              | "entity" NAME
//              | "match" pattern {"," pattern} options
//              | "top" options
//   pattern   := term predicate term       term := NAME | ?var
//   options   := { "max" INT | "k" INT | "depth" INT | "limit" INT
//                | "type" WORD {"," WORD} | "by" WORD
//                | "typed" | "predicate" P {"," P} | "min_confidence" NUM
//                | "document" D {"," D} | "since" DATE | "until" DATE }
//
// NAME is a double-quoted string with escapes (\" \\ \n \t \uXXXX). Keywords
// are case-insensitive. Each command accepts only the options that apply to
// it. Errors are InvalidArgumentError naming the 1-based column (counted in
// characters), with the query and a caret under the problem, and the nearest
// keyword when a word was misspelt.

#include <string_view>

#include "absl/status/statusor.h"
#include "query/ast.h"

namespace kg::query {

absl::StatusOr<Query> ParseQuery(std::string_view text);

// Levenshtein distance in bytes (names are compared after kg::TermKey).
int EditDistance(std::string_view a, std::string_view b);

}  // namespace kg::query

#endif  // KG_QUERY_PARSER_H_
