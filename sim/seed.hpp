// Seeding: every random draw of a trial comes from an engine determined by
// (master seed, cell, trial, stream) alone, so results do not depend on threads, order or shards.
#pragma once

#include <cstdint>

#include "theory/random.hpp"

namespace reluid::sim {

/// Independent streams inside one trial, so that changing how a solver draws its starts never
/// changes the trial's data.
enum class Stream : std::uint64_t { truth = 0, data = 1, solver = 2, test_data = 3 };

/// SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijection on 64-bit words with full
/// avalanche, used to mix the seed components.
std::uint64_t splitmix64(std::uint64_t x);

/// The seed of one stream of one trial:
///   h = splitmix64(master); h = splitmix64(h ^ cell); h = splitmix64(h ^ trial);
///   h = splitmix64(h ^ stream)
/// Each step is a bijection of the running hash xor one component, so distinct tuples give
/// well-separated seeds, and the mt19937_64 engines they seed are effectively independent.
std::uint64_t stream_seed(std::uint64_t master, std::uint64_t cell, std::uint64_t trial,
                          Stream stream);

/// An engine seeded with stream_seed(master, cell, trial, stream).
theory::Engine make_engine(std::uint64_t master, std::uint64_t cell, std::uint64_t trial,
                           Stream stream);

}  // namespace reluid::sim
