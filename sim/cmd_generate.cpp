// `reluid generate`: draw a ground-truth network (Assumption 1 by construction), write it as JSON,
// and optionally a CSV data set drawn from it.
#include <cmath>
#include <cstdint>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/commands.hpp"
#include "sim/data.hpp"
#include "sim/provenance.hpp"
#include "sim/seed.hpp"
#include "sim/truth.hpp"
#include "theory/assumption.hpp"
#include "theory/check.hpp"
#include "theory/io.hpp"

namespace reluid::sim {

namespace {

struct GenerateArgs {
  TruthOptions truth;
  std::uint64_t seed = 1;
  std::string out;
  int data_n = 0;
  double sigma = 0.0;
  std::string noise = "bounded";
  std::string input = "gaussian";
  double rho = 0.0;
  std::string data_out;
};

void run_generate(const GenerateArgs& args, const CLI::App& cmd) {
  constexpr const char* where = "generate";
  const bool wants_data = !args.data_out.empty();
  for (const char* name : {"--data-n", "--sigma", "--noise", "--input", "--rho"}) {
    if (!wants_data && cmd.count(name) > 0) {
      theory::fail(where, std::string(name) + " needs --data-out (the CSV file to write)");
    }
  }
  DataOptions data_opt{.n = args.data_n,
                       .sigma = args.sigma,
                       .noise = parse_noise_kind(args.noise, "generate: --noise"),
                       .input = parse_input_kind(args.input, "generate: --input"),
                       .rho = args.rho};
  validate(args.truth);
  if (wants_data) {
    theory::require(cmd.count("--data-n") == 1, where, "--data-out needs --data-n N",
                    args.data_out);
    validate(data_opt);
  }

  auto rng = make_engine(args.seed, 0, 0, Stream::truth);
  const theory::Network net = make_truth(args.truth, rng);
  const double mu = theory::coherence(net.W);
  const double omega = theory::angle_exponent(mu, net.r());

  const TruthOptions& t = args.truth;
  nlohmann::json meta = {
      {"generator", "reluid generate"},
      {"reluid_version", RELUID_VERSION},
      {"git_commit", build_info().at("git_commit")},
      {"seed", args.seed},
      {"stream", "make_engine(seed, 0, 0, truth)"},
      {"options",
       {{"p", t.p},
        {"r", t.r},
        {"s", t.s},
        {"B", t.B},
        {"bias_bound", t.bias_bound},
        {"mu", t.mu},
        {"positive", t.positive}}},
      {"achieved_mu", mu},
      // +∞ (orthogonal neurons or r = 1) has no JSON number: stored as null.
      {"omega", std::isfinite(omega) ? nlohmann::json(omega) : nlohmann::json(nullptr)},
  };
  theory::write_network(args.out, net, meta);
  std::cout << std::setprecision(6) << "generate: p = " << net.p() << ", r = " << net.r()
            << ", s = " << t.s << ", mu = " << mu << " (bound " << t.mu << "), omega = " << omega
            << " -> " << args.out << "\n";

  if (wants_data) {
    auto data_rng = make_engine(args.seed, 0, 0, Stream::data);
    const Dataset d = make_data(net, data_opt, data_rng);
    write_data_csv(args.data_out, d.X, d.y);
    std::cout << "generate: n = " << d.X.n_rows << ", sigma = " << data_opt.sigma << " ("
              << to_string(data_opt.noise) << " noise, " << to_string(data_opt.input)
              << " inputs) -> " << args.data_out << "\n";
  }
}

}  // namespace

void register_generate(CLI::App& app) {
  auto args = std::make_shared<GenerateArgs>();
  CLI::App* cmd = app.add_subcommand(
      "generate",
      "Draw a sparse ground-truth network satisfying Assumption 1 (angle condition by "
      "construction) and write it as JSON; optionally a CSV data set from it");
  TruthOptions& t = args->truth;
  cmd->add_option("--p", t.p, "input dimension")->capture_default_str();
  cmd->add_option("--r", t.r, "hidden neurons")->capture_default_str();
  cmd->add_option("--s", t.s, "support size (rows of W that are non-zero), r <= s <= p")
      ->capture_default_str();
  cmd->add_option("--B", t.B, "column norms ||w_j|| uniform in [1, B]")->capture_default_str();
  cmd->add_option("--bias-bound", t.bias_bound, "biases uniform in [-bias_bound, bias_bound]")
      ->capture_default_str();
  cmd->add_option("--mu", t.mu, "bound on max |cos(w_j, w_k)|, in [0, 1]")->capture_default_str();
  cmd->add_option("--positive", t.positive, "number of signs a_j = +1; -1 = ceil(r/2)")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "master seed")->capture_default_str();
  cmd->add_option("--out", args->out, "network JSON file to write")->required();
  cmd->add_option("--data-n", args->data_n, "samples in the optional CSV data set");
  cmd->add_option("--sigma", args->sigma, "noise level of the data set")->capture_default_str();
  cmd->add_option("--noise", args->noise, "bounded (eq. 3, exact RMS sigma) or gaussian")
      ->capture_default_str();
  cmd->add_option("--input", args->input, "gaussian or toeplitz inputs")->capture_default_str();
  cmd->add_option("--rho", args->rho, "Toeplitz correlation rho^|i-k|, |rho| < 1")
      ->capture_default_str();
  cmd->add_option("--data-out", args->data_out, "CSV file (header x1..xp,y) to write");
  cmd->callback([args, cmd] { run_generate(*args, *cmd); });
}

}  // namespace reluid::sim
