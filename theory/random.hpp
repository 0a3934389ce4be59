// The one random engine type of reluid and helpers that draw through it into Armadillo objects.
// Library code never touches Armadillo's global generator: every draw comes from an Engine passed
// in explicitly (sim/seed.hpp makes one per (master seed, cell, trial, stream)).
#pragma once

#include <armadillo>
#include <boost/random/mersenne_twister.hpp>
#include <boost/random/normal_distribution.hpp>
#include <boost/random/uniform_real_distribution.hpp>

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

}  // namespace reluid::theory
