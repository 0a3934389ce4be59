// Quantities of the paper's Assumption 1 for a given network: norms, biases, the angle condition.
#pragma once

#include <armadillo>

#include "theory/model.hpp"

namespace reluid::theory {

/// Coherence μ = max_{j≠k} |cos(w_j, w_k)| over the columns of W (p × r). 0 when r = 1.
/// Throws if a column is zero (its angle is undefined).
double coherence(const arma::mat& W);

/// ω = −log μ / log r, the exponent of the angle condition |cos| ≤ r^−ω. +∞ when μ = 0 or r = 1.
double angle_exponent(double mu, arma::uword r);

/// Assumption 1 summary: B is the smallest bound with 1 ≤ ‖w_j‖ ≤ B and |b_j| ≤ B (reported as
/// max(max‖w_j‖, max|b_j|); `norms_ok` says whether every ‖w_j‖ ≥ 1).
struct AssumptionReport {
  arma::uword p = 0, r = 0, s = 0;  ///< s = |support of W|
  double min_norm = 0, max_norm = 0, max_abs_bias = 0, B = 0;
  double mu = 0, omega = 0;
  arma::uword positive_signs = 0;
  bool norms_ok = false;
};
AssumptionReport assumption_report(const Network& net);

}  // namespace reluid::theory
