// Multi-spin-coded checkerboard Metropolis and heat-bath sweeps: the chain around the per-ISA
// kernel (kernels/multispin.*). Same sweep order and flip probabilities as the plain
// checkerboard sampler (colour 0, then colour 1), but 64 spins per word, decided by bitwise
// logic with a lazily drawn 32-bit uniform per site (exact to 32 bits, no shared draws).
//
// Reproducibility: each row of words (a band of 64 lattice rows) has its own eight RNG lanes,
// word k drawing from lane k % 8, so the draws belong to the lattice, not to the vector width
// or to a thread. Within a half-sweep the rows are independent; any split of them among
// threads gives bit-identical results. Threads keep a band of rows each for a whole call and
// wait only for the bands next to theirs between half-sweeps (BandSync in thread_team.hpp).
#include "mc_multispin.hpp"

#include <algorithm>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "isingvi/check.hpp"
#include "isingvi/monitor.hpp"
#include "isingvi/rng.hpp"
#include "isingvi/simd.hpp"
#include "kernels/multispin.hpp"
#include "annealing.hpp"
#include "mc_checkerboard.hpp"
#include "mc_driver.hpp"
#include "thread_team.hpp"

namespace isingvi::detail {
namespace {

using kernels::kWordPad;
using kernels::MultispinClass;
using kernels::MultispinLattice;
using kernels::MultispinTables;
using HalfSweepKernel = std::int64_t (*)(const MultispinLattice&, const MultispinTables&, kernels::RngLanes*, int,
                                         int, int);
using ObserveKernel = void (*)(const MultispinLattice&, std::int64_t*, std::int64_t*);

constexpr std::uint64_t kAll = ~std::uint64_t{0};
constexpr int kMaxTeam = 256;  // threads sharing one lattice

// The classes of (m disagreeing neighbours, spin) with their 32-bit thresholds; the two spins
// of an m share one class when their thresholds agree (h = 0), and a class whose threshold is
// 2^32 minus another's becomes that one's twin (see MultispinTables): fewer classes, less work
// per word.
MultispinTables multispin_tables(const Lattice& lat, Algorithm alg, double beta) {
  const int z = lat.coordination();
  MultispinTables t{};
  std::vector<std::uint64_t> thresholds;  // of t.random
  auto add = [&](int m, int spin, bool spin_matters, std::uint64_t thr) {
    const MultispinClass c{m, spin_matters, spin > 0 ? kAll : 0};
    if (thr == 0) {
      t.never[t.n_never++] = c;
    } else if (thr < (std::uint64_t{1} << 32)) {
      for (int i = 0; i < t.n_random; ++i)
        if (!t.has_twin[i] && thresholds[static_cast<std::size_t>(i)] + thr == (std::uint64_t{1} << 32) &&
            thr != (std::uint64_t{1} << 31)) {
          t.twin[i] = c;
          t.has_twin[i] = true;
          ++t.n_twins;
          return;
        }
      for (int k = 0; k < 32; ++k) t.plane[k][t.n_random] = (thr >> k) & 1 ? kAll : 0;
      thresholds.push_back(thr);
      t.random[t.n_random++] = c;
    }  // else always flips: in neither list
  };
  for (int m = 0; m <= z; ++m) {
    // a spin s with m of its z neighbours opposite has neighbour sum nn = s (z - 2 m)
    const std::uint64_t up = flip_threshold32(lat, alg, beta, 1, z - 2 * m);
    const std::uint64_t down = flip_threshold32(lat, alg, beta, -1, -(z - 2 * m));
    if (up == down) {
      add(m, 1, false, up);
    } else {
      add(m, 1, true, up);
      add(m, -1, true, down);
    }
  }
  return t;
}

class MultispinChain {
 public:
  ChainCounters counters;

  MultispinChain(const Lattice& lat, Algorithm alg, double T, HalfSweepKernel half_sweep, ObserveKernel observe,
                 int threads)
      : L_(lat.L), dim_(lat.dim), N_(lat.n()), J_(lat.J), h_(lat.h), H_(lat.L / 64), half_(lat.L / 2),
        rows_(lat.dim == 2 ? H_ : lat.L * H_), stride_(half_ + 2 * kWordPad),
        buf_(static_cast<std::size_t>(2 * rows_ * stride_), 0), lanes_(static_cast<std::size_t>(rows_)),
        tables_(multispin_tables(lat, alg, 1.0 / T)), half_sweep_(half_sweep), observe_(observe),
        team_(std::make_unique<ThreadTeam>(team_size(threads))), sync_(std::make_unique<BandSync>(band_deps())) {}

  void init(Init how, Rng& rng) {
    // the same start configuration as the plain sampler: one draw per site in site order
    std::vector<std::int8_t> s(static_cast<std::size_t>(N_));
    for (auto& si : s) si = how == Init::Up ? 1 : how == Init::Down ? -1 : (rng.next() >> 63 ? 1 : -1);
    std::fill(buf_.begin(), buf_.end(), 0);
    for_each_site([&](std::int64_t i, std::uint64_t*& word, int bit) {
      if (s[i] > 0) *word |= std::uint64_t{1} << bit;
    });
    for (auto& row : lanes_) seed_lanes(rng, 8, &row.s[0][0]);
  }

  // n sweeps (draws from the rows' own lanes, seeded from the stream in init), one checkpoint
  // each, counting `units` of progress (0 for callers that count their own). With a team, each thread keeps its band of rows for all n sweeps and waits only for
  // the bands next to it between half-sweeps (BandSync), not for the whole team.
  void sweeps(Rng&, std::int64_t n, std::int64_t units = 1) {
    const MultispinLattice lat = view();
    if (n <= 0) return;
    if (team_->size() == 1) {
      for (std::int64_t i = 0; i < n; ++i) {
        for (int c = 0; c < 2; ++c) counters.accepted += half_sweep_(lat, tables_, lanes_.data(), c, 0, rows_);
        counters.attempts += N_;
        checkpoint(units);
      }
      return;
    }
    std::int64_t flips[kMaxTeam] = {};
    std::exception_ptr error;
    sync_->reset();
    auto job = [&](int t) {
      for (std::int64_t i = 0; i < n; ++i) {
        for (int c = 0; c < 2; ++c) {
          const std::int64_t step = 2 * i + c;
          if (!sync_->wait(t, step)) return;
          flips[t] += half_sweep_(lat, tables_, lanes_.data(), c, band(t), band(t + 1));
          sync_->finished(t, step + 1);
        }
        if (t != 0) continue;
        try {
          checkpoint(units);  // on the calling thread, which has the Monitor
        } catch (...) {
          error = std::current_exception();
          sync_->cancel();  // the others stop at their next wait
          return;
        }
      }
    };
    team_->run(job);
    if (error) std::rethrow_exception(error);
    for (std::int64_t f : flips) counters.accepted += f;
    counters.attempts += n * N_;
  }

  void observe(double& E, std::int64_t& M) {
    std::int64_t unlike = 0, up = 0;
    observe_(view(), &unlike, &up);
    const std::int64_t bonds = dim_ * N_ - 2 * unlike;  // each bond: +1 alike, -1 unlike
    M = 2 * up - N_;
    E = -J_ * static_cast<double>(bonds) - h_ * static_cast<double>(M);
  }

  MultispinTables& tables() { return tables_; }  // annealing sets them step by step

  void copy_spins(std::int8_t* out) {
    for_each_site([&](std::int64_t i, std::uint64_t*& word, int bit) {
      out[i] = static_cast<std::int8_t>((*word >> bit) & 1 ? 1 : -1);
    });
  }

 private:
  // Threads only pay off when a half-sweep is long against their synchronisation: at most one
  // per 2^18 spins (and per two rows of words). Results do not depend on it.
  int team_size(int threads) const {
    const std::int64_t by_size = std::max<std::int64_t>(1, N_ >> 18);
    return static_cast<int>(std::min<std::int64_t>({threads, rows_ / 2, by_size, kMaxTeam}));
  }

  // Thread t's band: rows [band(t), band(t + 1)), an even number (AVX-512 takes rows in pairs).
  int band(int t) const { return 2 * static_cast<int>(std::int64_t{rows_ / 2} * t / team_->size()); }

  // The bands each band depends on: those holding rows within `reach` of its own (cyclically),
  // the rows its sites' neighbours are in (p +- 1 in 2D; y +- 1 and p +- 1, L rows apart, in 3D).
  std::vector<std::vector<int>> band_deps() const {
    const int size = team_->size(), reach = dim_ == 2 ? 1 : L_;
    std::vector<int> owner(static_cast<std::size_t>(rows_));
    for (int t = 0; t < size; ++t)
      for (int r = band(t); r < band(t + 1); ++r) owner[static_cast<std::size_t>(r)] = t;
    std::vector<std::vector<int>> deps(static_cast<std::size_t>(size));
    for (int t = 0; t < size; ++t)
      for (int r = band(t); r < band(t + 1); ++r)
        for (int d = -reach; d <= reach; ++d) {
          const int u = owner[static_cast<std::size_t>(((r + d) % rows_ + rows_) % rows_)];
          auto& dt = deps[static_cast<std::size_t>(t)];
          if (u != t && std::find(dt.begin(), dt.end(), u) == dt.end()) dt.push_back(u);
        }
    return deps;
  }

  MultispinLattice view() {
    return {{buf_.data(), buf_.data() + rows_ * stride_}, stride_, L_, dim_, H_, half_, rows_};
  }

  // f(site index x + L y (+ L^2 z), its word, its bit), for every site (layout in kernels/multispin.hpp).
  template <class F>
  void for_each_site(F&& f) {
    const std::int64_t L = L_;
    for (std::int64_t i = 0; i < N_; ++i) {
      const std::int64_t x = i % L, last = i / (dim_ == 2 ? L : L * L);
      const std::int64_t y = dim_ == 3 ? (i / L) % L : 0;
      const int bit = static_cast<int>(last / H_);
      const std::int64_t p = last % H_;
      const std::int64_t r = dim_ == 2 ? p : y + L * p;
      const int c = static_cast<int>((x + y + p) & 1);
      std::uint64_t* word = buf_.data() + (c * rows_ + r) * stride_ + kWordPad + x / 2;
      f(i, word, bit);
    }
  }

  int L_, dim_;
  std::int64_t N_;
  double J_, h_;
  int H_, half_, rows_;
  std::int64_t stride_;
  std::vector<std::uint64_t> buf_;  // colour 0 rows, then colour 1 rows
  std::vector<kernels::RngLanes> lanes_;
  MultispinTables tables_;
  HalfSweepKernel half_sweep_;
  ObserveKernel observe_;
  std::unique_ptr<ThreadTeam> team_;  // on the heap: its threads hold its address
  std::unique_ptr<BandSync> sync_;
};

// Annealing (annealing.hpp): the chain with the tables of the current step.
class AnnealedMultispin final : public AnnealedChain {
 public:
  AnnealedMultispin(MultispinChain chain, const StepTables<MultispinTables>& steps, Rng& rng)
      : chain_(std::move(chain)), steps_(steps), rng_(rng) {
    chain_.init(Init::Random, rng);
  }
  double energy() override {
    double E = 0.0;
    std::int64_t M = 0;
    chain_.observe(E, M);
    return E;
  }
  void set_step(std::int64_t step) override { steps_.get(step, chain_.tables()); }
  void sweep() override { chain_.sweeps(rng_, 1, 0); }  // the annealing loop counts the steps

 private:
  MultispinChain chain_;
  const StepTables<MultispinTables>& steps_;
  Rng& rng_;
};

class MultispinAnnealer final : public Annealer {
 public:
  MultispinAnnealer(const Lattice& lat, Algorithm alg, Isa isa, int threads, std::vector<double> schedule)
      : lat_(lat), alg_(alg), threads_(threads), half_sweep_(ISINGVI_SELECT_KERNEL(isa, multispin_half_sweep)),
        observe_(ISINGVI_SELECT_KERNEL(isa, multispin_observe)),
        steps_(std::move(schedule), [lat, alg](double beta) { return multispin_tables(lat, alg, beta); }) {}
  std::unique_ptr<AnnealedChain> chain(Rng& rng) const override {
    // T = 1 only until the first step sets its tables
    return std::make_unique<AnnealedMultispin>(MultispinChain(lat_, alg_, 1.0, half_sweep_, observe_, threads_),
                                               steps_, rng);
  }

 private:
  Lattice lat_;
  Algorithm alg_;
  int threads_;
  HalfSweepKernel half_sweep_;
  ObserveKernel observe_;
  StepTables<MultispinTables> steps_;
};

}  // namespace

std::unique_ptr<Annealer> multispin_annealer(const Lattice& lat, Algorithm alg, Isa isa, int threads,
                                             std::vector<double> schedule) {
  require(multispin_supports(lat), "kernel",
          "'multispin' needs L a multiple of 128, got L = " + std::to_string(lat.L) + " (use 'auto' or 'plain')");
  return std::make_unique<MultispinAnnealer>(lat, alg, isa, threads, std::move(schedule));
}

bool multispin_supports(const Lattice& lat) { return lat.L % 128 == 0; }

SweepResult run_multispin(const Lattice& lat, Algorithm alg, const SweepParams& params) {
  require(multispin_supports(lat), "kernel",
          "'multispin' needs L a multiple of 128, got L = " + std::to_string(lat.L) + " (use 'auto' or 'plain')");
  const Isa isa = resolve_isa(params.simd, "simd");
  const HalfSweepKernel half_sweep = ISINGVI_SELECT_KERNEL(isa, multispin_half_sweep);
  const ObserveKernel observe = ISINGVI_SELECT_KERNEL(isa, multispin_observe);
  const std::string name = std::string("multispin-") + (alg == Algorithm::Metropolis ? "metropolis" : "heatbath") +
                           "-" + isa_name(isa);
  const int inner = std::max<int>(1, params.threads / static_cast<int>(std::max<std::size_t>(1, params.T.size())));
  return drive(lat.n(), params, name,
               [&](double T) { return MultispinChain(lat, alg, T, half_sweep, observe, inner); });
}

}  // namespace isingvi::detail
