// Orthogonal matching pursuit (Pati, Rezaiifar & Krishnaprasad 1993; Tropp 2004) with the number
// of steps chosen by K-fold cross-validation.
#pragma once

#include <armadillo>
#include <memory>
#include <string>

#include "solvers/selector.hpp"

namespace reluid::solvers {

/// Options of omp_path / omp_cv. Columns are standardised as for the LASSO (centred, scaled to
/// (1/n)Σ x̃_ij² = 1, constant columns never chosen) and y centred; coefficients are reported on
/// the original scale with an intercept.
struct OmpOptions {
  /// Largest number of steps; 0 means scikit-learn's OrthogonalMatchingPursuitCV default
  /// min(max(⌊0.1 p⌋, 5), p). Always capped at the number of non-constant columns and n − 1.
  arma::uword max_steps = 0;
  double tol = 1e-10;      ///< stop early when ‖r‖ ≤ tol·‖ỹ‖ (exact fit)
  arma::uword folds = 10;  ///< K of K-fold CV for the number of steps, 2 ≤ K ≤ n
};

/// An OMP path for k = 0..K steps. beta: p × (K+1) on the original scale, intercept: K+1 values;
/// column k is the least-squares fit on the first k chosen columns (after an early stop the last
/// fit is repeated). order: the chosen column indices in order of entry. rss(k) = ‖ỹ − X̃β̃_k‖².
struct OmpPath {
  arma::mat beta;
  arma::vec intercept;
  arma::uvec order;
  arma::vec rss;
  StopReason stop = StopReason::max_iter;  ///< converged = exact fit (or no direction left)
};

/// Runs `steps` steps (after the caps above; 0 = the default rule) on X: n × p, y: n values.
OmpPath omp_path(const arma::mat& X, const arma::vec& y, const OmpOptions& options = {});

/// CV-chosen number of steps and the fit with that many steps on all data.
struct OmpCvFit {
  OmpPath path;
  arma::vec cv_mean;     ///< mean held-out squared error for k = 0..K
  arma::vec cv_std_err;  ///< its standard error over folds
  arma::uword steps = 0;
  arma::vec beta;
  double intercept = 0;
};

/// Folds drawn from rng (solvers::fold_labels); every fold uses the full-data K. The chosen k is
/// the smallest whose mean CV error is within 1e-9·(error at k = 0) of the minimum, so that
/// rounding-level differences past an exact fit do not add steps.
OmpCvFit omp_cv(const arma::mat& X, const arma::vec& y, const OmpOptions& options,
                theory::Engine& rng);

/// OMP behind the common interface: importances = |β_j| with the CV-chosen number of steps.
class OmpMethod final : public Method {
 public:
  explicit OmpMethod(OmpOptions options = {}) : options_(options) {}
  std::string name() const override { return "omp"; }
  std::unique_ptr<Fitted> fit(const arma::mat& X, const arma::vec& y,
                              theory::Engine& rng) const override;

 private:
  OmpOptions options_;
};

}  // namespace reluid::solvers
