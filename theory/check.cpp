// Boundary validation helpers.
#include "theory/check.hpp"

namespace reluid::theory {

void fail(std::string_view where, std::string_view what) {
  throw std::invalid_argument(std::string(where) + ": " + std::string(what));
}

void require_shape(const arma::mat& M, arma::uword rows, arma::uword cols, std::string_view where,
                   std::string_view name) {
  if (M.n_rows != rows || M.n_cols != cols) {
    fail(where, std::string(name) + " must be " + std::to_string(rows) + "x" +
                    std::to_string(cols) + " (got " + std::to_string(M.n_rows) + "x" +
                    std::to_string(M.n_cols) + ")");
  }
}

void require_finite(const arma::mat& M, std::string_view where, std::string_view name) {
  for (arma::uword j = 0; j < M.n_cols; ++j) {
    for (arma::uword i = 0; i < M.n_rows; ++i) {
      if (!std::isfinite(M(i, j))) {
        std::string at = M.n_cols == 1 ? "[" + std::to_string(i) + "]"
                                       : "(" + std::to_string(i) + "," + std::to_string(j) + ")";
        fail(where, std::string(name) + at + " must be finite (got " + quote(M(i, j)) + ")");
      }
    }
  }
}

}  // namespace reluid::theory
