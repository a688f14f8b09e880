// Vectorised elementwise exp, log and tanh over arrays of doubles (cpp/src/vecmath/).
//
// Branch-free polynomial code compiled per instruction set (see isingvi/simd.hpp) without
// fused multiply-adds: the results are bit-identical whatever the ISA, within a few ulp of
// the correctly rounded value (relative error < 1e-15 for normal results; the measured
// maxima are in tests/test_vecmath.py). IEEE special values as the C library: exp(+-inf) =
// inf, 0; log(0) = -inf, log(x < 0) = NaN, log(inf) = inf; tanh(+-0) = +-0, tanh(+-inf) =
// +-1; NaN in, NaN out. exp's subnormal results are rounded once from the approximation.
// x and y may be the same array.
#pragma once
#include <cstddef>

#include "isingvi/simd.hpp"

namespace isingvi {

void vec_exp(const double* x, double* y, std::size_t n, Isa isa = best_isa());
void vec_log(const double* x, double* y, std::size_t n, Isa isa = best_isa());
void vec_tanh(const double* x, double* y, std::size_t n, Isa isa = best_isa());

// m_i = tanh(y_i) as vec_tanh and H_i = H2((1 + m_i)/2) (nats) from the same exponential,
// for the mean field; |y_i| is clamped to 350 (beyond, tanh is +-1 and H2 < 1e-300).
void vec_tanh_entropy(const double* y, double* m, double* H, std::size_t n, Isa isa = best_isa());

}  // namespace isingvi
