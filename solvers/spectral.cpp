// Spectral start from Stein's identity.
#include "solvers/spectral.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <string>
#include <vector>

#include "solvers/penalized.hpp"
#include "theory/check.hpp"

namespace reluid::solvers {

arma::mat stein_matrix(const arma::mat& X, const arma::vec& y) {
  validate_data(X, y, "stein_matrix");
  const arma::vec yc = y - arma::mean(y);
  arma::mat Xw = X;
  Xw.each_col() %= yc;
  arma::mat M = X.t() * Xw / static_cast<double>(X.n_rows);
  return arma::symmatu(M);
}

arma::vec sign_pattern(arma::uword r, arma::uword k) {
  theory::require(k <= r, "sign_pattern", "k must be <= r = " + std::to_string(r), k);
  arma::vec a(r, arma::fill::value(-1.0));
  if (k > 0) a.head(k).fill(1.0);
  return a;
}

SteinSpectrum stein_spectrum(const arma::mat& X, const arma::vec& y) {
  SteinSpectrum s;
  const arma::mat M = stein_matrix(X, y);
  if (!arma::eig_sym(s.values, s.vectors, M)) {
    throw std::runtime_error("stein_spectrum: eigendecomposition of M2 failed");
  }
  s.m1 = X.t() * (y - arma::mean(y)) / static_cast<double>(X.n_rows);
  return s;
}

theory::Network spectral_start(const arma::mat& X, const arma::vec& y, arma::uword r,
                               arma::uword k) {
  return spectral_start(stein_spectrum(X, y), r, k);
}

theory::Network spectral_start(const SteinSpectrum& spectrum, arma::uword r, arma::uword k) {
  constexpr std::string_view where = "spectral_start";
  const arma::uword p = spectrum.values.n_elem;
  theory::require(r >= 1, where, "r must be >= 1", r);
  theory::require(k <= r, where, "k must be <= r = " + std::to_string(r), k);
  theory::require(r <= p, where, "r must be <= p = " + std::to_string(p), r);
  // values ascending: most negative first, largest positive last.
  const arma::vec& eigval = spectrum.values;
  const arma::mat& eigvec = spectrum.vectors;
  const arma::vec& m1 = spectrum.m1;
  const double phi0 = 1.0 / std::sqrt(2.0 * std::numbers::pi);
  theory::Network net;
  net.a = sign_pattern(r, k);
  net.b.zeros(r);
  net.W.zeros(p, r);
  std::vector<bool> used(p, false);
  auto take = [&](arma::uword j, arma::uword idx) {
    used[idx] = true;
    arma::vec w = eigvec.col(idx);
    if (net.a(j) * arma::dot(w, m1) < 0.0) w = -w;
    w *= std::clamp(std::abs(eigval(idx)) / phi0, 0.5, 2.0);
    net.W.col(j) = w;
  };
  // + neurons from the top of the spectrum, − neurons from the bottom; never reuse a vector.
  arma::uword top = p, bottom = 0;
  for (arma::uword j = 0; j < k; ++j) {
    while (top > 0 && used[top - 1]) --top;
    take(j, --top);
  }
  for (arma::uword j = k; j < r; ++j) {
    while (bottom < p && used[bottom]) ++bottom;
    take(j, bottom++);
  }
  return net;
}

}  // namespace reluid::solvers
