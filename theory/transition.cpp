// Phase-transition statistics: logistic fits with profile-likelihood intervals, scaling and slopes.
#include "theory/transition.hpp"

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <limits>
#include <set>

#include "theory/check.hpp"

namespace reluid::theory {

namespace {

constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr double inf = std::numeric_limits<double>::infinity();
const double ln9 = std::log(9.0);

/// log(1 + e^η) without overflow.
double log1pexp(double eta) {
  return eta > 0 ? eta + std::log1p(std::exp(-eta)) : std::log1p(std::exp(eta));
}

double sigmoid(double eta) {
  return eta >= 0 ? 1.0 / (1.0 + std::exp(-eta)) : std::exp(eta) / (1.0 + std::exp(eta));
}

double chi2_half_quantile(double level) {
  return boost::math::quantile(boost::math::chi_squared(1.0), level) / 2.0;
}

double normal_quantile(double level) {
  return boost::math::quantile(boost::math::normal(), 0.5 + level / 2.0);
}

void check_level(double level, std::string_view where) {
  require(level > 0.0 && level < 1.0, where, "level must be in (0, 1)", level);
}

/// Validated copy without zero-trial points.
std::vector<BinomialPoint> clean(const std::vector<BinomialPoint>& data) {
  std::vector<BinomialPoint> out;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const auto& d = data[i];
    const std::string where = "fit_logistic: point " + std::to_string(i);
    require(std::isfinite(d.x), where, "x must be finite", d.x);
    require(std::isfinite(d.trials) && d.trials >= 0, where, "trials must be ≥ 0", d.trials);
    require(d.successes >= 0 && d.successes <= d.trials, where, "successes must be in [0, trials]",
            d.successes);
    if (d.trials > 0) out.push_back(d);
  }
  return out;
}

/// max over t of Σ y (o + t z) − m log(1 + e^(o + t z)) by Newton with step halving (concave in
/// t). `offset(i)` and `z(i)` give o and z for point i. Returns the maximum.
template <class Offset, class Z>
double maximise_1d(const std::vector<BinomialPoint>& d, Offset offset, Z z, double t) {
  auto value = [&](double tt) {
    double f = 0;
    for (std::size_t i = 0; i < d.size(); ++i) {
      const double eta = offset(i) + tt * z(i);
      f += d[i].successes * eta - d[i].trials * log1pexp(eta);
    }
    return f;
  };
  double f = value(t);
  for (int it = 0; it < 200; ++it) {
    double g = 0, h = 0;
    for (std::size_t i = 0; i < d.size(); ++i) {
      const double pi = sigmoid(offset(i) + t * z(i));
      g += (d[i].successes - d[i].trials * pi) * z(i);
      h += d[i].trials * pi * (1 - pi) * z(i) * z(i);
    }
    if (h <= 0 || !std::isfinite(h)) break;
    double step = g / h;
    double t_new = t + step, f_new = value(t_new);
    for (int half = 0; half < 60 && !(f_new >= f - 1e-12 * (1 + std::abs(f))); ++half) {
      step /= 2;
      t_new = t + step;
      f_new = value(t_new);
    }
    const bool done = std::abs(step) <= 1e-12 * (1 + std::abs(t));
    t = t_new;
    f = std::max(f, f_new);
    if (done) break;
  }
  return f;
}

/// Innermost θ on one side of θ̂ (direction ±1) where `dev(θ) = ℓ̂ − ℓ_prof(θ)` reaches q;
/// ±∞ if it does not within a far range.
template <class Dev>
double profile_end(Dev dev, double theta_hat, double h, double dir, double q) {
  double inner = theta_hat, outer = theta_hat;
  bool found = false;
  for (int j = 0; j < 64; ++j) {
    outer = theta_hat + dir * h * std::ldexp(1.0, j);
    if (dev(outer) >= q) {
      found = true;
      break;
    }
    inner = outer;
    if (std::abs(outer - theta_hat) > 1e8 * (1 + std::abs(theta_hat))) break;
  }
  if (!found) return dir * inf;
  for (int it = 0; it < 200 && std::abs(outer - inner) > 1e-10 * (1 + std::abs(inner)); ++it) {
    const double mid = 0.5 * (inner + outer);
    (dev(mid) >= q ? outer : inner) = mid;
  }
  return 0.5 * (inner + outer);
}

}  // namespace

std::string_view to_string(LogisticStatus status) {
  switch (status) {
    case LogisticStatus::converged:
      return "converged";
    case LogisticStatus::all_failure:
      return "all_failure";
    case LogisticStatus::all_success:
      return "all_success";
    case LogisticStatus::separated:
      return "separated";
    case LogisticStatus::separated_decreasing:
      return "separated_decreasing";
    case LogisticStatus::single_x:
      return "single_x";
    case LogisticStatus::max_iter:
      return "max_iter";
  }
  return "unknown";
}

std::string_view to_string(N50Kind kind) {
  switch (kind) {
    case N50Kind::estimate:
      return "estimate";
    case N50Kind::below_min_n:
      return "below_min_n";
    case N50Kind::above_max_n:
      return "above_max_n";
    case N50Kind::bracketed:
      return "bracketed";
    case N50Kind::undetermined:
      return "undetermined";
  }
  return "unknown";
}

double logistic_log_lik(const std::vector<BinomialPoint>& data, double alpha, double beta) {
  double f = 0;
  for (const auto& d : data) {
    const double eta = alpha + beta * d.x;
    f += d.successes * eta - d.trials * log1pexp(eta);
  }
  return f;
}

double profile_log_lik_x50(const std::vector<BinomialPoint>& data, double theta) {
  const auto d = clean(data);
  return maximise_1d(
      d, [](std::size_t) { return 0.0; }, [&](std::size_t i) { return d[i].x - theta; }, 0.0);
}

double profile_log_lik_beta(const std::vector<BinomialPoint>& data, double beta) {
  const auto d = clean(data);
  return maximise_1d(
      d, [&](std::size_t i) { return beta * d[i].x; }, [](std::size_t) { return 1.0; }, 0.0);
}

LogisticFit fit_logistic(const std::vector<BinomialPoint>& data, const LogisticOptions& opt) {
  check_level(opt.level, "fit_logistic");
  require(opt.max_iter >= 1, "fit_logistic", "max_iter must be ≥ 1", opt.max_iter);
  const auto d = clean(data);
  LogisticFit fit;
  fit.alpha = fit.beta = fit.x50 = fit.x50_se = nan;
  fit.x50_ci = fit.beta_ci = {nan, nan};
  double S = 0, M = 0;
  std::set<double> xs;
  double fail_max = -inf, fail_min = inf, succ_min = inf, succ_max = -inf;
  double x_min = inf, x_max = -inf;
  for (const auto& p : d) {
    S += p.successes;
    M += p.trials;
    xs.insert(p.x);
    x_min = std::min(x_min, p.x);
    x_max = std::max(x_max, p.x);
    if (p.successes > 0) succ_min = std::min(succ_min, p.x), succ_max = std::max(succ_max, p.x);
    if (p.successes < p.trials)
      fail_max = std::max(fail_max, p.x), fail_min = std::min(fail_min, p.x);
  }
  // Log-likelihood of the intercept-only model (0 when S = 0 or S = M).
  const double pbar = M > 0 ? S / M : 0.5;
  fit.null_log_lik =
      (S > 0 ? S * std::log(pbar) : 0.0) + (M - S > 0 ? (M - S) * std::log1p(-pbar) : 0.0);
  fit.log_lik = fit.null_log_lik;
  if (xs.size() < 2) {
    fit.status = LogisticStatus::single_x;
    return fit;
  }
  if (S == 0) {
    fit.status = LogisticStatus::all_failure;
    fit.x50_ci = {x_max, inf};
    return fit;
  }
  if (S == M) {
    fit.status = LogisticStatus::all_success;
    fit.x50_ci = {-inf, x_min};
    return fit;
  }
  if (fail_max <= succ_min) {
    fit.status = LogisticStatus::separated;
    fit.x50_ci = {fail_max, succ_min};
    return fit;
  }
  if (succ_max <= fail_min) {
    fit.status = LogisticStatus::separated_decreasing;
    return fit;
  }

  // Newton–Raphson on (a, β) with x centred at its trial-weighted mean, for conditioning.
  double xbar = 0;
  for (const auto& p : d) xbar += p.trials * p.x;
  xbar /= M;
  arma::vec theta = {std::log(pbar / (1 - pbar)), 0.0};
  auto loglik_c = [&](const arma::vec& t) {
    double f = 0;
    for (const auto& p : d) {
      const double eta = t(0) + t(1) * (p.x - xbar);
      f += p.successes * eta - p.trials * log1pexp(eta);
    }
    return f;
  };
  double f = loglik_c(theta);
  arma::mat H(2, 2);
  arma::vec g(2);
  bool converged = false;
  auto derivatives = [&](const arma::vec& t) {
    g.zeros();
    H.zeros();
    for (const auto& p : d) {
      const double z = p.x - xbar;
      const double pi = sigmoid(t(0) + t(1) * z);
      const double r = p.successes - p.trials * pi, w = p.trials * pi * (1 - pi);
      g(0) += r;
      g(1) += r * z;
      H(0, 0) += w;
      H(0, 1) += w * z;
      H(1, 1) += w * z * z;
    }
    H(1, 0) = H(0, 1);
  };
  int it = 0;
  for (; it < opt.max_iter; ++it) {
    derivatives(theta);
    arma::vec step;
    if (!arma::solve(step, H, g, arma::solve_opts::no_approx)) break;
    arma::vec cand = theta + step;
    double f_new = loglik_c(cand);
    for (int half = 0; half < 60 && !(f_new >= f - 1e-12 * (1 + std::abs(f))); ++half) {
      step /= 2;
      cand = theta + step;
      f_new = loglik_c(cand);
    }
    theta = cand;
    f = std::max(f, f_new);
    if (arma::norm(step, "inf") <= opt.tol * (1 + arma::norm(theta, "inf"))) {
      converged = true;
      ++it;
      break;
    }
  }
  derivatives(theta);
  fit.iterations = it;
  fit.score_norm = arma::norm(g, "inf");
  if (!converged || !theta.is_finite()) {
    fit.status = LogisticStatus::max_iter;
    return fit;
  }
  fit.status = LogisticStatus::converged;
  fit.beta = theta(1);
  fit.alpha = theta(0) - theta(1) * xbar;
  fit.log_lik = logistic_log_lik(d, fit.alpha, fit.beta);
  // Covariance of (a, β) is H⁻¹; α = a − β x̄ is linear: cov = J H⁻¹ Jᵀ with J = [[1, −x̄], [0, 1]].
  const arma::mat J = {{1.0, -xbar}, {0.0, 1.0}};
  fit.cov = J * arma::inv_sympd(H) * J.t();
  fit.x50 = -fit.alpha / fit.beta;
  const arma::vec grad = {-1.0 / fit.beta, fit.alpha / (fit.beta * fit.beta)};
  fit.x50_se = std::sqrt(arma::as_scalar(grad.t() * fit.cov * grad));

  const double q = chi2_half_quantile(opt.level);
  const double lhat = fit.log_lik;
  if (lhat - fit.null_log_lik < q) {
    fit.x50_ci = {-inf, inf};
  } else {
    auto dev = [&](double t) { return lhat - profile_log_lik_x50(d, t); };
    const double h = std::max({std::isfinite(fit.x50_se) ? fit.x50_se / 4 : 0.0,
                               1e-6 * (1 + std::abs(fit.x50)), 1e-3 * (x_max - x_min)});
    fit.x50_ci = {profile_end(dev, fit.x50, h, -1.0, q), profile_end(dev, fit.x50, h, +1.0, q)};
  }
  auto dev_beta = [&](double b) { return lhat - profile_log_lik_beta(d, b); };
  const double hb = std::max(std::sqrt(fit.cov(1, 1)) / 4, 1e-6 * (1 + std::abs(fit.beta)));
  fit.beta_ci = {profile_end(dev_beta, fit.beta, hb, -1.0, q),
                 profile_end(dev_beta, fit.beta, hb, +1.0, q)};
  return fit;
}

TransitionFit fit_transition(const std::vector<BinomialPoint>& by_n, const LogisticOptions& opt) {
  std::vector<BinomialPoint> logged;
  std::set<double> ns;
  TransitionFit out;
  for (std::size_t i = 0; i < by_n.size(); ++i) {
    const auto& p = by_n[i];
    require(std::isfinite(p.x) && p.x > 0, "fit_transition: point " + std::to_string(i),
            "n must be positive", p.x);
    logged.push_back({std::log(p.x), p.trials, p.successes});
    if (p.trials > 0) ns.insert(p.x);
    out.trials += p.trials;
    out.successes += p.successes;
  }
  out.n_values = ns.size();
  out.logit = fit_logistic(logged, opt);
  const auto& L = out.logit;
  out.n50 = out.n10 = out.n90 = out.width_ratio = nan;
  out.width_ratio_ci = {nan, nan};
  // Bounds that are design points are reported as the given n exactly, not exp(log n).
  auto to_n = [&](double x) {
    for (const auto& p : by_n)
      if (std::log(p.x) == x) return p.x;
    return std::exp(x);
  };
  out.n50_ci = {to_n(L.x50_ci.low), to_n(L.x50_ci.high)};
  switch (L.status) {
    case LogisticStatus::converged:
      out.kind = N50Kind::estimate;
      break;
    case LogisticStatus::all_success:
      out.kind = N50Kind::below_min_n;
      break;
    case LogisticStatus::all_failure:
      out.kind = N50Kind::above_max_n;
      break;
    case LogisticStatus::separated:
      out.kind = N50Kind::bracketed;
      break;
    default:
      out.kind = N50Kind::undetermined;
      break;
  }
  if (out.kind != N50Kind::estimate) return out;
  out.n50 = std::exp(L.x50);
  if (L.beta > 0) {
    out.n10 = std::exp((-ln9 - L.alpha) / L.beta);
    out.n90 = std::exp((ln9 - L.alpha) / L.beta);
    out.width_ratio = std::exp(2 * ln9 / L.beta);
    out.width_ratio_ci = {std::exp(2 * ln9 / L.beta_ci.high),
                          L.beta_ci.low > 0 ? std::exp(2 * ln9 / L.beta_ci.low) : inf};
  }
  return out;
}

CurvePoint logistic_band(const LogisticFit& fit, double x, double level) {
  require(fit.status == LogisticStatus::converged, "logistic_band", "needs a converged fit");
  check_level(level, "logistic_band");
  const double eta = fit.alpha + fit.beta * x;
  const double var = fit.cov(0, 0) + 2 * x * fit.cov(0, 1) + x * x * fit.cov(1, 1);
  const double half = normal_quantile(level) * std::sqrt(std::max(var, 0.0));
  return {sigmoid(eta), sigmoid(eta - half), sigmoid(eta + half)};
}

PowerLawFit fit_log_power(const std::vector<double>& p, const std::vector<double>& n50,
                          const std::vector<Interval>& n50_ci, double level) {
  constexpr std::string_view where = "fit_log_power";
  check_level(level, where);
  require(p.size() == n50.size() && p.size() == n50_ci.size(), where,
          "p, n50 and intervals must have equal lengths", n50.size());
  const arma::uword m = p.size();
  const double z = normal_quantile(level);
  arma::mat X(m, 2);
  arma::vec y(m), w(m);
  std::set<double> distinct;
  for (arma::uword i = 0; i < m; ++i) {
    const std::string at = std::string(where) + ": point " + std::to_string(i);
    require(std::isfinite(p[i]) && p[i] >= 3, at, "p must be ≥ 3", p[i]);
    const auto& ci = n50_ci[i];
    require(std::isfinite(n50[i]) && n50[i] > 0, at, "n50 must be positive and finite", n50[i]);
    require(std::isfinite(ci.low) && std::isfinite(ci.high) && ci.low > 0 && ci.low < n50[i] &&
                n50[i] < ci.high,
            at, "interval must be finite with 0 < low < n50 < high",
            quote(ci.low) + ", " + quote(ci.high));
    distinct.insert(p[i]);
    X(i, 0) = 1.0;
    X(i, 1) = std::log(std::log(p[i]));
    y(i) = std::log(n50[i]);
    const double se = (std::log(ci.high) - std::log(ci.low)) / (2 * z);
    w(i) = 1.0 / (se * se);
  }
  require(distinct.size() >= 2, where, "needs at least 2 distinct p", distinct.size());
  const arma::mat XtW = X.t() * arma::diagmat(w);
  const arma::mat cov = arma::inv_sympd(XtW * X);
  const arma::vec coef = cov * (XtW * y);
  const arma::vec resid = y - X * coef;
  PowerLawFit fit;
  fit.points = m;
  fit.level = level;
  fit.chi2 = arma::dot(w, resid % resid);
  fit.log_C = coef(0);
  fit.k = coef(1);
  if (m >= 3) {
    const double dof = static_cast<double>(m - 2);
    fit.scale = std::sqrt(std::max(1.0, fit.chi2 / dof));
  }
  fit.k_se = fit.scale * std::sqrt(cov(1, 1));
  fit.log_C_se = fit.scale * std::sqrt(cov(0, 0));
  fit.k_ci = {fit.k - z * fit.k_se, fit.k + z * fit.k_se};
  return fit;
}

namespace {

double median_of(std::vector<double> v) {
  const std::size_t h = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h), v.end());
  const double upper = v[h];
  if (v.size() % 2 == 1) return upper;
  return 0.5 * (upper + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h)));
}

struct Lines {
  double intercept, slope, slope_origin;
};

Lines fit_lines(const arma::vec& s, const arma::vec& m) {
  Lines out{nan, nan, arma::dot(s, m) / arma::dot(s, s)};
  const double sbar = arma::mean(s), mbar = arma::mean(m);
  const double sxx = arma::dot(s - sbar, s - sbar);
  if (sxx > 0) {
    out.slope = arma::dot(s - sbar, m - mbar) / sxx;
    out.intercept = mbar - out.slope * sbar;
  }
  return out;
}

Interval percentile(std::vector<double> v, double level) {
  if (v.empty()) return {nan, nan};
  std::sort(v.begin(), v.end());
  auto at = [&](double prob) {
    const double pos = prob * static_cast<double>(v.size() - 1);
    const auto lo = static_cast<std::size_t>(std::floor(pos));
    const std::size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (pos - static_cast<double>(lo)) * (v[hi] - v[lo]);
  };
  return {at((1 - level) / 2), at((1 + level) / 2)};
}

}  // namespace

SigmaSlopeFit fit_sigma_slope(const std::vector<double>& sigma,
                              const std::vector<std::vector<double>>& errors, int resamples,
                              double level, Engine& rng) {
  constexpr std::string_view where = "fit_sigma_slope";
  check_level(level, where);
  require(sigma.size() == errors.size(), where, "sigma and errors must have equal lengths",
          errors.size());
  require(!sigma.empty(), where, "needs at least one σ", sigma.size());
  require(resamples >= 0, where, "resamples must be ≥ 0", resamples);
  bool positive = false;
  for (std::size_t i = 0; i < sigma.size(); ++i) {
    const std::string at = std::string(where) + ": sigma[" + std::to_string(i) + "]";
    require(std::isfinite(sigma[i]) && sigma[i] >= 0, at, "must be ≥ 0", sigma[i]);
    require(!errors[i].empty(), at, "has no errors", errors[i].size());
    for (double e : errors[i]) require(std::isfinite(e), at, "errors must be finite", e);
    positive = positive || sigma[i] > 0;
  }
  require(positive, where, "needs a σ > 0", sigma.size());
  SigmaSlopeFit fit;
  fit.level = level;
  fit.sigma = arma::vec(sigma);
  fit.median.set_size(sigma.size());
  for (std::size_t i = 0; i < sigma.size(); ++i) fit.median(i) = median_of(errors[i]);
  const Lines point = fit_lines(fit.sigma, fit.median);
  fit.intercept = point.intercept;
  fit.slope = point.slope;
  fit.slope_origin = point.slope_origin;
  std::vector<double> b_int, b_slope, b_origin;
  arma::vec med(sigma.size());
  std::vector<double> sample;
  for (int b = 0; b < resamples; ++b) {
    for (std::size_t i = 0; i < sigma.size(); ++i) {
      const auto& e = errors[i];
      boost::random::uniform_int_distribution<std::size_t> pick(0, e.size() - 1);
      sample.resize(e.size());
      for (auto& v : sample) v = e[pick(rng)];
      med(i) = median_of(sample);
    }
    const Lines l = fit_lines(fit.sigma, med);
    b_origin.push_back(l.slope_origin);
    if (std::isfinite(l.slope)) {
      b_slope.push_back(l.slope);
      b_int.push_back(l.intercept);
    }
  }
  fit.slope_origin_ci = percentile(b_origin, level);
  fit.slope_ci = percentile(b_slope, level);
  fit.intercept_ci = percentile(b_int, level);
  return fit;
}

}  // namespace reluid::theory
