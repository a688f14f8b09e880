// Core calls that Ctrl-C can stop and a Python callable can watch.
#pragma once
#include <pybind11/pybind11.h>

#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

#include "isingvi/monitor.hpp"

namespace isingvi_py {

// Runs call() on a worker thread with an isingvi::Monitor installed, while the calling thread
// waits without the GIL and, every 50 ms, takes it to run Python's signal handlers
// (PyErr_CheckSignals: SIGINT raises KeyboardInterrupt) and to report progress(done, total)
// if a callable is given (total 0: unknown). A Python exception from either cancels the call;
// the core notices within ~100 ms of work, its threads stop, and the exception is re-raised
// here. call() must not touch Python objects. Results are those of a plain call.
template <class Call>
auto run_interruptible(Call&& call, const pybind11::object& progress = pybind11::none()) {
  using Result = decltype(call());
  isingvi::Monitor monitor;
  std::optional<Result> result;
  std::exception_ptr core_error;
  std::mutex mutex;
  std::condition_variable finished_cv;
  bool finished = false;
  std::thread worker([&] {
    isingvi::MonitorScope scope(&monitor);
    try {
      result.emplace(call());
    } catch (...) {
      core_error = std::current_exception();
    }
    std::lock_guard<std::mutex> lock(mutex);
    finished = true;
    finished_cv.notify_one();
  });
  std::optional<pybind11::error_already_set> python_error;
  for (bool done = false; !done;) {
    {
      pybind11::gil_scoped_release release;
      std::unique_lock<std::mutex> lock(mutex);
      done = finished_cv.wait_for(lock, std::chrono::milliseconds(50), [&] { return finished; });
    }
    if (done || python_error) continue;  // once interrupted, only wait for the worker
    try {
      if (PyErr_CheckSignals() != 0) throw pybind11::error_already_set();
      if (!progress.is_none()) progress(monitor.done(), monitor.total());
    } catch (pybind11::error_already_set& e) {
      python_error.emplace(std::move(e));
      monitor.cancel();
    }
  }
  worker.join();
  if (python_error) throw std::move(*python_error);
  if (core_error) std::rethrow_exception(core_error);
  if (!progress.is_none()) progress(monitor.done(), monitor.total());
  return std::move(*result);
}

}  // namespace isingvi_py
