// Onsager's solution of the infinite square lattice at h = 0 (per spin, K = beta J):
//   -beta f = ln(2 cosh 2K) + (1/pi) int_0^{pi/2} ln[(1 + sqrt(1 - kappa^2 sin^2 t)) / 2] dt,
//   kappa = 2 sinh 2K / cosh^2 2K,  kappa' = 2 tanh^2 2K - 1,
//   u = -J coth 2K [1 + (2/pi) kappa' K(kappa)],
//   c = (4/pi) (K coth 2K)^2 {K(kappa) - E(kappa) - (1 - tanh^2 2K) [pi/2 + kappa' K(kappa)]},
// with K(.), E(.) the complete elliptic integrals, and Yang's m = (1 - sinh^-4 2K)^(1/8), T < T_c.
#include <array>
#include <cmath>
#include <limits>
#include <string>

#include "isingvi/check.hpp"
#include "isingvi/exact.hpp"

namespace isingvi {
namespace {

// Gauss-Legendre nodes and weights on [-1, 1] (Newton on the Legendre recurrence).
constexpr int kOrder = 20;
struct GaussLegendre {
  std::array<double, kOrder> x{}, w{};
  GaussLegendre() {
    for (int i = 0; i < kOrder; ++i) {
      double z = std::cos(M_PI * (i + 0.75) / (kOrder + 0.5)), dp = 0;
      for (int it = 0; it < 100; ++it) {
        double p0 = 1, p1 = 0;
        for (int j = 1; j <= kOrder; ++j) {
          const double p2 = p1;
          p1 = p0;
          p0 = ((2.0 * j - 1) * z * p1 - (j - 1.0) * p2) / j;
        }
        dp = kOrder * (z * p0 - p1) / (z * z - 1);
        const double dz = p0 / dp;
        z -= dz;
        if (std::fabs(dz) < 1e-16) break;
      }
      x[i] = z;
      w[i] = 2 / ((1 - z * z) * dp * dp);
    }
  }
};

// (1/pi) int_0^{pi/2} ln[(1 + sqrt(d + kappa^2 cos^2 t)) / 2] dt with d = 1 - kappa^2.
// Near T_c the integrand bends sharply at t = pi/2 (width sqrt(d)), so panels shrink
// geometrically toward that end.
double onsager_integral(double kappa, double d) {
  static const GaussLegendre gl;
  auto g = [&](double t) {
    const double cs = std::cos(t);
    return std::log1p(std::sqrt(d + kappa * kappa * cs * cs)) - std::log(2.0);
  };
  double total = 0, a = 0, width = M_PI / 4;
  for (int panel = 0; panel < 60; ++panel) {
    const double b = panel == 59 ? M_PI / 2 : a + width;
    const double mid = 0.5 * (a + b), half = 0.5 * (b - a);
    for (int i = 0; i < kOrder; ++i) total += gl.w[i] * half * g(mid + half * gl.x[i]);
    a = b;
    width *= 0.5;
  }
  return total / M_PI;
}

}  // namespace

double onsager_tc(double J) {
  require(std::isfinite(J) && J > 0.0, "J", "must be finite and > 0, got " + std::to_string(J));
  return 2.0 * J / std::log1p(std::sqrt(2.0));
}

Thermo onsager(const std::vector<double>& T, double J) {
  require(std::isfinite(J) && J > 0.0, "J", "Onsager's solution is implemented for J > 0, got " + std::to_string(J));
  require_temperatures(T);
  Thermo out;
  out.T = T;
  for (double t : T) {
    const double beta = 1.0 / t, K = beta * J;
    // Written so that nothing overflows as T -> 0 (sinh 2K = inf is harmless below).
    const double sh = std::sinh(2 * K), th = std::tanh(2 * K), inv = 1 / sh;
    // kappa = 2 sh / (1 + sh^2); 1 - kappa = (1 - sh)^2 / (1 + sh^2) without cancellation.
    const double kappa = std::min(1.0, 2 / (sh + inv));
    const double one_minus = sh < 1 ? (1 - sh) * (1 - sh) / (1 + sh * sh) : (1 - inv) * (1 - inv) / (1 + inv * inv);
    const double d = one_minus * (1 + kappa);  // 1 - kappa^2, the complementary modulus squared
    const double kp = 2 * th * th - 1;
    const double ln_z = 2 * K + std::log1p(std::exp(-4 * K)) + onsager_integral(kappa, d);
    double u, c;
    if (one_minus > 0) {
      double K1, E1;
      if (kappa < 1) {
        K1 = std::comp_ellint_1(kappa);
        E1 = std::comp_ellint_2(kappa);
      } else {  // kappa rounds to 1 but k'^2 = d > 0 (k' < 2e-8): the log asymptotics are exact here
        K1 = std::log(4 / std::sqrt(d));
        E1 = 1 + 0.25 * d * (2 * K1 - 1);
      }
      u = -J / th * (1 + 2 / M_PI * kp * K1);
      const double bracket = K1 - E1 - (1 - th * th) * (M_PI / 2 + kp * K1);
      c = heat_capacity(K / th, 4 / M_PI * bracket, 1.0);  // (K coth 2K)^2 may overflow as T -> 0
    } else {  // exactly at T_c: kappa' = 0, u = -J coth 2K_c, c diverges
      u = -J / th;
      c = std::numeric_limits<double>::infinity();
    }
    out.beta.push_back(beta);
    out.ln_z.push_back(ln_z);
    out.f.push_back(-t * ln_z);
    out.u.push_back(u);
    out.c.push_back(c);
    out.s.push_back(beta * u + ln_z);
    out.abs_m.push_back(sh > 1 ? std::pow(1 - inv * inv * inv * inv, 0.125) : 0.0);
  }
  return out;
}

}  // namespace isingvi
