#include "solvers/registry.hpp"

#include "solvers/lasso.hpp"
#include "solvers/nn.hpp"
#include "solvers/omp.hpp"
#include "solvers/xgb.hpp"
#include "theory/check.hpp"

namespace reluid::solvers {

const std::vector<std::string>& method_names() {
  static const std::vector<std::string> names{"nn", "lasso", "omp", "rf", "gb", "nn_adaptive"};
  return names;
}

const std::vector<std::string>& paper_method_names() {
  static const std::vector<std::string> names{"nn", "lasso", "omp", "rf", "gb"};
  return names;
}

std::string paper_method_of(std::string_view name) {
  return std::string(name == "nn_adaptive" ? "nn" : name);
}

std::unique_ptr<Method> make_method(std::string_view name, std::string_view where) {
  if (name == "nn") return std::make_unique<NnMethod>();
  if (name == "nn_adaptive")
    return std::make_unique<NnMethod>(NnOptions{.adaptive = true,
                                                .split = {.tied_min_start = true},
                                                .complete_alpha = 0.05,
                                                .prune_alpha = 0.05});
  if (name == "lasso") return std::make_unique<LassoMethod>();
  if (name == "omp") return std::make_unique<OmpMethod>();
  if (name == "rf") return std::make_unique<ForestMethod>();
  if (name == "gb") return std::make_unique<BoostingMethod>();
  std::string known;
  for (const auto& n : method_names()) known += (known.empty() ? "" : ", ") + n;
  theory::fail(where, "unknown method \"" + std::string(name) + "\" (known: " + known + ")");
}

}  // namespace reluid::solvers
