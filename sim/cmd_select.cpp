// `reluid select DATA.csv --response NAME [--method M] [--k K]`: variable importances and the
// selected variables of a user's data set (issue 6).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/commands.hpp"
#include "sim/csv.hpp"
#include "sim/seed.hpp"
#include "solvers/gmm_split.hpp"
#include "solvers/lasso.hpp"
#include "solvers/nn.hpp"
#include "solvers/registry.hpp"
#include "theory/check.hpp"
#include "theory/io.hpp"

namespace reluid::sim {

namespace {

nlohmann::json candidate_json(const solvers::NnCandidate& c) {
  nlohmann::json j = {{"lambda", c.lambda},
                      {"width", c.width},
                      {"validation_mse", c.validation_mse},
                      {"validation_std_err", c.validation_std_err},
                      {"support", c.support},
                      {"selected", c.selected}};
  // NnCandidate::epochs is Adam's checkpoint, or the prox solver's iterations (learning rate 0).
  if (c.learning_rate > 0.0) {
    j["learning_rate"] = c.learning_rate;
    j["epochs"] = c.epochs;
  } else {
    j["iterations"] = c.epochs;
  }
  if (!std::isnan(c.relaxed_mse)) {
    j["relaxed_mse"] = c.relaxed_mse;
    j["relaxed_std_err"] = c.relaxed_std_err;
  }
  return j;
}

/// A validation path: every candidate, and the index of the chosen one (a reference into it).
nlohmann::json path_json(const std::vector<solvers::NnCandidate>& candidates,
                         const solvers::NnCandidate& chosen) {
  nlohmann::json path = nlohmann::json::array();
  for (const auto& c : candidates) path.push_back(candidate_json(c));
  return {{"candidates", path},
          {"chosen", static_cast<std::size_t>(&chosen - candidates.data())},
          {"lambda", chosen.lambda}};
}

/// How the nn methods chose their hyper-parameters: every grid point's held-out MSE (on the
/// standardised response), the index of the chosen one, and the relaxed refit's λ; with the
/// adaptive stage its λ₂ path too. Null for the other methods.
nlohmann::json tuning_json(const solvers::Fitted& fit) {
  const auto* nn = dynamic_cast<const solvers::NnFit*>(&fit);
  if (nn == nullptr) return nullptr;
  nlohmann::json out = path_json(nn->candidates(), nn->chosen());
  out["relaxed_lambda"] = nn->relaxed_lambda();
  if (!nn->adaptive_candidates().empty())
    out["adaptive"] = path_json(nn->adaptive_candidates(), nn->adaptive_chosen());
  return out;
}

struct SelectArgs {
  std::string data;
  std::string response;
  std::string method = "nn";
  std::optional<int> k;
  std::uint64_t seed = 1;
  bool json = false;
};

void run_select(const SelectArgs& args) {
  const std::string& where = args.data;
  // Validate the cheap arguments first, so a bad flag fails before a long read.
  std::unique_ptr<solvers::Method> method = solvers::make_method(args.method, "--method");
  if (args.k) theory::require(*args.k >= 1, "--k", "must be >= 1", *args.k);

  theory::require(std::filesystem::is_regular_file(args.data), "data", "no such file", args.data);
  const CsvTable t = parse_csv_table(theory::read_text(args.data), where);
  const auto found = std::find(t.names.begin(), t.names.end(), args.response);
  theory::require(
      found != t.names.end(), "--response",
      "no such column in " + args.data + " (columns: " +
          [&] {
            std::string s;
            for (const auto& n : t.names) s += (s.empty() ? "" : ", ") + n;
            return s;
          }() +
          ")",
      args.response);
  const auto response = static_cast<arma::uword>(found - t.names.begin());
  theory::require(t.names.size() >= 2, where, "need at least 1 variable besides the response, p",
                  t.names.size() - 1);
  const arma::uword n = t.values.n_rows;
  theory::require(n >= 10, where, "need at least 10 data rows, n", n);

  std::vector<std::string> names;
  std::vector<arma::uword> cols;
  for (arma::uword k = 0; k < t.names.size(); ++k) {
    if (k == response) continue;
    names.push_back(t.names[k]);
    cols.push_back(k);
  }
  const arma::mat X = t.values.cols(arma::uvec(cols));
  const arma::vec y = t.values.col(response);
  const solvers::Standardized st = solvers::standardize(X);
  for (arma::uword j = 0; j < X.n_cols; ++j)
    theory::require(st.sd(j) > 0.0, where, "column " + names[j] + ": constant", X(0, j));
  const auto p = static_cast<arma::uword>(names.size());
  if (args.k)
    theory::require(static_cast<arma::uword>(*args.k) <= p, "--k",
                    "must be <= the number of variables p = " + std::to_string(p), *args.k);

  auto rng = make_engine(args.seed, 0, 0, Stream::solver);
  const std::unique_ptr<solvers::Fitted> fit = method->fit(st.Xs, y, rng);
  const arma::vec imp = fit->importances();
  std::optional<arma::uword> k;
  if (args.k) k = static_cast<arma::uword>(*args.k);
  const arma::uvec selected = solvers::select(*fit, k);
  std::vector<bool> is_selected(p, false);
  for (arma::uword j : selected) is_selected[j] = true;
  // Sorted by importance, largest first; ties keep the column order.
  const arma::uvec order = arma::stable_sort_index(imp, "descend");
  // The residual tests' additions (nn methods, GMM split only): empty otherwise.
  const auto* nn = dynamic_cast<const solvers::NnFit*>(fit.get());
  const std::vector<solvers::ResidualTest> none;
  const std::vector<solvers::ResidualTest>& added = nn && !args.k ? nn->completion_tests() : none;
  // The drop-one tests of the split's columns (nn methods with prune_alpha, GMM split only).
  const std::vector<solvers::ResidualTest>& tested = nn && !args.k ? nn->prune_tests() : none;
  const arma::uvec pruned = nn && !args.k ? nn->pruned() : arma::uvec();

  if (args.json) {
    nlohmann::json vars = nlohmann::json::array();
    for (arma::uword j : order)
      vars.push_back({{"name", names[j]}, {"importance", imp(j)}, {"selected", is_selected[j]}});
    nlohmann::json sel = nlohmann::json::array();
    for (arma::uword j : selected) sel.push_back(names[j]);
    nlohmann::json out = {{"data", args.data},
                          {"response", args.response},
                          {"n", n},
                          {"p", p},
                          {"method", args.method},
                          {"seed", args.seed},
                          {"rule", args.k ? "top_k" : "gmm"},
                          {"variables", vars},
                          {"selected", sel}};
    if (args.k) out["k"] = *args.k;
    if (nlohmann::json tuning = tuning_json(*fit); !tuning.is_null()) out["tuning"] = tuning;
    if (nn && !args.k) {
      nlohmann::json completion = nlohmann::json::array();
      for (const solvers::ResidualTest& c : added)
        completion.push_back({{"name", names[c.column]}, {"t1", c.t1}, {"t2", c.t2}});
      out["completion"] = completion;
      nlohmann::json drop_one = nlohmann::json::array();
      for (const solvers::ResidualTest& c : tested)
        drop_one.push_back({{"name", names[c.column]},
                            {"t1", c.t1},
                            {"t2", c.t2},
                            {"tj", c.tj},
                            {"kept", !arma::any(pruned == c.column)}});
      out["drop_one"] = drop_one;
    }
    std::cout << out.dump() << "\n";
    return;
  }
  std::cout << "# reluid select: " << args.data << ", response " << args.response << ", n = " << n
            << ", p = " << p << ", method " << args.method << ", seed " << args.seed << ", "
            << (args.k ? "top " + std::to_string(*args.k) : std::string("GMM split"))
            << "; importances on standardised inputs\n";
  std::cout << "variable,importance,selected\n";
  std::cout.precision(6);
  for (arma::uword j : order)
    std::cout << names[j] << "," << imp(j) << "," << (is_selected[j] ? 1 : 0) << "\n";
  std::cout << "# selected (" << selected.n_elem << "):";
  for (arma::uword j : selected) std::cout << " " << names[j];
  std::cout << "\n";
  if (!pruned.is_empty()) {
    std::cout << "# left out by the drop-one tests (in the GMM split's set):";
    for (const solvers::ResidualTest& c : tested)
      if (arma::any(pruned == c.column))
        std::cout << " " << names[c.column] << " (t1 = " << c.t1 << ", t2 = " << c.t2
                  << ", tj = " << c.tj << ")";
    std::cout << "\n";
  }
  if (!added.empty()) {
    std::cout << "# selected by the residual tests (importance 0 in the penalized fit):";
    for (const solvers::ResidualTest& c : added)
      std::cout << " " << names[c.column] << " (t1 = " << c.t1 << ", t2 = " << c.t2 << ")";
    std::cout << "\n";
  }
}

}  // namespace

void register_select(CLI::App& app) {
  auto args = std::make_shared<SelectArgs>();
  CLI::App* cmd = app.add_subcommand(
      "select", "Variable importances and selected variables of a CSV data set (issue 6)");
  cmd->add_option("data", args->data,
                  "CSV with a header of column names; every cell numeric and finite")
      ->required();
  cmd->add_option("--response", args->response, "name of the response column")->required();
  std::string methods;
  for (const auto& m : solvers::method_names()) methods += (methods.empty() ? "" : "|") + m;
  cmd->add_option("--method", args->method, methods + " (default nn)");
  cmd->add_option("--k", args->k,
                  "select the K most important variables (default: two-component GMM split)");
  cmd->add_option("--seed", args->seed, "seed of the method's random draws (default 1)");
  cmd->add_flag("--json", args->json, "Print one JSON object instead of text");
  cmd->callback([args] { run_select(*args); });
}

}  // namespace reluid::sim
