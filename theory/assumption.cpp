// Assumption 1 quantities.
#include "theory/assumption.hpp"

#include <cmath>
#include <limits>

#include "theory/check.hpp"

namespace reluid::theory {

double coherence(const arma::mat& W) {
  const arma::rowvec norms = arma::sqrt(arma::sum(arma::square(W), 0));
  for (arma::uword j = 0; j < W.n_cols; ++j) {
    require(norms(j) > 0.0, "coherence",
            "neuron " + std::to_string(j) + " has a zero weight vector");
  }
  if (W.n_cols < 2) return 0.0;
  const arma::mat U = W.each_row() / norms;
  arma::mat C = arma::abs(U.t() * U);
  C.diag().zeros();
  return std::min(1.0, C.max());
}

double angle_exponent(double mu, arma::uword r) {
  if (mu <= 0.0 || r < 2) return std::numeric_limits<double>::infinity();
  return -std::log(mu) / std::log(static_cast<double>(r));
}

AssumptionReport assumption_report(const Network& net) {
  validate(net);
  AssumptionReport rep;
  rep.p = net.p();
  rep.r = net.r();
  rep.s = support(net.W).n_elem;
  const arma::rowvec norms = arma::sqrt(arma::sum(arma::square(net.W), 0));
  rep.min_norm = norms.min();
  rep.max_norm = norms.max();
  rep.max_abs_bias = arma::abs(net.b).max();
  rep.B = std::max(rep.max_norm, rep.max_abs_bias);
  rep.norms_ok = rep.min_norm >= 1.0;
  rep.mu = rep.min_norm > 0.0 ? coherence(net.W) : 1.0;
  rep.omega = angle_exponent(rep.mu, rep.r);
  rep.positive_signs = arma::accu(net.a > 0.0);
  return rep;
}

}  // namespace reluid::theory
