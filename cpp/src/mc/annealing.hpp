// Private to the core: the lattice Monte Carlo chains (checkerboard, multi-spin) with a
// temperature that changes between sweeps, for annealed importance sampling
// (freeenergy/ais_lattice.cpp). Each chain walks a fixed schedule of betas; the flip tables of
// every step are computed once per run and shared by its chains.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>
#include <vector>

#include "isingvi/mc.hpp"
#include "isingvi/models.hpp"
#include "isingvi/rng.hpp"
#include "isingvi/simd.hpp"

namespace isingvi::detail {

class AnnealedChain {
 public:
  virtual ~AnnealedChain() = default;
  virtual double energy() = 0;                  // E of the configuration, counted exactly
  virtual void set_step(std::int64_t step) = 0;  // the flip tables of beta = schedule[step]
  virtual void sweep() = 0;                     // one checkerboard sweep at that beta
};

class Annealer {
 public:
  virtual ~Annealer() = default;
  // A chain from an exact sample of beta = 0, one draw of rng per site in site order; rng then
  // seeds the chain's own lanes and must outlive it.
  virtual std::unique_ptr<AnnealedChain> chain(Rng& rng) const = 0;
};

// Metropolis or heat bath, the kernels for `isa`; L even (multispin: L % 128 == 0, each chain's
// lattice shared by `threads` threads).
std::unique_ptr<Annealer> checkerboard_annealer(const Lattice& lattice, Algorithm algorithm, Isa isa,
                                                std::vector<double> schedule);
std::unique_ptr<Annealer> multispin_annealer(const Lattice& lattice, Algorithm algorithm, Isa isa, int threads,
                                             std::vector<double> schedule);

// The flip tables of each step of a schedule: computed once, or, where they would take more
// than 64 MiB, again at each use.
template <class Tables>
class StepTables {
 public:
  StepTables(std::vector<double> schedule, std::function<Tables(double beta)> make)
      : schedule_(std::move(schedule)), make_(std::move(make)) {
    if (static_cast<double>(schedule_.size()) * sizeof(Tables) > 64.0 * (1 << 20)) return;
    for (double beta : schedule_) per_step_.push_back(make_(beta));
  }
  void get(std::int64_t step, Tables& out) const {
    const auto k = static_cast<std::size_t>(step);
    out = per_step_.empty() ? make_(schedule_[k]) : per_step_[k];
  }

 private:
  std::vector<double> schedule_;
  std::function<Tables(double)> make_;
  std::vector<Tables> per_step_;
};

}  // namespace isingvi::detail
