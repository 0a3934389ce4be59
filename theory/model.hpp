// The two-layer ReLU network of the paper's eq. (2): f(x) = Σ_j a_j relu(w_jᵀx + b_j).
#pragma once

#include <armadillo>
#include <string_view>

namespace reluid::theory {

/// A two-layer ReLU network with r hidden neurons on p inputs.
/// W: p × r, column j is neuron j's weight vector w_j; a: r signs in {−1, +1}; b: r biases.
/// Row i of W collects every neuron's weight on input i, so the support S = {i : W_i,· ≠ 0}.
struct Network {
  arma::mat W;
  arma::vec a;
  arma::vec b;

  arma::uword p() const { return W.n_rows; }
  arma::uword r() const { return W.n_cols; }
};

/// Throws std::invalid_argument naming the field unless: r ≥ 1, p ≥ 1, a and b have r entries,
/// every a_j is exactly ±1, and W, b are finite.
void validate(const Network& net, std::string_view where = "network");

/// Pre-activations Z = X W + 1 bᵀ. X: n × p, one observation per row. Returns n × r.
arma::mat preactivation(const Network& net, const arma::mat& X);

/// Network output f(x_i) for each row of X (eq. 2 without noise). X: n × p. Returns n values.
arma::vec predict(const Network& net, const arma::mat& X);

/// ‖W‖₁ = Σ_ij |W_ij|, the quantity the estimator (eq. 4) minimises.
double l1_norm(const arma::mat& W);

/// Row norms ‖W_i,·‖₂ (the paper's §3.4 variable importances). Returns p values.
arma::vec row_norms(const arma::mat& W);

/// Support estimate Ŝ_τ = {i : ‖W_i,·‖₂ > τ} (Corollary 1), ascending row indices.
arma::uvec support(const arma::mat& W, double tau = 0.0);

}  // namespace reluid::theory
