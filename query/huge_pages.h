#ifndef KG_QUERY_HUGE_PAGES_H_
#define KG_QUERY_HUGE_PAGES_H_

// Transparent huge pages for the projection's large arrays. A cold build of
// a 10 M-edge projection touches ~400 MB once; with 4 KiB pages the page
// faults were a fifth of its CPU time (perf, query/README.md) and the random
// accesses of the vertex table and the in-edge sort missed the TLB.

#include <cstddef>
#include <vector>

namespace kg::query {

// Advises MADV_HUGEPAGE on the 2 MiB-aligned interior of [data, data+bytes)
// when the range is large; a no-op otherwise (and where THP is off).
void AdviseHugePages(const void* data, size_t bytes);

// v.reserve(n), advising huge pages on the new (still untouched) buffer.
// Call before the first element is written so the faults take 2 MiB pages.
template <class T>
void ReserveHuge(std::vector<T>& v, size_t n) {
  if (v.capacity() >= n) return;
  v.reserve(n);
  AdviseHugePages(v.data(), v.capacity() * sizeof(T));
}

// ReserveHuge, then resize to n copies of `value`.
template <class T>
void AssignHuge(std::vector<T>& v, size_t n, const T& value) {
  if (v.capacity() < n) {
    std::vector<T>().swap(v);
    ReserveHuge(v, n);
  }
  v.assign(n, value);
}

}  // namespace kg::query

#endif  // KG_QUERY_HUGE_PAGES_H_
