// `reluid trial`: generate one instance, fit it with the constrained ℓ1 estimator (eq. 4), and
// print the recovery metrics and the certificate class.
#include <iostream>

#include "sim/commands.hpp"
#include "sim/results.hpp"
#include "sim/trial.hpp"
#include "solvers/constrained.hpp"
#include "theory/check.hpp"
#include "theory/distance.hpp"
#include "theory/io.hpp"

namespace reluid::sim {

namespace {

struct TrialArgs {
  std::uint64_t n = 400, p = 100, s = 6, r = 3, seed = 1, cell = 0, trial = 0;
  double sigma = 0, mu = 0.5, B = 2, bias_bound = 1, rho = 0;
  std::string noise = "bounded", input = "gaussian", options = "{}", truth_out, fit_out;
  bool json = false;
};

void run(const TrialArgs& args) {
  nlohmann::json options;
  try {
    options = nlohmann::json::parse(args.options);
  } catch (const nlohmann::json::exception&) {
    theory::fail("--options", "must be a JSON object (got " + args.options + ")");
  }
  // The same validation as a one-cell sweep, so `trial` and `sweep` accept the same values.
  nlohmann::json config{{"n", args.n},         {"p", args.p},
                        {"s", args.s},         {"r", args.r},
                        {"sigma", args.sigma}, {"mu", args.mu},
                        {"B", args.B},         {"bias_bound", args.bias_bound},
                        {"noise", args.noise}, {"input", args.input},
                        {"rho", args.rho},     {"method", "l1"},
                        {"options", options},  {"trials", args.trial + 1},
                        {"seed", args.seed}};
  const std::vector<Cell> cells = make_cells(config_from_json(config));
  Cell cell = cells.front();
  cell.id = args.cell;  // seeds only: re-runs row (cell, trial) of a sweep with these parameters
  const TrialOutcome out =
      run_l1_trial(cell, l1_trial_options(cell.method_options), args.seed, args.trial);
  if (!args.truth_out.empty()) theory::write_network(args.truth_out, out.truth);
  if (!args.fit_out.empty()) theory::write_network(args.fit_out, out.fit.best.fit.net);

  const auto& columns = l1_trial_columns();
  const auto fields = l1_trial_fields(out);
  if (args.json) {
    nlohmann::json j = nlohmann::json::object();
    for (std::size_t i = 0; i < columns.size(); ++i) j[columns[i]] = fields[i];
    j["metrics"] = theory::to_json(out.metrics);
    nlohmann::json starts = nlohmann::json::array();
    for (const auto& s : out.fit.starts) {
      starts.push_back({{"k", s.k},
                        {"kind", solvers::to_string(s.kind)},
                        {"index", s.index},
                        {"feasible", s.feasible},
                        {"l1", s.l1},
                        {"loss", s.loss},
                        {"lambda", s.lambda},
                        {"constraint_stop", solvers::to_string(s.stop)},
                        {"iterations", s.iterations}});
    }
    j["starts"] = std::move(starts);
    j["skipped_signs"] = out.fit.skipped;
    std::cout << j.dump(1) << "\n";
    return;
  }
  std::cout << "trial " << args.trial << " of cell " << args.cell << ", seed " << args.seed
            << ": n = " << cell.n << ", p = " << cell.p << ", s = " << cell.s << ", r = " << cell.r
            << ", sigma = " << format_number(cell.sigma) << ", mu = " << format_number(cell.mu)
            << "\n";
  for (std::size_t i = 0; i < columns.size(); ++i) {
    std::cout << "  " << columns[i]
              << std::string(columns[i].size() < 16 ? 16 - columns[i].size() : 1, ' ') << fields[i]
              << "\n";
  }
  if (!out.fit.skipped.empty()) {
    std::cout << "  sign counts skipped (loss bound above the target):";
    for (const arma::uword k : out.fit.skipped) std::cout << " " << k;
    std::cout << "\n";
  }
  std::cout << "  starts (k kind index: feasible l1 loss):\n";
  for (const auto& s : out.fit.starts) {
    std::cout << "    " << s.k << " " << solvers::to_string(s.kind) << " " << s.index << ": "
              << (s.feasible ? "feasible" : "infeasible") << " " << format_number(s.l1) << " "
              << format_number(s.loss) << "\n";
  }
}

}  // namespace

void register_trial(CLI::App& app) {
  auto args = std::make_shared<TrialArgs>();
  auto* cmd = app.add_subcommand("trial",
                                 "Generate one instance, fit eq. (4), print metrics and "
                                 "the certificate class");
  cmd->add_option("--n", args->n, "samples")->capture_default_str();
  cmd->add_option("--p", args->p, "inputs")->capture_default_str();
  cmd->add_option("--s", args->s, "support size")->capture_default_str();
  cmd->add_option("--r", args->r, "neurons")->capture_default_str();
  cmd->add_option("--sigma", args->sigma, "noise level (eq. 3)")->capture_default_str();
  cmd->add_option("--mu", args->mu, "coherence bound")->capture_default_str();
  cmd->add_option("--B", args->B, "norm bound")->capture_default_str();
  cmd->add_option("--bias-bound", args->bias_bound, "|b_j| bound")->capture_default_str();
  cmd->add_option("--noise", args->noise, "bounded | gaussian")->capture_default_str();
  cmd->add_option("--input", args->input, "gaussian | toeplitz")->capture_default_str();
  cmd->add_option("--rho", args->rho, "Toeplitz correlation")->capture_default_str();
  cmd->add_option("--seed", args->seed, "master seed")->capture_default_str();
  cmd->add_option("--cell", args->cell,
                  "cell index for seeding: with a sweep row's parameters, cell and trial this "
                  "re-runs that row")
      ->capture_default_str();
  cmd->add_option("--trial", args->trial, "trial index")->capture_default_str();
  cmd->add_option("--options", args->options,
                  "method options as JSON, e.g. "
                  "'{\"random_starts\":4}'")
      ->capture_default_str();
  cmd->add_option("--truth-out", args->truth_out, "write the ground truth here");
  cmd->add_option("--fit-out", args->fit_out, "write the fitted network here");
  cmd->add_flag("--json", args->json, "print one JSON object");
  cmd->callback([args] { run(*args); });
}

}  // namespace reluid::sim
