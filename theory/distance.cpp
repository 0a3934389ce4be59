// Permutation-invariant network distances (eqs. 24–26) and recovery metrics.
#include "theory/distance.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "theory/assignment.hpp"
#include "theory/check.hpp"

namespace reluid::theory {

namespace {

void require_comparable(const Network& fit, const Network& truth, const char* where) {
  validate(fit, std::string(where) + ": fit");
  validate(truth, std::string(where) + ": truth");
  require(fit.p() == truth.p(), where,
          "fit and truth must have the same p; truth has p = " + std::to_string(truth.p()) +
              ", fit has p",
          fit.p());
  require(fit.r() == truth.r(), where,
          "fit and truth must have the same r; truth has r = " + std::to_string(truth.r()) +
              ", fit has r",
          fit.r());
}

void require_neuron(const Network& net, arma::uword j, const char* which) {
  require(j < net.r(), "neuron distance",
          std::string(which) + " neuron index must be < r = " + std::to_string(net.r()), j);
}

// Unchecked kernels: callers have validated shapes and indices.
double d1_unchecked(const Network& fit, arma::uword j, const Network& truth, arma::uword k) {
  const double* w = fit.W.colptr(j);
  const double* ws = truth.W.colptr(k);
  double sum = 0.0;
  if (fit.a(j) == truth.a(k)) {
    for (arma::uword i = 0; i < fit.p(); ++i) sum += std::abs(w[i] - ws[i]);
    return sum + std::abs(fit.b(j) - truth.b(k));
  }
  for (arma::uword i = 0; i < fit.p(); ++i) sum += std::abs(w[i]) + std::abs(ws[i]);
  return sum + std::abs(fit.b(j)) + std::abs(truth.b(k));
}

double d2sq_unchecked(const Network& fit, arma::uword j, const Network& truth, arma::uword k) {
  if (fit.a(j) != truth.a(k)) return 1.0;
  const double* w = fit.W.colptr(j);
  const double* ws = truth.W.colptr(k);
  double sum = 0.0;
  for (arma::uword i = 0; i < fit.p(); ++i) sum += (w[i] - ws[i]) * (w[i] - ws[i]);
  const double db = fit.b(j) - truth.b(k);
  return sum + db * db;
}

template <class Kernel>
arma::mat cost_matrix(const Network& fit, const Network& truth, Kernel kernel) {
  arma::mat M(fit.r(), truth.r());
  for (arma::uword k = 0; k < truth.r(); ++k) {
    for (arma::uword j = 0; j < fit.r(); ++j) M(j, k) = kernel(fit, j, truth, k);
  }
  return M;
}

}  // namespace

double neuron_d1(const Network& fit, arma::uword j, const Network& truth, arma::uword k) {
  require_comparable(fit, truth, "neuron_d1");
  require_neuron(fit, j, "fitted");
  require_neuron(truth, k, "true");
  return d1_unchecked(fit, j, truth, k);
}

double neuron_d2_squared(const Network& fit, arma::uword j, const Network& truth, arma::uword k) {
  require_comparable(fit, truth, "neuron_d2_squared");
  require_neuron(fit, j, "fitted");
  require_neuron(truth, k, "true");
  return d2sq_unchecked(fit, j, truth, k);
}

arma::mat d1_matrix(const Network& fit, const Network& truth) {
  require_comparable(fit, truth, "d1_matrix");
  return cost_matrix(fit, truth, d1_unchecked);
}

arma::mat d2_squared_matrix(const Network& fit, const Network& truth) {
  require_comparable(fit, truth, "d2_squared_matrix");
  return cost_matrix(fit, truth, d2sq_unchecked);
}

Matching distance_d1(const Network& fit, const Network& truth) {
  const Assignment best = solve_assignment(d1_matrix(fit, truth));
  return {best.cost, best.perm};
}

Matching distance_d2(const Network& fit, const Network& truth) {
  const Assignment best = solve_assignment(d2_squared_matrix(fit, truth));
  return {std::sqrt(best.cost), best.perm};
}

RecoveryMetrics recovery_metrics(const Network& fit, const Network& truth, double tau) {
  require(std::isfinite(tau) && tau >= 0.0, "recovery_metrics", "tau must be finite and >= 0", tau);
  RecoveryMetrics m;
  m.D1 = distance_d1(fit, truth);  // validates both networks
  m.D2 = distance_d2(fit, truth);
  m.tau = tau;
  const arma::uvec& perm = m.D2.perm;
  m.sign_recovered = arma::all(fit.a == truth.a.elem(perm));
  m.weight_error = arma::norm(fit.W - truth.W.cols(perm), "fro");
  m.bias_error = arma::norm(fit.b - truth.b.elem(perm), 2);
  m.eq7_error = m.weight_error + m.bias_error;
  m.support_fit = support(fit.W, tau);
  m.support_true = support(truth.W, 0.0);
  const arma::uvec common = arma::intersect(m.support_fit, m.support_true);
  m.true_positives = common.n_elem;
  m.false_positives = m.support_fit.n_elem - common.n_elem;
  m.false_negatives = m.support_true.n_elem - common.n_elem;
  m.exact_support = m.false_positives == 0 && m.false_negatives == 0;
  return m;
}

nlohmann::json to_json(const RecoveryMetrics& m) {
  const auto list = [](const arma::uvec& v) {
    return std::vector<arma::uword>(v.begin(), v.end());
  };
  return {{"D1", m.D1.value},
          {"D2", m.D2.value},
          {"perm_D1", list(m.D1.perm)},
          {"perm_D2", list(m.D2.perm)},
          {"sign_recovered", m.sign_recovered},
          {"weight_error", m.weight_error},
          {"bias_error", m.bias_error},
          {"eq7_error", m.eq7_error},
          {"tau", m.tau},
          {"support_fit", list(m.support_fit)},
          {"support_true", list(m.support_true)},
          {"true_positives", m.true_positives},
          {"false_positives", m.false_positives},
          {"false_negatives", m.false_negatives},
          {"exact_support", m.exact_support}};
}

}  // namespace reluid::theory
