// Hermite coefficients of a biased ReLU and the closed-form Gaussian moments built on them.
#include "theory/hermite.hpp"

#include <boost/math/constants/constants.hpp>
#include <boost/math/special_functions/hermite.hpp>
#include <cmath>
#include <string>

#include "theory/check.hpp"
#include "theory/gaussian.hpp"

namespace reluid::theory {

namespace {

/// |h| beyond which φ(h) He_m(h) underflows to 0 for every m ≤ max_hermite_degree.
constexpr double hermite_saturation = 40.0;

/// E[relu(σZ + b) He_k(Z)] = σ f_k(b/σ) for σ > 0, guarded against b/σ overflowing.
double scaled_coefficient(double sigma, double b, unsigned k) {
  const double h = b / sigma;
  if (k == 0) return relu_mean(sigma, b);
  if (k == 1) return sigma * normal_cdf(h);
  if (std::abs(h) > hermite_saturation) return 0.0;
  const double sign = (k % 2 == 0) ? 1.0 : -1.0;
  return sigma * sign * hermite_he(k - 2, h) * normal_pdf(h);
}

void require_degree(unsigned k, std::string_view where) {
  require(k <= max_hermite_degree, where, "degree must be <= " + std::to_string(max_hermite_degree),
          k);
}

}  // namespace

double hermite_he(unsigned n, double t) {
  require(std::isfinite(t), "hermite_he", "t must be finite", t);
  return std::pow(2.0, -0.5 * n) *
         boost::math::hermite(n, t * boost::math::constants::one_div_root_two<double>());
}

arma::vec relu_hermite_coefficients(double b, unsigned k_max) {
  require(std::isfinite(b), "relu_hermite_coefficients", "b must be finite", b);
  require_degree(k_max, "relu_hermite_coefficients");
  arma::vec f(k_max + 1);
  for (unsigned k = 0; k <= k_max; ++k) f(k) = scaled_coefficient(1.0, b, k);
  return f;
}

double hermite_moment(const Network& net, const arma::vec& v, unsigned k) {
  validate(net, "hermite_moment");
  require_degree(k, "hermite_moment");
  require(v.n_elem == net.p(), "hermite_moment", "v must have p = " + quote(net.p()) + " entries",
          v.n_elem);
  require_finite(v, "hermite_moment", "v");
  require(std::abs(arma::norm(v) - 1.0) <= 1e-10, "hermite_moment", "v must have unit norm",
          arma::norm(v));
  double total = 0.0;
  for (arma::uword j = 0; j < net.r(); ++j) {
    const arma::vec w = net.W.col(j);
    const double sigma = arma::norm(w);
    double term;
    if (sigma == 0.0) {
      term = k == 0 ? std::max(net.b(j), 0.0) : 0.0;
    } else {
      const double rho = arma::dot(w, v) / sigma;
      term = std::pow(rho, static_cast<double>(k)) * scaled_coefficient(sigma, net.b(j), k);
    }
    total += net.a(j) * term;
  }
  return total;
}

arma::mat stein_matrix(const Network& net) {
  validate(net, "stein_matrix");
  arma::mat S(net.p(), net.p(), arma::fill::zeros);
  for (arma::uword j = 0; j < net.r(); ++j) {
    const arma::vec w = net.W.col(j);
    const double sigma = arma::norm(w);
    if (sigma == 0.0) continue;  // a constant unit has zero Hessian
    S += (net.a(j) * normal_pdf(net.b(j) / sigma) / sigma) * (w * w.t());
  }
  return S;
}

arma::vec stein_vector(const Network& net) {
  validate(net, "stein_vector");
  arma::vec m(net.p(), arma::fill::zeros);
  for (arma::uword j = 0; j < net.r(); ++j) {
    const double sigma = arma::norm(net.W.col(j));
    if (sigma == 0.0) continue;
    m += (net.a(j) * normal_cdf(net.b(j) / sigma)) * net.W.col(j);
  }
  return m;
}

}  // namespace reluid::theory
