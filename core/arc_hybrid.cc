#include "core/arc_hybrid.h"

#include <algorithm>

namespace kg::core {

void ArcHybridState::Reset(int n) {
  n_ = std::max(n, 0);
  b0_ = 0;
  stack_.clear();
  stack_.reserve(64);
  const size_t size = n_ + 1;  // words plus the root
  head_.assign(size, -1);
  label_.assign(size, -1);
  left1_.assign(size, -1);
  left2_.assign(size, -1);
  right1_.assign(size, -1);
  right2_.assign(size, -1);
  num_left_.assign(size, 0);
  num_right_.assign(size, 0);
  left_labels_.assign(size, 0);
  right_labels_.assign(size, 0);
}

void ArcHybridState::Attach(int dep, int head, int label) {
  head_[dep] = head;
  label_[dep] = label;
  const uint64_t bit = label >= 0 ? uint64_t{1} << (label % 64) : 0;
  // Left children arrive right to left, right children left to right (see
  // the header), so the newest is always the outermost.
  if (dep < head) {
    left2_[head] = left1_[head];
    left1_[head] = dep;
    ++num_left_[head];
    left_labels_[head] |= bit;
  } else {
    right2_[head] = right1_[head];
    right1_[head] = dep;
    ++num_right_[head];
    right_labels_[head] |= bit;
  }
}

void ArcHybridState::Apply(Move m, int label) {
  if (!Can(m)) return;
  switch (m) {
    case Move::kShift:
      stack_.push_back(b0_++);
      break;
    case Move::kLeft: {
      const int s0 = stack_.back();
      stack_.pop_back();
      Attach(s0, b0_, label);
      break;
    }
    case Move::kRight: {
      const int s0 = stack_.back();
      stack_.pop_back();
      Attach(s0, stack_.back(), label);
      break;
    }
  }
}

MoveCosts ComputeCosts(const ArcHybridState& state, absl::Span<const int> gold) {
  MoveCosts c;
  const int n = state.n();
  const int b = state.b0();
  const int s0 = state.Stack(0);
  const int s1 = state.Stack(1);
  if (s0 >= 0 && (state.CanLeft() || state.CanRight())) {
    // Dependents of s0 still in the buffer are lost by either pop.
    int lost_deps = 0;
    for (int d = b; d < n; ++d) lost_deps += gold[d] == s0;
    const int h = gold[s0];
    if (state.CanLeft()) {
      c.left = lost_deps + ((h != b && ((s1 >= 0 && h == s1) || (h > b && h <= n))) ? 1 : 0);
    }
    if (state.CanRight()) {
      c.right = lost_deps + ((h >= b && h <= n) ? 1 : 0);
    }
  }
  if (state.CanShift()) {
    // b0 can no longer take a head deeper than s0 nor give one to the stack.
    const std::vector<int>& st = state.stack();
    int cost = 0;
    for (size_t i = 0; i < st.size(); ++i) {
      cost += gold[st[i]] == b;
      if (i + 1 < st.size() && gold[b] == st[i]) ++cost;
    }
    c.shift = cost;
  }
  return c;
}

int ClassCost(const ArcHybridState& state, const MoveCosts& costs, int cls,
              absl::Span<const int> gold_heads, absl::Span<const int> gold_labels) {
  const Move m = MoveOf(cls);
  int cost = costs.of(m);
  if (cost >= kIllegalCost || m == Move::kShift) return cost;
  const int s0 = state.Stack(0);
  const int head = m == Move::kLeft ? state.b0() : state.Stack(1);
  if (gold_heads[s0] == head && gold_labels[s0] != LabelOf(cls)) ++cost;
  return cost;
}

Move StaticOracle(const ArcHybridState& state, absl::Span<const int> gold) {
  const int s0 = state.Stack(0);
  const int s1 = state.Stack(1);
  const int b = state.b0();
  if (s0 >= 0 && state.CanLeft() && gold[s0] == b) return Move::kLeft;
  if (s0 >= 0 && state.CanRight() && gold[s0] == s1) {
    bool done = true;
    for (int d = b; d < state.n() && done; ++d) done = gold[d] != s0;
    if (done) return Move::kRight;
  }
  if (state.CanShift()) return Move::kShift;
  return state.CanRight() ? Move::kRight : Move::kLeft;
}

bool IsProjective(absl::Span<const int> heads) {
  const int n = static_cast<int>(heads.size());
  for (int d = 0; d < n; ++d) {
    const int a = std::min(d, heads[d]);
    const int b = std::max(d, heads[d]);
    for (int e = a + 1; e < b; ++e) {
      // Every word strictly inside the arc must have its head inside [a, b].
      if (heads[e] < a || heads[e] > b) return false;
    }
  }
  return true;
}

}  // namespace kg::core
