// Private to the core: a small persistent team of threads for work split inside one chain.
//
// A lattice half-sweep at L = 1024 takes tens of microseconds, less than starting a thread,
// so the team's threads live as long as the chain and wait between jobs. run(f) calls f(t)
// for t in [0, size) - the caller runs t = 0 - and returns when all are done; that return is
// the barrier between jobs. run_chunks(n, chunk, f) shares the items [0, n) out in chunks:
// each thread starts on its own contiguous part (so data stays in its cache from one job to
// the next) and then takes what is left of the others', so a thread slowed down by another
// process holds the barrier up by one chunk rather than by its whole part.
//
// Waiting: spin for a few tens of microseconds (the usual gap between jobs), then sleep on a
// condition variable. Sleeping matters on a busy machine: a spinning thread would take CPU
// time from the very thread it waits for.
#pragma once
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace isingvi::detail {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();  // spin politely (frees the core's resources for a sibling thread)
#endif
}

class ThreadTeam {
 public:
  explicit ThreadTeam(int size)
      : size_(size < 1 ? 1 : size),
        done_(std::make_unique<std::atomic<std::uint64_t>[]>(static_cast<std::size_t>(size_))),
        cursor_(std::make_unique<Cursor[]>(static_cast<std::size_t>(size_))) {
    for (int t = 0; t < size_; ++t) done_[t].store(0);
    for (int t = 1; t < size_; ++t) workers_.emplace_back([this, t] { serve(t); });
  }
  ~ThreadTeam() {
    stop_.store(true);
    publish_generation();
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
    const std::uint64_t g = publish_generation();
    f(0);
    wait(main_sleeps_, main_wake_, [&] {
      for (int t = 1; t < size_; ++t)
        if (done_[t].load() != g) return false;
      return true;
    });
  }

  // f(t, begin, end) for chunks [begin, end) covering [0, n) once each; which thread t runs a
  // chunk depends on timing, so f's result must not depend on t.
  template <class F>
  void run_chunks(std::int64_t n, std::int64_t chunk, F& f) {
    const std::int64_t parts = (n + chunk - 1) / chunk;
    auto first = [&](int t) { return std::min(n, parts * t / size_ * chunk); };
    for (int t = 0; t < size_; ++t) cursor_[t].next.store(first(t), std::memory_order_relaxed);
    auto work = [&](int t) {
      for (int k = 0; k < size_; ++k) {  // own part first, then the others' in turn
        const int owner = (t + k) % size_;
        const std::int64_t end = first(owner + 1);
        for (std::int64_t b; (b = cursor_[owner].next.fetch_add(chunk, std::memory_order_relaxed)) < end;)
          f(t, b, std::min(b + chunk, end));
      }
    };
    run(work);  // run publishes the cursors to the workers (through generation_)
  }

 private:
  // Spin until ready() or kSpin has passed, then sleep on `wake` until ready(). The waker
  // changes the state first and then reads `sleeping`; the sleeper raises `sleeping` first and
  // then reads the state (all sequentially consistent), so one of them sees the other: either
  // the sleeper finds ready() true or the waker notifies.
  static constexpr auto kSpin = std::chrono::microseconds(50);

  template <class Ready>
  void wait(std::atomic<int>& sleeping, std::condition_variable& wake, Ready&& ready) {
    const auto until = std::chrono::steady_clock::now() + kSpin;
    for (int spin = 1; !ready(); ++spin) {
      cpu_relax();
      if (spin % 64 != 0 || std::chrono::steady_clock::now() < until) continue;
      std::unique_lock<std::mutex> lock(mutex_);
      sleeping.fetch_add(1);
      wake.wait(lock, ready);
      sleeping.fetch_sub(1);
      return;
    }
  }

  static void notify(std::mutex& m, std::atomic<int>& sleeping, std::condition_variable& wake) {
    if (sleeping.load() == 0) return;
    { std::lock_guard<std::mutex> lock(m); }  // a sleeper between its check and its wait holds m
    wake.notify_all();
  }

  std::uint64_t publish_generation() {
    const std::uint64_t g = generation_.fetch_add(1) + 1;
    notify(mutex_, workers_sleep_, workers_wake_);
    return g;
  }

  // Worker t runs each new generation's job once and then publishes that generation as done.
  void serve(int t) {
    std::uint64_t seen = 0;
    for (;;) {
      wait(workers_sleep_, workers_wake_, [&] { return generation_.load() != seen; });
      seen = generation_.load();
      if (stop_.load()) return;
      job_(ctx_, t);
      done_[t].store(seen);
      notify(mutex_, main_sleeps_, main_wake_);
    }
  }

  struct alignas(64) Cursor {  // a cache line each: the owner claims from it all the time
    std::atomic<std::int64_t> next{0};
  };

  int size_;
  std::vector<std::thread> workers_;
  std::atomic<std::uint64_t> generation_{0};
  std::unique_ptr<std::atomic<std::uint64_t>[]> done_;  // per worker: last generation done
  std::unique_ptr<Cursor[]> cursor_;  // per part: the next unclaimed item
  std::atomic<bool> stop_{false};
  void (*job_)(void*, int) = nullptr;
  void* ctx_ = nullptr;
  std::mutex mutex_;
  std::atomic<int> workers_sleep_{0}, main_sleeps_{0};  // threads asleep on each condition
  std::condition_variable workers_wake_, main_wake_;
};

// Point-to-point progress between threads that each own a band of a lattice, for jobs of many
// steps (half-sweeps) inside one ThreadTeam::run: a band may start step h once the bands it
// depends on (those that read its rows or whose rows it reads) have finished step h - 1, so
// threads wait only for their neighbours' counters, not for the whole team. Dependencies are
// symmetric, so no band gets more than one step ahead of a neighbour and nothing is
// overwritten while still being read. cancel() releases every waiting thread. Waiting spins
// for up to 50 us, then sleeps (as ThreadTeam: on a busy machine the thread waited for may
// need this core).
class BandSync {
 public:
  // deps[t]: the bands band t depends on (not t itself)
  explicit BandSync(std::vector<std::vector<int>> deps)
      : deps_(std::move(deps)), progress_(std::make_unique<Counter[]>(deps_.size())) {}

  // Before a job: every band at step 0, not cancelled (published to the team by its run).
  void reset() {
    for (std::size_t t = 0; t < deps_.size(); ++t) progress_[t].steps.store(0, std::memory_order_relaxed);
    cancelled_.store(false, std::memory_order_relaxed);
  }
  // Waits until band t's dependencies have finished `steps` steps; false once cancelled.
  bool wait(int t, std::int64_t steps) {
    auto ready = [&] {
      if (cancelled_.load()) return true;
      for (int u : deps_[static_cast<std::size_t>(t)])
        if (progress_[u].steps.load() < steps) return false;
      return true;
    };
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(50);
    for (int spin = 1; !ready(); ++spin) {
      cpu_relax();
      if (spin % 64 != 0 || std::chrono::steady_clock::now() < until) continue;
      std::unique_lock<std::mutex> lock(mutex_);
      sleeping_.fetch_add(1);
      wake_.wait(lock, ready);
      sleeping_.fetch_sub(1);
      break;
    }
    return !cancelled_.load();
  }
  // The waker changes the state first and then reads `sleeping_`; a sleeper raises it first and
  // then reads the state (all sequentially consistent): one of them sees the other.
  void finished(int t, std::int64_t steps) {
    progress_[t].steps.store(steps);
    notify();
  }
  void cancel() {
    cancelled_.store(true);
    notify();
  }

 private:
  void notify() {
    if (sleeping_.load() == 0) return;
    { std::lock_guard<std::mutex> lock(mutex_); }  // a sleeper between its check and its wait holds it
    wake_.notify_all();
  }

  struct alignas(64) Counter {  // a cache line each: its owner writes it every step
    std::atomic<std::int64_t> steps{0};
  };
  std::vector<std::vector<int>> deps_;
  std::unique_ptr<Counter[]> progress_;
  std::atomic<bool> cancelled_{false};
  std::atomic<int> sleeping_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
};

}  // namespace isingvi::detail
