// Linear LASSO: pathwise coordinate descent (glmnet's design), K-fold CV, the Method adapter.
#include "solvers/lasso.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <vector>

#include "theory/check.hpp"

namespace reluid::solvers {

namespace {

constexpr std::string_view kWhere = "lasso";

double soft_threshold(double z, double t) {
  return z > t ? z - t : (z < -t ? z + t : 0.0);
}

void validate(const LassoOptions& o) {
  theory::require(o.n_lambda >= 1, kWhere, "n_lambda must be at least 1", o.n_lambda);
  theory::require(
      o.lambda_min_ratio < 0.0 || (o.lambda_min_ratio > 0.0 && o.lambda_min_ratio < 1.0), kWhere,
      "lambda_min_ratio must be in (0, 1), or negative for the default", o.lambda_min_ratio);
  theory::require(o.tol > 0.0 && std::isfinite(o.tol), kWhere, "tol must be positive", o.tol);
  theory::require(o.max_sweeps >= 1, kWhere, "max_sweeps must be at least 1", o.max_sweeps);
  theory::require(o.folds >= 2, kWhere, "folds must be at least 2", o.folds);
}

/// Max KKT violation of the standardised problem; g = X̃ᵀr/n.
double kkt_violation(const arma::vec& g, const arma::vec& beta_s, const arma::rowvec& sd,
                     double lambda) {
  double worst = 0.0;
  for (arma::uword j = 0; j < g.n_elem; ++j) {
    if (sd(j) == 0.0) continue;
    const double v = beta_s(j) != 0.0 ? std::abs(g(j) - lambda * (beta_s(j) > 0 ? 1.0 : -1.0))
                                      : std::max(std::abs(g(j)) - lambda, 0.0);
    worst = std::max(worst, v);
  }
  return worst;
}

}  // namespace

Standardized standardize(const arma::mat& X) {
  Standardized s;
  const double n = static_cast<double>(X.n_rows);
  s.mean = arma::mean(X, 0);
  s.Xs = X.each_row() - s.mean;
  s.sd = arma::sqrt(arma::sum(arma::square(s.Xs), 0) / n);
  for (arma::uword j = 0; j < X.n_cols; ++j) {
    // A column constant up to rounding is constant: its "sd" is noise of order eps·|mean|.
    if (s.sd(j) <= 1e-12 * (std::abs(s.mean(j)) + 1e-300)) s.sd(j) = 0.0;
    if (s.sd(j) == 0.0)
      s.Xs.col(j).zeros();
    else
      s.Xs.col(j) /= s.sd(j);
  }
  return s;
}

arma::uvec fold_labels(arma::uword n, arma::uword folds, theory::Engine& rng) {
  theory::require(folds >= 2 && folds <= n, "fold_labels",
                  "folds must be in [2, n = " + std::to_string(n) + "]", folds);
  const std::vector<arma::uword> perm = theory::random_permutation(n, rng);
  arma::uvec labels(n);
  for (arma::uword i = 0; i < n; ++i) labels(perm[i]) = i % folds;
  return labels;
}

arma::vec LinearFit::predict(const arma::mat& X) const {
  theory::require(X.n_cols == beta_.n_elem, "LinearFit::predict",
                  "X must have p = " + std::to_string(beta_.n_elem) + " columns", X.n_cols);
  return X * beta_ + intercept_;
}

LassoPath lasso_path(const arma::mat& X, const arma::vec& y, const LassoOptions& options,
                     const arma::vec& lambda) {
  validate(options);
  require_data(X, y, kWhere);
  const arma::uword n = X.n_rows, p = X.n_cols;
  const Standardized st = standardize(X);
  const double ybar = arma::mean(y);
  const arma::vec yc = y - ybar;
  const double nd = static_cast<double>(n);

  LassoPath path;
  if (lambda.n_elem > 0) {
    theory::require(lambda.is_finite() && lambda.min() > 0.0, kWhere,
                    "lambda must be positive and finite", lambda.min());
    for (arma::uword l = 1; l < lambda.n_elem; ++l)
      theory::require(lambda(l) <= lambda(l - 1), kWhere,
                      "lambda must be decreasing at index " + std::to_string(l), lambda(l));
    path.lambda = lambda;
  } else {
    const double ratio =
        options.lambda_min_ratio > 0 ? options.lambda_min_ratio : (n > p ? 1e-4 : 1e-2);
    double lmax = arma::abs(st.Xs.t() * yc).max() / nd;
    lmax = std::max(lmax, std::numeric_limits<double>::min());
    const arma::uword L = options.n_lambda;
    path.lambda.set_size(L);
    for (arma::uword l = 0; l < L; ++l)
      path.lambda(l) =
          L == 1 ? lmax
                 : lmax * std::pow(ratio, static_cast<double>(l) / static_cast<double>(L - 1));
  }
  const arma::uword L = path.lambda.n_elem;
  path.beta.zeros(p, L);
  path.intercept.zeros(L);
  path.sweeps.zeros(L);
  path.kkt.zeros(L);

  const double threshold = options.tol * arma::dot(yc, yc) / nd + 1e-300;
  arma::vec bs(p, arma::fill::zeros);  // β̃, warm-started along the path
  arma::vec r = yc;                    // residual ỹ − X̃β̃, kept updated
  std::vector<arma::uword> active;

  // One coordinate update; returns (Δβ̃_j)².
  auto update = [&](arma::uword j, double lam) {
    if (st.sd(j) == 0.0) return 0.0;
    const double old = bs(j);
    const double z = arma::dot(st.Xs.col(j), r) / nd + old;
    const double nw = soft_threshold(z, lam);
    if (nw == old) return 0.0;
    r -= (nw - old) * st.Xs.col(j);
    bs(j) = nw;
    return (nw - old) * (nw - old);
  };

  for (arma::uword l = 0; l < L; ++l) {
    const double lam = path.lambda(l);
    int sweeps = 0;
    bool converged = false;
    while (sweeps < options.max_sweeps) {
      // Full sweep: finds variables entering the active set.
      double dmax = 0.0;
      for (arma::uword j = 0; j < p; ++j) dmax = std::max(dmax, update(j, lam));
      ++sweeps;
      if (dmax <= threshold) {
        converged = true;
        break;
      }
      // Then iterate on the active set only until it settles.
      active.clear();
      for (arma::uword j = 0; j < p; ++j)
        if (bs(j) != 0.0) active.push_back(j);
      while (sweeps < options.max_sweeps) {
        double amax = 0.0;
        for (arma::uword j : active) amax = std::max(amax, update(j, lam));
        ++sweeps;
        if (amax <= threshold) break;
      }
    }
    if (!r.is_finite() || !bs.is_finite()) {
      throw std::runtime_error(
          "lasso: coordinate descent produced non-finite values (got lambda = " +
          theory::quote(lam) + ")");
    }
    if (!converged) path.stop = StopReason::max_iter;
    // Recompute the residual once to shed accumulated rounding before certifying.
    r = yc - st.Xs * bs;
    path.kkt(l) = kkt_violation(st.Xs.t() * r / nd, bs, st.sd, lam);
    path.sweeps(l) = static_cast<arma::uword>(sweeps);
    for (arma::uword j = 0; j < p; ++j) path.beta(j, l) = st.sd(j) == 0.0 ? 0.0 : bs(j) / st.sd(j);
    path.intercept(l) = ybar - arma::dot(st.mean, path.beta.col(l));
  }
  return path;
}

CvSummary cv_summary(const arma::mat& fold_mse, const arma::vec& fold_size) {
  const arma::vec w = fold_size / arma::accu(fold_size);
  CvSummary out;
  out.mean = (w.t() * fold_mse).t();
  out.std_err.set_size(fold_mse.n_cols);
  for (arma::uword l = 0; l < fold_mse.n_cols; ++l) {
    const arma::vec d = fold_mse.col(l) - out.mean(l);
    out.std_err(l) =
        std::sqrt(arma::dot(w, arma::square(d)) / static_cast<double>(fold_mse.n_rows - 1));
  }
  return out;
}

LassoCvFit lasso_cv(const arma::mat& X, const arma::vec& y, const LassoOptions& options,
                    theory::Engine& rng) {
  validate(options);
  require_data(X, y, kWhere);
  const arma::uword n = X.n_rows, K = options.folds;
  theory::require(K <= n, kWhere, "folds must be at most n = " + std::to_string(n), K);
  LassoCvFit fit;
  fit.path = lasso_path(X, y, options);
  const arma::uword L = fit.path.lambda.n_elem;
  const arma::uvec labels = fold_labels(n, K, rng);
  arma::mat fold_mse(K, L);
  arma::vec fold_size(K);
  for (arma::uword k = 0; k < K; ++k) {
    const arma::uvec hold = arma::find(labels == k), train = arma::find(labels != k);
    const LassoPath fp = lasso_path(X.rows(train), y.elem(train), options, fit.path.lambda);
    const arma::mat Xh = X.rows(hold);
    const arma::mat pred = Xh * fp.beta + arma::ones(hold.n_elem) * fp.intercept.t();
    const arma::mat err = pred.each_col() - y.elem(hold);
    fold_mse.row(k) = arma::mean(arma::square(err), 0);
    fold_size(k) = static_cast<double>(hold.n_elem);
  }
  const CvSummary summary = cv_summary(fold_mse, fold_size);
  fit.cv_mean = summary.mean;
  fit.cv_std_err = summary.std_err;
  arma::uword best = fit.cv_mean.index_min();
  if (options.rule == LambdaRule::one_se) {
    const double bound = fit.cv_mean(best) + fit.cv_std_err(best);
    for (arma::uword l = 0; l <= best; ++l)
      if (fit.cv_mean(l) <= bound) {
        best = l;  // λ decreases along the path: the first such l is the largest λ
        break;
      }
  }
  fit.best = best;
  fit.lambda = fit.path.lambda(best);
  fit.beta = fit.path.beta.col(best);
  fit.intercept = fit.path.intercept(best);
  return fit;
}

std::unique_ptr<Fitted> LassoMethod::fit(const arma::mat& X, const arma::vec& y,
                                         theory::Engine& rng) const {
  const LassoCvFit f = lasso_cv(X, y, options_, rng);
  return std::make_unique<LinearFit>(f.beta, f.intercept);
}

}  // namespace reluid::solvers
