// `reluid theory TRUTH.json`: the theorem's quantities for a ground truth (issue 5): Assumption 1
// report, an upper estimate of ψ (eq. 15) and the two sample-requirement shapes.
#include <cmath>
#include <cstdint>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "sim/commands.hpp"
#include "sim/seed.hpp"
#include "theory/assumption.hpp"
#include "theory/check.hpp"
#include "theory/io.hpp"
#include "theory/psi.hpp"

namespace reluid::sim {

namespace {

struct TheoryArgs {
  std::string truth_path;
  double delta = 0.05;
  double radius = 1.0;
  std::uint64_t seed = 1;
  std::string output;
  bool json = false;
};

void run_theory(const TheoryArgs& args) {
  theory::require(std::isfinite(args.delta) && args.delta > 0.0 && args.delta < 1.0, "theory",
                  "--delta must be in (0, 1)", args.delta);
  const theory::Network truth = theory::read_network(args.truth_path);
  const theory::AssumptionReport rep = theory::assumption_report(truth);
  theory::Engine rng = make_engine(args.seed, 0, 0, Stream::solver);
  theory::require(std::isfinite(args.radius) && args.radius >= 1.0, "theory",
                  "--radius must be finite and >= 1 (the largest default scale)", args.radius);
  const theory::PsiEstimate psi = theory::estimate_psi(truth, {.radius = args.radius}, rng);
  const double req2 = theory::requirement_assumption2(rep.s, rep.r, rep.p, args.delta, psi.psi);
  const double req3 = theory::requirement_assumption3(rep.s, rep.r, rep.p, args.delta);

  std::string text;
  if (args.json) {
    // ω = +∞ (r = 1 or orthogonal neurons) is written as null: JSON has no infinity.
    const nlohmann::json j = {
        {"truth", args.truth_path},
        {"p", rep.p},
        {"r", rep.r},
        {"s", rep.s},
        {"B", rep.B},
        {"mu", rep.mu},
        {"omega", std::isfinite(rep.omega) ? nlohmann::json(rep.omega) : nlohmann::json(nullptr)},
        {"psi_hat", psi.psi},
        {"psi_note", "upper estimate: smallest R/D2^2 found over perturbed networks"},
        {"psi_R", psi.R},
        {"psi_D2", psi.D2},
        {"psi_evaluations", psi.evaluations},
        {"psi_radius", args.radius},
        {"seed", args.seed},
        {"delta", args.delta},
        {"requirement_assumption2", req2},
        {"requirement_assumption3", req3}};
    text = j.dump() + "\n";
  } else {
    std::ostringstream os;
    os.precision(6);
    os << "truth: " << args.truth_path << "\n"
       << "p = " << rep.p << ", r = " << rep.r << ", s = " << rep.s << "\n"
       << "B = " << rep.B << "\n"
       << "mu = " << rep.mu << " (coherence max_{j!=k} |cos(w_j, w_k)|)\n"
       << "omega = " << rep.omega << " (-log mu / log r)\n"
       << "psi_hat = " << psi.psi << " (upper estimate of psi, eq. 15: smallest R/D2^2 found in "
       << psi.evaluations << " candidates with D2 <= " << args.radius << "; there R = " << psi.R
       << ", D2 = " << psi.D2 << ")\n"
       << "s^3 r^3 log^4(p/delta) / psi_hat = " << req2
       << " (Assumption 2 shape, delta = " << args.delta << ", no constant)\n"
       << "s^3 r^13 log^4(p/delta) = " << req3 << " (Assumption 3 shape, no constant)\n";
    text = os.str();
  }
  if (args.output.empty()) {
    std::cout << text;
  } else {
    theory::write_text_atomic(args.output, text);
  }
}

}  // namespace

void register_theory(CLI::App& app) {
  auto args = std::make_shared<TheoryArgs>();
  CLI::App* cmd = app.add_subcommand(
      "theory",
      "Theorem's quantities of a ground truth: B, mu, omega, an upper estimate of psi "
      "(eq. 15) and the sample-requirement shapes");
  cmd->add_option("truth", args->truth_path, "Ground-truth network (JSON)")->required();
  cmd->add_option("--delta", args->delta, "Failure probability delta in (0, 1)")
      ->capture_default_str();
  cmd->add_option("--radius", args->radius,
                  "Search radius of the psi estimate: candidates have D2 <= radius (>= 1)")
      ->capture_default_str();
  cmd->add_option("--seed", args->seed, "Seed of the psi search")->capture_default_str();
  cmd->add_flag("--json", args->json, "Print one JSON object");
  cmd->add_option("-o,--output", args->output, "Write to this file (atomically) instead of stdout");
  cmd->callback([args] { run_theory(*args); });
}

}  // namespace reluid::sim
