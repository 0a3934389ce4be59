// Two-component 1-D Gaussian mixture split by EM, and top-k selection.
#include "solvers/gmm_split.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>
#include <vector>

#include "theory/check.hpp"

namespace reluid::solvers {

namespace {

constexpr std::string_view kWhere = "gmm_split";

/// log N(x; mean, variance).
double log_normal(double x, double mean, double variance) {
  const double d = x - mean;
  return -0.5 * (std::log(2.0 * std::numbers::pi * variance) + d * d / variance);
}

/// Starting parameters of one EM run: means, variances, weight of the high component.
struct EmStart {
  double mu0, mu1, var0, var1, w1;
};

/// EM for the two-component mixture on v from `start`; variances floored at `floor`.
GmmSplit run_em(const arma::vec& v, EmStart start, double floor, const GmmOptions& options) {
  GmmSplit out;
  const arma::uword n = v.n_elem;
  auto [mu0, mu1, var0, var1, w1] = start;
  arma::vec resp(n);  // posterior of the high component
  double ll_old = -arma::datum::inf;
  out.stop = StopReason::max_iter;
  for (int it = 1; it <= options.max_iter; ++it) {
    // E step, with the log-likelihood of the current parameters.
    double ll = 0.0;
    for (arma::uword i = 0; i < n; ++i) {
      const double l0 = std::log1p(-w1) + log_normal(v(i), mu0, var0);
      const double l1 = std::log(w1) + log_normal(v(i), mu1, var1);
      const double m = std::max(l0, l1);
      const double lse = m + std::log(std::exp(l0 - m) + std::exp(l1 - m));
      resp(i) = std::exp(l1 - lse);
      ll += lse;
    }
    ll /= static_cast<double>(n);
    out.iterations = it;
    out.log_likelihood = ll;
    if (!std::isfinite(ll)) {
      out.stop = StopReason::diverged;
      break;
    }
    if (ll - ll_old < options.tol * (1.0 + std::abs(ll))) {
      out.stop = StopReason::converged;
      break;
    }
    ll_old = ll;
    // M step. A component that lost all its mass keeps its parameters.
    const double n1 = arma::accu(resp), n0 = static_cast<double>(n) - n1;
    if (n1 <= 0.0 || n0 <= 0.0) {
      out.stop = StopReason::converged;
      break;
    }
    mu1 = arma::dot(resp, v) / n1;
    mu0 = arma::dot(1.0 - resp, v) / n0;
    var1 = std::max(arma::dot(resp, arma::square(v - mu1)) / n1, floor);
    var0 = std::max(arma::dot(1.0 - resp, arma::square(v - mu0)) / n0, floor);
    w1 = std::clamp(n1 / static_cast<double>(n), 1e-300, 1.0 - 1e-16);
  }
  // Label the components by their means (EM may swap them).
  if (mu1 < mu0) {
    std::swap(mu0, mu1);
    std::swap(var0, var1);
    w1 = 1.0 - w1;
    resp = 1.0 - resp;
  }
  out.mean_low = mu0;
  out.mean_high = mu1;
  out.variance_low = var0;
  out.variance_high = var1;
  out.weight_high = w1;
  std::vector<arma::uword> chosen;
  for (arma::uword i = 0; i < n; ++i)
    if (resp(i) > 0.5 && v(i) > mu0) chosen.push_back(i);
  out.selected = arma::uvec(chosen);
  return out;
}

}  // namespace

GmmSplit gmm_split(const arma::vec& v, const GmmOptions& options) {
  theory::require(options.max_iter >= 1, kWhere, "max_iter must be at least 1", options.max_iter);
  theory::require(options.tol > 0.0 && std::isfinite(options.tol), kWhere,
                  "tol must be positive and finite", options.tol);
  theory::require_finite(v, kWhere, "importances");
  GmmSplit out;
  const arma::uword n = v.n_elem;
  if (n == 0) return out;
  const double lo = v.min(), hi = v.max();
  out.mean_low = lo;
  out.mean_high = hi;
  if (n < 2 || lo == hi) return out;  // nothing stands out

  const double total_variance = arma::var(v, 1);
  const double floor = 1e-6 * total_variance + 1e-300;
  out = run_em(v, {lo, hi, total_variance, total_variance, 0.5}, floor, options);
  if (!options.tied_min_start) return out;
  const arma::uvec rest = arma::find(v > lo);
  if (rest.n_elem + 2 <= n) {
    // The tied minimum as the low component (its variance at the floor), the rest as the high.
    const arma::vec high = v.elem(rest);
    const double mu1 = arma::mean(high);
    const double var1 = std::max(arma::mean(arma::square(high - mu1)), floor);
    GmmSplit tied =
        run_em(v, {lo, mu1, floor, var1, double(rest.n_elem) / double(n)}, floor, options);
    if (tied.stop != StopReason::diverged &&
        (out.stop == StopReason::diverged || tied.log_likelihood > out.log_likelihood))
      out = std::move(tied);
  }
  return out;
}

arma::uvec largest(const arma::vec& v, arma::uword m) {
  const arma::uvec order = arma::stable_sort_index(v, "descend");
  return order.head(std::min<arma::uword>(m, order.n_elem));
}

arma::uvec top_k(const arma::vec& v, arma::uword k) {
  theory::require(k <= v.n_elem, "top_k",
                  "k must be at most the number of variables " + std::to_string(v.n_elem), k);
  theory::require_finite(v, "top_k", "importances");
  return arma::sort(largest(v, k));
}

arma::uvec select(const arma::vec& v, const SelectionRule& rule) {
  if (rule.k) return top_k(v, *rule.k);
  return gmm_split(v, rule.gmm).selected;
}

arma::uvec select(const Fitted& fitted, std::optional<arma::uword> k) {
  const arma::uvec split = select(fitted.importances(), {.k = k, .gmm = fitted.split_options()});
  if (k) return split;
  arma::uvec kept = split;
  const arma::uvec gone = fitted.pruned();
  if (!gone.is_empty()) {
    std::vector<arma::uword> rest;
    for (const arma::uword j : split)
      if (!arma::any(gone == j)) rest.push_back(j);
    kept = arma::uvec(rest);
  }
  const arma::uvec extra = fitted.completion();
  if (extra.is_empty()) return kept;
  return arma::unique(arma::join_cols(kept, extra));
}

}  // namespace reluid::solvers
