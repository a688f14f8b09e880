// Parallel tempering (replica exchange): see isingvi/tempering.hpp for the scheme, the
// random streams and the units.
//
// The run alternates two phases. In a round, each slot's replica runs its sweeps (up to the
// next swap round, at most ~2^20 spin updates, so that progress and Ctrl-C are seen often)
// on a persistent thread team: replicas touch only their own spins, stream and slot rows, so
// who runs which does not matter. Then, on the calling thread alone, the swap round draws
// from its own stream in a fixed order. Team threads have no Monitor and must not throw:
// they only poll for cancellation, and the calling thread's checkpoint() after each round
// reports the progress and throws Cancelled.
#include "isingvi/tempering.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>

#include "isingvi/check.hpp"
#include "isingvi/monitor.hpp"
#include "isingvi/rng.hpp"
#include "graph_sweep.hpp"
#include "thread_team.hpp"

namespace isingvi {
namespace {

// Spin updates per replica between two checkpoints: a few milliseconds of work.
constexpr std::int64_t kRoundSpins = std::int64_t{1} << 20;

struct Replica {
  Rng rng;
  std::vector<std::int8_t> s;
  std::int64_t M = 0;
  double E = 0.0;  // exact energy after the replica's last sweep of a round or record
  // Round trips: 0 until the replica first holds the lowest T; 1 after, heading up; 2 once it
  // has also held the highest T since, so that holding the lowest T again completes a trip.
  int leg = 0;
  std::int64_t trips = 0;
};

class Tempering {
 public:
  Tempering(const Graph& g, const TemperingParams& p) : g_(g), p_(p), n_(g.n()), n_T_(static_cast<std::int64_t>(p.T.size())) {
    order_.resize(static_cast<std::size_t>(n_T_));
    std::iota(order_.begin(), order_.end(), 0);
    std::sort(order_.begin(), order_.end(), [&](std::int64_t a, std::int64_t b) { return p.T[a] < p.T[b]; });
    for (std::int64_t k = 0; k < n_T_; ++k) {
      const double T = p.T[order_[k]];
      beta_.push_back(1.0 / T);
      replicas_.push_back(Replica{Rng(p.seed, temperature_stream(T)), std::vector<std::int8_t>(n_)});
      at_.push_back(k);
    }
    r_.n_T = n_T_;
    r_.n_samples = p.n_measure / p.every;
    r_.n_spins = n_;
    for (std::int64_t k : order_) r_.ladder.push_back(p.T[k]);
    r_.E.assign(static_cast<std::size_t>(n_T_ * r_.n_samples), 0.0);
    r_.M.assign(r_.E.size(), 0.0);
    if (p.save_configs) r_.configs.assign(static_cast<std::size_t>(n_T_ * r_.n_samples * n_), 0);
    sums_.assign(static_cast<std::size_t>(n_T_ * n_), 0);
    flips_.assign(static_cast<std::size_t>(n_T_), 0);
    r_.swap_attempts.assign(static_cast<std::size_t>(n_T_ - 1), 0);
    r_.swap_accepted.assign(r_.swap_attempts.size(), 0);
    r_.sampler = std::string("tempering-sequential-") + (p.algorithm == Algorithm::Metropolis ? "metropolis" : "heatbath");
  }

  TemperingResult run() {
    const std::int64_t total = p_.n_therm + p_.n_measure;
    const double work = static_cast<double>(n_T_) * static_cast<double>(total);
    expect_work(work < 9e18 ? static_cast<std::int64_t>(work) : std::numeric_limits<std::int64_t>::max());
    for (auto& rep : replicas_) init(rep);
    replicas_[at_[0]].leg = 1;
    const std::int64_t cap = std::max<std::int64_t>(1, kRoundSpins / n_);
    detail::ThreadTeam team(static_cast<int>(std::min<std::int64_t>(p_.threads, n_T_)));
    for (std::int64_t done = 0; done < total;) {
      const std::int64_t to = done + std::min({cap, p_.swap_every - done % p_.swap_every, total - done});
      auto round = [&](int, std::int64_t begin, std::int64_t end) {
        for (std::int64_t k = begin; k < end; ++k) advance(k, done, to);
      };
      team.run_chunks(n_T_, 1, round);
      checkpoint(n_T_ * (to - done));
      if (to % p_.swap_every == 0) swap_round(to > p_.n_therm);
      done = to;
    }
    finish();
    return std::move(r_);
  }

 private:
  void init(Replica& rep) {
    // as mc's graph chain starts: one draw per spin for a random start
    rep.M = 0;
    for (auto& si : rep.s) {
      si = p_.init == Init::Up ? 1 : p_.init == Init::Down ? -1 : (rep.rng.next() >> 63 ? 1 : -1);
      rep.M += si;
    }
  }

  // Sweeps from + 1 .. to of the replica that holds slot k; records the measurements due.
  void advance(std::int64_t k, std::int64_t from, std::int64_t to) {
    Replica& rep = replicas_[at_[k]];
    bool energy_fresh = false;
    for (std::int64_t t = from + 1; t <= to; ++t) {
      if (monitor_ && monitor_->cancelled()) return;  // the calling thread's checkpoint throws
      detail::SweepTally tally;
      detail::sequential_sweep(g_, p_.algorithm, beta_[k], rep.s.data(), rep.rng, tally);
      rep.M += tally.dM;
      energy_fresh = false;
      if (t <= p_.n_therm) continue;
      flips_[k] += tally.flips;
      const std::int64_t m = t - p_.n_therm;
      if (m % p_.every != 0) continue;
      rep.E = g_.energy(rep.s.data());
      energy_fresh = true;
      record(k, m / p_.every - 1, rep);
    }
    if (!energy_fresh && to % p_.swap_every == 0) rep.E = g_.energy(rep.s.data());
  }

  void record(std::int64_t k, std::int64_t sample, const Replica& rep) {
    const std::int64_t at = order_[k] * r_.n_samples + sample;
    r_.E[at] = rep.E;
    r_.M[at] = static_cast<double>(rep.M);
    std::int64_t* sum = sums_.data() + k * n_;
    for (std::int64_t i = 0; i < n_; ++i) sum[i] += rep.s[i];
    if (p_.save_configs) std::copy(rep.s.begin(), rep.s.end(), r_.configs.begin() + at * n_);
  }

  // Even pairs, then odd pairs, of the sorted ladder; one uniform per pair tried.
  void swap_round(bool measuring) {
    for (std::int64_t parity = 0; parity < 2; ++parity)
      for (std::int64_t k = parity; k + 1 < n_T_; k += 2) {
        const double delta = (beta_[k] - beta_[k + 1]) * (replicas_[at_[k]].E - replicas_[at_[k + 1]].E);
        const double u = swap_rng_.uniform();
        const bool accept = delta >= 0.0 || u < std::exp(delta);
        if (measuring) {
          ++r_.swap_attempts[k];
          r_.swap_accepted[k] += accept;
        }
        if (accept) std::swap(at_[k], at_[k + 1]);
      }
    Replica& bottom = replicas_[at_[0]];
    if (bottom.leg == 2 && measuring) ++bottom.trips;
    bottom.leg = 1;
    Replica& top = replicas_[at_[n_T_ - 1]];
    if (top.leg == 1) top.leg = 2;
  }

  void finish() {
    r_.acceptance.assign(static_cast<std::size_t>(n_T_), 0.0);
    r_.marginals.assign(static_cast<std::size_t>(n_T_ * n_), 0.0);
    const double attempts = static_cast<double>(p_.n_measure) * static_cast<double>(n_);
    for (std::int64_t k = 0; k < n_T_; ++k) {
      const std::int64_t row = order_[k];
      r_.acceptance[row] = static_cast<double>(flips_[k]) / attempts;
      for (std::int64_t i = 0; i < n_; ++i)
        r_.marginals[row * n_ + i] = static_cast<double>(sums_[k * n_ + i]) / static_cast<double>(r_.n_samples);
    }
    for (const auto& rep : replicas_) r_.round_trips.push_back(rep.trips);
  }

  const Graph& g_;
  const TemperingParams& p_;
  std::int64_t n_, n_T_;
  std::vector<std::int64_t> order_;  // slot k (sorted ladder) -> row of the given order
  std::vector<double> beta_;         // per slot
  std::vector<Replica> replicas_;    // by starting slot
  std::vector<std::int64_t> at_;     // slot -> the replica it holds
  Rng swap_rng_{p_.seed, 0};         // stream 0 is the bit pattern of T = 0, which no ladder has
  std::vector<std::int64_t> sums_, flips_;  // per slot: sum of s_i over records; flips measuring
  Monitor* monitor_ = current_monitor();
  TemperingResult r_;
};

}  // namespace

void check_tempering_params(const TemperingParams& p, std::int64_t n_spins) {
  require_inverse_temperatures(p.T);
  require(p.T.size() >= 2, "T", "parallel tempering needs at least 2 temperatures, got " + std::to_string(p.T.size()));
  std::vector<double> sorted = p.T;
  std::sort(sorted.begin(), sorted.end());
  const auto twice = std::adjacent_find(sorted.begin(), sorted.end());
  if (twice != sorted.end()) fail("T", "the temperatures must be distinct, got " + std::to_string(*twice) + " twice");
  require(p.algorithm == Algorithm::Metropolis || p.algorithm == Algorithm::HeatBath, "algorithm",
          "parallel tempering runs single-spin sweeps, 'metropolis' or 'heatbath'");
  require(p.n_therm >= 0, "n_therm", "must be >= 0, got " + std::to_string(p.n_therm));
  require(p.n_measure >= 1, "n_measure", "must be >= 1, got " + std::to_string(p.n_measure));
  require(p.n_measure <= std::numeric_limits<std::int64_t>::max() - p.n_therm, "n_measure",
          "n_therm + n_measure must fit in 64 bits");
  require(p.every >= 1, "every", "must be >= 1, got " + std::to_string(p.every));
  require(p.every <= p.n_measure, "every",
          "must be <= n_measure (" + std::to_string(p.n_measure) + "), got " + std::to_string(p.every));
  require(p.swap_every >= 1, "swap_every", "must be >= 1, got " + std::to_string(p.swap_every));
  require(p.threads >= 1, "threads", "must be >= 1, got " + std::to_string(p.threads));
  const double samples = static_cast<double>(p.T.size()) * static_cast<double>(p.n_measure / p.every);
  require(samples * 16.0 <= 16.0 * (1ULL << 30), "n_measure",
          "the time series would need more than 16 GiB; raise `every` or lower n_measure");
  if (p.save_configs)
    require(samples * static_cast<double>(n_spins) <= 8.0 * (1ULL << 30), "save_configs",
            "the configurations would need more than 8 GiB; raise `every` or lower n_measure");
}

TemperingResult run_tempering(const Graph& g, const TemperingParams& p) {
  check_tempering_params(p, g.n());
  return Tempering(g, p).run();
}

TemperingResult run_tempering(const Lattice& lat, const TemperingParams& p) {
  check_tempering_params(p, lat.n());
  return run_tempering(lat.to_graph(), p);
}

}  // namespace isingvi
