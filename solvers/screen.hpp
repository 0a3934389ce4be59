// Variable screening for the screened starts of the constrained fit: a per-input statistic that
// sees the first- and second-order (Stein) dependence of y on x_i (the top m are taken with
// solvers::largest, solvers/gmm_split.hpp).
#pragma once

#include <armadillo>

namespace reluid::solvers {

/// Per-input screening statistic, p values. With x̃_i the standardised column i (mean 0, variance
/// 1, divisor n) and y_c = y − ȳ,
///   m1_i = (1/n) Σ y_c x̃_i            (first-order Stein moment, E[y x_i]),
///   q_i  = (1/n) Σ y_c (x̃_i² − 1)     (diagonal of the centred Stein matrix M₂, E[∂²f/∂x_i²]),
///   score_i = n (m1_i² + q_i²/2) / Var(y).
/// If y is independent of x_i (Gaussian x_i) m1_i and q_i are uncorrelated with variances Var(y)/n
/// and 2 Var(y)/n, so score_i ≈ χ²₂: the two moments are put on one scale. A ReLU network moves
/// both for every input of its support unless the neurons cancel in both at once.
/// X: n × p, one observation per row; y: n values. A constant column or constant y scores 0.
/// Throws std::invalid_argument on bad data (as validate_data).
arma::vec screen_scores(const arma::mat& X, const arma::vec& y);

/// Default screen size: min(p, max(min_size, 2r, ⌈n / (4 log p)⌉)). It uses n, p and r only (the
/// estimator does not know s). For p = 100: 20 up to n = 368, then ⌈n / 18.4⌉.
arma::uword default_screen_size(arma::uword n, arma::uword p, arma::uword r,
                                arma::uword min_size = 20);

}  // namespace reluid::solvers
