// Permutation-invariant distances between a fitted and a true network (paper eqs. 24–26) and the
// recovery metrics reported per trial: sign recovery, the eq. (7) error, support TP/FP/FN.
//
// Conventions (used throughout):
//  * Neurons are compared as (w_j, a_j, b_j) triples; a is never differenced, it only decides
//    which branch of d1 / d2 applies.
//  * perm[j] = index of the TRUE neuron matched to FITTED neuron j. In matrix form Π has
//    Π(k, j) = 1 iff k = perm[j], so W*Π = W*.cols(perm) lines the true neurons up with Ŵ.
//  * A sign mismatch costs the whole neuron (the paper's convention, as specified in the issue:
//    the fitted neuron cannot be a perturbation of a true one with the opposite output sign).
//    NOTE: the definitions below follow the issue text; they were not checked against the paper's
//    own text (only its abstract was reachable).
#pragma once

#include <armadillo>
#include <nlohmann/json.hpp>

#include "theory/model.hpp"

namespace reluid::theory {

/// Per-neuron ℓ1 distance, eq. (24): fitted neuron j of `fit` vs true neuron k of `truth`.
///   a_j = a*_k:  d1 = ‖w_j − w*_k‖₁ + |b_j − b*_k|
///   a_j ≠ a*_k:  d1 = ‖w_j‖₁ + ‖w*_k‖₁ + |b_j| + |b*_k|
double neuron_d1(const Network& fit, arma::uword j, const Network& truth, arma::uword k);

/// Squared per-neuron ℓ2 distance, eq. (25):
///   a_j = a*_k:  d2² = ‖w_j − w*_k‖₂² + |b_j − b*_k|²
///   a_j ≠ a*_k:  d2² = 1 (d2 = 1; the paper's convention for a sign mismatch)
double neuron_d2_squared(const Network& fit, arma::uword j, const Network& truth, arma::uword k);

/// r × r cost matrices M(j, k) = neuron_d1(fit, j, truth, k), resp. neuron_d2_squared.
/// Both networks are validated and must have the same p and r.
arma::mat d1_matrix(const Network& fit, const Network& truth);
arma::mat d2_squared_matrix(const Network& fit, const Network& truth);

/// A distance and the matching that attains it (perm as in the file comment).
struct Matching {
  double value = 0.0;
  arma::uvec perm;
};

/// D1 = min_π Σ_j d1(j, π(j)), eq. (26), solved exactly (theory::solve_assignment).
Matching distance_d1(const Network& fit, const Network& truth);

/// D2 = sqrt(min_π Σ_j d2²(j, π(j))), eq. (26). Reported as the square root of the minimised sum
/// so that it is on the scale of ‖(Ŵ; b̂ᵀ) − (W*Π; b*ᵀΠ)‖_F when every matched sign agrees.
Matching distance_d2(const Network& fit, const Network& truth);

/// Everything one trial reports about how well `fit` recovers `truth`.
struct RecoveryMetrics {
  Matching D1;                  ///< eq. (26), ℓ1 version, with its own optimal matching
  Matching D2;                  ///< eq. (26), ℓ2 version; the metrics below use D2.perm
  bool sign_recovered = false;  ///< a_j = a*_{perm[j]} for every j (under D2.perm)
  double weight_error = 0.0;    ///< ‖Ŵ − W*Π‖_F (under D2.perm)
  double bias_error = 0.0;  ///< ‖b̂ − Πᵀb*‖₂, i.e. sqrt(Σ_j (b̂_j − b*_{perm[j]})²)
  double eq7_error = 0.0;   ///< weight_error + bias_error, the error of eq. (7)
  double tau = 0.0;         ///< threshold of the support estimate
  arma::uvec support_fit;   ///< Ŝ_τ = {i : ‖Ŵ_i,·‖₂ > τ} (theory::support), ascending
  arma::uvec support_true;          ///< S* = {i : W*_i,· ≠ 0}, ascending
  arma::uword true_positives = 0;   ///< |Ŝ_τ ∩ S*|
  arma::uword false_positives = 0;  ///< |Ŝ_τ \ S*|
  arma::uword false_negatives = 0;  ///< |S* \ Ŝ_τ|
  bool exact_support = false;       ///< Ŝ_τ = S*
};

/// Computes D1, D2 and, under the D2-optimal matching, the sign, eq. (7) and support metrics.
/// fit and truth must be valid networks with the same p and r; tau must be finite and ≥ 0.
RecoveryMetrics recovery_metrics(const Network& fit, const Network& truth, double tau);

/// One JSON object with every field of m (keys as the member names; D1/D2 as numbers, their
/// matchings as "perm_D1"/"perm_D2"). Doubles survive a dump/parse round trip exactly.
nlohmann::json to_json(const RecoveryMetrics& m);

}  // namespace reluid::theory
