// The text and JSON renderings of a result: a negated fact never reads as its
// positive, and the explain view names every hop's flags.

#include "query/format.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace kg::query {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

QueryResult OnePath(uint32_t flags, bool explain) {
  QueryResult r;
  r.query.kind = QueryKind::kConnect;
  r.query.explain = explain;
  r.query.names = {Term{false, "Merida Initiative", 9}, Term{false, "fentanyl", 33}};
  ResultNode a, b;
  a.name = "Merida Initiative";
  b.name = "fentanyl";
  Hop h;
  h.from = a;
  h.to = b;
  h.predicate = "address";
  h.confidence = 0.6f;
  h.support = 1;
  h.flags = flags;
  ResultPath p;
  p.nodes = {a, b};
  p.hops = {h};
  p.weight = 0.5;
  r.paths.push_back(p);
  return r;
}

TEST(FormatTest, NegatedHopsReadAsNegatedInEveryView) {
  const std::string negated = FormatTable(OnePath(NEGATED, false));
  EXPECT_THAT(negated, HasSubstr("not address"));
  const std::string positive = FormatTable(OnePath(0, false));
  EXPECT_THAT(positive, HasSubstr("address"));
  EXPECT_THAT(positive, Not(HasSubstr("not address")));
  EXPECT_THAT(FormatTable(OnePath(NEGATED, true)), HasSubstr("--address--> fentanyl  (confidence 0.60, support 1, negated)"));
  // JSON keeps the predicate and carries the flag separately.
  nlohmann::json j = nlohmann::json::parse(FormatJson(OnePath(NEGATED, false)));
  EXPECT_EQ(j["paths"][0]["hops"][0]["predicate"], "address");
  EXPECT_THAT(j.dump(), HasSubstr("negated"));
}

}  // namespace
}  // namespace kg::query
