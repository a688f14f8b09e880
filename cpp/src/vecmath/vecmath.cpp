// Run-time choice of the vectorised math kernels (vecmath_isa.cpp, one object per ISA).
#include "isingvi/vecmath.hpp"

#include "vecmath_isa.hpp"

namespace isingvi {

void vec_exp(const double* x, double* y, std::size_t n, Isa isa) { ISINGVI_SELECT_KERNEL(isa, vec_exp)(x, y, n); }

void vec_log(const double* x, double* y, std::size_t n, Isa isa) { ISINGVI_SELECT_KERNEL(isa, vec_log)(x, y, n); }

void vec_tanh(const double* x, double* y, std::size_t n, Isa isa) { ISINGVI_SELECT_KERNEL(isa, vec_tanh)(x, y, n); }

void vec_tanh_entropy(const double* y, double* m, double* H, std::size_t n, Isa isa) {
  ISINGVI_SELECT_KERNEL(isa, tanh_entropy)(y, m, H, n);
}

}  // namespace isingvi
