// The one random engine type of reluid and helpers that draw through it into Armadillo objects.
// Library code never touches Armadillo's global generator: every draw comes from an Engine passed
// in explicitly (sim/seed.hpp makes one per (master seed, cell, trial, stream)).
#pragma once

#include <armadillo>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>
#include <numeric>
#include <utility>
#include <vector>

namespace reluid::theory {

/// 64-bit Mersenne Twister: Boost's implementation gives identical streams on every platform.
using Engine = boost::random::mt19937_64;

/// rows × cols matrix of i.i.d. N(0, 1), filled in column-major order.
inline arma::mat standard_normal(arma::uword rows, arma::uword cols, Engine& rng) {
  boost::random::normal_distribution<double> normal(0.0, 1.0);
  arma::mat M(rows, cols);
  M.imbue([&] { return normal(rng); });
  return M;
}

/// rows × cols matrix of i.i.d. U[lo, hi), filled in column-major order.
inline arma::mat uniform(arma::uword rows, arma::uword cols, double lo, double hi, Engine& rng) {
  boost::random::uniform_real_distribution<double> unif(lo, hi);
  arma::mat M(rows, cols);
  M.imbue([&] { return unif(rng); });
  return M;
}

/// Uniformly random permutation of 0..n−1: Fisher–Yates through the explicit engine (std::shuffle's
/// draws are implementation-defined, so results would differ between standard libraries).
inline std::vector<arma::uword> random_permutation(arma::uword n, Engine& rng) {
  std::vector<arma::uword> perm(n);
  std::iota(perm.begin(), perm.end(), arma::uword{0});
  for (arma::uword i = n; i > 1; --i) {
    boost::random::uniform_int_distribution<arma::uword> pick(0, i - 1);
    std::swap(perm[i - 1], perm[pick(rng)]);
  }
  return perm;
}

}  // namespace reluid::theory
