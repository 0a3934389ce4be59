// `reluid fit DATA.csv --sigma S --r R --out FIT.json`: the constrained ℓ1 fit (eq. 4) of a CSV.
#include <cmath>
#include <cstdint>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/commands.hpp"
#include "sim/csv.hpp"
#include "sim/seed.hpp"
#include "solvers/constrained.hpp"
#include "theory/check.hpp"
#include "theory/io.hpp"

namespace reluid::sim {

namespace {

struct FitArgs {
  std::string data;
  std::string out;
  double sigma = -1.0;
  int r = 0;
  std::uint64_t seed = 1;
  int random_starts = 2;
  int spectral_starts = 1;
};

void run_fit(const FitArgs& args) {
  constexpr std::string_view where = "fit";
  theory::require(std::isfinite(args.sigma) && args.sigma >= 0.0, where,
                  "--sigma must be finite and >= 0", args.sigma);
  theory::require(args.r >= 1, where, "--r must be >= 1", args.r);
  theory::require(args.random_starts >= 0, where, "--random-starts must be >= 0",
                  args.random_starts);
  theory::require(args.spectral_starts == 0 || args.spectral_starts == 1, where,
                  "--spectral-starts must be 0 or 1", args.spectral_starts);
  const CsvData data = read_csv_data(args.data);
  auto rng = make_engine(args.seed, 0, 0, Stream::solver);
  solvers::L1FitOptions options{.r = static_cast<arma::uword>(args.r),
                                .spectral_starts = static_cast<std::size_t>(args.spectral_starts),
                                .random_starts = static_cast<std::size_t>(args.random_starts)};
  options.constrained.sigma = args.sigma;
  const solvers::L1FitResult fit = solvers::fit_l1_constrained(data.X, data.y, options, rng);

  nlohmann::json starts = nlohmann::json::array();
  for (const auto& s : fit.starts) {
    starts.push_back({{"k", s.k},
                      {"kind", std::string(solvers::to_string(s.kind))},
                      {"index", s.index},
                      {"lambda", s.lambda},
                      {"loss", s.loss},
                      {"l1", s.l1},
                      {"slack", s.slack},
                      {"feasible", s.feasible},
                      {"stop", std::string(solvers::to_string(s.stop))},
                      {"inner_stop", std::string(solvers::to_string(s.inner_stop))},
                      {"stationarity", s.stationarity},
                      {"solves", s.solves},
                      {"iterations", s.iterations}});
  }
  const auto& best = fit.best;
  const nlohmann::json meta = {{"command", "fit"},
                               {"data", args.data},
                               {"n", data.X.n_rows},
                               {"sigma", args.sigma},
                               {"seed", args.seed},
                               {"target_loss", best.target},
                               {"loss", best.fit.loss},
                               {"l1", best.fit.l1},
                               {"lambda", best.fit.lambda},
                               {"slack", best.slack},
                               {"feasible", best.feasible},
                               {"stop", std::string(solvers::to_string(best.stop))},
                               {"inner_stop", std::string(solvers::to_string(best.fit.stop))},
                               {"stationarity", best.fit.stationarity},
                               {"k", fit.k},
                               {"best_start", fit.best_start},
                               {"starts", starts},
                               {"skipped_signs", fit.skipped}};
  theory::write_network(args.out, best.fit.net, meta);
  std::cout << "fit: n = " << data.X.n_rows << ", p = " << data.X.n_cols << ", r = " << args.r
            << ", k = " << fit.k << ", loss = " << best.fit.loss << " (target " << best.target
            << ", " << solvers::to_string(best.stop) << "), |W|_1 = " << best.fit.l1
            << ", lambda = " << best.fit.lambda << " -> " << args.out << "\n";
}

}  // namespace

void register_fit(CLI::App& app) {
  auto args = std::make_shared<FitArgs>();
  CLI::App* cmd =
      app.add_subcommand("fit", "Constrained l1 fit of a two-layer ReLU network (eq. 4)");
  cmd->add_option("data", args->data, "CSV with header x1,...,xp,y")->required();
  cmd->add_option("--sigma", args->sigma, "constraint level: mean squared residual <= sigma^2")
      ->required();
  cmd->add_option("--r", args->r, "hidden neurons")->required();
  cmd->add_option("--seed", args->seed, "seed of the solver's random starts");
  cmd->add_option("--random-starts", args->random_starts, "random starts per sign count");
  cmd->add_option("--spectral-starts", args->spectral_starts,
                  "spectral starts per sign count (0/1)");
  cmd->add_option("--out", args->out, "output network JSON")->required();
  cmd->callback([args] { run_fit(*args); });
}

}  // namespace reluid::sim
