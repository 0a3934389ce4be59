// Random forests and gradient boosting through XGBoost's C API (Chen & Guestrin 2016), with
// their feature importances; random forests use XGBoost's num_parallel_tree mode.
#pragma once

#include <armadillo>
#include <memory>
#include <string>

#include "solvers/selector.hpp"

namespace reluid::solvers {

/// Random forest: one boosting round of `trees` parallel trees with eta = 1, so the prediction is
/// the forest average (XGBoost's documented random-forest recipe). Defaults follow Breiman's
/// regression forest: 100 trees, rows sampled without replacement at the bootstrap's expected
/// unique fraction 0.632, a third of the features per split, unlimited depth (hist trees grown
/// loss-guided), leaves of ≥ 5 samples (min_child_weight = 5 with squared error: R randomForest's
/// regression nodesize; 1 was ~7× slower, 8–11 s per fit at n = 500, p = 100, for no better test
/// error), no L2 penalty so leaves are plain means.
struct ForestOptions {
  int trees = 100;
  double subsample = 0.632;
  double colsample_bynode = 1.0 / 3.0;
  int max_depth = 0;  ///< 0 = unlimited
  double min_child_weight = 5.0;
  double lambda = 0.0;
};

/// Gradient boosting with scikit-learn's GradientBoostingRegressor defaults: 100 rounds of depth-3
/// trees, learning rate 0.1, no row or column subsampling, no L2 penalty on leaves.
struct BoostingOptions {
  int rounds = 100;
  double eta = 0.1;
  int max_depth = 3;
  double subsample = 1.0;
  double colsample_bynode = 1.0;
  double min_child_weight = 1.0;
  double lambda = 0.0;
};

/// A trained XGBoost booster on p features (squared-error regression, base score = mean of y,
/// nthread = 1 so results are deterministic for a given seed; parallelism goes across trials).
/// Importances: XGBoost's "total_gain" per feature (summed loss reduction of all its splits,
/// like scikit-learn's impurity importances), normalised to sum 1; unused features get 0, and
/// all are 0 if no tree split at all.
class XgbModel final : public Fitted {
 public:
  /// Restores a model saved with save_json; p is the number of features it was trained on.
  static XgbModel load_json(const std::string& json, arma::uword p);

  arma::vec predict(const arma::mat& X) const override;
  arma::vec importances() const override;
  /// The whole model in XGBoost's JSON format.
  std::string save_json() const;
  arma::uword p() const { return p_; }

  struct Handle;  ///< owns an XGBoost BoosterHandle
  XgbModel(std::shared_ptr<Handle> handle, arma::uword p) : handle_(std::move(handle)), p_(p) {}

 private:
  std::shared_ptr<Handle> handle_;
  arma::uword p_;
};

/// Fits a random forest on X: n × p, y: n values; the XGBoost seed is drawn from rng.
XgbModel fit_forest(const arma::mat& X, const arma::vec& y, const ForestOptions& options,
                    theory::Engine& rng);

/// Fits gradient-boosted trees on X: n × p, y: n values; the XGBoost seed is drawn from rng.
XgbModel fit_boosting(const arma::mat& X, const arma::vec& y, const BoostingOptions& options,
                      theory::Engine& rng);

class ForestMethod final : public Method {
 public:
  explicit ForestMethod(ForestOptions options = {}) : options_(options) {}
  std::string name() const override { return "rf"; }
  std::unique_ptr<Fitted> fit(const arma::mat& X, const arma::vec& y,
                              theory::Engine& rng) const override;

 private:
  ForestOptions options_;
};

class BoostingMethod final : public Method {
 public:
  explicit BoostingMethod(BoostingOptions options = {}) : options_(options) {}
  std::string name() const override { return "gb"; }
  std::unique_ptr<Fitted> fit(const arma::mat& X, const arma::vec& y,
                              theory::Engine& rng) const override;

 private:
  BoostingOptions options_;
};

}  // namespace reluid::solvers
