// A second-order jet: the value of a function of beta with its first and second derivatives.
// Arithmetic and elementary functions propagate all three exactly (forward-mode automatic
// differentiation), so u = -d ln Z/d beta and c = beta^2 d^2 ln Z/d beta^2 come out to
// machine precision from the same formula as ln Z.
#pragma once
#include <cmath>

namespace isingvi {

struct Jet {
  double v = 0, d = 0, dd = 0;
  Jet() = default;
  Jet(double value) : v(value) {}  // a constant
  Jet(double value, double d1, double d2) : v(value), d(d1), dd(d2) {}
};

inline Jet operator+(Jet a, Jet b) { return {a.v + b.v, a.d + b.d, a.dd + b.dd}; }
inline Jet operator-(Jet a, Jet b) { return {a.v - b.v, a.d - b.d, a.dd - b.dd}; }
inline Jet operator-(Jet a) { return {-a.v, -a.d, -a.dd}; }
inline Jet operator*(Jet a, Jet b) { return {a.v * b.v, a.d * b.v + a.v * b.d, a.dd * b.v + 2 * a.d * b.d + a.v * b.dd}; }
inline Jet& operator+=(Jet& a, Jet b) { return a = a + b; }

// g(a) from g(a.v), g'(a.v), g''(a.v): the chain rule to second order.
inline Jet chain(Jet a, double g, double g1, double g2) { return {g, g1 * a.d, g2 * a.d * a.d + g1 * a.dd}; }

inline Jet exp(Jet a) { const double e = std::exp(a.v); return chain(a, e, e, e); }
inline Jet log(Jet a) { return chain(a, std::log(a.v), 1 / a.v, -1 / (a.v * a.v)); }
inline Jet log1p(Jet a) { const double q = 1 / (1 + a.v); return chain(a, std::log1p(a.v), q, -q * q); }
inline Jet sqrt(Jet a) { const double r = std::sqrt(a.v); return chain(a, r, 0.5 / r, -0.25 / (r * a.v)); }
inline Jet tanh(Jet a) { const double t = std::tanh(a.v), s = 1 - t * t; return chain(a, t, s, -2 * t * s); }
inline Jet sinh(Jet a) { return chain(a, std::sinh(a.v), std::cosh(a.v), std::sinh(a.v)); }

// ln(2 cosh x), stable for large |x|.
inline Jet log_2cosh(Jet a) {
  const double x = std::fabs(a.v), t = std::tanh(a.v);
  return chain(a, x + std::log1p(std::exp(-2 * x)), t, 1 - t * t);
}
// ln(2 sinh x) for x > 0, stable for large x.
inline Jet log_2sinh(Jet a) {
  const double x = a.v, coth = 1 / std::tanh(x), csch = 1 / std::sinh(x);
  return chain(a, x + std::log1p(-std::exp(-2 * x)), coth, -csch * csch);
}
// ln tanh x for x > 0: derivative 2/sinh 2x, second derivative -4/(tanh 2x sinh 2x).
inline Jet log_tanh(Jet a) {
  const double x = a.v, s2 = std::sinh(2 * x);
  return chain(a, std::log(std::tanh(x)), 2 / s2, -4 / (std::tanh(2 * x) * s2));
}
// acosh(1 + delta) for delta > 0, accurate when delta is tiny.
inline Jet acosh1p(Jet a) {
  const double dl = a.v, q = dl * (dl + 2), r = std::sqrt(q);
  return chain(a, std::log1p(dl + r), 1 / r, -(1 + dl) / (q * r));
}

}  // namespace isingvi
