// `reluid distance TRUTH.json FIT.json`: permutation-invariant distances and recovery metrics.
#include <cmath>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>

#include "sim/commands.hpp"
#include "theory/check.hpp"
#include "theory/distance.hpp"
#include "theory/io.hpp"

namespace reluid::sim {

namespace {

struct DistanceArgs {
  std::string truth_path;
  std::string fit_path;
  double tau = 0.0;
  bool json = false;
};

std::string list(const arma::uvec& v) {
  std::ostringstream os;
  os << "[";
  for (arma::uword i = 0; i < v.n_elem; ++i) os << (i ? ", " : "") << v(i);
  os << "]";
  return os.str();
}

std::string human_readable(const theory::RecoveryMetrics& m) {
  std::ostringstream os;
  os << std::setprecision(12);
  os << "D1              " << m.D1.value << "\n"
     << "perm_D1         " << list(m.D1.perm) << "\n"
     << "D2              " << m.D2.value << "\n"
     << "perm_D2         " << list(m.D2.perm) << "\n"
     << "  (perm[j] = true neuron matched to fitted neuron j; metrics below use perm_D2)\n"
     << "sign_recovered  " << (m.sign_recovered ? "yes" : "no") << "\n"
     << "eq7_error       " << m.eq7_error << "  (|W - W*P|_F " << m.weight_error
     << " + |b - P'b*|_2 " << m.bias_error << ")\n"
     << "support (tau=" << m.tau << ")  fit " << list(m.support_fit) << ", true "
     << list(m.support_true) << "\n"
     << "TP FP FN        " << m.true_positives << " " << m.false_positives << " "
     << m.false_negatives << "  (exact support: " << (m.exact_support ? "yes" : "no") << ")\n";
  return os.str();
}

void run_distance(const DistanceArgs& args) {
  theory::require(std::isfinite(args.tau) && args.tau >= 0.0, "distance",
                  "--tau must be finite and >= 0", args.tau);
  const theory::Network truth = theory::read_network(args.truth_path);
  const theory::Network fit = theory::read_network(args.fit_path);
  if (fit.p() != truth.p() || fit.r() != truth.r()) {
    theory::fail("distance", args.fit_path + " must have the shape of " + args.truth_path +
                                 ", p = " + std::to_string(truth.p()) +
                                 " and r = " + std::to_string(truth.r()) +
                                 " (got p = " + std::to_string(fit.p()) +
                                 ", r = " + std::to_string(fit.r()) + ")");
  }
  const theory::RecoveryMetrics m = theory::recovery_metrics(fit, truth, args.tau);
  if (args.json) {
    std::cout << theory::to_json(m).dump() << "\n";
  } else {
    std::cout << human_readable(m);
  }
}

}  // namespace

void register_distance(CLI::App& app) {
  auto args = std::make_shared<DistanceArgs>();
  CLI::App* cmd = app.add_subcommand(
      "distance", "Permutation-invariant distances D1, D2 (eqs. 24-26) and recovery metrics");
  cmd->add_option("truth", args->truth_path, "True network (JSON)")->required();
  cmd->add_option("fit", args->fit_path, "Fitted network (JSON), same p and r")->required();
  cmd->add_option("--tau", args->tau, "Support threshold: row i selected if |W_i,.|_2 > tau")
      ->capture_default_str();
  cmd->add_flag("--json", args->json, "Print one JSON object instead of text");
  cmd->callback([args] { run_distance(*args); });
}

}  // namespace reluid::sim
