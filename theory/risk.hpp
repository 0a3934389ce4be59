// Exact population risk R(f, f*) = E[(f(x) − f*(x))²] between two-layer ReLU networks under
// x ~ N(0, I_p), with no sampling error (issue 5).
//
// With y = f*(x) + ξ, ξ independent of x with mean 0 and variance σ², the test error of a fit f is
// E[(y − f(x))²] = σ² + R(f, f*), so R(f, f*) is exactly the excess test error of the fit.
#pragma once

#include "theory/model.hpp"

namespace reluid::theory {

/// E[f(x) g(x)] for x ~ N(0, I_p) = Σ_j Σ_k a_j a'_k E[relu(w_jᵀx + b_j) relu(w'_kᵀx + b'_k)]
/// (each term by relu_cross_moment on the weight vectors, so nearly parallel neurons keep an
/// accurate √(1 − ρ²)). f and g must have the same p; their r may differ.
double population_inner(const Network& f, const Network& g);

/// E[f(x)] for x ~ N(0, I_p) = Σ_j a_j E[relu(w_jᵀx + b_j)].
double population_mean(const Network& f);

/// The population risk and its pieces. R = f_sq + f_star_sq − 2 cross, clamped at 0: when f ≈ f*
/// the subtraction loses absolute accuracy ≈ 1e-15 (f_sq + f_star_sq), and rounding could
/// otherwise make R slightly negative. The pieces are reported unclamped.
struct PopulationRisk {
  double R = 0.0;          ///< E[(f − f*)²]
  double f_sq = 0.0;       ///< E[f²]
  double f_star_sq = 0.0;  ///< E[f*²]
  double cross = 0.0;      ///< E[f f*]
};

/// Exact R(f, f*) with pieces; throws std::invalid_argument if either network is malformed or
/// their p differ ("population_risk: f* must have p = … (got …)").
PopulationRisk population_risk(const Network& f, const Network& f_star);

}  // namespace reluid::theory
