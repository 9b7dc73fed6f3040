#include "query/huge_pages.h"

#include <sys/mman.h>

#include <cstdint>

namespace kg::query {

void AdviseHugePages(const void* data, size_t bytes) {
  constexpr uintptr_t kHuge = 2u << 20;
  if (data == nullptr || bytes < 4 * kHuge) return;
  const uintptr_t begin = (reinterpret_cast<uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const uintptr_t end = (reinterpret_cast<uintptr_t>(data) + bytes) & ~(kHuge - 1);
  // Advice only: an error (THP compiled out) leaves 4 KiB pages, still correct.
  if (end > begin) (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
}

}  // namespace kg::query
