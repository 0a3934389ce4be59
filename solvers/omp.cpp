// Orthogonal matching pursuit by incremental Gram–Schmidt QR, and its cross-validation.
#include "solvers/omp.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "solvers/lasso.hpp"
#include "theory/check.hpp"

namespace reluid::solvers {

namespace {

constexpr std::string_view kWhere = "omp";

void validate(const OmpOptions& o) {
  theory::require(o.tol >= 0.0 && std::isfinite(o.tol), kWhere, "tol must be non-negative", o.tol);
  theory::require(o.folds >= 2, kWhere, "folds must be at least 2", o.folds);
}

arma::uword default_steps(arma::uword p) {
  return std::min<arma::uword>(std::max<arma::uword>(p / 10, 5), p);
}

}  // namespace

OmpPath omp_path(const arma::mat& X, const arma::vec& y, const OmpOptions& options) {
  validate(options);
  require_data(X, y, kWhere);
  const arma::uword n = X.n_rows, p = X.n_cols;
  const Standardized st = standardize(X);
  const arma::uword usable = static_cast<arma::uword>(arma::accu(st.sd > 0.0));
  arma::uword K = options.max_steps == 0 ? default_steps(p) : options.max_steps;
  K = std::min({K, usable, n - 1});

  const double ybar = arma::mean(y);
  const arma::vec yc = y - ybar;
  OmpPath path;
  path.beta.zeros(p, K + 1);
  path.intercept.set_size(K + 1);
  path.intercept.fill(ybar);
  path.rss.set_size(K + 1);
  path.rss(0) = arma::dot(yc, yc);
  const double stop_rss = options.tol * options.tol * path.rss(0);

  arma::mat Q(n, K);  // orthonormal basis of the chosen columns
  arma::mat R(K, K, arma::fill::zeros);
  arma::vec qty(K);  // Qᵀỹ
  arma::vec r = yc;
  std::vector<arma::uword> order;
  std::vector<bool> taken(p, false);
  arma::uword k = 0;
  path.stop = StopReason::max_iter;
  while (k < K) {
    if (path.rss(k) <= stop_rss) {
      path.stop = StopReason::converged;
      break;
    }
    const arma::vec corr = arma::abs(st.Xs.t() * r);
    arma::uword best = p;
    for (arma::uword j = 0; j < p; ++j)
      if (!taken[j] && st.sd(j) > 0.0 && (best == p || corr(j) > corr(best))) best = j;
    // Gram–Schmidt twice ("twice is enough", Giraud et al. 2005) keeps Q orthonormal.
    arma::vec q = st.Xs.col(best);
    arma::vec coef(k, arma::fill::zeros);
    for (int pass = 0; pass < 2 && k > 0; ++pass) {
      const arma::vec c = Q.cols(0, k - 1).t() * q;
      q -= Q.cols(0, k - 1) * c;
      coef += c;
    }
    const double norm = arma::norm(q);
    // ‖x̃_j‖ = √n: a tiny remainder means the column lies in the span already chosen.
    if (corr(best) == 0.0 || norm <= 1e-10 * std::sqrt(static_cast<double>(n))) {
      path.stop = StopReason::converged;
      break;
    }
    Q.col(k) = q / norm;
    if (k > 0) R(arma::span(0, k - 1), k) = coef;
    R(k, k) = norm;
    qty(k) = arma::dot(Q.col(k), yc);
    r -= qty(k) * Q.col(k);
    taken[best] = true;
    order.push_back(best);
    ++k;
    const arma::vec bs =
        arma::solve(arma::trimatu(R(arma::span(0, k - 1), arma::span(0, k - 1))), qty.head(k));
    theory::require(bs.is_finite(), kWhere, "least-squares coefficients must be finite", k);
    for (arma::uword i = 0; i < k; ++i) path.beta(order[i], k) = bs(i) / st.sd(order[i]);
    path.intercept(k) = ybar - arma::dot(st.mean, path.beta.col(k));
    path.rss(k) = arma::dot(r, r);
  }
  for (arma::uword m = k + 1; m <= K; ++m) {  // after an early stop the last fit stands
    path.beta.col(m) = path.beta.col(k);
    path.intercept(m) = path.intercept(k);
    path.rss(m) = path.rss(k);
  }
  if (k == K && K > 0 && path.rss(K) <= stop_rss) path.stop = StopReason::converged;
  path.order = arma::uvec(order);
  return path;
}

OmpCvFit omp_cv(const arma::mat& X, const arma::vec& y, const OmpOptions& options,
                theory::Engine& rng) {
  validate(options);
  require_data(X, y, kWhere);
  const arma::uword n = X.n_rows, F = options.folds;
  theory::require(F <= n, kWhere, "folds must be at most n = " + std::to_string(n), F);
  OmpCvFit fit;
  fit.path = omp_path(X, y, options);
  const arma::uword K = fit.path.beta.n_cols - 1;
  const arma::uvec labels = fold_labels(n, F, rng);
  arma::mat fold_mse(F, K + 1);
  arma::vec fold_size(F);
  for (arma::uword f = 0; f < F; ++f) {
    const arma::uvec hold = arma::find(labels == f), train = arma::find(labels != f);
    OmpOptions fo = options;
    fo.max_steps = K;
    const OmpPath fp = omp_path(X.rows(train), y.elem(train), fo);
    arma::mat pred = X.rows(hold) * fp.beta;
    pred.each_row() += fp.intercept.t();
    // A fold may allow fewer steps (n − 1 cap, constant columns): its last fit stands beyond.
    const arma::uword Kf = fp.beta.n_cols - 1;
    for (arma::uword m = 0; m <= K; ++m) {
      const arma::vec e = pred.col(std::min(m, Kf)) - y.elem(hold);
      fold_mse(f, m) = arma::dot(e, e) / static_cast<double>(hold.n_elem);
    }
    fold_size(f) = static_cast<double>(hold.n_elem);
  }
  const CvSummary summary = cv_summary(fold_mse, fold_size);
  fit.cv_mean = summary.mean;
  fit.cv_std_err = summary.std_err;
  // The fewest steps within rounding of the best: past an exact fit the errors are all ~0.
  const double bound = fit.cv_mean.min() + 1e-9 * fit.cv_mean(0);
  fit.steps = 0;
  while (fit.cv_mean(fit.steps) > bound) ++fit.steps;
  fit.beta = fit.path.beta.col(fit.steps);
  fit.intercept = fit.path.intercept(fit.steps);
  return fit;
}

std::unique_ptr<Fitted> OmpMethod::fit(const arma::mat& X, const arma::vec& y,
                                       theory::Engine& rng) const {
  const OmpCvFit f = omp_cv(X, y, options_, rng);
  return std::make_unique<LinearFit>(f.beta, f.intercept);
}

}  // namespace reluid::solvers
