// Private to the core: a small persistent team of threads for work split inside one chain.
//
// A lattice half-sweep at L = 1024 takes tens of microseconds, less than starting a thread,
// so the team's threads live as long as the chain and wait between jobs: they spin briefly,
// then yield (the machine may be shared). run(f) calls f(t) for t in [0, size) - the caller
// runs t = 0 - and returns when all are done; that return is the barrier between jobs.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace isingvi::detail {

class ThreadTeam {
 public:
  explicit ThreadTeam(int size)
      : size_(size < 1 ? 1 : size), done_(std::make_unique<std::atomic<std::uint64_t>[]>(static_cast<std::size_t>(size_))) {
    for (int t = 0; t < size_; ++t) done_[t].store(0, std::memory_order_relaxed);
    for (int t = 1; t < size_; ++t) workers_.emplace_back([this, t] { serve(t); });
  }
  ~ThreadTeam() {
    stop_.store(true, std::memory_order_release);
    generation_.fetch_add(1, std::memory_order_release);
    for (auto& w : workers_) w.join();
  }
  ThreadTeam(const ThreadTeam&) = delete;
  ThreadTeam& operator=(const ThreadTeam&) = delete;

  int size() const { return size_; }

  template <class F>
  void run(F& f) {
    if (size_ == 1) {
      f(0);
      return;
    }
    job_ = [](void* ctx, int t) { (*static_cast<F*>(ctx))(t); };
    ctx_ = &f;
    const std::uint64_t g = generation_.fetch_add(1, std::memory_order_acq_rel) + 1;
    f(0);
    for (int t = 1; t < size_; ++t) wait([&] { return done_[t].load(std::memory_order_acquire) == g; });
  }

 private:
  template <class Ready>
  static void wait(Ready&& ready) {
    for (int spin = 0; !ready();)
      if (spin < 2000)
        ++spin;
      else
        std::this_thread::yield();
  }

  // Worker t runs each new generation's job once and then publishes that generation as done.
  void serve(int t) {
    std::uint64_t seen = 0;
    for (;;) {
      wait([&] { return generation_.load(std::memory_order_acquire) != seen; });
      seen = generation_.load(std::memory_order_acquire);
      if (stop_.load(std::memory_order_acquire)) return;
      job_(ctx_, t);
      done_[t].store(seen, std::memory_order_release);
    }
  }

  int size_;
  std::vector<std::thread> workers_;
  std::atomic<std::uint64_t> generation_{0};
  std::unique_ptr<std::atomic<std::uint64_t>[]> done_;  // per worker: last generation done
  std::atomic<bool> stop_{false};
  void (*job_)(void*, int) = nullptr;
  void* ctx_ = nullptr;
};

}  // namespace isingvi::detail
