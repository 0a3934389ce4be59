// Inner solver: the penalized ℓ1 fit (paper eqs. 10 / 23) of a two-layer ReLU network, signs fixed.
//
//   minimise  F(W, b) = L(W, b) + λ‖W‖₁,   L(W, b) = (1/n) Σ_i (y_i − Σ_j a_j relu(w_jᵀx_i + b_j))²
//
// by accelerated proximal gradient (FISTA, Beck & Teboulle 2009) made monotone by function-value
// restart (O'Donoghue & Candès 2015): soft-thresholding on W, a plain gradient step on b.
#pragma once

#include <armadillo>
#include <concepts>
#include <cstddef>
#include <string_view>

#include "theory/model.hpp"
#include "theory/random.hpp"

namespace reluid::solvers {

/// Why an iterative solver stopped.
enum class StopReason {
  converged,  ///< relative and absolute tolerances met on the iterate and the objective
  max_iter,   ///< iteration budget exhausted (the point is the best one seen)
  stalled,    ///< no descent even at the smallest allowed step (typically a kink of the ReLU)
  diverged    ///< a non-finite objective or iterate was produced and could not be undone
};

/// "converged", "max_iter", "stalled" or "diverged".
std::string_view to_string(StopReason stop);

/// What to do with a dead neuron: one whose pre-activation w_jᵀx_i + b_j ≤ 0 on every sample,
/// so it outputs 0 and receives a zero gradient; plain descent never revives it.
enum class DeadNeurons {
  reseed,  ///< re-initialise it (see PenalizedOptions::max_reseeds) and drop the momentum
  keep     ///< leave it dead (it is still counted in PenalizedResult::dead_neurons)
};

/// The smooth part L of eq. (10) as a function object: loss and gradient over (W, b) for fixed
/// signs a. X: n × p, one observation per row; y: n values. At a kink (pre-activation exactly 0)
/// relu'(0) = 0 is used, the same convention as the solver.
struct LeastSquaresLoss {
  const arma::mat& X;
  const arma::vec& y;
  const arma::vec& a;

  /// L(W, b). W: p × r, b: r values.
  double evaluate(const arma::mat& W, const arma::vec& b) const;
  /// L(W, b); writes ∂L/∂W (p × r) into gW and ∂L/∂b (r values) into gb.
  double gradient(const arma::mat& W, const arma::vec& b, arma::mat& gW, arma::vec& gb) const;
};

/// What the inner solver needs from a smooth objective over (W, b).
template <class F>
concept SmoothObjective = requires(const F& f, const arma::mat& W, const arma::vec& b,
                                   arma::mat& gW, arma::vec& gb) {
  { f.evaluate(W, b) } -> std::convertible_to<double>;
  { f.gradient(W, b, gW, gb) } -> std::convertible_to<double>;
};
static_assert(SmoothObjective<LeastSquaresLoss>);

/// Norm ‖G_t‖_∞ of the prox-gradient mapping G_t = ((W, b) − prox_{tλ‖·‖₁}((W, b) − t∇L)) / t at
/// `net` (b is not penalised). It is zero exactly at first-order stationary points of eq. (10);
/// as t → 0 it tends to the smallest subgradient (the KKT residual). With row_weights (p values,
/// see PenalizedOptions::row_weights) the prox is that of the weighted penalty λ Σ_i w_i ‖W_i,·‖₁.
template <SmoothObjective F>
double prox_gradient_norm(const F& loss, const arma::mat& W, const arma::vec& b, double lambda,
                          double t, const arma::vec& row_weights = {}) {
  arma::mat gW;
  arma::vec gb;
  loss.gradient(W, b, gW, gb);
  const arma::mat V = W - t * gW;
  arma::mat P;
  if (row_weights.is_empty()) {
    P = arma::sign(V) % arma::clamp(arma::abs(V) - t * lambda, 0.0, arma::datum::inf);
  } else {
    arma::mat shrunk = arma::abs(V);
    shrunk.each_col() -= t * lambda * row_weights;
    P = arma::sign(V) % arma::clamp(shrunk, 0.0, arma::datum::inf);
  }
  const double gw = W.n_elem ? arma::abs(W - P).max() / t : 0.0;
  const double gbn = gb.n_elem ? arma::abs(gb).max() : 0.0;
  return std::max(gw, gbn);
}

/// Options of fit_penalized. Tolerances: the solver stops as converged when, on one step,
/// ‖Δ(W, b)‖_∞ ≤ abs_tol + rel_tol·‖(W, b)‖_∞ and the objective decrease ≤ rel_tol·F + abs_tol².
struct PenalizedOptions {
  double lambda = 1e-3;  ///< λ of eq. (10), ≥ 0
  /// Per-row penalty weights w (p values, each finite and ≥ 0): the penalty becomes the weighted
  /// ℓ1 norm λ Σ_i w_i Σ_j |W_ij| of the adaptive lasso (Zou 2006) and of reweighted ℓ1
  /// (Candès, Wakin & Boyd 2008), and soft-thresholding uses t λ w_i on row i. Empty = every
  /// w_i = 1, eq. (10) itself (and the same arithmetic, bit for bit). To exclude a row (w_i = ∞)
  /// drop its column from X instead.
  arma::vec row_weights{};
  std::size_t max_iter = 5000;  ///< iteration budget (each iteration = one accepted prox step)
  double rel_tol = 1e-7;        ///< relative tolerance (iterate and objective)
  double abs_tol = 1e-9;        ///< absolute tolerance on the iterate
  /// Upper bound on the curvature of L for a fixed activation pattern; 0 means "compute"
  /// (2 r ‖[X 1]‖₂² / n, see lipschitz_bound). Callers solving many problems on the same X pass
  /// it in to save the power iteration.
  double lipschitz = 0.0;
  /// Step floor as a fraction of 1/lipschitz: backtracking below it is only allowed for plain
  /// (non-extrapolated) steps that still fail to decrease F, which is how kinks stall FISTA.
  double step_floor = 1.0;
  DeadNeurons dead = DeadNeurons::reseed;
  std::size_t max_reseeds = 6;  ///< total re-initialisations of dead neurons per call
};

/// Result of fit_penalized: the point reached and how to judge it.
struct PenalizedResult {
  theory::Network net{};  ///< W (p × r), b, and the fixed signs a
  double objective = 0;   ///< F = loss + λ‖W‖₁
  double loss = 0;        ///< (1/n) Σ residual²
  double l1 = 0;  ///< ‖W‖₁, or Σ_i w_i ‖W_i,·‖₁ with PenalizedOptions::row_weights
  double lambda = 0;
  std::size_t iterations = 0;
  StopReason stop = StopReason::max_iter;
  /// ‖G_t‖_∞ of prox_gradient_norm at the returned point with t = 1/lipschitz (full gradient).
  double stationarity = 0;
  std::size_t reseeds = 0;       ///< dead neurons re-initialised during the run
  std::size_t dead_neurons = 0;  ///< neurons dead at the returned point
};

/// 2 r ‖[X 1]‖₂² / n: curvature bound of L for a fixed activation pattern (|a_j| = 1), by power
/// iteration (deterministic start, 50 iterations, +1% margin). X: n × p.
double lipschitz_bound(const arma::mat& X, arma::uword r);

/// Solves eq. (10) for the signs start.a from the start (W, b). X: n × p, one observation per
/// row; y: n values; start: p × r network. Randomness (re-seeding dead neurons) only through rng.
/// Dead-neuron re-seeding (DeadNeurons::reseed): b_j = 0 and w_j supported on the 5 rows most
/// correlated with the current residual, signs chosen so the neuron moves the output against the
/// residual, Gaussian magnitudes, ‖w_j‖ = the mean norm of the live neurons (1 if none); about
/// half the samples are then active. Throws std::invalid_argument on bad shapes, non-finite
/// data, λ < 0, row_weights neither empty nor p finite values ≥ 0.
PenalizedResult fit_penalized(const arma::mat& X, const arma::vec& y, const theory::Network& start,
                              const PenalizedOptions& options, theory::Engine& rng);

/// Checks X (n × p, n ≥ 2, finite) and y (n values, finite); `where` prefixes messages.
void validate_data(const arma::mat& X, const arma::vec& y, std::string_view where);

}  // namespace reluid::solvers
