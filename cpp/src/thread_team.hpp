// Private to the core: a small persistent team of threads for work split inside one chain.
//
// A lattice half-sweep at L = 1024 takes tens of microseconds, less than starting a thread,
// so the team's threads live as long as the chain and wait between jobs: they spin briefly,
// then yield (the machine may be shared). run(f) calls f(t) for t in [0, size) - the caller
// runs t = 0 - and returns when all are done; that return is the barrier between jobs.
#pragma once
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace isingvi::detail {

class ThreadTeam {
 public:
  explicit ThreadTeam(int size) : size_(size < 1 ? 1 : size) {
    for (int t = 1; t < size_; ++t) workers_.emplace_back([this, t] { serve(t); });
  }
  ~ThreadTeam() {
    stop_.store(true, std::memory_order_relaxed);
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
    pending_.store(size_ - 1, std::memory_order_relaxed);
    generation_.fetch_add(1, std::memory_order_release);
    f(0);
    wait([&] { return pending_.load(std::memory_order_acquire) == 0; });
  }

 private:
  template <class Ready>
  static void wait(Ready&& ready) {
    for (int spin = 0; !ready(); ++spin)
      if (spin > 2000) std::this_thread::yield();
  }

  void serve(int t) {
    std::uint64_t seen = 0;
    for (;;) {
      wait([&] { return generation_.load(std::memory_order_acquire) != seen; });
      seen = generation_.load(std::memory_order_acquire);
      if (stop_.load(std::memory_order_relaxed)) return;
      job_(ctx_, t);
      pending_.fetch_sub(1, std::memory_order_release);
    }
  }

  int size_;
  std::vector<std::thread> workers_;
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<int> pending_{0};
  std::atomic<bool> stop_{false};
  void (*job_)(void*, int) = nullptr;
  void* ctx_ = nullptr;
};

}  // namespace isingvi::detail
