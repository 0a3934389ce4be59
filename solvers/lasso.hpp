// Linear LASSO by pathwise coordinate descent with warm starts, active sets and K-fold
// cross-validation of λ (the design of glmnet: Friedman, Hastie & Tibshirani, J. Stat. Softw.
// 2010).
#pragma once

#include <armadillo>
#include <memory>
#include <string>

#include "solvers/selector.hpp"

namespace reluid::solvers {

/// Which λ cross-validation picks: the minimiser of the mean CV error, or the largest λ whose
/// error is within one standard error of it (glmnet's lambda.min / lambda.1se).
enum class LambdaRule { min, one_se };

/// Options of lasso_path / lasso_cv. The problem at one λ, on columns standardised as glmnet
/// does (centred, scaled to (1/n)Σ x̃_ij² = 1; y centred, not scaled):
///   minimise (1/(2n)) ‖ỹ − X̃β̃‖² + λ‖β̃‖₁,
/// and β_j = β̃_j / sd_j, intercept = ȳ − x̄ᵀβ on the original scale. Constant columns get β_j = 0.
struct LassoOptions {
  arma::uword n_lambda = 100;    ///< length of the λ path (log-spaced from λ_max down)
  double lambda_min_ratio = -1;  ///< λ_min / λ_max; < 0 means glmnet's 1e-4 if n > p else 1e-2
  double tol = 1e-9;  ///< stop a λ when max_j (Δβ̃_j)² ≤ tol·(1/n)‖ỹ‖² + 1e-300
  int max_sweeps = 100000;  ///< coordinate sweeps per λ (active-set and full sweeps)
  arma::uword folds = 10;   ///< K of K-fold CV, 2 ≤ K ≤ n
  LambdaRule rule = LambdaRule::min;
};

/// A LASSO path. beta: p × L on the original scale; intercept, lambda: L values (decreasing).
/// kkt(l) = max_j of the KKT violation of the standardised problem at λ_l:
///   |g_j − λ sign(β̃_j)| if β̃_j ≠ 0, max(|g_j| − λ, 0) otherwise, g_j = (1/n) x̃_jᵀ(ỹ − X̃β̃).
struct LassoPath {
  arma::vec lambda;
  arma::mat beta;
  arma::vec intercept;
  arma::uvec sweeps;  ///< coordinate sweeps used at each λ
  arma::vec kkt;
  StopReason stop = StopReason::converged;  ///< max_iter if any λ ran out of sweeps
};

/// Computes the path on X: n × p, y: n values. If `lambda` is non-empty it is used as the path
/// (must be positive and decreasing), otherwise the glmnet sequence from λ_max = max_j |x̃_jᵀỹ|/n.
LassoPath lasso_path(const arma::mat& X, const arma::vec& y, const LassoOptions& options = {},
                     const arma::vec& lambda = {});

/// Cross-validated LASSO: the path on all data, K-fold CV errors on the same λ sequence (folds
/// drawn from rng: a random permutation cut into K near-equal parts), the chosen λ and its fit.
struct LassoCvFit {
  LassoPath path;
  arma::vec cv_mean;     ///< mean held-out squared error per λ
  arma::vec cv_std_err;  ///< its standard error over folds
  arma::uword best = 0;  ///< index of the chosen λ
  double lambda = 0;
  arma::vec beta;  ///< p coefficients (original scale)
  double intercept = 0;
};

LassoCvFit lasso_cv(const arma::mat& X, const arma::vec& y, const LassoOptions& options,
                    theory::Engine& rng);

/// The LASSO behind the common interface: importances = |β_j| at the CV-chosen λ.
class LassoMethod final : public Method {
 public:
  explicit LassoMethod(LassoOptions options = {}) : options_(options) {}
  std::string name() const override { return "lasso"; }
  std::unique_ptr<Fitted> fit(const arma::mat& X, const arma::vec& y,
                              theory::Engine& rng) const override;

 private:
  LassoOptions options_;
};

/// A fitted linear model y ≈ intercept + Xβ; importances |β_j|. Shared by LASSO and OMP.
class LinearFit final : public Fitted {
 public:
  LinearFit(arma::vec beta, double intercept) : beta_(std::move(beta)), intercept_(intercept) {}
  arma::vec predict(const arma::mat& X) const override;
  arma::vec importances() const override { return arma::abs(beta_); }
  const arma::vec& beta() const { return beta_; }
  double intercept() const { return intercept_; }

 private:
  arma::vec beta_;
  double intercept_;
};

/// Column standardisation as glmnet does it: mean and sd with divisor n; sd = 0 marks a constant
/// column. X: n × p. Used by LASSO and OMP.
struct Standardized {
  arma::mat Xs;       ///< (X − 1 meanᵀ) / sd, constant columns left at 0
  arma::rowvec mean;  ///< column means
  arma::rowvec sd;    ///< column standard deviations (divisor n)
};
Standardized standardize(const arma::mat& X);

/// K-fold assignment of n samples: a random permutation cut into K parts whose sizes differ by at
/// most one. Returns n fold labels in 0..K−1.
arma::uvec fold_labels(arma::uword n, arma::uword folds, theory::Engine& rng);

/// Cross-validation summary as glmnet reports it: per column of fold_mse (K folds × candidates),
/// the fold-size-weighted mean and its standard error sqrt(Σ w_k (mse_k − mean)² / (K − 1)).
struct CvSummary {
  arma::vec mean, std_err;
};
CvSummary cv_summary(const arma::mat& fold_mse, const arma::vec& fold_size);

}  // namespace reluid::solvers
