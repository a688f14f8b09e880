// Splittable, reproducible random numbers.
//
// Rng is xoshiro256++ (Blackman & Vigna): 256-bit state, period 2^256 - 1, fast and
// statistically strong. A stream is named by (seed, stream id): the pair is mixed by
// SplitMix64 into the initial state, so neighbouring seeds or stream ids give unrelated
// states. Code that must give the same answer for any thread count ties one stream to
// each independent piece of work (a temperature, a lattice block), never to a thread.
#pragma once
#include <cstdint>
#include <cmath>
#include <cstring>

namespace isingvi {

// SplitMix64 finaliser: a bijective 64-bit mixer.
inline std::uint64_t splitmix64(std::uint64_t& x) {
  std::uint64_t z = (x += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

class Rng {
 public:
  Rng(std::uint64_t seed, std::uint64_t stream = 0) {
    std::uint64_t x = seed;
    std::uint64_t key = splitmix64(x);
    std::uint64_t y = stream ^ key;
    std::uint64_t mixed = splitmix64(y) ^ key;
    for (auto& w : s_) w = splitmix64(mixed);
    if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;  // the all-zero state is absorbing
  }

  std::uint64_t next() {
    const std::uint64_t result = rotl(s_[0] + s_[3], 23) + s_[0];
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // The 256-bit state, for code that runs the same generator elsewhere (vector kernels).
  void save(std::uint64_t out[4]) const {
    for (int w = 0; w < 4; ++w) out[w] = s_[w];
  }

  // Uniform double in [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // Uniform integer in [0, n), unbiased (Lemire's multiply-and-reject).
  std::uint64_t below(std::uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>(next()) * n;
    auto low = static_cast<std::uint64_t>(m);
    if (low < n) {
      const std::uint64_t threshold = (0 - n) % n;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(next()) * n;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

  // Standard normal deviate (Marsaglia polar method; deterministic given the stream).
  double normal() {
    for (;;) {
      const double u = 2.0 * uniform() - 1.0;
      const double v = 2.0 * uniform() - 1.0;
      const double s = u * u + v * v;
      if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
    }
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// Independent xoshiro256++ lanes for a vector kernel, named by the parent stream: lane j
// starts as Rng(key, j), key = parent.next(). Written word-major, words[w * n + j] = word w of
// lane j, so that one vector load reads the same word of every lane. The lane count is a
// property of the algorithm, not of the CPU, so results do not depend on the vector width.
inline void seed_lanes(Rng& parent, int n, std::uint64_t* words) {
  const std::uint64_t key = parent.next();
  for (int j = 0; j < n; ++j) {
    std::uint64_t s[4];
    Rng(key, static_cast<std::uint64_t>(j)).save(s);
    for (int w = 0; w < 4; ++w) words[w * n + j] = s[w];
  }
}

// A probability p in [0, 1] as a 64-bit threshold: next() < threshold has probability p
// to within 2^-64, so acceptance tests are exact to far more than 32 bits.
inline std::uint64_t probability_threshold(double p) {
  if (!(p > 0.0)) return 0;
  if (p >= 1.0) return ~std::uint64_t{0};
  return static_cast<std::uint64_t>(std::ldexp(p, 64));
}

// The same for 32-bit draws: threshold round(p 2^32) in [0, 2^32], so (uint64) r32 < threshold
// has probability p to within 2^-33, and p = 0 and p = 1 are exact.
inline std::uint64_t probability_threshold32(double p) {
  if (!(p > 0.0)) return 0;
  if (p >= 1.0) return std::uint64_t{1} << 32;
  return static_cast<std::uint64_t>(std::llround(std::ldexp(p, 32)));
}

// The stream of one temperature in a sweep over a list of temperatures (Monte Carlo, BP):
// T's bit pattern, so a temperature's results do not depend on the list's order or length.
inline std::uint64_t temperature_stream(double T) {
  std::uint64_t bits;
  std::memcpy(&bits, &T, sizeof bits);
  return bits;
}

}  // namespace isingvi
