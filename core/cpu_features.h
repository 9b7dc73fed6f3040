#ifndef KG_CORE_CPU_FEATURES_H_
#define KG_CORE_CPU_FEATURES_H_

// kg::core::CpuSupports: whether this CPU has every instruction-set
// extension named in `features`, for the AVX-512 paths of the tagger,
// parser, recogniser and perceptron scorer. Callers ask once (at model load
// or in a function-local static) and keep the answer; the vector and
// portable paths give the same results, so the answer changes speed only.
// Off x86-64 every extension is missing.

namespace kg::core {

enum CpuFeature : unsigned {
  kAvx512F = 1u << 0,
  kAvx512BW = 1u << 1,
  kAvx512VL = 1u << 2,
  kAvx512Vbmi2 = 1u << 3,
};

inline bool CpuSupports(unsigned features) {
#if defined(__x86_64__)
  __builtin_cpu_init();
  if ((features & kAvx512F) && !__builtin_cpu_supports("avx512f")) return false;
  if ((features & kAvx512BW) && !__builtin_cpu_supports("avx512bw")) return false;
  if ((features & kAvx512VL) && !__builtin_cpu_supports("avx512vl")) return false;
  if ((features & kAvx512Vbmi2) && !__builtin_cpu_supports("avx512vbmi2")) return false;
  return true;
#else
  return features == 0;
#endif
}

}  // namespace kg::core

#endif  // KG_CORE_CPU_FEATURES_H_
