#ifndef KG_QUERY_ENGINE_H_
#define KG_QUERY_ENGINE_H_

// kg::query::Engine: parses and answers kg queries against a Store.
//
// Contract:
//  - Run() parses the query (syntax errors: InvalidArgumentError whose message
//    names the column and suggests the nearest keyword), resolves names
//    through kg::TermKey and the store's aliases (unknown names:
//    NotFoundError listing the closest known names), and answers from a
//    Boost.Graph projection of the store cached until Store::Version()
//    changes.
//  - Format() renders a result as an aligned table, JSON (the contract in
//    README.md "Query JSON") or Graphviz DOT.

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "storage/store.h"

namespace kg::query {

enum class OutputFormat { kTable, kJson, kDot };

struct QueryResult;  // query/result.h

class Engine {
 public:
  explicit Engine(storage::Store* store);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  absl::StatusOr<std::shared_ptr<const QueryResult>> Run(std::string_view query);
  std::string Format(const QueryResult& result, OutputFormat format) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kg::query

#endif  // KG_QUERY_ENGINE_H_
