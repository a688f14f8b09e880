// Private: the per-instruction-set versions of the vectorised math kernels (vecmath_isa.cpp,
// compiled once per ISA; isingvi/vecmath.hpp picks one). Declarations only: nothing inline
// may be shared between the ISA objects.
#pragma once
#include <cstddef>

#define ISINGVI_VECMATH_DECLARE(isa)                                                                  \
  namespace isingvi::kernels::isa {                                                                  \
  void vec_exp(const double* x, double* y, std::size_t n);                                           \
  void vec_log(const double* x, double* y, std::size_t n);                                           \
  void vec_tanh(const double* x, double* y, std::size_t n);                                          \
  void tanh_entropy(const double* y, double* m, double* H, std::size_t n);                           \
  }
ISINGVI_VECMATH_DECLARE(scalar)
ISINGVI_VECMATH_DECLARE(avx2)
ISINGVI_VECMATH_DECLARE(avx512)
#undef ISINGVI_VECMATH_DECLARE
