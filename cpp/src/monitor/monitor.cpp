#include "isingvi/monitor.hpp"

namespace isingvi {
namespace {
thread_local Monitor* installed = nullptr;
}  // namespace

Monitor* current_monitor() noexcept { return installed; }

MonitorScope::MonitorScope(Monitor* monitor) noexcept : previous_(installed) { installed = monitor; }
MonitorScope::~MonitorScope() { installed = previous_; }

}  // namespace isingvi
