// Seed mixing for per-trial random streams.
#include "sim/seed.hpp"

namespace reluid::sim {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t stream_seed(std::uint64_t master, std::uint64_t cell, std::uint64_t trial,
                          Stream stream) {
  std::uint64_t h = splitmix64(master);
  h = splitmix64(h ^ cell);
  h = splitmix64(h ^ trial);
  return splitmix64(h ^ static_cast<std::uint64_t>(stream));
}

theory::Engine make_engine(std::uint64_t master, std::uint64_t cell, std::uint64_t trial,
                           Stream stream) {
  return theory::Engine(stream_seed(master, cell, trial, stream));
}

}  // namespace reluid::sim
