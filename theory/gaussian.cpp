// Exact Gaussian ReLU moments and the bivariate normal CDF (derivations in gaussian.hpp).
#include "theory/gaussian.hpp"

#include <algorithm>
#include <boost/math/constants/constants.hpp>
#include <boost/math/special_functions/owens_t.hpp>
#include <cmath>

#include "theory/check.hpp"

namespace reluid::theory {

namespace {

constexpr double pi = boost::math::constants::pi<double>();
constexpr double inv_sqrt_2pi = boost::math::constants::one_div_root_two_pi<double>();
constexpr double inv_sqrt_2 = boost::math::constants::one_div_root_two<double>();

/// Beyond this |b/σ| a ReLU unit is 0 (or linear) except with probability Φ(−38) < 1e-316.
constexpr double saturation = 38.0;

/// k − ρh without cancellation near |ρ| = 1, where it is a small difference of O(1) numbers:
/// 1 ∓ ρ = s²/(1 ± ρ) is recovered from the accurate s, and k ∓ h is exact when k ≈ ±h.
double shifted(double k, double h, const Correlation& corr) {
  if (corr.rho > 0.5) return (k - h) + h * (corr.s * corr.s / (1.0 + corr.rho));
  if (corr.rho < -0.5) return (k + h) - h * (corr.s * corr.s / (1.0 - corr.rho));
  return k - corr.rho * h;
}

/// Owen's T(h, a) for a of either sign, including a = ±∞: T(h, ±∞) = ±½ Φ(−|h|).
double owens_t_ext(double h, double a) {
  if (std::isinf(a)) return std::copysign(0.5 * normal_cdf(-std::abs(h)), a);
  return boost::math::owens_t(h, a);
}

/// One term T(h, (k − ρh)/(h s)) of Owen's formula; h = 0 gives the a → ±∞ limit ±¼.
double owen_term(double h, double k, const Correlation& corr) {
  if (std::isinf(h)) return 0.0;  // T(±∞, a) = 0
  const double num = shifted(k, h, corr);
  if (h == 0.0) return num == 0.0 ? 0.0 : std::copysign(0.25, num);
  return owens_t_ext(h, num / (h * corr.s));
}

void require_correlation(const Correlation& corr, std::string_view where) {
  require(corr.rho >= -1.0 && corr.rho <= 1.0, where, "correlation must be in [-1, 1]", corr.rho);
  require(corr.s >= 0.0 && corr.s <= 1.0, where, "s = sqrt(1 - rho^2) must be in [0, 1]", corr.s);
  require(std::abs(corr.rho * corr.rho + corr.s * corr.s - 1.0) <= 1e-12, where,
          "rho^2 + s^2 must be 1", corr.rho * corr.rho + corr.s * corr.s);
}

void require_scale(double sigma, double b, std::string_view where, std::string_view sname,
                   std::string_view bname) {
  require(std::isfinite(sigma) && sigma >= 0.0, where,
          std::string(sname) + " must be finite and >= 0", sigma);
  require(std::isfinite(b), where, std::string(bname) + " must be finite", b);
}

/// g(h, k; ρ) = E[(Z1 + h)₊ (Z2 + k)₊] for finite |h|, |k| ≤ saturation.
double standardized_cross(double h, double k, const Correlation& corr) {
  if (corr.s == 0.0) {
    if (corr.rho > 0.0) {
      const double m = std::min(h, k), M = std::max(h, k);
      return (1.0 + h * k) * normal_cdf(m) + M * normal_pdf(m);
    }
    if (h + k <= 0.0) return 0.0;
    // P(−h < Z < k) written as 1 − Φ(−h) − Φ(−k): no cancellation when both are large.
    const double mass = std::max(0.0, 1.0 - normal_cdf(-h) - normal_cdf(-k));
    return (h * k - 1.0) * mass + k * normal_pdf(h) + h * normal_pdf(k);
  }
  const double rho = corr.rho, s = corr.s;
  const double q = bivariate_normal_cdf(h, k, corr);
  const double zk = shifted(k, h, corr) / s;  // standardised Z2 threshold given Z1 = −h
  const double zh = shifted(h, k, corr) / s;
  return (rho + h * k) * q + k * normal_pdf(h) * normal_cdf(zk) +
         h * normal_pdf(k) * normal_cdf(zh) + s * normal_pdf(h) * normal_pdf(zk);
}

}  // namespace

double normal_pdf(double x) {
  return inv_sqrt_2pi * std::exp(-0.5 * x * x);
}

double normal_cdf(double x) {
  return 0.5 * std::erfc(-x * inv_sqrt_2);
}

Correlation make_correlation(double rho) {
  require(rho >= -1.0 && rho <= 1.0, "make_correlation", "rho must be in [-1, 1]", rho);
  return {rho, std::sqrt((1.0 - rho) * (1.0 + rho))};
}

Correlation make_correlation(const arma::vec& u, const arma::vec& v) {
  require(u.n_elem == v.n_elem, "make_correlation", "u and v must have the same length",
          quote(u.n_elem) + " vs " + quote(v.n_elem));
  const double nu = arma::norm(u), nv = arma::norm(v);
  require(nu > 0.0 && std::isfinite(nu), "make_correlation", "u must be non-zero and finite", nu);
  require(nv > 0.0 && std::isfinite(nv), "make_correlation", "v must be non-zero and finite", nv);
  const arma::vec uh = u / nu, vh = v / nv;
  const double rho_dot = std::clamp(arma::dot(uh, vh), -1.0, 1.0);
  if (std::abs(rho_dot) < 0.5) return {rho_dot, std::sqrt((1.0 - rho_dot) * (1.0 + rho_dot))};
  // 1 − ρ = ‖û − v̂‖²/2 and 1 + ρ = ‖û + v̂‖²/2 keep s accurate for nearly (anti)parallel pairs.
  const double dm = arma::norm(uh - vh), dp = arma::norm(uh + vh);
  if (dm == 0.0) return {1.0, 0.0};
  if (dp == 0.0) return {-1.0, 0.0};
  return {rho_dot, std::min(1.0, 0.5 * dm * dp)};
}

double bivariate_normal_cdf(double h, double k, const Correlation& corr) {
  require_correlation(corr, "bivariate_normal_cdf");
  require(!std::isnan(h), "bivariate_normal_cdf", "h must not be NaN", h);
  require(!std::isnan(k), "bivariate_normal_cdf", "k must not be NaN", k);
  const double ph = normal_cdf(h), pk = normal_cdf(k);
  if (std::isinf(h) || std::isinf(k)) {
    if ((std::isinf(h) && h < 0.0) || (std::isinf(k) && k < 0.0)) return 0.0;
    return std::isinf(h) ? pk : ph;
  }
  if (corr.s == 0.0) {
    if (corr.rho > 0.0) return std::min(ph, pk);
    return std::max(0.0, ph - normal_cdf(-k));
  }
  if (h == 0.0 && k == 0.0) return 0.25 + std::asin(corr.rho) / (2.0 * pi);
  const double beta = (h * k > 0.0 || (h * k == 0.0 && h + k >= 0.0)) ? 0.0 : 0.5;
  const double value = 0.5 * (ph + pk) - owen_term(h, k, corr) - owen_term(k, h, corr) - beta;
  // Fréchet bounds: rounding must not push the result outside what any copula allows.
  return std::clamp(value, std::max(0.0, ph + pk - 1.0), std::min(ph, pk));
}

double bivariate_normal_cdf(double h, double k, double rho) {
  return bivariate_normal_cdf(h, k, make_correlation(rho));
}

double relu_mean(double sigma, double b) {
  require_scale(sigma, b, "relu_mean", "sigma", "b");
  if (sigma == 0.0) return std::max(b, 0.0);
  const double h = b / sigma;
  if (h < -saturation) return 0.0;
  if (h > saturation) return b;
  return sigma * normal_pdf(h) + b * normal_cdf(h);
}

double relu_second_moment(double sigma, double b) {
  require_scale(sigma, b, "relu_second_moment", "sigma", "b");
  if (sigma == 0.0) return b > 0.0 ? b * b : 0.0;
  const double h = b / sigma;
  if (h < -saturation) return 0.0;
  if (h > saturation) return sigma * sigma + b * b;
  return sigma * sigma * ((1.0 + h * h) * normal_cdf(h) + h * normal_pdf(h));
}

double relu_cross_moment(double sigma1, double b, double sigma2, double c,
                         const Correlation& corr) {
  constexpr std::string_view where = "relu_cross_moment";
  require_scale(sigma1, b, where, "sigma1", "b");
  require_scale(sigma2, c, where, "sigma2", "c");
  require_correlation(corr, where);
  if (sigma1 == 0.0) return std::max(b, 0.0) * relu_mean(sigma2, c);
  if (sigma2 == 0.0) return std::max(c, 0.0) * relu_mean(sigma1, b);
  const double h = b / sigma1, k = c / sigma2;
  if (h < -saturation || k < -saturation) return 0.0;
  if (h > saturation) return sigma1 * sigma2 * corr.rho * normal_cdf(k) + b * relu_mean(sigma2, c);
  if (k > saturation) return sigma1 * sigma2 * corr.rho * normal_cdf(h) + c * relu_mean(sigma1, b);
  return sigma1 * sigma2 * standardized_cross(h, k, corr);
}

double relu_cross_moment(double sigma1, double b, double sigma2, double c, double rho) {
  return relu_cross_moment(sigma1, b, sigma2, c, make_correlation(rho));
}

double relu_cross_moment(const arma::vec& u, double b, const arma::vec& v, double c) {
  require(u.n_elem == v.n_elem, "relu_cross_moment", "u and v must have the same length",
          quote(u.n_elem) + " vs " + quote(v.n_elem));
  const double nu = arma::norm(u), nv = arma::norm(v);
  if (nu == 0.0 || nv == 0.0) return relu_cross_moment(nu, b, nv, c, Correlation{});
  return relu_cross_moment(nu, b, nv, c, make_correlation(u, v));
}

}  // namespace reluid::theory
