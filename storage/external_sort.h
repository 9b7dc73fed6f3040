#ifndef KG_STORAGE_EXTERNAL_SORT_H_
#define KG_STORAGE_EXTERNAL_SORT_H_

// ExternalSorter<T>: sorts and de-duplicates more records than fit in a
// memory budget. Add() fills a buffer; a full buffer is sorted, de-duplicated
// and spilled to a run file; Finish() then yields every distinct record in
// ascending order, merging the runs (k-way) when there are any. T is
// `Key24` (three ids, fixed width) or std::string (variable width).

#include <array>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <queue>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace kg::storage {

// Three big-endian-comparable ids; ordering = lexicographic by (a, b, c), the
// same as memcmp on their big-endian encoding.
struct Key24 {
  uint64_t a = 0, b = 0, c = 0;
  friend auto operator<=>(const Key24&, const Key24&) = default;
};

// Asks the kernel for transparent huge pages under a large buffer (a hint).
void AdviseHugePages(void* data, size_t bytes);

// Sorts `v` on two threads (both cores) without a temporary buffer.
void SortInParallel(std::vector<Key24>& v);

// Up to this many bytes of records, the sorts below (a second buffer of the
// same size) are used: a few passes over the data instead of the in-place
// sort's many. Above it the in-place sort keeps memory at one copy.
inline constexpr size_t kScratchSortBytes = size_t{64} << 20;

// Sorts `v` through `scratch` (resized; the two are swapped, so `v` holds
// the result): one counting pass and one scatter on the first id's top 16
// bits, then each bucket (ids are hashes: a few keys) sorted alone.
void SortWithScratch(std::vector<Key24>& v, std::vector<Key24>& scratch);

// `src` sorted by (a, b, c); fills `dst` with every record rotated right,
// {c, a, b}, in sorted order. That is a stable sort of `src` by c alone, as
// `src` already orders each c's records by (a, b): spo gives osp, osp gives
// pos. One counting pass and one scatter (two threads on large inputs),
// then only buckets where distinct c share their top 16 bits are sorted.
void RotateSorted(const std::vector<Key24>& src, std::vector<Key24>& dst);

template <typename T>
class ExternalSorter {
 public:
  // Run files go to `dir` (which must exist) as <name>.<n>.run.
  ExternalSorter(std::string dir, std::string name, size_t memory_bytes);
  ~ExternalSorter();
  ExternalSorter(const ExternalSorter&) = delete;
  ExternalSorter& operator=(const ExternalSorter&) = delete;

  absl::Status Add(T record);
  // Ends input. Next() then yields records in order.
  absl::Status Finish();
  // False at the end.
  absl::StatusOr<bool> Next(T* out);

  // After Finish(), when nothing was spilled: moves all distinct records out
  // in order (Next() then yields nothing). False, and nothing moved, when the
  // records are in run files.
  bool TakeSorted(std::vector<T>* out);

  size_t runs() const { return runs_.size(); }
  uint64_t added() const { return added_; }

 private:
  struct Run;
  absl::Status Spill();

  std::string dir_, name_;
  size_t budget_;
  size_t used_ = 0;
  uint64_t added_ = 0;
  std::vector<T> buffer_;
  size_t cursor_ = 0;  // in-memory path
  bool have_last_ = false;
  T last_{};
  std::vector<std::unique_ptr<Run>> runs_;
  using HeapItem = std::pair<T, size_t>;  // record, run index
  std::priority_queue<HeapItem, std::vector<HeapItem>, std::greater<HeapItem>> heap_;
  bool finished_ = false;
};

extern template class ExternalSorter<Key24>;
extern template class ExternalSorter<std::string>;

}  // namespace kg::storage

#endif  // KG_STORAGE_EXTERNAL_SORT_H_
