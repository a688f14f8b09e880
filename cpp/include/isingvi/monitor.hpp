// Cancellation and progress of long core calls.
//
// A caller that wants to stop a call early, or to watch it, installs a Monitor for the thread
// that makes the call (MonitorScope). Every long loop of the core calls checkpoint() at least
// every ~100 ms of work: it adds the units done since the last call to the Monitor's progress
// and throws Cancelled once cancel() has been called (from any thread). Worker threads that a
// call starts inherit its Monitor, so one cancel() stops them all. Without a Monitor,
// checkpoint() does nothing. Results do not depend on whether a Monitor is installed.
#pragma once
#include <atomic>
#include <cstdint>
#include <stdexcept>

namespace isingvi {

struct Cancelled : std::runtime_error {
  Cancelled() : std::runtime_error("cancelled") {}
};

class Monitor {
 public:
  void cancel() noexcept { cancelled_.store(true, std::memory_order_relaxed); }
  bool cancelled() const noexcept { return cancelled_.load(std::memory_order_relaxed); }
  // Work units: `total` is what the call expects to do (0: unknown), `done` what it has done.
  void add_total(std::int64_t units) noexcept { total_.fetch_add(units, std::memory_order_relaxed); }
  void advance(std::int64_t units) noexcept { done_.fetch_add(units, std::memory_order_relaxed); }
  std::int64_t total() const noexcept { return total_.load(std::memory_order_relaxed); }
  std::int64_t done() const noexcept { return done_.load(std::memory_order_relaxed); }

 private:
  std::atomic<bool> cancelled_{false};
  std::atomic<std::int64_t> total_{0}, done_{0};
};

// The Monitor of the calling thread (nullptr: none).
Monitor* current_monitor() noexcept;

// Installs a Monitor for the calling thread for the scope's lifetime (nullptr uninstalls).
class MonitorScope {
 public:
  explicit MonitorScope(Monitor* monitor) noexcept;
  ~MonitorScope();
  MonitorScope(const MonitorScope&) = delete;
  MonitorScope& operator=(const MonitorScope&) = delete;

 private:
  Monitor* previous_;
};

// Counts `units` of work done and throws Cancelled if the call was cancelled.
inline void checkpoint(std::int64_t units = 0) {
  if (Monitor* c = current_monitor()) {
    c->advance(units);
    if (c->cancelled()) throw Cancelled();
  }
}

// Announces `units` more work for the progress report.
inline void expect_work(std::int64_t units) noexcept {
  if (Monitor* c = current_monitor()) c->add_total(units);
}

}  // namespace isingvi
