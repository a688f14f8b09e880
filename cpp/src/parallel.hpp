// Private to the core: a minimal deterministic parallel loop.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace isingvi::detail {

// Runs work(k) for k in [0, n) on up to `threads` threads. Work items are independent and
// write disjoint outputs, so the result does not depend on the thread count.
template <class Work>
void parallel_for(std::int64_t n, int threads, Work&& work) {
  const int used = static_cast<int>(std::min<std::int64_t>(std::max(threads, 1), n));
  if (used <= 1) {
    for (std::int64_t k = 0; k < n; ++k) work(k);
    return;
  }
  std::atomic<std::int64_t> next{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < used; ++t)
    pool.emplace_back([&] {
      for (std::int64_t k; (k = next.fetch_add(1)) < n;) work(k);
    });
  for (auto& th : pool) th.join();
}

}  // namespace isingvi::detail
