// Private to the core: a minimal deterministic parallel loop.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#include "isingvi/monitor.hpp"

namespace isingvi::detail {

// Runs work(k) for k in [0, n) on up to `threads` threads. Work items are independent and
// write disjoint outputs, so the result does not depend on the thread count. The workers
// inherit the caller's Monitor; the first exception thrown by any work item (Cancelled
// included) stops the others from starting new items and is rethrown here after all joined.
template <class Work>
void parallel_for(std::int64_t n, int threads, Work&& work) {
  const int used = static_cast<int>(std::min<std::int64_t>(std::max(threads, 1), n));
  if (used <= 1) {
    for (std::int64_t k = 0; k < n; ++k) work(k);
    return;
  }
  Monitor* monitor = current_monitor();
  std::atomic<std::int64_t> next{0};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  std::vector<std::thread> pool;
  for (int t = 0; t < used; ++t)
    pool.emplace_back([&] {
      MonitorScope scope(monitor);
      try {
        for (std::int64_t k; !failed.load(std::memory_order_relaxed) && (k = next.fetch_add(1)) < n;) work(k);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (!error) error = std::current_exception();
        failed.store(true);
      }
    });
  for (auto& th : pool) th.join();
  if (error) std::rethrow_exception(error);
}

}  // namespace isingvi::detail
