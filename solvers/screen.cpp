// Variable screening by first- and second-order Stein moments.
#include "solvers/screen.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "solvers/penalized.hpp"

namespace reluid::solvers {

arma::vec screen_scores(const arma::mat& X, const arma::vec& y) {
  validate_data(X, y, "screen_scores");
  const arma::uword n = X.n_rows, p = X.n_cols;
  const double nn = static_cast<double>(n);
  const arma::vec yc = y - arma::mean(y);
  const double var_y = arma::dot(yc, yc) / nn;
  arma::vec score(p, arma::fill::zeros);
  if (!(var_y > 0.0)) return score;
  for (arma::uword i = 0; i < p; ++i) {
    if (X.col(i).min() == X.col(i).max()) continue;  // constant: no information, score 0
    const double mean = arma::mean(X.col(i));
    arma::vec x = X.col(i) - mean;
    const double var_x = arma::dot(x, x) / nn;
    if (!(var_x > 0.0)) continue;
    x /= std::sqrt(var_x);
    const double m1 = arma::dot(yc, x) / nn;
    const double q = arma::dot(yc, arma::square(x)) / nn;  // Σ y_c = 0 removes the "− 1"
    score(i) = nn * (m1 * m1 + 0.5 * q * q) / var_y;
  }
  return score;
}

arma::uword default_screen_size(arma::uword n, arma::uword p, arma::uword r, arma::uword min_size) {
  const double logp = std::log(std::max<double>(static_cast<double>(p), 2.0));
  const auto by_n = static_cast<arma::uword>(std::ceil(static_cast<double>(n) / (4.0 * logp)));
  return std::min(p, std::max({min_size, 2 * r, by_n}));
}

}  // namespace reluid::solvers
