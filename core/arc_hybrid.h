#ifndef KG_CORE_ARC_HYBRID_H_
#define KG_CORE_ARC_HYBRID_H_

// The arc-hybrid transition system (Kuhlmann et al. 2011) with the root at
// the END of the buffer (Ballesteros & Nivre 2013), and its dynamic oracle
// (Goldberg & Nivre 2013). Used by the dependency parser (core/parser.h).
//
// Words are 0..n-1; the artificial root is word n. The buffer is always the
// contiguous range [b0, n] (root last), the stack holds words only.
//   SHIFT     push b0                      (b0 != root)
//   LEFT(l)   head(s0) := b0, label l, pop (b0 == root only when |stack| = 1,
//                                           so every tree has a single root)
//   RIGHT(l)  head(s0) := s1, label l, pop (|stack| >= 2)
// The final state has an empty stack and only the root in the buffer; every
// transition sequence from the initial state ends there after exactly 2n
// transitions, and the result is a tree.
//
// Classes number the labelled transitions for a classifier: 0 = SHIFT,
// 1 + 2l = LEFT(l), 2 + 2l = RIGHT(l).

#include <cstdint>
#include <vector>

#include "absl/types/span.h"

namespace kg::core {

enum class Move : uint8_t { kShift = 0, kLeft = 1, kRight = 2 };

inline int NumClasses(int num_labels) { return 1 + 2 * num_labels; }
inline int ClassOf(Move m, int label) {
  return m == Move::kShift ? 0 : (m == Move::kLeft ? 1 : 2) + 2 * label;
}
inline Move MoveOf(int cls) {
  return cls == 0 ? Move::kShift : ((cls - 1) % 2 == 0 ? Move::kLeft : Move::kRight);
}
inline int LabelOf(int cls) { return cls == 0 ? -1 : (cls - 1) / 2; }

class ArcHybridState {
 public:
  explicit ArcHybridState(int n = 0) { Reset(n); }
  // Starts over on a sentence of n words (reuses memory).
  void Reset(int n);

  int n() const { return n_; }
  bool Terminal() const { return stack_.empty() && b0_ == n_; }
  bool CanShift() const { return b0_ < n_; }
  bool CanLeft() const { return !stack_.empty() && (b0_ < n_ || stack_.size() == 1); }
  bool CanRight() const { return stack_.size() >= 2; }
  bool Can(Move m) const {
    return m == Move::kShift ? CanShift() : (m == Move::kLeft ? CanLeft() : CanRight());
  }
  // Applies a legal move (illegal moves are ignored; callers check Can()).
  void Apply(Move m, int label);

  // i-th stack item from the top (0 = s0), or -1.
  int Stack(int i) const {
    return i < static_cast<int>(stack_.size()) ? stack_[stack_.size() - 1 - i] : -1;
  }
  int stack_size() const { return static_cast<int>(stack_.size()); }
  // i-th buffer item (0 = b0); the root is n; -1 past the root.
  int Buffer(int i) const { return b0_ + i <= n_ ? b0_ + i : -1; }
  int b0() const { return b0_; }
  const std::vector<int>& stack() const { return stack_; }

  // Assigned head (n = root, -1 = none yet) and label (-1 = none) of word i.
  int head(int i) const { return head_[i]; }
  int label(int i) const { return label_[i]; }
  const std::vector<int>& heads() const { return head_; }
  const std::vector<int>& labels() const { return label_; }

  // Children of word i (or the root): k = 0 the outermost, 1 the next; -1 if
  // none.
  int LeftChild(int i, int k) const { return k == 0 ? left1_[i] : left2_[i]; }
  int RightChild(int i, int k) const { return k == 0 ? right1_[i] : right2_[i]; }
  int NumLeft(int i) const { return num_left_[i]; }
  int NumRight(int i) const { return num_right_[i]; }
  // Bit set of the labels (mod 64) of i's left / right children.
  uint64_t LeftLabels(int i) const { return left_labels_[i]; }
  uint64_t RightLabels(int i) const { return right_labels_[i]; }

 private:
  void Attach(int dep, int head, int label);

  int n_ = 0;
  int b0_ = 0;
  std::vector<int> stack_;
  std::vector<int> head_, label_;
  std::vector<int> left1_, left2_, right1_, right2_, num_left_, num_right_;
  std::vector<uint64_t> left_labels_, right_labels_;
};

// Unlabelled costs of the three moves: how many gold arcs become unreachable
// (Goldberg & Nivre 2013, arc-hybrid). `gold_heads[i]` is word i's gold head,
// n for the root. Illegal moves get kIllegalCost. Valid for non-projective
// gold trees too (the system is arc-decomposable).
inline constexpr int kIllegalCost = 1 << 20;
struct MoveCosts {
  int shift = kIllegalCost;
  int left = kIllegalCost;
  int right = kIllegalCost;
  int of(Move m) const { return m == Move::kShift ? shift : (m == Move::kLeft ? left : right); }
};
MoveCosts ComputeCosts(const ArcHybridState& state, absl::Span<const int> gold_heads);

// Cost of a labelled class: the move's cost plus one when the move builds a
// gold arc with the wrong label.
int ClassCost(const ArcHybridState& state, const MoveCosts& costs, int cls,
              absl::Span<const int> gold_heads, absl::Span<const int> gold_labels);

// The static oracle: the canonical move sequence for a projective gold tree
// (LEFT before RIGHT before SHIFT). On non-projective trees it still returns a
// legal move but the result differs from the gold tree.
Move StaticOracle(const ArcHybridState& state, absl::Span<const int> gold_heads);

// True if the tree (heads in 0..n, n = root, exactly one word on the root)
// has no crossing arcs.
bool IsProjective(absl::Span<const int> heads);

}  // namespace kg::core

#endif  // KG_CORE_ARC_HYBRID_H_
