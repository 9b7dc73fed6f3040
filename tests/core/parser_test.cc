#include "core/parser.h"

#include <random>
#include <string>
#include <vector>

#include "core/arc_hybrid.h"
#include "core/conllu.h"
#include "gtest/gtest.h"

namespace kg::core {
namespace {

const std::string kEwtTrain = std::string(KG_SOURCE_DIR) + "/../shared/data/ud-en-ewt/train.conllu";
const std::string kEwtDev = std::string(KG_SOURCE_DIR) + "/../shared/data/ud-en-ewt/dev.conllu";
const std::string kFixture = std::string(KG_SOURCE_DIR) + "/tests/data/conllu_small.conllu";

// Internal heads (n = root) of a CoNLL-U sentence.
std::vector<int> GoldHeads(const ConlluSentence& s) {
  const int n = static_cast<int>(s.tokens.size());
  std::vector<int> heads;
  for (const ConlluToken& t : s.tokens) heads.push_back(t.head == 0 ? n : t.head - 1);
  return heads;
}

// Runs `choose` from the initial state to the end; returns the heads built.
template <typename Choose>
std::vector<int> RunToEnd(int n, Choose choose) {
  ArcHybridState st(n);
  int steps = 0;
  while (!st.Terminal()) {
    const Move m = choose(st);
    EXPECT_TRUE(st.Can(m));
    st.Apply(m, 0);
    ++steps;
    if (steps > 2 * n + 2) break;
  }
  EXPECT_EQ(steps, 2 * n);
  return std::vector<int>(st.heads().begin(), st.heads().begin() + n);
}

std::vector<ConlluSentence> LoadOrSkip(const std::string& path) {
  auto s = ReadConlluFile(path);
  if (!s.ok()) return {};
  return *std::move(s);
}

TEST(ArcHybridTest, StaticOracleRebuildsProjectiveTrees) {
  auto sents = LoadOrSkip(kEwtDev);
  if (sents.empty()) sents = LoadOrSkip(kFixture);
  ASSERT_FALSE(sents.empty());
  int checked = 0;
  for (const ConlluSentence& s : sents) {
    const std::vector<int> gold = GoldHeads(s);
    if (!IsProjective(gold)) continue;
    const std::vector<int> built =
        RunToEnd(static_cast<int>(gold.size()),
                 [&](const ArcHybridState& st) { return StaticOracle(st, gold); });
    ASSERT_EQ(built, gold) << s.sent_id;
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST(ArcHybridTest, ZeroCostPathsReachTheGoldTree) {
  // Following any zero-cost move (chosen at random) ends in the gold tree
  // when it is projective, and the static oracle's move always costs zero.
  auto sents = LoadOrSkip(kEwtDev);
  if (sents.empty()) sents = LoadOrSkip(kFixture);
  std::mt19937 rng(7);
  int checked = 0;
  for (const ConlluSentence& s : sents) {
    const std::vector<int> gold = GoldHeads(s);
    if (!IsProjective(gold) || checked >= 300) continue;
    const std::vector<int> built =
        RunToEnd(static_cast<int>(gold.size()), [&](const ArcHybridState& st) {
          const MoveCosts c = ComputeCosts(st, gold);
          EXPECT_EQ(c.of(StaticOracle(st, gold)), 0);
          std::vector<Move> zero;
          for (Move m : {Move::kShift, Move::kLeft, Move::kRight}) {
            if (c.of(m) == 0) zero.push_back(m);
          }
          EXPECT_FALSE(zero.empty());
          return zero.empty() ? StaticOracle(st, gold) : zero[rng() % zero.size()];
        });
    ASSERT_EQ(built, gold) << s.sent_id;
    ++checked;
  }
  EXPECT_GT(checked, 0);
}

TEST(ArcHybridTest, DynamicOracleCostsOnHandExample) {
  // "a b c d": a <- b, b <- root, c <- d, d <- b (heads: 1, 4, 3, 1).
  const std::vector<int> gold = {1, 4, 3, 1};
  ArcHybridState st(4);
  st.Apply(Move::kShift, 0);  // stack [a], buffer [b c d root]
  MoveCosts c = ComputeCosts(st, gold);
  EXPECT_EQ(c.left, 0);  // a <- b is gold
  EXPECT_EQ(c.right, kIllegalCost);
  EXPECT_EQ(c.shift, 1);      // a's head b would become unreachable
  st.Apply(Move::kShift, 0);  // stack [a b], buffer [c d root]: a is lost
  c = ComputeCosts(st, gold);
  // LEFT: b <- c loses b's dependent d in the buffer and b's head root.
  EXPECT_EQ(c.left, 2);
  // RIGHT: b <- a loses d and root.
  EXPECT_EQ(c.right, 2);
  EXPECT_EQ(c.shift, 0);      // c's head d is in the buffer: fine
  st.Apply(Move::kShift, 0);  // stack [a b c], buffer [d root]
  c = ComputeCosts(st, gold);
  EXPECT_EQ(c.left, 0);   // c <- d
  EXPECT_EQ(c.right, 1);  // c <- b loses c <- d
  EXPECT_EQ(c.shift, 2);  // d loses its dependent c and its head b
  // Labels: the gold arc with a wrong label costs one more.
  const std::vector<int> labels = {0, 1, 2, 3};
  EXPECT_EQ(ClassCost(st, c, ClassOf(Move::kLeft, 2), gold, labels), 0);
  EXPECT_EQ(ClassCost(st, c, ClassOf(Move::kLeft, 0), gold, labels), 1);
  EXPECT_EQ(ClassCost(st, c, ClassOf(Move::kRight, 2), gold, labels), 1);
}

TEST(ArcHybridTest, RootOnlyAtTheEndAndSingle) {
  ArcHybridState st(2);
  st.Apply(Move::kShift, 0);
  st.Apply(Move::kShift, 0);
  EXPECT_FALSE(st.CanShift());
  EXPECT_FALSE(st.CanLeft());  // two words left: only RIGHT, so one root
  EXPECT_TRUE(st.CanRight());
  st.Apply(Move::kRight, 0);
  EXPECT_TRUE(st.CanLeft());
  st.Apply(Move::kLeft, 0);
  EXPECT_TRUE(st.Terminal());
  EXPECT_EQ(st.head(0), 2);
  EXPECT_EQ(st.head(1), 0);
}

TEST(ArcHybridTest, ProjectivityCheck) {
  EXPECT_TRUE(IsProjective(std::vector<int>{1, 4, 3, 1}));
  EXPECT_FALSE(IsProjective(std::vector<int>{2, 3, 4, 0}));  // 0<-2 crosses 1<-3
}

}  // namespace
}  // namespace kg::core
