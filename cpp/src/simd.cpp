// CPU detection for the per-ISA kernels (see isingvi/simd.hpp).
#include "isingvi/simd.hpp"

#include "isingvi/check.hpp"

namespace isingvi {

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::Avx512: return "avx512";
    case Isa::Avx2: return "avx2";
    default: return "scalar";
  }
}

bool isa_supported(Isa isa) {
  if (isa == Isa::Scalar) return true;
#if ISINGVI_X86_KERNELS
  // GCC's and Clang's checks include the OS side (XCR0): AVX state saved on context switch.
  __builtin_cpu_init();
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("popcnt");
  if (isa == Isa::Avx2) return avx2;
  if (isa == Isa::Avx512)
    return avx2 && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl");
#endif
  return false;
}

Isa best_isa() {
  for (Isa isa : {Isa::Avx512, Isa::Avx2})
    if (isa_supported(isa)) return isa;
  return Isa::Scalar;
}

std::vector<std::string> supported_isas() {
  std::vector<std::string> out;
  for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512})
    if (isa_supported(isa)) out.emplace_back(isa_name(isa));
  return out;
}

Isa resolve_isa(const std::string& name, const std::string& param) {
  if (name == "auto") return best_isa();
  for (Isa isa : {Isa::Scalar, Isa::Avx2, Isa::Avx512}) {
    if (name != isa_name(isa)) continue;
    if (!isa_supported(isa)) {
      std::string have;
      for (const auto& s : supported_isas()) have += (have.empty() ? "" : ", ") + s;
      fail(param, "'" + name + "' is not supported by this CPU or build (supported: " + have + ")");
    }
    return isa;
  }
  fail(param, "must be 'auto', 'scalar', 'avx2' or 'avx512', got '" + name + "'");
}

}  // namespace isingvi
