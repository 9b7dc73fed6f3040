#include "core/huge_pages.h"

#include <sys/mman.h>

#include <cstdint>

namespace kg::core {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;
#ifndef MADV_POPULATE_WRITE
constexpr int MADV_POPULATE_WRITE = 23;  // Linux 5.14; older kernels refuse it
#endif

size_t Rounded(size_t bytes) { return (bytes + kHugePage - 1) / kHugePage * kHugePage; }

}  // namespace

void* AllocateHuge(size_t bytes, bool populate) {
  if (bytes == 0) bytes = 1;
  const size_t size = Rounded(bytes);
  // Map one huge page more than needed and trim to a 2 MiB boundary: only
  // aligned 2 MiB extents can become huge pages.
  void* map =
      mmap(nullptr, size + kHugePage, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (map == MAP_FAILED) return nullptr;
  const uintptr_t start = reinterpret_cast<uintptr_t>(map);
  const uintptr_t aligned = (start + kHugePage - 1) / kHugePage * kHugePage;
  if (aligned > start) munmap(map, aligned - start);
  const uintptr_t end = start + size + kHugePage;
  if (end > aligned + size) munmap(reinterpret_cast<void*>(aligned + size), end - aligned - size);
  void* p = reinterpret_cast<void*>(aligned);
  madvise(p, size, MADV_HUGEPAGE);  // advice: failure leaves small pages
  // One call instead of a fault per page; a kernel without it faults lazily.
  if (populate) madvise(p, size, MADV_POPULATE_WRITE);
  return p;
}

void FreeHuge(void* p, size_t bytes) {
  if (p == nullptr) return;
  munmap(p, Rounded(bytes == 0 ? 1 : bytes));
}

}  // namespace kg::core
