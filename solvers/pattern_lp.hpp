// Exact ℓ1 descent over activation patterns for the constrained fit (eq. 4) under a box on the
// residuals, by linear programming (GLPK).
//
// For a fixed activation pattern m (m_ij = 1 iff w_jᵀx_i + b_j ≥ 0) the network is linear in
// (W, b), so
//   min ‖W‖₁  s.t.  |Σ_j a_j m_ij (w_jᵀx_i + b_j) − y_i| ≤ δ_i,  (2m_ij − 1)(w_jᵀx_i + b_j) ≥ 0
// is a linear program whose solution is the exact minimum of ‖W‖₁ over the pattern's region with
// every residual within its bound (so (1/n)Σ residual² ≤ (1/n)Σ δ_i²). At its solution some samples
// sit on a kink, w_jᵀx_i + b_j = 0, where the point belongs to the neighbouring region too;
// flipping m_ij for every such kink constraint that binds (non-zero dual) keeps the point feasible,
// so the next region's LP can only lower ‖W‖₁. Repeating until no binding kink is left, or ‖W‖₁
// stops falling, is a monotone descent that ends at a point no single region change of that kind
// improves. It complements the penalized path (solvers/penalized.hpp), whose proximal steps
// stall on exactly those kinks.
#pragma once

#include <armadillo>
#include <cstddef>
#include <string_view>
#include <vector>

#include "theory/model.hpp"

namespace reluid::solvers {

/// How polish_pattern_lp ended.
enum class PatternLpStop {
  no_binding_kink,  ///< the last LP's solution has no binding kink constraint left to flip
  no_descent,       ///< flipping the binding kinks did not lower ‖W‖₁ by more than rel_tol
  max_rounds,       ///< the LP budget ran out while ‖W‖₁ was still falling
  lp_failed,        ///< the first LP was infeasible or GLPK failed (the start is returned)
  violated,         ///< elastic: the box was still violated after PatternLpOptions::patience LPs
  box_met           ///< elastic with stop_when_met: the last LP's solution meets the box
};

/// "no_binding_kink", "no_descent", "max_rounds", "lp_failed", "violated" or "box_met".
std::string_view to_string(PatternLpStop stop);

/// Options of polish_pattern_lp.
struct PatternLpOptions {
  double delta = 0.0;           ///< residual bound δ ≥ 0: |f(x_i) − y_i| ≤ δ for every i
  std::size_t max_rounds = 40;  ///< LP solves at most (≥ 1): the start's region plus flips
  /// A flip round must lower the LP's objective (‖W‖₁; elastic: ‖W‖₁ + M Σ_i v_i) by more
  /// than rel_tol times it.
  double rel_tol = 1e-9;
  double dual_tol = 1e-9;  ///< a kink constraint binds when |dual| > dual_tol
  /// 0: the residual box is a hard constraint (the first LP fails if the start's region has no
  /// point inside it). > 0: the box is elastic — each LP minimises ‖W‖₁ + M Σ_i v_i, v_i ≥ 0 the
  /// violation of sample i's bounds, with M = elastic · (1 + ‖W_start‖₁) / (max_i |y_i| + 1e-300),
  /// an exact-penalty weight, so the first LP is always feasible (the start itself is a point of
  /// it) and the descent first drives the violation to zero where flips allow, then lowers ‖W‖₁.
  /// Besides the binding kinks, each round flips one more pattern entry of every violated
  /// sample (a repair): the inactive neuron nearest its kink among those of the sign the
  /// sample's output lacks is switched on there, or else the active neuron nearest its kink of
  /// the other sign is switched off — a sample no neuron of the right sign covers has no dual
  /// to show the way (the pattern does not count such a neuron at the sample). The repaired region
  /// need not contain the previous point, so such a round can fail (the LP is infeasible in its
  /// kinks) or not descend; the descent then stops at the previous point.
  double elastic = 0.0;
  /// Elastic only: stop (PatternLpStop::violated) when the box is still violated after this many
  /// LPs; 0 = never. Bounds the cost of a start whose neighbourhood holds no point in the box.
  std::size_t patience = 0;
  /// Elastic only: stop (PatternLpStop::box_met) at the first LP whose solution meets the box,
  /// without the ‖W‖₁ descent from there.
  bool stop_when_met = false;
};

/// Result of polish_pattern_lp.
struct PatternLpResult {
  theory::Network net{};    ///< the last LP's solution (the start if the first LP failed)
  double l1 = 0;            ///< ‖W‖₁ of net
  double loss = 0;          ///< (1/n) Σ (f(x_i) − y_i)² of net, through the ReLU itself
  double max_residual = 0;  ///< max_i |f(x_i) − y_i| of net, through the ReLU itself
  std::size_t rounds = 0;   ///< LPs solved
  std::size_t flips = 0;    ///< pattern entries flipped in total
  std::size_t repairs = 0;  ///< of which repair flips (elastic only; see PatternLpOptions)
  std::size_t simplex_iterations = 0;  ///< summed over the LPs
  /// ‖W‖₁ of each LP's solution, in order (non-increasing unless elastic, where the violation
  /// can be bought with ‖W‖₁).
  std::vector<double> l1_trace;
  /// Σ_i v_i, the residual-box violation at net's LP solution (0 unless options.elastic > 0).
  double violation = 0;
  PatternLpStop stop = PatternLpStop::lp_failed;
};

/// Residual bounds shaped by `start`'s residuals e (mean square L) whose mean square is
/// fill·target, so that any point within them meets the loss target with a relative headroom of
/// 1 − fill for the LP's tolerances: δ_i = √(c·e_i² + fill·target − c·L) with c = min(1,
/// fill·target / L). If L ≤ fill·target, |e_i| ≤ δ_i (start inside); otherwise δ = √c·|e|.
/// X: n × p; y: n values; target ≥ 0, fill in (0, 1].
arma::vec residual_bounds(const arma::mat& X, const arma::vec& y, const theory::Network& start,
                          double target, double fill);

/// Runs the LP descent from the activation pattern of `start` (its signs a are kept; its W and b
/// only fix the first pattern and are the answer if the first LP fails) with the residual bounds
/// delta (n values ≥ 0; zeros ask for interpolation), hard or elastic (PatternLpOptions). X: n × p,
/// one observation per row; y: n values. The LP has 2pr + r columns (+ 2n elastic) and n + nr
/// rows, so it is meant
/// for the sizes of reluid's sweeps (p up to a few hundred), or for restricted fits.
/// Deterministic. Throws std::invalid_argument on bad shapes, non-finite data, δ_i < 0.
PatternLpResult polish_pattern_lp(const arma::mat& X, const arma::vec& y,
                                  const theory::Network& start, const arma::vec& delta,
                                  const PatternLpOptions& options = {});

}  // namespace reluid::solvers
