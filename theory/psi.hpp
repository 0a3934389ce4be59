// The theorem's quantities of issue 5: an estimate of ψ (paper eq. 15) and the right-hand sides
// of the sample-size requirements, up to their unknown constants.
#pragma once

#include <armadillo>
#include <vector>

#include "theory/model.hpp"
#include "theory/random.hpp"

namespace reluid::theory {

/// Search budget of estimate_psi. Candidates are f* + t·d for unit directions d on the rows of W
/// in the support plus `extra_rows` random off-support rows, and on b (signs a are kept).
struct PsiOptions {
  arma::uword directions = 48;                               ///< random Gaussian directions
  std::vector<double> scales = {1e-3, 1e-2, 0.1, 0.3, 1.0};  ///< the grid of t (all > 0)
  arma::uword extra_rows = 4;     ///< off-support rows also perturbed (capped at p − s)
  arma::uword refine_iter = 300;  ///< random-search descent steps from the best candidate
  /// Search radius: only perturbations with ‖(ΔW; Δbᵀ)‖_F ≤ radius (hence D2 ≤ radius) are
  /// candidates. Needed: without a bound the ratio tends to 0 (drive a b_j → −∞ so that neuron
  /// is off: R stays ≤ E[f*²] while D2 → ∞), so ψ is only meaningful on a bounded set.
  /// Every scale must be ≤ radius.
  double radius = 1.0;
};

/// The smallest ratio R(f, f*) / D2(f, f*)² found, and where.
/// ψ of eq. (15) is the infimum of that ratio (here over the ball of PsiOptions::radius around
/// f*, signs kept), so `psi` is an UPPER estimate of ψ: it is attained by `minimiser`, and the
/// true infimum can only be smaller.
struct PsiEstimate {
  double psi = 0.0;             ///< R / D2² at `minimiser`
  Network minimiser;            ///< the perturbed network attaining `psi`
  double D2 = 0.0;              ///< D2(minimiser, truth) (theory::distance_d2)
  double R = 0.0;               ///< R(minimiser, truth) (theory::population_risk)
  arma::uword evaluations = 0;  ///< how many candidates were evaluated
};

/// Estimates ψ for the ground truth `truth` (W must have nonzero columns: see coherence).
/// Same seed and options give the same result. Candidate sets are nested: the directions are
/// drawn from one sub-stream and the refinement from another (both seeded from two draws of
/// `rng`), so with refine_iter = 0 more directions, and with fixed directions more refinement
/// steps, never increase the estimate.
PsiEstimate estimate_psi(const Network& truth, const PsiOptions& options, Engine& rng);

/// Assumption 2 form of the theorem's sample requirement, without its constant:
/// s³ r³ log⁴(p/δ) / ψ. Requires s, r, p ≥ 1, δ ∈ (0, 1), ψ > 0 finite.
double requirement_assumption2(arma::uword s, arma::uword r, arma::uword p, double delta,
                               double psi);

/// Assumption 3 form, without its constant: s³ r¹³ log⁴(p/δ). Same requirements on s, r, p, δ.
double requirement_assumption3(arma::uword s, arma::uword r, arma::uword p, double delta);

}  // namespace reluid::theory
