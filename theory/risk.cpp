// Exact population risk between two-layer ReLU networks under a standard Gaussian input.
#include "theory/risk.hpp"

#include <algorithm>

#include "theory/check.hpp"
#include "theory/gaussian.hpp"

namespace reluid::theory {

namespace {

/// Σ_j Σ_k a_j a'_k E[relu(w_jᵀx + b_j) relu(w'_kᵀx + b'_k)] for validated, same-p networks.
double inner_unchecked(const Network& f, const Network& g) {
  double total = 0.0;
  for (arma::uword j = 0; j < f.r(); ++j) {
    const arma::vec u = f.W.col(j);
    for (arma::uword k = 0; k < g.r(); ++k) {
      const arma::vec v = g.W.col(k);
      total += f.a(j) * g.a(k) * relu_cross_moment(u, f.b(j), v, g.b(k));
    }
  }
  return total;
}

void require_same_p(const Network& f, const Network& g, std::string_view where,
                    std::string_view gname) {
  require(g.p() == f.p(), where, std::string(gname) + " must have p = " + quote(f.p()), g.p());
}

}  // namespace

double population_inner(const Network& f, const Network& g) {
  validate(f, "population_inner: f");
  validate(g, "population_inner: g");
  require_same_p(f, g, "population_inner", "g");
  return inner_unchecked(f, g);
}

double population_mean(const Network& f) {
  validate(f, "population_mean");
  double total = 0.0;
  for (arma::uword j = 0; j < f.r(); ++j)
    total += f.a(j) * relu_mean(arma::norm(f.W.col(j)), f.b(j));
  return total;
}

PopulationRisk population_risk(const Network& f, const Network& f_star) {
  validate(f, "population_risk: f");
  validate(f_star, "population_risk: f*");
  require_same_p(f, f_star, "population_risk", "f*");
  PopulationRisk out;
  out.f_sq = inner_unchecked(f, f);
  out.f_star_sq = inner_unchecked(f_star, f_star);
  out.cross = inner_unchecked(f, f_star);
  out.R = std::max(0.0, out.f_sq + out.f_star_sq - 2.0 * out.cross);
  return out;
}

}  // namespace reluid::theory
