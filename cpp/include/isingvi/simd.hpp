// Runtime choice of the instruction set for the vector kernels.
//
// Each vector kernel is compiled several times (cpp/src/kernels/, see CMakeLists.txt
// `isingvi_isa_kernel`): once for baseline x86-64 or any other architecture ("scalar"),
// and on x86-64 also with AVX2 and with AVX-512 (F, BW, VL). The library picks the best
// one the CPU supports, or the one the caller names. The kernels draw their random
// numbers the same way whatever the instruction set, so a seed gives bit-identical results
// on every version; the choice only changes the speed.
#pragma once
#include <string>
#include <vector>

namespace isingvi {

enum class Isa { Scalar, Avx2, Avx512 };

const char* isa_name(Isa isa);        // "scalar" | "avx2" | "avx512"
bool isa_supported(Isa isa);          // compiled in and supported by this CPU (and OS)
Isa best_isa();                       // the fastest supported one
std::vector<std::string> supported_isas();  // names, slowest first; always starts with "scalar"

// "auto" -> best_isa(); a name -> that ISA. An unknown name, or one this CPU lacks, throws
// std::invalid_argument naming `param`.
Isa resolve_isa(const std::string& name, const std::string& param = "simd");

// The kernel built for `isa`: pick one of the per-ISA function pointers.
template <class F>
F select_kernel(Isa isa, F scalar, F avx2, F avx512) {
  switch (isa) {
    case Isa::Avx512: return avx512 ? avx512 : scalar;
    case Isa::Avx2: return avx2 ? avx2 : scalar;
    default: return scalar;
  }
}

}  // namespace isingvi

// The per-ISA versions of kernel `fn` (declared in namespaces isingvi::kernels::scalar,
// ::avx2 and ::avx512) as one function pointer for `isa`. ISINGVI_X86_KERNELS is set by
// CMakeLists.txt when the AVX2 and AVX-512 versions are built (x86-64 with GCC or Clang).
#if ISINGVI_X86_KERNELS
#define ISINGVI_SELECT_KERNEL(isa, fn)                                                   \
  ::isingvi::select_kernel((isa), &::isingvi::kernels::scalar::fn, &::isingvi::kernels::avx2::fn, \
                           &::isingvi::kernels::avx512::fn)
#else
#define ISINGVI_SELECT_KERNEL(isa, fn) \
  ::isingvi::select_kernel((isa), &::isingvi::kernels::scalar::fn, decltype(&::isingvi::kernels::scalar::fn){}, \
                           decltype(&::isingvi::kernels::scalar::fn){})
#endif
