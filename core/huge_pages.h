#ifndef KG_CORE_HUGE_PAGES_H_
#define KG_CORE_HUGE_PAGES_H_

// Large anonymous buffers backed by transparent huge pages where the kernel
// offers them (THP "madvise" mode), for the language models' tables and
// model loading. A page fault costs microseconds (tens in some VMs); a
// 100 MB model load touches ~25,000 small pages but only ~50 huge ones, and
// random probes into a multi-megabyte table rarely miss the TLB.

#include <cstddef>

namespace kg::core {

// `bytes` of zeroed memory aligned to 2 MiB (nullptr when out of memory),
// pre-faulted when `populate`. Release with FreeHuge(p, bytes).
void* AllocateHuge(size_t bytes, bool populate = false);
void FreeHuge(void* p, size_t bytes);

}  // namespace kg::core

#endif  // KG_CORE_HUGE_PAGES_H_
