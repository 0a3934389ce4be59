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

/// A model fitted on X: n × p (one observation per row), y: n values.
class Fitted {
 public:
  virtual ~Fitted() = default;
  /// Predictions for the rows of X: m × p. Returns m values.
  virtual arma::vec predict(const arma::mat& X) const = 0;
  /// Variable importances, p non-negative values (|coefficient| for linear methods, the trees'
  /// total gain for forests and boosting, ‖Ŵ_i,·‖₂ for the ReLU network of §3.4).
  virtual arma::vec importances() const = 0;
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
