// Private to the core: the exp and log of vecmath_body.hpp for array kernels compiled with
// ISINGVI_SIMD_CLONES (one function compiled per instruction set in one file), which inline
// them into every clone. The including file switches off fused multiply-adds (#pragma GCC
// optimize("fp-contract=off", "no-trapping-math") before its includes) so that every clone,
// and a vectorised loop's scalar remainder, rounds alike.
#pragma once
#include <cstdint>
#include <cstring>
#include <limits>

// Compile a function for AVX-512, AVX2 and the baseline and pick one at load time
// (target_clones, x86-64 ELF/glibc; elsewhere the baseline alone). Define
// ISINGVI_NO_TARGET_CLONES to build the baseline version only.
#if defined(__x86_64__) && defined(__ELF__) && defined(__GLIBC__) && defined(__has_attribute) && \
    !defined(ISINGVI_NO_TARGET_CLONES)
#if __has_attribute(target_clones)
#define ISINGVI_SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
#endif
#ifndef ISINGVI_SIMD_CLONES
#define ISINGVI_SIMD_CLONES
#endif

namespace isingvi::detail::vecmath {

#include "vecmath_body.hpp"

}  // namespace isingvi::detail::vecmath
