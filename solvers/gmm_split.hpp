// Selection of variables from importances: a two-component 1-D Gaussian mixture split (the
// paper's §4 rule) or the k largest.
#pragma once

#include <armadillo>
#include <optional>

#include "solvers/selector.hpp"

namespace reluid::solvers {

/// Result of the two-component Gaussian mixture split of importances (1-D EM).
struct GmmSplit {
  arma::uvec selected;  ///< ascending indices assigned to the high-mean component
  double mean_low = 0, mean_high = 0;
  double variance_low = 0, variance_high = 0;
  double weight_high = 0;     ///< mixing weight of the high component
  double log_likelihood = 0;  ///< per-point average at the final parameters
  int iterations = 0;
  StopReason stop = StopReason::converged;
};

// GmmOptions (the split's EM options) are declared in solvers/selector.hpp, beside Fitted.

/// Splits importances v (p values) into a low and a high cluster by a two-component 1-D Gaussian
/// mixture fitted by EM. Deterministic: means start at min(v) and max(v), variances at the total
/// variance, weights at ½ (no random starts, Armadillo's generator is never used), and, with
/// GmmOptions::tied_min_start, a second run from the split at a tied minimum. Variances are
/// floored at 1e-6 of the total variance (plus 1e-300) so that a cluster of exact zeros does not
/// collapse the likelihood. Selected = points whose posterior of the high component exceeds ½
/// and that lie above the low mean. If all entries are equal nothing stands out and the selected
/// set is empty.
GmmSplit gmm_split(const arma::vec& v, const GmmOptions& options = {});

/// Indices of the m largest entries of v in decreasing order of value (ties: lower index first);
/// m is clamped to v.n_elem.
arma::uvec largest(const arma::vec& v, arma::uword m);

/// Indices of the k largest entries of v (ties: lower index first), ascending. k ≤ v.n_elem.
arma::uvec top_k(const arma::vec& v, arma::uword k);

/// How the selected set is chosen from importances: the GMM split, or the k largest when k is set.
struct SelectionRule {
  std::optional<arma::uword> k;
  GmmOptions gmm{};  ///< options of the GMM split (unused when k is set)
};

/// Applies `rule` to importances v.
arma::uvec select(const arma::vec& v, const SelectionRule& rule = {});

/// The selected set of a fitted method: its importances through select, with the GMM options
/// the method asks for (Fitted::split_options), less Fitted::pruned and joined by
/// Fitted::completion when k is not set (ascending); the k largest importances when it is.
arma::uvec select(const Fitted& fitted, std::optional<arma::uword> k = std::nullopt);

}  // namespace reluid::solvers
