// The common interface of variable-selection methods (issue 6): fit on (X, y), predict,
// importances; the selected set comes from solvers/gmm_split.hpp (GMM split or top k).
#pragma once

#include <armadillo>
#include <memory>
#include <string>
#include <string_view>

#include "solvers/penalized.hpp"
#include "theory/check.hpp"
#include "theory/random.hpp"

namespace reluid::solvers {

// StopReason (why an iterative routine stopped) and to_string come from solvers/penalized.hpp:
// one enum for every solver of the project.

/// Options of the two-component GMM split (solvers::gmm_split) of importances.
struct GmmOptions {
  int max_iter = 1000;
  double tol = 1e-10;  ///< stop when the average log-likelihood gains less than tol·(1 + |ℓ|)
  /// When the minimum of v is attained at least twice (exact zeros: the rows an ℓ1 fit left
  /// out, features a tree never split on), also run EM from the hard split {v = min v} against
  /// the rest and keep whichever of the two runs ends with the higher log-likelihood. EM from the
  /// extreme means alone can end on a worse local maximum when one value dominates: the high
  /// component collapses onto it (its variance at the floor) and the other non-zero values join
  /// the zeros — importances {1.01, 0.38, 0.36, 0.18, 0.06, 0 × 45} selected only the first.
  /// The zeros' component at the variance floor weighs heavily in the likelihood, so with many
  /// zeros the second run usually wins and the split then selects every non-zero importance, the
  /// support. Off by default (the paper's split; on the nn, linear and friedman data it would
  /// raise LASSO's and GB's false positives, results/paper/README.md); NnOptions::split turns it on
  /// for nn_adaptive, whose second stage zeroes the rows it drops.
  bool tied_min_start = false;
};

/// A model fitted on X: n × p (one observation per row), y: n values.
class Fitted {
 public:
  virtual ~Fitted() = default;
  /// Predictions for the rows of X: m × p. Returns m values.
  virtual arma::vec predict(const arma::mat& X) const = 0;
  /// Variable importances, p non-negative values (|coefficient| for linear methods, the trees'
  /// total gain for forests and boosting, ‖Ŵ_i,·‖₂ for the ReLU network of §3.4).
  virtual arma::vec importances() const = 0;
  /// Options of the GMM split that selects from importances() (solvers::select(const Fitted&)):
  /// the paper's split by default; nn_adaptive starts a second EM run at its exact zeros.
  virtual GmmOptions split_options() const { return {}; }
  /// Columns the method selects besides the GMM split of importances() (ascending; empty by
  /// default): nn's residual tests (NnOptions::complete_alpha). solvers::select(const Fitted&)
  /// adds them to the split's set; a top-k selection ignores them.
  virtual arma::uvec completion() const { return {}; }
  /// Columns of the GMM split the method removes from it (ascending; empty by default): nn's
  /// drop-one tests (NnOptions::prune_alpha). solvers::select(const Fitted&) takes them out of
  /// the split's set before adding completion(); a top-k selection ignores them.
  virtual arma::uvec pruned() const { return {}; }
};

/// A configured method. `fit` is const and draws every random number from `rng`, so one Method
/// may be shared by concurrent trials, each with its own engine.
class Method {
 public:
  virtual ~Method() = default;
  /// Short name used in tables ("lasso", "omp", "rf", "gb", ...).
  virtual std::string name() const = 0;
  /// Fits on X: n × p, y: n values. Throws std::invalid_argument on bad shapes or non-finite data.
  virtual std::unique_ptr<Fitted> fit(const arma::mat& X, const arma::vec& y,
                                      theory::Engine& rng) const = 0;
};

/// Validates (X, y) for fitting: n ≥ min_rows, p ≥ 1, y has n entries, all finite.
inline void require_data(const arma::mat& X, const arma::vec& y, std::string_view where,
                         arma::uword min_rows = 2) {
  theory::require(X.n_rows >= min_rows, where,
                  "X must have at least " + std::to_string(min_rows) + " rows", X.n_rows);
  theory::require(X.n_cols >= 1, where, "X must have at least 1 column", X.n_cols);
  theory::require(y.n_elem == X.n_rows, where,
                  "y must have n = " + std::to_string(X.n_rows) + " entries", y.n_elem);
  theory::require_finite(X, where, "X");
  theory::require_finite(y, where, "y");
}

}  // namespace reluid::solvers
