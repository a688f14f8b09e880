// Annealed importance sampling on square and cubic lattices: the chains are those of Monte
// Carlo's checkerboard samplers (plain, or multi-spin coded where L % 128 == 0) through
// mc/annealing.hpp, their flip tables set at each beta of the schedule and E counted exactly
// from the spins before each step. The chain's stream (seed, c) draws the beta = 0 sample (one
// draw per site, in site order, as on a graph) and then seeds the kernel's own lanes, so the
// results are the same for every instruction set. Odd L goes to the graph chains.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

#include "ais_driver.hpp"
#include "isingvi/ais.hpp"
#include "isingvi/simd.hpp"
#include "mc/annealing.hpp"
#include "mc/mc_multispin.hpp"

namespace isingvi {
namespace {

// An annealed lattice chain seen as ais_driver.hpp's Chain.
struct LatticeChain {
  std::unique_ptr<detail::AnnealedChain> chain;
  double energy() { return chain->energy(); }
  void set_beta(std::int64_t step, double) { chain->set_step(step); }
  void sweep() { chain->sweep(); }
};

}  // namespace

AisResult ais(const Lattice& lat, const AisParams& p) {
  const double N = static_cast<double>(lat.n());
  detail::check_ais_params(lat.dim * N * std::fabs(lat.J) + N * std::fabs(lat.h), p);
  const bool packed = p.kernel == "multispin" || (p.kernel == "auto" && detail::multispin_supports(lat));
  if (!packed && lat.L % 2 != 0) return ais(lat.to_graph(), p);  // no checkerboard: sequential sweeps
  const Isa isa = resolve_isa(p.simd, "simd");
  std::unique_ptr<detail::Annealer> annealer;
  std::string name;
  if (packed) {
    // idle threads help the chains' own lattices (the results do not depend on it)
    const auto inner = static_cast<int>(std::max<std::int64_t>(1, p.threads / p.n_chains));
    annealer = detail::multispin_annealer(lat, p.algorithm, isa, inner, detail::ais_schedule(p));
    name = "multispin";
  } else {
    annealer = detail::checkerboard_annealer(lat, p.algorithm, isa, detail::ais_schedule(p));
    name = "checkerboard";
  }
  name += std::string(p.algorithm == Algorithm::Metropolis ? "-metropolis-" : "-heatbath-") + isa_name(isa);
  return detail::run_ais(lat.n(), p, name, [&](Rng& rng) { return LatticeChain{annealer->chain(rng)}; });
}

}  // namespace isingvi
