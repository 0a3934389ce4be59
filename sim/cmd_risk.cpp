// `reluid risk A.json B.json`: exact population risk E[(f(x) − f*(x))²] under x ~ N(0, I_p).
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "sim/commands.hpp"
#include "theory/check.hpp"
#include "theory/io.hpp"
#include "theory/risk.hpp"

namespace reluid::sim {

namespace {

struct RiskArgs {
  std::string f_path;
  std::string f_star_path;
  std::string output;
  bool json = false;
};

void run_risk(const RiskArgs& args) {
  const theory::Network f = theory::read_network(args.f_path);
  const theory::Network f_star = theory::read_network(args.f_star_path);
  if (f.p() != f_star.p()) {
    theory::fail("risk", args.f_star_path + " must have the p of " + args.f_path + ", p = " +
                             std::to_string(f.p()) + " (got " + std::to_string(f_star.p()) + ")");
  }
  const theory::PopulationRisk risk = theory::population_risk(f, f_star);
  std::string text;
  if (args.json) {
    const nlohmann::json j = {{"R", risk.R},
                              {"E_f2", risk.f_sq},
                              {"E_fstar2", risk.f_star_sq},
                              {"E_f_fstar", risk.cross},
                              {"f", args.f_path},
                              {"f_star", args.f_star_path}};
    text = j.dump() + "\n";
  } else {
    text = theory::quote(risk.R) + "\n";
  }
  if (args.output.empty()) {
    std::cout << text;
  } else {
    theory::write_text_atomic(args.output, text);
  }
}

}  // namespace

void register_risk(CLI::App& app) {
  auto args = std::make_shared<RiskArgs>();
  CLI::App* cmd = app.add_subcommand(
      "risk", "Exact population risk R(f, f*) = E[(f(x) - f*(x))^2], x ~ N(0, I_p) (no sampling)");
  cmd->add_option("f", args->f_path, "First network f (JSON), e.g. a fit")->required();
  cmd->add_option("f_star", args->f_star_path, "Second network f* (JSON), same p, any r")
      ->required();
  cmd->add_flag("--json", args->json,
                "Print {R, E_f2, E_fstar2, E_f_fstar} as one JSON object instead of R alone");
  cmd->add_option("-o,--output", args->output, "Write to this file (atomically) instead of stdout");
  cmd->callback([args] { run_risk(*args); });
}

}  // namespace reluid::sim
