// The annealing schedule of AIS: linear in beta, pinned at every target.
#include <algorithm>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "isingvi/ais.hpp"
#include "isingvi/check.hpp"

namespace isingvi {

std::vector<double> pinned_schedule(const std::vector<double>& targets, std::int64_t n_steps) {
  require(!targets.empty(), "targets", "needs at least one target");
  for (double b : targets)
    require(std::isfinite(b) && b > 0.0, "targets", "every target must be finite and > 0, got " + std::to_string(b));
  std::vector<double> pins(targets);
  std::sort(pins.begin(), pins.end());
  pins.erase(std::unique(pins.begin(), pins.end()), pins.end());
  const auto K = static_cast<std::int64_t>(pins.size());
  require(n_steps >= K, "n_steps",
          "must be >= the number of distinct targets (" + std::to_string(K) + "), got " + std::to_string(n_steps));
  // 8 bytes a step: refuse a schedule that cannot fit in memory rather than die allocating it.
  require(n_steps <= (std::int64_t{1} << 28), "n_steps", "must be <= 2^28, got " + std::to_string(n_steps));

  // Steps per gap: one each, then each further step to the gap whose steps are widest
  // (ties to the lower gap), which minimises the largest step.
  std::vector<std::int64_t> steps(static_cast<std::size_t>(K), 1);
  std::vector<double> gap(static_cast<std::size_t>(K));
  std::priority_queue<std::pair<double, std::int64_t>> widest;  // (step width, -gap index)
  for (std::int64_t k = 0; k < K; ++k) {
    gap[k] = pins[k] - (k ? pins[k - 1] : 0.0);
    widest.emplace(gap[k], -k);
  }
  for (std::int64_t r = K; r < n_steps; ++r) {
    const std::int64_t k = -widest.top().second;
    widest.pop();
    ++steps[k];
    widest.emplace(gap[k] / static_cast<double>(steps[k]), -k);
  }

  std::vector<double> schedule;
  schedule.reserve(static_cast<std::size_t>(n_steps));
  for (std::int64_t k = 0; k < K; ++k) {
    const double from = k ? pins[k - 1] : 0.0;
    for (std::int64_t j = 1; j < steps[k]; ++j)
      schedule.push_back(from + gap[k] * (static_cast<double>(j) / static_cast<double>(steps[k])));
    schedule.push_back(pins[k]);  // exactly the target
  }
  return schedule;
}

}  // namespace isingvi
