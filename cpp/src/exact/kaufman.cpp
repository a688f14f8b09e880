// Kaufman's exact partition function of the periodic L x L square lattice (h = 0):
//
//   Z = 1/2 (2 sinh 2K)^(N/2) (Z1 + Z2 + Z3 + Z4),   K = beta J,  N = L^2,
//   Z1 = prod_r 2 cosh(L g_{2r+1}/2),  Z2 = prod_r 2 sinh(L g_{2r+1}/2),
//   Z3 = prod_r 2 cosh(L g_{2r}/2),    Z4 = prod_r 2 sinh(L g_{2r}/2),    r = 0..L-1,
//   cosh g_k = cosh 2K coth 2K - cos(pi k / L)  (k >= 1),   g_0 = 2K + ln tanh K  (signed).
//
// It is evaluated as ln Z1 + ln(1 + Z2/Z1 + Z3/Z1 + Z4/Z1): every ratio is a product of
// tanh or cosh ratios, bounded and smooth through T_c (where g_0 changes sign), so the sum
// never cancels and large L cannot overflow. Derivatives in beta come from Jet.
#include <cmath>
#include <string>

#include "isingvi/check.hpp"
#include "isingvi/exact.hpp"
#include "isingvi/jet.hpp"

namespace isingvi {
namespace {

Jet kaufman_ln_z(int L, double beta, double J) {
  const Jet K(beta * J, J, 0.0);
  const Jet s2k = sinh(K * Jet(2.0));
  // cosh g_k - 1 = (sinh 2K - 1)^2 / sinh 2K + 2 sin^2(pi k / 2L): no cancellation near T_c.
  const Jet off = (s2k - Jet(1.0)) * (s2k - Jet(1.0)) * exp(-log(s2k));
  const double halfL = 0.5 * L;
  Jet sum_lc_odd, sum_lc_even, sum_lt_odd, sum_lt_even_rest;
  Jet tanh_g0;
  for (int k = 0; k < 2 * L; ++k) {
    Jet x;  // L g_k / 2
    if (k == 0) {
      x = (K * Jet(2.0) + log_tanh(K)) * Jet(halfL);
    } else {
      const double sn = std::sin(M_PI * k / (2.0 * L));
      x = acosh1p(off + Jet(2.0 * sn * sn)) * Jet(halfL);
    }
    if (k % 2 == 1) {
      sum_lc_odd += log_2cosh(x);
      sum_lt_odd += log_tanh(x);
    } else {
      sum_lc_even += log_2cosh(x);
      if (k == 0)
        tanh_g0 = tanh(x);
      else
        sum_lt_even_rest += log_tanh(x);
    }
  }
  const Jet r2 = exp(sum_lt_odd);
  const Jet r3 = exp(sum_lc_even - sum_lc_odd);
  const Jet r4 = r3 * tanh_g0 * exp(sum_lt_even_rest);
  const double N = static_cast<double>(L) * L;
  return Jet(-std::log(2.0)) + Jet(0.5 * N) * log_2sinh(K * Jet(2.0)) + sum_lc_odd +
         log(Jet(1.0) + r2 + r3 + r4);
}

}  // namespace

Thermo kaufman(int L, const std::vector<double>& T, double J) {
  require(L >= 2, "L", "must be >= 2, got " + std::to_string(L));
  require(L <= 1 << 16, "L", "must be <= 65536, got " + std::to_string(L));
  require(std::isfinite(J) && J > 0.0, "J", "Kaufman's solution is implemented for J > 0, got " + std::to_string(J));
  require_temperatures(T);
  Thermo out;
  out.T = T;
  const double N = static_cast<double>(L) * L;
  for (double t : T) {
    const double beta = 1.0 / t;
    // Beyond T = 1000 J the sinh 2K ~ 2K factors lose relative accuracy (1e-8 at T = 10^4 J).
    require(beta * J >= 1e-3, "T", "Kaufman's formula is evaluated for T <= 1000 J (relative accuracy 1e-10 there), got T = " + std::to_string(t));
    const Jet lz = kaufman_ln_z(L, beta, J);
    require(std::isfinite(lz.v) && std::isfinite(lz.d) && std::isfinite(lz.dd), "T",
            "Kaufman's formula lost precision at T = " + std::to_string(t) + " (K = beta J too large)");
    const double ln_z = lz.v / N, u = -lz.d / N;
    out.beta.push_back(beta);
    out.ln_z.push_back(ln_z);
    out.f.push_back(-t * ln_z);
    out.u.push_back(u);
    out.c.push_back(heat_capacity(beta, lz.dd, N));
    out.s.push_back(beta * u + ln_z);
  }
  return out;
}

}  // namespace isingvi
