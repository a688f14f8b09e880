// Uniform mean-field and Bethe solutions of the infinite lattice with coordination z.
//
// Both self-consistencies are written in x, the effective field times beta, as
//   x = b + F(x),  b = beta h,
// with F odd, increasing, concave for x > 0, bounded by F_max, and F'(0) = kappa:
//   mean field: x = beta (z J m + h), m = tanh x,  F(x) = a tanh x,                a = beta z J
//   Bethe:      x = beta H (cavity field),         F(x) = (z - 1) atanh(t tanh x),  t = tanh(beta J)
// so psi(x) = x - F(x) - b is convex for x >= 0 and every root is bracketed for bisection.
// Near T_c the roots are small and x - F(x) cancels; there psi is evaluated as
// (1 - kappa) x + R(x) with 1 - kappa and R(x) = kappa x - F(x) = O(x^3) computed without
// cancellation, so m keeps ~1e-15 relative accuracy however close T is to T_c.
#include <algorithm>
#include <cmath>
#include <string>

#include "isingvi/check.hpp"
#include "isingvi/meanfield.hpp"

namespace isingvi {

UniformMethod parse_uniform_method(const std::string& name) {
  if (name == "mf") return UniformMethod::MeanField;
  if (name == "bethe") return UniformMethod::Bethe;
  fail("method", "must be 'mf' or 'bethe', got '" + name + "'");
}

UniformBranch parse_uniform_branch(const std::string& name) {
  if (name == "ordered") return UniformBranch::Ordered;
  if (name == "paramagnetic") return UniformBranch::Paramagnetic;
  fail("branch", "must be 'ordered' or 'paramagnetic', got '" + name + "'");
}

namespace {

constexpr double kSmall = 0.125;  // below this |x| the series forms are used
constexpr double kLn2 = 0.69314718055994530942;

// x - tanh x, by its Taylor series for small |x| (terms up to x^17; error < 1e-18 relative).
double x_minus_tanh(double x) {
  if (std::fabs(x) >= kSmall) return x - std::tanh(x);
  static constexpr double c[] = {1.0 / 3,           -2.0 / 15,          17.0 / 315,
                                 -62.0 / 2835,      1382.0 / 155925,    -21844.0 / 6081075,
                                 929569.0 / 638512875, -6404582.0 / 10854718875};
  const double x2 = x * x;
  double s = c[7];
  for (int k = 6; k >= 0; --k) s = s * x2 + c[k];
  return s * x * x2;
}

// atanh y - y, by its series y^3/3 + y^5/5 + ... for small |y|.
double atanh_minus_y(double y) {
  if (std::fabs(y) >= kSmall) return std::atanh(y) - y;
  const double y2 = y * y;
  double s = 1.0 / 19;
  for (int k = 17; k >= 3; k -= 2) s = s * y2 + 1.0 / k;
  return s * y * y2;
}

// 1 - tanh v for v >= 0, without cancellation at large v.
double one_minus_tanh(double v) {
  const double e = std::exp(-2.0 * v);
  return 2.0 * e / (1.0 + e);
}

// ln(1 - tanh v) for v >= 0, finite however large v is.
double ln_one_minus_tanh(double v) { return kLn2 - 2.0 * v - std::log1p(std::exp(-2.0 * v)); }

// ln(2 cosh x), stable for large |x|.
double ln2cosh(double x) {
  const double a = std::fabs(x);
  return a + std::log1p(std::exp(-2.0 * a));
}

double logaddexp(double a, double b) {
  const double hi = std::max(a, b), lo = std::min(a, b);
  return hi + std::log1p(std::exp(lo - hi));
}

// H2((1 + tanh x)/2) = ln(2 cosh x) - x tanh x, in a form without cancellation at large |x|.
double entropy_of_field(double x) {
  const double a = std::fabs(x);
  return std::log1p(std::exp(-2.0 * a)) + a * one_minus_tanh(a);
}

struct MeanFieldMap {
  double a, one_minus_kappa;
  MeanFieldMap(double T, int z, double J) : a(z * J / T), one_minus_kappa((T - z * J) / T) {}
  double F(double x) const { return a * std::tanh(x); }
  double R(double x) const { return a * x_minus_tanh(x); }
  double F_max() const { return a; }
};

struct BetheMap {
  double K, t, zm1, one_minus_kappa;
  BetheMap(double T, int z, double J)
      : K(J / T), t(std::tanh(J / T)), zm1(z - 1.0), one_minus_kappa(1.0 - (z - 1.0) * std::tanh(J / T)) {}
  // beta times the cavity message through one bond: atanh(t tanh x). Where t tanh x nears 1
  // (and t or tanh x may round to 1) it is (ln(1 + y) - ln(1 - y))/2 with
  // 1 - y = e_K + e_x (1 - e_K), e_v = 1 - tanh v.
  double message(double x) const {
    const double y = t * std::tanh(std::fabs(x));
    if (y < 0.5) return std::copysign(std::atanh(y), x);
    // ln(1 - y) in log space: e_K and e_x underflow at low T while their logarithms do not.
    const double ln_d = logaddexp(ln_one_minus_tanh(K), ln_one_minus_tanh(std::fabs(x)) + std::log1p(-one_minus_tanh(K)));
    return std::copysign(0.5 * (std::log(2.0 - std::exp(ln_d)) - ln_d), x);
  }
  double F(double x) const { return zm1 * message(x); }
  double R(double x) const { return zm1 * (t * x_minus_tanh(x) - atanh_minus_y(t * std::tanh(x))); }
  double F_max() const { return zm1 * K; }
};

// Bisection to the last bit: g(lo) <= 0 < g(hi) on a bracket with a single sign change.
template <class G>
double bisect(G g, double lo, double hi) {
  for (int it = 0; it < 4000; ++it) {
    const double mid = lo + 0.5 * (hi - lo);
    if (!(mid > lo && mid < hi)) break;
    (g(mid) <= 0.0 ? lo : hi) = mid;
  }
  return lo + 0.5 * (hi - lo);
}

// The largest root x of x = b + F(x) for b >= 0 (ordered branch).
template <class Map>
double largest_root(const Map& map, double b) {
  if (b == 0.0) {
    if (map.one_minus_kappa >= 0.0) return 0.0;  // no ordered solution: m = 0
    // Nonzero root of psi(x)/x = 1 - F(x)/x, increasing in x > 0 (F concave).
    auto phi = [&](double x) { return x < kSmall ? map.one_minus_kappa + map.R(x) / x : 1.0 - map.F(x) / x; };
    return bisect(phi, 0.0, map.F_max());
  }
  // psi(b) = -F(b) <= 0 and psi(b + F_max) >= 0; psi is convex there, so one crossing.
  auto psi = [&](double x) { return x < kSmall ? map.one_minus_kappa * x + map.R(x) - b : x - map.F(x) - b; };
  return bisect(psi, b, b + map.F_max());
}

template <class Map>
double solve_field(const Map& map, double b, UniformBranch branch) {
  if (branch == UniformBranch::Paramagnetic) return 0.0;  // h = 0 was checked
  return b >= 0.0 ? largest_root(map, b) : -largest_root(map, -b);
}

}  // namespace

UniformSolution uniform_lattice(const std::vector<double>& T, int z, double J, double h, UniformMethod method,
                                UniformBranch branch) {
  require_temperatures(T);
  require(z >= 1, "z", "the coordination number must be >= 1, got " + std::to_string(z));
  require(std::isfinite(J) && J > 0.0, "J", "must be finite and > 0 (a ferromagnet), got " + std::to_string(J));
  require_finite(h, "h");
  require(branch != UniformBranch::Paramagnetic || h == 0.0, "branch",
          "the paramagnetic solution m = 0 exists only at h = 0; use 'ordered' (the solution aligned with h)");
  for (std::size_t k = 0; k < T.size(); ++k)
    require(std::isfinite(z * J / T[k]) && std::isfinite(h / T[k]), "T",
            "too small for these z, J, h: beta z J or beta h overflows at index " + std::to_string(k));

  UniformSolution s;
  for (const double Tk : T) {
    const double beta = 1.0 / Tk, b = h / Tk;
    double m, f, u;
    if (method == UniformMethod::MeanField) {
      const MeanFieldMap map(Tk, z, J);
      const double x = solve_field(map, b, branch);
      m = std::tanh(x);
      u = 0.0 - (0.5 * z * J * m * m + h * m);  // 0.0 - : +0 rather than -0 at m = 0
      f = u - Tk * entropy_of_field(x);
    } else {
      const BetheMap map(Tk, z, J);
      const double x = solve_field(map, b, branch), K = map.K;
      m = std::tanh(b + z * map.message(x));
      // -beta f = ln Z_site - (z/2) ln Z_bond; the site sums its z neighbours, each with cavity field x.
      const double ln_site = logaddexp(b + z * ln2cosh(K + x), -b + z * ln2cosh(x - K));
      const double ln_bond = logaddexp(K + ln2cosh(2.0 * x), kLn2 - K);
      f = -Tk * (ln_site - 0.5 * z * ln_bond);
      // <s s'> on a bond: p(s, s') ~ exp(K s s' + x (s + s')).
      const double q = std::exp(-2.0 * K) / std::cosh(2.0 * x);
      u = -0.5 * z * J * (1.0 - q) / (1.0 + q) - h * m;
    }
    s.T.push_back(Tk);
    s.beta.push_back(beta);
    s.m.push_back(m);
    s.f.push_back(f);
    s.u.push_back(u);
  }
  return s;
}

double uniform_critical_temperature(int z, double J, UniformMethod method) {
  require(z >= 1, "z", "the coordination number must be >= 1, got " + std::to_string(z));
  require(std::isfinite(J) && J > 0.0, "J", "must be finite and > 0 (a ferromagnet), got " + std::to_string(J));
  if (method == UniformMethod::MeanField) return z * J;
  if (z <= 2) return 0.0;  // trees of degree <= 2 (chains) do not order at T > 0
  return 2.0 * J / std::log1p(2.0 / (z - 2.0));
}

}  // namespace isingvi
