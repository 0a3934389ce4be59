// Two-layer ReLU network: validation and BLAS-backed evaluation.
#include "theory/model.hpp"

#include "theory/check.hpp"

namespace reluid::theory {

void validate(const Network& net, std::string_view where) {
  const std::string w(where);
  require(net.r() >= 1, w, "W must have at least one neuron (column), r", net.r());
  require(net.p() >= 1, w, "W must have at least one input (row), p", net.p());
  require(net.a.n_elem == net.r(), w, "a must have r = " + std::to_string(net.r()) + " entries",
          net.a.n_elem);
  require(net.b.n_elem == net.r(), w, "b must have r = " + std::to_string(net.r()) + " entries",
          net.b.n_elem);
  require_finite(net.W, w, "W");
  require_finite(net.b, w, "b");
  for (arma::uword j = 0; j < net.r(); ++j) {
    require(net.a(j) == 1.0 || net.a(j) == -1.0, w, "a[" + std::to_string(j) + "] must be +1 or -1",
            net.a(j));
  }
}

arma::mat preactivation(const Network& net, const arma::mat& X) {
  require(X.n_cols == net.p(), "predict", "X must have p = " + std::to_string(net.p()) + " columns",
          X.n_cols);
  arma::mat Z = X * net.W;
  Z.each_row() += net.b.t();
  return Z;
}

arma::vec predict(const Network& net, const arma::mat& X) {
  const arma::mat Z = preactivation(net, X);
  return arma::clamp(Z, 0.0, arma::datum::inf) * net.a;
}

double l1_norm(const arma::mat& W) {
  return arma::accu(arma::abs(W));
}

arma::vec row_norms(const arma::mat& W) {
  return arma::sqrt(arma::sum(arma::square(W), 1));
}

arma::uvec support(const arma::mat& W, double tau) {
  return arma::find(row_norms(W) > tau);
}

}  // namespace reluid::theory
