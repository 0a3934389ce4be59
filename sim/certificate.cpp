// Trial certificate: recovered / optimizer_failure / estimator_failure / uncertified.
#include "sim/certificate.hpp"

#include "solvers/pattern_lp.hpp"
#include "theory/check.hpp"

namespace reluid::sim {

std::string_view to_string(Certificate c) {
  switch (c) {
    case Certificate::recovered:
      return "recovered";
    case Certificate::optimizer_failure:
      return "optimizer_failure";
    case Certificate::estimator_failure:
      return "estimator_failure";
    case Certificate::uncertified:
      return "uncertified";
  }
  return "unknown";
}

CertificateResult certify(const theory::Network& fit, bool fit_feasible,
                          const theory::RecoveryMetrics& metrics, const theory::Network& truth,
                          const arma::mat& X, const arma::vec& y, double sigma, double target,
                          const CertificateOptions& options) {
  theory::require(sigma >= 0.0 && std::isfinite(sigma), "certify", "sigma must be finite and >= 0",
                  sigma);
  theory::require(target >= 0.0 && std::isfinite(target), "certify",
                  "target must be finite and >= 0", target);
  const double D2 = metrics.D2.value;
  theory::require(std::isfinite(D2) && D2 >= 0.0, "certify", "D2 must be finite and >= 0", D2);
  CertificateResult out;
  out.recovery_tol = options.floor + options.per_sigma * sigma;
  out.l1_fit = theory::l1_norm(fit.W);
  out.l1_truth = theory::l1_norm(truth.W);
  const arma::vec residual_truth = y - theory::predict(truth, X);
  out.loss_truth = arma::mean(arma::square(residual_truth));
  out.truth_feasible = out.loss_truth <= target * (1.0 + options.feasibility_rel_tol);
  if (metrics.sign_recovered && D2 <= out.recovery_tol) {
    out.verdict = Certificate::recovered;
  } else if (!out.truth_feasible) {
    out.verdict = Certificate::uncertified;
  } else if (!fit_feasible || out.l1_fit > out.l1_truth * (1.0 + options.l1_rel_tol)) {
    out.verdict = Certificate::optimizer_failure;
  } else {
    out.verdict = Certificate::estimator_failure;
  }
  if (options.probe_rounds > 0 && out.truth_feasible) {
    // Within the truth's own residuals, shrunk by 1e-5 so that GLPK's feasibility tolerance
    // (~1e-7) cannot push the loss above the truth's: exact interpolation when σ = 0.
    const arma::vec delta = (1.0 - 1e-5) * arma::abs(residual_truth);
    const auto probe =
        solvers::polish_pattern_lp(X, y, truth, delta, {.max_rounds = options.probe_rounds});
    out.probe_l1 = probe.l1;
    out.probe_d2 = theory::distance_d2(probe.net, truth).value;
    out.probe_feasible = probe.loss <= target * (1.0 + options.feasibility_rel_tol);
    out.probe_far = out.probe_feasible && out.probe_d2 > out.recovery_tol &&
                    out.probe_l1 <= out.l1_truth * (1.0 + options.l1_rel_tol);
  }
  return out;
}

}  // namespace reluid::sim
