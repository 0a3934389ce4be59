// The trial certificate (issue 3): under bounded noise the ground truth is feasible for eq. (4),
// so a failed trial can be blamed on the optimizer or on the estimator with a proof.
#pragma once

#include <armadillo>
#include <string_view>

#include "theory/distance.hpp"
#include "theory/model.hpp"

namespace reluid::sim {

/// Class of one trial.
///  recovered          every matched sign agrees and D2 ≤ recovery tolerance (CertificateOptions);
///                     signs are required because a mismatch adds only 1 to D2², which a noisy
///                     tolerance may exceed
///  optimizer_failure  not recovered, the truth is feasible, and the best fit found is infeasible
///                     or has ‖Ŵ‖₁ > ‖W*‖₁·(1 + l1_rel_tol): the truth proves the global minimum
///                     of eq. (4) was missed
///  estimator_failure  not recovered, yet the fit is feasible with ‖Ŵ‖₁ ≤ ‖W*‖₁·(1 + l1_rel_tol):
///                     a feasible point at least as sparse as the truth lies far from it, so the
///                     estimator itself does not identify the network at this n
/// Independently of the class, the truth probe (CertificateResult::probe_far) can show that the
/// estimator misses the truth even when the optimizer missed the global minimum too.
///  uncertified        not recovered and the truth is itself infeasible (possible only with
///                     Gaussian noise, whose (1/n)Σξ² may exceed σ²): nothing can be proved
enum class Certificate { recovered, optimizer_failure, estimator_failure, uncertified };

/// "recovered", "optimizer_failure", "estimator_failure", "uncertified".
std::string_view to_string(Certificate c);

/// Tolerances of the certificate.
struct CertificateOptions {
  /// Recovery tolerance on D2 is floor + per_sigma·σ. D2 of the exact minimiser grows like σ
  /// (Theorem 1); the floor absorbs the solver's own tolerance when σ = 0 (the noiseless target
  /// loss is 1e-6·Var(y), which leaves D2 of order 1e-3).
  double floor = 0.1;
  double per_sigma = 10.0;
  /// Relative slack in comparing ‖Ŵ‖₁ with ‖W*‖₁, for the solver's finite tolerances.
  double l1_rel_tol = 1e-3;
  /// Relative slack in the truth's feasibility check (its loss is σ² exactly up to rounding
  /// under bounded noise).
  double feasibility_rel_tol = 1e-9;
  /// LP budget of the truth probe (solvers::polish_pattern_lp from the truth, every residual
  /// within the truth's own: exact interpolation when σ = 0, |ξ_i| under bounded noise); 0 = off.
  std::size_t probe_rounds = 10;
};

/// What the certificate looked at, and its verdict.
struct CertificateResult {
  Certificate verdict = Certificate::uncertified;
  double recovery_tol = 0;  ///< floor + per_sigma·σ
  double l1_fit = 0;        ///< ‖Ŵ‖₁
  double l1_truth = 0;      ///< ‖W*‖₁
  double loss_truth = 0;    ///< training loss of the truth, (1/n)Σ(y − f*(x))²
  bool truth_feasible = false;
  /// The truth probe: the LP descent started at the truth (run when probe_rounds > 0 and the
  /// truth is feasible; NaN otherwise). It can only lower ‖W‖₁, and every residual of its point
  /// stays within the truth's, so the point is feasible for eq. (4) (checked through the ReLU:
  /// probe_feasible).
  double probe_l1 = arma::datum::nan;
  double probe_d2 = arma::datum::nan;  ///< D2(probe point, truth)
  bool probe_feasible = false;
  /// The probe's point is feasible, has ‖W‖₁ ≤ ‖W*‖₁·(1 + l1_rel_tol) and lies beyond the
  /// recovery tolerance: the truth is not a fixed point of the LP descent, and the estimator
  /// does not identify it whatever the optimizer finds (on an optimizer_failure: both failed).
  bool probe_far = false;
};

/// Classifies a fit. metrics: recovery_metrics(fit, truth, ·) (D2 and sign recovery are used);
/// fit_feasible: whether the fit's training loss meets the solver's target; target: that loss
/// level (σ², or the noiseless tolerance when σ = 0); sigma: the σ of the trial. The probe uses
/// the truth and the data only; it informs the certificate, never the fit.
/// X: n × p, one observation per row; y: n values (the training data).
CertificateResult certify(const theory::Network& fit, bool fit_feasible,
                          const theory::RecoveryMetrics& metrics, const theory::Network& truth,
                          const arma::mat& X, const arma::vec& y, double sigma, double target,
                          const CertificateOptions& options = {});

}  // namespace reluid::sim
