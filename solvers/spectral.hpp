// Spectral start from Stein's second-order identity: the eigenvectors of M₂ = (1/n) Σ y_i
// (x_i x_iᵀ − I) span the weight vectors w_j of a two-layer ReLU network with Gaussian inputs.
#pragma once

#include <armadillo>

#include "theory/model.hpp"

namespace reluid::solvers {

/// M₂ = (1/n) Σ_i (y_i − ȳ)(x_i x_iᵀ − I), p × p. For x ~ N(0, I) it estimates
/// E[∇²f] = Σ_j a_j φ(b_j/‖w_j‖)/‖w_j‖ · w_j w_jᵀ (Stein's identity). y is centred first: the
/// uncentred estimator adds ȳ·(sample covariance − I), which biases the eigenvalue signs towards
/// that of ȳ (solver-lessons.md, pitfall 5). With centred y the "− I" term vanishes, so
/// M₂ = (1/n) Xᵀ diag(y − ȳ) X. X: n × p, one observation per row; y: n values.
arma::mat stein_matrix(const arma::mat& X, const arma::vec& y);

/// Eigen-decomposition of M₂ (eigenvalues ascending, eigenvectors as columns, p × p) and the
/// first-order moment m₁ = (1/n) Xᵀ(y − ȳ) used to orient the eigenvectors.
struct SteinSpectrum {
  arma::vec values;
  arma::mat vectors;
  arma::vec m1;
};
SteinSpectrum stein_spectrum(const arma::mat& X, const arma::vec& y);

/// A start with k neurons of sign +1 (columns 0..k−1) and r − k of sign −1, from M₂:
/// the + neurons take the eigenvectors of the k largest positive eigenvalues, the − neurons those
/// of the r − k most negative ones (fewer available: the next ones in order, whatever their sign).
/// Scale: ‖w_j‖ = clamp(|eigenvalue| / φ(0), 0.5, 2) (the b = 0 value of the identity).
/// Orientation (the Hessian fixes ±w_j only up to sign): by the first-order identity
/// E[y x] = Σ_j a_j Φ(b_j/‖w_j‖) w_j, w_j is flipped so that a_j w_jᵀ m₁ ≥ 0 with
/// m₁ = (1/n) Xᵀ(y − ȳ). Biases are 0. Requires 1 ≤ r, 0 ≤ k ≤ r, r ≤ p.
theory::Network spectral_start(const SteinSpectrum& spectrum, arma::uword r, arma::uword k);
/// The same from the data (computes stein_spectrum).
theory::Network spectral_start(const arma::mat& X, const arma::vec& y, arma::uword r,
                               arma::uword k);

/// Sign vector with k leading +1 entries and r − k trailing −1 entries.
arma::vec sign_pattern(arma::uword r, arma::uword k);

}  // namespace reluid::solvers
