// One Monte Carlo trial of the ℓ1 estimator, and the sweep's method registry.
#include "sim/trial.hpp"

#include <chrono>

#include "sim/data.hpp"
#include "sim/results.hpp"
#include "sim/seed.hpp"
#include "sim/truth.hpp"
#include "theory/assumption.hpp"
#include "theory/check.hpp"
#include "theory/risk.hpp"

namespace reluid::sim {

namespace {

double number_option(const nlohmann::json& v, const std::string& key, double lo, double hi) {
  if (!v.is_number()) theory::fail("options." + key, "must be a number (got " + v.dump() + ")");
  const double x = v.get<double>();
  theory::require(std::isfinite(x) && x >= lo && x <= hi, "options." + key,
                  "must be in [" + theory::quote(lo) + ", " + theory::quote(hi) + "]", x);
  return x;
}

std::size_t count_option(const nlohmann::json& v, const std::string& key, std::size_t hi) {
  if (!v.is_number_integer() || v.get<long long>() < 0 ||
      static_cast<std::size_t>(v.get<long long>()) > hi) {
    theory::fail("options." + key,
                 "must be an integer in [0, " + std::to_string(hi) + "] (got " + v.dump() + ")");
  }
  return static_cast<std::size_t>(v.get<long long>());
}

std::string flag(bool b) {
  return b ? "1" : "0";
}

/// E[(f(x) − g(x))²] for x ~ N(0, Σ), Σ_ik = ρ^|i−k| (ρ = 0: the identity).
double input_law_risk(theory::Network f, theory::Network g, double rho) {
  if (rho != 0.0) {
    const arma::uword p = f.p();
    arma::mat Sigma(p, p);
    for (arma::uword i = 0; i < p; ++i) {
      for (arma::uword k = 0; k < p; ++k) {
        Sigma(i, k) = std::pow(rho, static_cast<double>(i > k ? i - k : k - i));
      }
    }
    const arma::mat L = arma::chol(Sigma, "lower");
    f.W = L.t() * f.W;
    g.W = L.t() * g.W;
  }
  return theory::population_risk(f, g).R;
}

}  // namespace

L1TrialOptions l1_trial_options(const nlohmann::json& options) {
  L1TrialOptions o;
  if (options.is_null()) return o;
  if (!options.is_object()) theory::fail("options", "must be a table (got " + options.dump() + ")");
  for (const auto& [key, v] : options.items()) {
    if (key == "random_starts") {
      o.random_starts = count_option(v, key, 1000);
    } else if (key == "spectral_starts") {
      o.spectral_starts = count_option(v, key, 1);
    } else if (key == "screened_starts") {
      o.screened_starts = count_option(v, key, 1000);
    } else if (key == "screen_size") {
      o.screen_size = count_option(v, key, 1000000);
    } else if (key == "pruned_starts") {
      o.pruned_starts = count_option(v, key, 1) == 1;
    } else if (key == "pruned_grow") {
      o.pruned_grow = count_option(v, key, 1000);
    } else if (key == "pruned_parents") {
      o.pruned_parents = count_option(v, key, 1000);
      theory::require(o.pruned_parents >= 1, "options.pruned_parents", "must be >= 1",
                      o.pruned_parents);
    } else if (key == "pruned_restarts") {
      o.pruned_restarts = count_option(v, key, 1000);
    } else if (key == "lp_rounds") {
      o.lp_rounds = count_option(v, key, 100000);
    } else if (key == "small_n_boost") {
      o.small_n_boost = count_option(v, key, 1) == 1;
    } else if (key == "lp_all_rows") {
      o.lp_all_rows = count_option(v, key, 1) == 1;
    } else if (key == "restore_rounds") {
      o.restore_rounds = count_option(v, key, 100000);
    } else if (key == "restore_any_n") {
      o.restore_any_n = count_option(v, key, 1) == 1;
    } else if (key == "late_starts") {
      o.late_starts = count_option(v, key, 1000);
    } else if (key == "rescue_starts") {
      o.rescue_starts = count_option(v, key, 1000);
    } else if (key == "skip_bounded_signs") {
      o.skip_bounded_signs = count_option(v, key, 1) == 1;
    } else if (key == "split_starts") {
      o.split_starts = count_option(v, key, 1) == 1;
    } else if (key == "lp_fill") {
      o.lp_fill = number_option(v, key, 1e-6, 1.0);
    } else if (key == "stagnation_window") {
      o.stagnation_window = count_option(v, key, 1000);
    } else if (key == "noiseless_tol") {
      o.noiseless_tol = number_option(v, key, 1e-16, 1e-1);
    } else if (key == "recovery_floor") {
      o.certificate.floor = number_option(v, key, 0.0, 1e6);
    } else if (key == "recovery_per_sigma") {
      o.certificate.per_sigma = number_option(v, key, 0.0, 1e6);
    } else if (key == "probe_rounds") {
      o.certificate.probe_rounds = count_option(v, key, 100000);
    } else if (key == "l1_rel_tol") {
      o.certificate.l1_rel_tol = number_option(v, key, 0.0, 1.0);
    } else if (key == "tau_floor") {
      o.tau_floor = number_option(v, key, 0.0, 1e6);
    } else if (key == "tau_per_sigma") {
      o.tau_per_sigma = number_option(v, key, 0.0, 1e6);
    } else {
      theory::fail("options", "unknown key \"" + key + "\" for method l1");
    }
  }
  theory::require(o.random_starts + o.spectral_starts + o.screened_starts >= 1,
                  "options.random_starts",
                  "at least one start per sign count is needed (random_starts + spectral_starts "
                  "+ screened_starts)",
                  o.random_starts + o.spectral_starts + o.screened_starts);
  return o;
}

TrialOutcome run_l1_trial(const Cell& cell, const L1TrialOptions& options,
                          std::uint64_t master_seed, std::uint64_t trial) {
  const auto start = std::chrono::steady_clock::now();
  TrialOutcome out;
  auto truth_rng = make_engine(master_seed, cell.id, trial, Stream::truth);
  out.truth = make_truth({.p = static_cast<int>(cell.p),
                          .r = static_cast<int>(cell.r),
                          .s = static_cast<int>(cell.s),
                          .B = cell.B,
                          .bias_bound = cell.bias_bound,
                          .mu = cell.mu},
                         truth_rng);
  out.mu_achieved = theory::coherence(out.truth.W);

  auto data_rng = make_engine(master_seed, cell.id, trial, Stream::data);
  const Dataset data = make_data(out.truth,
                                 {.n = static_cast<int>(cell.n),
                                  .sigma = cell.sigma,
                                  .noise = parse_noise_kind(cell.noise),
                                  .input = parse_input_kind(cell.input),
                                  .rho = cell.rho},
                                 data_rng);

  auto solver_rng = make_engine(master_seed, cell.id, trial, Stream::solver);
  solvers::L1FitOptions fit_options{.r = cell.r,
                                    .spectral_starts = options.spectral_starts,
                                    .random_starts = options.random_starts,
                                    .screened_starts = options.screened_starts,
                                    .screen_size = options.screen_size,
                                    .pruned_starts = options.pruned_starts,
                                    .pruned_restarts = options.pruned_restarts,
                                    .pruned_grow = options.pruned_grow,
                                    .pruned_parents = options.pruned_parents,
                                    .lp_rounds = options.lp_rounds,
                                    .lp_all_rows = options.lp_all_rows,
                                    .small_n_boost = options.small_n_boost,
                                    .split_starts = options.split_starts,
                                    .restore_rounds = options.restore_rounds,
                                    .restore_any_n = options.restore_any_n,
                                    .lp_fill = options.lp_fill,
                                    .late_starts = options.late_starts,
                                    .rescue_starts = options.rescue_starts,
                                    .skip_bounded_signs = options.skip_bounded_signs};
  fit_options.constrained.sigma = cell.sigma;
  fit_options.constrained.noiseless_tol = options.noiseless_tol;
  fit_options.constrained.stagnation_window = options.stagnation_window;
  out.fit = solvers::fit_l1_constrained(data.X, data.y, fit_options, solver_rng);

  const double tau = options.tau_floor + options.tau_per_sigma * cell.sigma;
  out.metrics = theory::recovery_metrics(out.fit.best.fit.net, out.truth, tau);
  out.certificate = certify(out.fit.best.fit.net, out.fit.best.feasible, out.metrics, out.truth,
                            data.X, data.y, cell.sigma, out.fit.best.target, options.certificate);
  out.risk = input_law_risk(out.fit.best.fit.net, out.truth,
                            parse_input_kind(cell.input) == InputKind::toeplitz ? cell.rho : 0.0);
  out.risk_emp =
      arma::mean(arma::square(theory::predict(out.fit.best.fit.net, data.X) - data.f_clean));
  out.lemma3_held = out.risk_emp >= 0.5 * out.risk;
  out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return out;
}

const std::vector<std::string>& l1_trial_columns() {
  static const std::vector<std::string> columns{"certificate",
                                                "success",
                                                "D1",
                                                "D2",
                                                "sign_recovered",
                                                "error_eq7",
                                                "risk",
                                                "risk_emp",
                                                "lemma3_held",
                                                "tp",
                                                "fp",
                                                "fn",
                                                "exact_support",
                                                "l1_fit",
                                                "l1_truth",
                                                "loss",
                                                "loss_truth",
                                                "target",
                                                "slack",
                                                "feasible",
                                                "lambda",
                                                "k_plus",
                                                "k_plus_true",
                                                "solves",
                                                "iterations",
                                                "inner_stop",
                                                "constraint_stop",
                                                "stationarity",
                                                "recovery_tol",
                                                "best_start",
                                                "probe_l1",
                                                "probe_d2",
                                                "probe_far",
                                                "tau",
                                                "mu_achieved",
                                                "seconds"};
  return columns;
}

std::vector<std::string> l1_trial_fields(const TrialOutcome& o) {
  const auto& best = o.fit.best;
  const auto& m = o.metrics;
  const auto& c = o.certificate;
  std::size_t iterations = 0, solves = 0;
  for (const auto& s : o.fit.starts) {
    iterations += s.iterations;
    solves += s.solves;
  }
  return {std::string(to_string(c.verdict)),
          flag(c.verdict == Certificate::recovered),
          format_number(m.D1.value),
          format_number(m.D2.value),
          flag(m.sign_recovered),
          format_number(m.eq7_error),
          format_number(o.risk),
          format_number(o.risk_emp),
          flag(o.lemma3_held),
          std::to_string(m.true_positives),
          std::to_string(m.false_positives),
          std::to_string(m.false_negatives),
          flag(m.exact_support),
          format_number(c.l1_fit),
          format_number(c.l1_truth),
          format_number(best.fit.loss),
          format_number(c.loss_truth),
          format_number(best.target),
          format_number(best.slack),
          flag(best.feasible),
          format_number(best.fit.lambda),
          std::to_string(o.fit.k),
          std::to_string(static_cast<arma::uword>(arma::accu(o.truth.a > 0.0))),
          std::to_string(solves),
          std::to_string(iterations),
          std::string(solvers::to_string(best.fit.stop)),
          std::string(solvers::to_string(best.stop)),
          format_number(best.fit.stationarity),
          format_number(c.recovery_tol),
          std::string(solvers::to_string(o.fit.starts.at(o.fit.best_start).kind)),
          format_number(c.probe_l1),
          format_number(c.probe_d2),
          flag(c.probe_far),
          format_number(m.tau),
          format_number(o.mu_achieved),
          format_number(o.seconds)};
}

TrialKind trial_kind(const std::string& method) {
  if (method == "l1") {
    return TrialKind{
        .columns = l1_trial_columns(),
        .run =
            [](const Cell& cell, std::uint64_t master_seed, std::uint64_t trial) {
              return l1_trial_fields(
                  run_l1_trial(cell, l1_trial_options(cell.method_options), master_seed, trial));
            },
        .check_options = [](const nlohmann::json& options) { l1_trial_options(options); }};
  }
  theory::fail("method", "unknown method (got " + method + "); available: l1");
}

}  // namespace reluid::sim
