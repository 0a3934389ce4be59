// The variable-selection methods by name (issue 6): one place that maps "lasso", "omp", "rf",
// "gb" (and "nn") to a configured solvers::Method, for `reluid select` and `reluid reproduce`.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "solvers/selector.hpp"

namespace reluid::solvers {

/// The names make_method accepts, in the paper's table order.
const std::vector<std::string>& method_names();

/// The method `name` with its default options. Throws std::invalid_argument naming `where` and
/// the value for an unknown name.
std::unique_ptr<Method> make_method(std::string_view name, std::string_view where = "method");

}  // namespace reluid::solvers
