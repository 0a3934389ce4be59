// The variable-selection methods by name (issue 6): one place that maps "nn", "nn_adaptive",
// "lasso", "omp", "rf" and "gb" to a configured solvers::Method, for `reluid select` and
// `reluid reproduce`.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "solvers/selector.hpp"

namespace reluid::solvers {

/// The names make_method accepts: the paper's five in its table order (paper_method_names), then
/// "nn_adaptive" — nn with its adaptive second stage (NnOptions::adaptive = true).
const std::vector<std::string>& method_names();

/// The methods of the paper's tables, in their order: nn, lasso, omp, rf, gb.
const std::vector<std::string>& paper_method_names();

/// The paper's method a method is compared with: "nn" for nn and nn_adaptive, else the name
/// itself.
std::string paper_method_of(std::string_view name);

/// The method `name` with its default options. Throws std::invalid_argument naming `where` and
/// the value for an unknown name.
std::unique_ptr<Method> make_method(std::string_view name, std::string_view where = "method");

}  // namespace reluid::solvers
