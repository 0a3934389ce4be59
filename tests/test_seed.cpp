// Tests of per-trial seeding: determinism and separation of streams.
#include <catch2/catch.hpp>
#include <set>

#include "sim/seed.hpp"

using namespace reluid;

TEST_CASE("stream_seed: a function of (master, cell, trial, stream) alone", "[seed]") {
  REQUIRE(sim::stream_seed(7, 3, 11, sim::Stream::data) ==
          sim::stream_seed(7, 3, 11, sim::Stream::data));
  auto a = sim::make_engine(7, 3, 11, sim::Stream::data);
  auto b = sim::make_engine(7, 3, 11, sim::Stream::data);
  for (int i = 0; i < 100; ++i) REQUIRE(a() == b());
}

TEST_CASE("stream_seed: distinct tuples give distinct seeds", "[seed]") {
  std::set<std::uint64_t> seen;
  std::size_t count = 0;
  for (std::uint64_t master : {0ULL, 1ULL, 2ULL}) {
    for (std::uint64_t cell = 0; cell < 20; ++cell) {
      for (std::uint64_t trial = 0; trial < 50; ++trial) {
        for (auto s : {sim::Stream::truth, sim::Stream::data, sim::Stream::solver}) {
          seen.insert(sim::stream_seed(master, cell, trial, s));
          ++count;
        }
      }
    }
  }
  REQUIRE(seen.size() == count);
}

TEST_CASE("splitmix64: reference values", "[seed]") {
  // First outputs of the SplitMix64 generator seeded with 0 (Vigna's reference implementation):
  // state advances by the golden gamma before each finalisation.
  REQUIRE(sim::splitmix64(0) == 0xe220a8397b1dcdafULL);
  REQUIRE(sim::splitmix64(0x9e3779b97f4a7c15ULL) == 0x6e789e6aa1b965f4ULL);
}
