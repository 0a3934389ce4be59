// Phase-transition statistics of issue 4: logistic fits of recovery on log n with profile-
// likelihood intervals, the (log p)^k scaling of n₅₀, the σ-slope of the eq. (7) error.
#pragma once

#include <string_view>
#include <vector>

#include "theory/random.hpp"

namespace reluid::theory {

/// A closed interval [low, high]; either end may be ±∞ (unbounded) or NaN (undetermined).
struct Interval {
  double low = 0;
  double high = 0;
  bool contains(double v) const { return low <= v && v <= high; }
};

/// Binomial outcome at one design point: `successes` of `trials` Bernoulli trials at covariate x.
struct BinomialPoint {
  double x = 0;
  double trials = 0;
  double successes = 0;
};

/// How a logistic fit ended. Only `converged` carries a maximum-likelihood estimate; the others
/// say why the MLE does not exist (or was not found) and what can be said instead.
enum class LogisticStatus {
  converged,    ///< finite MLE, score ≈ 0
  all_failure,  ///< no success anywhere: the 50% point lies above max x
  all_success,  ///< no failure anywhere: the 50% point lies below min x
  separated,    ///< every failure at x ≤ every success (MLE slope +∞): x₅₀ bracketed
  separated_decreasing,  ///< every success at x ≤ every failure (MLE slope −∞)
  single_x,              ///< fewer than two distinct x: the slope is not identifiable
  max_iter               ///< Newton–Raphson hit its iteration limit
};
std::string_view to_string(LogisticStatus status);

struct LogisticOptions {
  double level = 0.95;  ///< confidence level of the profile-likelihood intervals
  int max_iter = 100;   ///< Newton–Raphson iterations
  double tol = 1e-10;   ///< relative step tolerance
};

/// Maximum-likelihood logistic regression P(success | x) = 1 / (1 + exp(−(α + β x))).
/// Intervals are profile-likelihood intervals {θ : 2(ℓ̂ − ℓ_prof(θ)) ≤ χ²₁(level)} (Venzon &
/// Moolgavkar 1988): invariant under reparametrisation, so the x₅₀ interval maps through exp to
/// the n₅₀ interval. The x₅₀ interval is (−∞, ∞) when the slope is not significant at `level`
/// (the profile tends to the intercept-only likelihood as x₅₀ → ±∞).
struct LogisticFit {
  LogisticStatus status = LogisticStatus::single_x;
  double alpha = 0, beta = 0;  ///< NaN unless converged
  arma::mat cov;               ///< 2 × 2 inverse observed information of (α, β) (converged only)
  double log_lik = 0;          ///< Σ y log π + (m − y) log(1 − π) at the estimate
  double null_log_lik = 0;     ///< same for the intercept-only model
  double score_norm = 0;       ///< ‖∇ℓ‖∞ at the estimate (optimality measure)
  int iterations = 0;
  double x50 = 0;     ///< −α/β (NaN unless converged)
  double x50_se = 0;  ///< delta-method standard error of x₅₀ (reported, not used for CI)
  /// Profile interval for x₅₀ when converged; otherwise what the data bracket: all_success
  /// (−∞, min x], all_failure [max x, ∞), separated [max x with a failure, min x with a success];
  /// NaN ends when nothing can be said.
  Interval x50_ci;
  Interval beta_ci;  ///< profile interval for β (converged only, else NaN)
};

/// Fits the model above by Newton–Raphson with step halving (on centred x). Points with zero
/// trials are ignored. Throws std::invalid_argument unless every x is finite and
/// 0 ≤ successes ≤ trials.
LogisticFit fit_logistic(const std::vector<BinomialPoint>& data, const LogisticOptions& opt = {});

/// Log-likelihood ℓ(α, β) of the model above (binomial coefficients dropped).
double logistic_log_lik(const std::vector<BinomialPoint>& data, double alpha, double beta);

/// Profile log-likelihood of x₅₀ = θ: max over β of ℓ(−βθ, β). Data must not be separated.
double profile_log_lik_x50(const std::vector<BinomialPoint>& data, double theta);

/// Profile log-likelihood of the slope: max over α of ℓ(α, β). Needs 0 < Σ successes < Σ trials.
double profile_log_lik_beta(const std::vector<BinomialPoint>& data, double beta);

/// How n₅₀ is known for one group.
enum class N50Kind {
  estimate,     ///< MLE with profile interval
  below_min_n,  ///< all successes: n₅₀ < min n
  above_max_n,  ///< all failures: n₅₀ > max n
  bracketed,  ///< separated data: n₅₀ in [largest n with a failure, smallest n with a success]
  undetermined  ///< decreasing separation, a single n, or no convergence
};
std::string_view to_string(N50Kind kind);

/// Recovery probability against sample size, P = 1/(1 + exp(−(α + β log n))).
/// n₅₀ = exp(−α/β). The 10–90% transition width is reported as the ratio n₉₀/n₁₀ =
/// exp(2 ln 9 / β) (the model is logistic in log n, so the ratio, not the difference, is the
/// scale-free width); its interval maps the profile interval of β (upper end +∞ when that
/// interval reaches β ≤ 0).
struct TransitionFit {
  LogisticFit logit;  ///< fit on x = log n
  N50Kind kind = N50Kind::undetermined;
  double n50 = 0;           ///< NaN unless kind == estimate
  Interval n50_ci;          ///< profile interval, or the bound / bracket described by `kind`
  double n10 = 0, n90 = 0;  ///< n at P = 0.1 and 0.9 (NaN unless estimate with β > 0)
  double width_ratio = 0;   ///< n₉₀ / n₁₀ (NaN unless estimate with β > 0)
  Interval width_ratio_ci;
  arma::uword n_values = 0;  ///< distinct n with trials
  double trials = 0, successes = 0;
};

/// Fits one transition; points' x are sample sizes n > 0 (logged internally).
TransitionFit fit_transition(const std::vector<BinomialPoint>& by_n,
                             const LogisticOptions& opt = {});

/// Pointwise Wald band of the fitted curve at covariate x (on the logit scale, then mapped):
/// returns {π̂(x), low, high} at `level`. Needs a converged fit.
struct CurvePoint {
  double fit = 0, low = 0, high = 0;
};
CurvePoint logistic_band(const LogisticFit& fit, double x, double level = 0.95);

/// Fit of log n₅₀ = log C + k log log p by weighted least squares, weight 1/se², where
/// se = (log high − log low) / (2 z_level) is read off each n₅₀ interval. With m = 2 points the
/// variances are taken as known; with m ≥ 3 the standard errors are multiplied by the scale
/// factor sqrt(max(1, χ²/(m − 2))) (the Particle Data Group's rule, for scatter beyond the stated
/// intervals). The interval for k is normal: k ± z_level·se.
struct PowerLawFit {
  double k = 0, k_se = 0;
  Interval k_ci;
  double log_C = 0, log_C_se = 0;
  double chi2 = 0;   ///< weighted residual sum of squares
  double scale = 1;  ///< the SE inflation factor applied (1 when m = 2)
  arma::uword points = 0;
  double level = 0.95;
};
/// p: dimensions (each ≥ 3 so log log p > 0 is well defined and distinct); n50 with its interval
/// (finite, 0 < low < n50 < high). Needs ≥ 2 distinct p. Throws std::invalid_argument otherwise.
PowerLawFit fit_log_power(const std::vector<double>& p, const std::vector<double>& n50,
                          const std::vector<Interval>& n50_ci, double level = 0.95);

/// Slope of the median eq. (7) error against σ (Theorem 1: linear in σ). For each σ the median
/// of that σ's errors is taken; then ordinary least squares with intercept and through the
/// origin. Intervals: percentile bootstrap, resampling errors within each σ (stratified) and
/// refitting, `resamples` times with the given engine.
struct SigmaSlopeFit {
  double intercept = 0, slope = 0;  ///< median = intercept + slope σ (NaN with < 2 distinct σ)
  Interval intercept_ci, slope_ci;
  double slope_origin = 0;  ///< median = slope_origin σ
  Interval slope_origin_ci;
  arma::vec sigma, median;  ///< the fitted points
  double level = 0.95;
};
SigmaSlopeFit fit_sigma_slope(const std::vector<double>& sigma,
                              const std::vector<std::vector<double>>& errors, int resamples,
                              double level, Engine& rng);

}  // namespace reluid::theory
