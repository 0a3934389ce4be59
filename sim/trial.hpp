// One Monte Carlo trial of the ℓ1 estimator: ground truth → data → constrained fit (eq. 4) →
// distances (eqs. 24–26) → certificate. Used by `reluid sweep` (through trial_kind) and
// `reluid trial`.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/certificate.hpp"
#include "sim/sweep.hpp"
#include "solvers/constrained.hpp"
#include "theory/distance.hpp"

namespace reluid::sim {

/// Options of the "l1" method, read from a sweep's `options` table (keys as the member names;
/// unknown keys are errors).
struct L1TrialOptions {
  std::size_t random_starts = 2;    ///< random starts per sign count k
  std::size_t spectral_starts = 1;  ///< 0 or 1 spectral (Stein) start per k
  /// Random starts per k of the screened start's restricted fit (solvers::L1FitOptions); 0 = off.
  std::size_t screened_starts = solvers::L1FitOptions{}.screened_starts;
  arma::uword screen_size = 0;  ///< inputs kept by the screen; 0 = solvers::default_screen_size
  bool pruned_starts = solvers::L1FitOptions{}.pruned_starts;  ///< one pruned start per k
  /// Fresh starts per restricted problem of a pruned start (solvers::L1FitOptions).
  std::size_t pruned_restarts = solvers::L1FitOptions{}.pruned_restarts;
  /// Rows a pruned start's restricted problem may grow by (solvers::L1FitOptions).
  std::size_t pruned_grow = solvers::L1FitOptions{}.pruned_grow;
  /// Fits per sign count a pruned start is run from (solvers::L1FitOptions::pruned_parents).
  std::size_t pruned_parents = solvers::L1FitOptions{}.pruned_parents;
  /// LP budget of the polished starts at σ = 0 (solvers::L1FitOptions::lp_rounds); 0 = off.
  std::size_t lp_rounds = solvers::L1FitOptions{}.lp_rounds;
  /// Polished starts over all p rows (solvers::L1FitOptions::lp_all_rows).
  bool lp_all_rows = solvers::L1FitOptions{}.lp_all_rows;
  /// Screened and all-row polished starts at n ≤ p + 1 (solvers::L1FitOptions::small_n_boost).
  bool small_n_boost = solvers::L1FitOptions{}.small_n_boost;
  /// Split starts (solvers::L1FitOptions::split_starts); off by default.
  bool split_starts = solvers::L1FitOptions{}.split_starts;
  /// LPs a restored start may take (solvers::L1FitOptions::restore_rounds); 0 = off.
  std::size_t restore_rounds = solvers::L1FitOptions{}.restore_rounds;
  /// Restored starts also at n > p + 1 (solvers::L1FitOptions::restore_any_n).
  bool restore_any_n = solvers::L1FitOptions{}.restore_any_n;
  double lp_fill = solvers::L1FitOptions{}.lp_fill;  ///< (solvers::L1FitOptions)
  /// Late random starts per sign count (solvers::L1FitOptions::late_starts); 0 = off.
  std::size_t late_starts = solvers::L1FitOptions{}.late_starts;
  /// Rescue starts when no fit is feasible (solvers::L1FitOptions::rescue_starts); 0 = off.
  std::size_t rescue_starts = solvers::L1FitOptions{}.rescue_starts;
  /// Skip provably infeasible sign counts (solvers::L1FitOptions::skip_bounded_signs); 0 = off.
  bool skip_bounded_signs = solvers::L1FitOptions{}.skip_bounded_signs;
  /// Stagnation stop of the λ path (solvers::ConstrainedOptions::stagnation_window); 0 = off.
  std::size_t stagnation_window = solvers::ConstrainedOptions{}.stagnation_window;
  double noiseless_tol = 1e-6;  ///< σ = 0 target loss, relative to Var(y)
  CertificateOptions
      certificate{};  ///< keys recovery_floor, recovery_per_sigma, l1_rel_tol, probe_rounds
  /// Support threshold τ = tau_floor + tau_per_sigma·σ of Ŝ_τ (Corollary 1).
  double tau_floor = 0.01;
  double tau_per_sigma = 1.0;
};

/// Parses and validates the options object; errors name "options.KEY" and the value.
L1TrialOptions l1_trial_options(const nlohmann::json& options);

/// Everything one trial produced.
struct TrialOutcome {
  theory::Network truth;
  solvers::L1FitResult fit;
  theory::RecoveryMetrics metrics;
  CertificateResult certificate;
  double mu_achieved = 0;
  /// Exact excess test error E[(f̂(x) − f*(x))²] over the trial's input law (theory/risk.hpp):
  /// for Toeplitz inputs x = Lz with Σ = LLᵀ, so both networks are mapped W ↦ LᵀW first.
  double risk = 0;
  /// Its empirical counterpart on the training inputs, Δ_n = (1/n) Σ_i (f̂(x_i) − f*(x_i))²
  /// (noiseless responses; the paper's proof compares the two through its Lemma 3).
  double risk_emp = 0;
  /// Lemma 3's lower isometry at the fit, as reluid reads it: Δ_n ≥ ½·R(f̂, f*). Also true
  /// when both are 0. See README "Checking the theorem".
  bool lemma3_held = false;
  double seconds = 0;
};

/// Runs one trial of `cell` with the "l1" method: truth from Stream::truth, data from
/// Stream::data, solver randomness from Stream::solver (sim/seed.hpp).
TrialOutcome run_l1_trial(const Cell& cell, const L1TrialOptions& options,
                          std::uint64_t master_seed, std::uint64_t trial);

/// Column names of an l1 trial's outcome, and the formatted values of one outcome.
const std::vector<std::string>& l1_trial_columns();
std::vector<std::string> l1_trial_fields(const TrialOutcome& outcome);

}  // namespace reluid::sim
