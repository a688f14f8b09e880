// The local-field table of graph_table.hpp: when it is exact, and its entries at each beta.
#include "graph_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace isingvi::detail {
namespace {

// The exponent of the lowest set bit of a finite x != 0: x is an odd integer times 2^result.
int lowest_bit_exponent(double x) {
  int e = 0;
  const double f = std::frexp(std::fabs(x), &e);  // |x| = f 2^e, f in [0.5, 1)
  auto m = static_cast<std::uint64_t>(std::ldexp(f, 53));  // exact: a double has 53 bits
  int zeros = 0;
  while ((m & 1u) == 0) {
    m >>= 1;
    ++zeros;
  }
  return e - 53 + zeros;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

constexpr std::size_t kMaxFields = 64;  // distinct fields (also bounds the search for them)

}  // namespace

std::optional<LocalFields> tabulate_local_fields(const Graph& g) {
  const auto& J = g.couplings();
  const auto& h = g.fields();
  if (J.empty()) return std::nullopt;  // nothing to gain; and J0 = 0 would leave signs undefined
  const double J0 = std::fabs(J[0]);
  if (J0 == 0.0) return std::nullopt;
  for (double Jij : J)
    if (std::fabs(Jij) != J0) return std::nullopt;
  const auto& row = g.row();
  int D = 0;
  for (int i = 0; i < g.n(); ++i) D = std::max(D, row[i + 1] - row[i]);
  // the distinct fields, by bit pattern (so -0.0 keeps its own entries and sums)
  std::vector<double> fields;
  std::vector<std::int32_t> which(h.size());
  for (std::size_t i = 0; i < h.size(); ++i) {
    std::size_t k = 0;
    while (k < fields.size() && !same_bits(fields[k], h[i])) ++k;
    if (k == fields.size()) {
      if (fields.size() == kMaxFields || static_cast<std::int64_t>(fields.size() + 1) * (2 * D + 1) > std::max(g.n(), 64))
        return std::nullopt;
      fields.push_back(h[i]);
    }
    which[i] = static_cast<std::int32_t>(k);
  }
  // exact sums: a common quantum 2^q of J0 and the fields, and the largest |sum| in quanta
  int q = lowest_bit_exponent(J0);
  double h_max = 0.0;
  for (double f : fields) {
    if (f != 0.0) q = std::min(q, lowest_bit_exponent(f));
    h_max = std::max(h_max, std::fabs(f));
  }
  const double quanta = std::ldexp(h_max, -q) + static_cast<double>(D) * std::ldexp(J0, -q);
  if (!(quanta < 0x1.0p52)) return std::nullopt;

  LocalFields lf;
  lf.span = 2 * D + 1;
  lf.sign.resize(g.nbr_J().size());
  for (std::size_t e = 0; e < lf.sign.size(); ++e) lf.sign[e] = g.nbr_J()[e] > 0.0 ? 1 : -1;
  lf.base.resize(h.size());
  for (std::size_t i = 0; i < h.size(); ++i) lf.base[i] = which[i] * lf.span + D;
  for (double f : fields)
    for (int n = -D; n <= D; ++n) lf.local.push_back(f + J0 * n);  // exact, as checked
  return lf;
}

void FlipTable::set(const LocalFields& lf, Algorithm alg, double beta) {
  entries.resize(lf.local.size());
  for (std::size_t k = 0; k < entries.size(); ++k) {
    const double local = lf.local[k];
    Entry& t = entries[k];
    // the expressions of sequential_sweep, so the same doubles
    for (int down = 0; down < 2; ++down) {
      const int si = down ? -1 : 1;
      t.dE[down] = 2.0 * si * local;
      t.q[down] = alg == Algorithm::Metropolis ? std::exp(-beta * t.dE[down]) : 1.0 + std::exp(-2.0 * beta * local);
    }
  }
}

}  // namespace isingvi::detail
