// Checkerboard Metropolis and heat-bath sweeps on periodic square and cubic lattices: the
// chain around the per-ISA kernel (kernels/checkerboard.*). The chain stores the two colours
// apart, as the kernel wants them, and converts to site order x + L y (+ L^2 z) only when a
// configuration is saved. Energy and magnetisation are counted exactly, as integers, when a
// measurement is taken: E = -J * bonds - h * M.
#include "mc_checkerboard.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "isingvi/check.hpp"
#include "isingvi/rng.hpp"
#include "isingvi/simd.hpp"
#include "kernels/checkerboard.hpp"
#include "annealing.hpp"
#include "mc_driver.hpp"

namespace isingvi::detail {
namespace {

using kernels::CheckerboardLattice;
using kernels::CheckerboardTables;
using kernels::kRowPad;
using SweepKernel = std::int64_t (*)(CheckerboardLattice&, const CheckerboardTables&, kernels::RngLanes&);
using ObserveKernel = void (*)(CheckerboardLattice&, std::int64_t*, std::int64_t*);
using CountingKernel = std::int64_t (*)(CheckerboardLattice&, const CheckerboardTables&, kernels::RngLanes&,
                                        std::int64_t*, std::int64_t*);

// Flip probabilities by class (see CheckerboardTables and flip_threshold32).
CheckerboardTables flip_tables(const Lattice& lat, Algorithm alg, double beta) {
  const int z = lat.coordination();
  CheckerboardTables t{};
  for (int up = 0; up < 2; ++up)
    for (int nn = -z; nn <= z; nn += 2) {
      const std::uint64_t thr = flip_threshold32(lat, alg, beta, up ? 1 : -1, nn);
      const int cls = ((nn + z) >> 1) | (up ? 0 : 8);
      t.below[cls] = static_cast<std::uint32_t>(std::min<std::uint64_t>(thr, 0xFFFFFFFFu));
      t.always[cls] = thr > 0xFFFFFFFFu ? 0xFFFFFFFFu : 0u;
    }
  return t;
}

class CheckerboardChain {
 public:
  ChainCounters counters;

  CheckerboardChain(const Lattice& lat, Algorithm alg, double T, SweepKernel sweep_kernel,
                    ObserveKernel observe_kernel)
      : L_(lat.L), dim_(lat.dim), N_(lat.n()), J_(lat.J), h_(lat.h), half_(lat.L / 2),
        rows_(static_cast<int>(lat.n() / lat.L)),
        stride_(kRowPad + (half_ + 15) / 16 * 16 + 16),
        buf_(static_cast<std::size_t>(2 * rows_ * stride_), 1),  // padding holds valid spins
        tables_(flip_tables(lat, alg, 1.0 / T)), sweep_(sweep_kernel), observe_(observe_kernel) {}

  void init(Init how, Rng& rng) {
    std::vector<std::int8_t> s(static_cast<std::size_t>(N_));
    for (auto& si : s) si = how == Init::Up ? 1 : how == Init::Down ? -1 : (rng.next() >> 63 ? 1 : -1);
    for_each_site([&](std::int64_t i, std::int8_t& cell) { cell = s[i]; });
    seed_lanes(rng, 8, &lanes_.s[0][0]);
  }

  void sweep(Rng&) {  // draws from the chain's own lanes, seeded from the stream in init
    auto lat = view();
    counters.accepted += sweep_(lat, tables_, lanes_);
    counters.attempts += N_;
  }

  void observe(double& E, std::int64_t& M) {
    auto lat = view();
    std::int64_t bonds = 0;
    observe_(lat, &bonds, &M);
    E = -J_ * static_cast<double>(bonds) - h_ * static_cast<double>(M);
  }

  void copy_spins(std::int8_t* out) {
    for_each_site([&](std::int64_t i, std::int8_t& cell) { out[i] = cell; });
  }

  // For annealing: its tables, set step by step; the counts E is made of (observe), and a
  // sweep that adds its changes to them.
  CheckerboardTables& tables() { return tables_; }
  void counts(std::int64_t& bonds, std::int64_t& M) {
    auto lat = view();
    observe_(lat, &bonds, &M);
  }
  void sweep_counting(CountingKernel kernel, std::int64_t& bonds, std::int64_t& M) {
    auto lat = view();
    counters.accepted += kernel(lat, tables_, lanes_, &bonds, &M);
    counters.attempts += N_;
  }

 private:
  CheckerboardLattice view() {
    return {{buf_.data(), buf_.data() + rows_ * stride_}, stride_, L_, dim_, half_, rows_};
  }

  // f(site index x + L r, its cell in the colour arrays), for every site.
  template <class F>
  void for_each_site(F&& f) {
    for (int c = 0; c < 2; ++c)
      for (int r = 0; r < rows_; ++r) {
        std::int8_t* row = buf_.data() + (c * rows_ + r) * stride_ + kRowPad;
        const int o = (r % L_ + r / L_ + c) & 1;
        for (int k = 0; k < half_; ++k) f(static_cast<std::int64_t>(r) * L_ + 2 * k + o, row[k]);
      }
  }

  int L_, dim_;
  std::int64_t N_;
  double J_, h_;
  int half_, rows_;
  std::int64_t stride_;
  std::vector<std::int8_t> buf_;  // colour 0 rows, then colour 1 rows
  CheckerboardTables tables_;
  kernels::RngLanes lanes_{};
  SweepKernel sweep_;
  ObserveKernel observe_;
};

// Annealing (annealing.hpp): the chain with the tables of the current step, and E = -J bonds
// - h M from counts that its sweeps keep up to date (cheaper than observing at every step).
class AnnealedCheckerboard final : public AnnealedChain {
 public:
  AnnealedCheckerboard(CheckerboardChain chain, const Lattice& lat, const StepTables<CheckerboardTables>& steps,
                       CountingKernel counting, Rng& rng)
      : chain_(std::move(chain)), J_(lat.J), h_(lat.h), steps_(steps), counting_(counting) {
    chain_.init(Init::Random, rng);
    chain_.counts(bonds_, M_);
  }
  double energy() override { return -J_ * static_cast<double>(bonds_) - h_ * static_cast<double>(M_); }
  void set_step(std::int64_t step) override { steps_.get(step, chain_.tables()); }
  void sweep() override { chain_.sweep_counting(counting_, bonds_, M_); }

 private:
  CheckerboardChain chain_;
  double J_, h_;
  const StepTables<CheckerboardTables>& steps_;
  CountingKernel counting_;
  std::int64_t bonds_ = 0, M_ = 0;
};

class CheckerboardAnnealer final : public Annealer {
 public:
  CheckerboardAnnealer(const Lattice& lat, Algorithm alg, Isa isa, std::vector<double> schedule)
      : lat_(lat), alg_(alg), sweep_(ISINGVI_SELECT_KERNEL(isa, checkerboard_sweep)),
        counting_(ISINGVI_SELECT_KERNEL(isa, checkerboard_sweep_counting)),
        observe_(ISINGVI_SELECT_KERNEL(isa, checkerboard_observe)),
        steps_(std::move(schedule), [lat, alg](double beta) { return flip_tables(lat, alg, beta); }) {}
  std::unique_ptr<AnnealedChain> chain(Rng& rng) const override {
    // T = 1 only until the first step sets its tables
    return std::make_unique<AnnealedCheckerboard>(CheckerboardChain(lat_, alg_, 1.0, sweep_, observe_), lat_, steps_,
                                                  counting_, rng);
  }

 private:
  Lattice lat_;
  Algorithm alg_;
  SweepKernel sweep_;
  CountingKernel counting_;
  ObserveKernel observe_;
  StepTables<CheckerboardTables> steps_;
};

}  // namespace

std::unique_ptr<Annealer> checkerboard_annealer(const Lattice& lat, Algorithm alg, Isa isa,
                                                std::vector<double> schedule) {
  require(lat.L % 2 == 0, "L", "checkerboard sweeps need an even L, got " + std::to_string(lat.L));
  return std::make_unique<CheckerboardAnnealer>(lat, alg, isa, std::move(schedule));
}

std::uint64_t flip_threshold32(const Lattice& lat, Algorithm alg, double beta, int s, int nn) {
  const double dE = 2.0 * s * (lat.J * nn + lat.h);
  const double p = alg == Algorithm::Metropolis ? std::min(1.0, std::exp(-beta * dE))
                                                : 1.0 / (1.0 + std::exp(beta * dE));
  return probability_threshold32(p);
}

SweepResult run_checkerboard(const Lattice& lat, Algorithm alg, const SweepParams& params) {
  require(lat.L % 2 == 0, "L", "checkerboard sweeps need an even L, got " + std::to_string(lat.L));
  const Isa isa = resolve_isa(params.simd, "simd");
  const SweepKernel sweep = ISINGVI_SELECT_KERNEL(isa, checkerboard_sweep);
  const ObserveKernel observe = ISINGVI_SELECT_KERNEL(isa, checkerboard_observe);
  const std::string name = std::string("checkerboard-") + (alg == Algorithm::Metropolis ? "metropolis" : "heatbath") +
                           "-" + isa_name(isa);
  return drive(lat.n(), params, name,
               [&](double T) { return CheckerboardChain(lat, alg, T, sweep, observe); });
}

}  // namespace isingvi::detail
