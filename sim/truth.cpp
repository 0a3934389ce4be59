// Ground-truth network generators (Assumption 1 by construction; the paper's §4.1.1 network).
#include "sim/truth.hpp"

#include <algorithm>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <limits>
#include <numeric>
#include <stdexcept>
#include <string>
#include <vector>

#include "theory/check.hpp"

namespace reluid::sim {

namespace {

constexpr const char* where_truth = "make_truth";

/// Uniformly random k-subset of {0, …, n−1} (partial Fisher–Yates), ascending.
arma::uvec random_subset(arma::uword n, arma::uword k, theory::Engine& rng) {
  std::vector<arma::uword> idx(n);
  std::iota(idx.begin(), idx.end(), arma::uword{0});
  for (arma::uword i = 0; i < k; ++i) {
    boost::random::uniform_int_distribution<arma::uword> pick(i, n - 1);
    std::swap(idx[i], idx[pick(rng)]);
  }
  arma::uvec out(std::vector<arma::uword>(idx.begin(), idx.begin() + static_cast<long>(k)));
  return arma::sort(out);
}

/// Uniformly random order of `positive` (+1)s and r − positive (−1)s.
arma::vec random_signs(arma::uword r, arma::uword positive, theory::Engine& rng) {
  arma::vec a(r);
  for (arma::uword j = 0; j < r; ++j) a(j) = j < positive ? 1.0 : -1.0;
  for (arma::uword j = r; j > 1; --j) {  // Fisher–Yates
    boost::random::uniform_int_distribution<arma::uword> pick(0, j - 1);
    std::swap(a(j - 1), a(pick(rng)));
  }
  return a;
}

/// Gram matrix G (r × r) of unit directions: unit diagonal, |G_jk| ≤ mu, λ_min(G) ≥ δ.
arma::mat bounded_gram(arma::uword r, double mu, theory::Engine& rng) {
  arma::mat U = theory::standard_normal(r, r, rng);
  U.each_row() /= arma::sqrt(arma::sum(arma::square(U), 0));
  arma::mat E = U.t() * U;
  E = arma::symmatu(E);  // exact symmetry, so eig_sym sees the matrix we scale
  E.diag().zeros();
  const double e_max = r > 1 ? arma::abs(E).max() : 0.0;
  double c = 0.0;
  if (mu > 0.0 && e_max > 0.0) {
    // E = C − I with C ⪰ 0, so λ_min(E) ∈ [−1, 0), and λ_min(I + cE) = 1 + c·λ_min(E) ≥ δ.
    const double lambda_min = arma::eig_sym(E).min();
    // The relative margin keeps the computed cosines (rounding ~ r·eps) at or below mu.
    constexpr double rounding_margin = 64.0 * std::numeric_limits<double>::epsilon();
    c = mu / e_max * (1.0 - rounding_margin);
    if (lambda_min < 0.0) c = std::min(c, (1.0 - min_gram_eigenvalue) / -lambda_min);
  }
  arma::mat G = c * E;
  G.diag().ones();
  return G;
}

/// s × r matrix with Haar-distributed orthonormal columns: QR of a Gaussian matrix with the
/// signs of R's diagonal moved into Q (Mezzadri 2007).
arma::mat haar_orthonormal(arma::uword s, arma::uword r, theory::Engine& rng) {
  const arma::mat A = theory::standard_normal(s, r, rng);
  arma::mat Q, R;
  if (!arma::qr_econ(Q, R, A)) throw std::runtime_error("make_truth: QR factorisation failed");
  for (arma::uword j = 0; j < r; ++j) {
    if (R(j, j) < 0.0) Q.col(j) *= -1.0;
  }
  return Q;
}

}  // namespace

void validate(const TruthOptions& opt) {
  using theory::quote;
  using theory::require;
  require(opt.p >= 1, where_truth, "p must be at least 1", opt.p);
  require(opt.s >= 1, where_truth, "s must be at least 1", opt.s);
  require(opt.s <= opt.p, where_truth, "s must be at most p = " + quote(opt.p), opt.s);
  require(opt.r >= 1, where_truth, "r must be at least 1", opt.r);
  if (opt.r > opt.s) {
    const double welch = std::sqrt(static_cast<double>(opt.r - opt.s) /
                                   (static_cast<double>(opt.s) * static_cast<double>(opt.r - 1)));
    theory::fail(where_truth,
                 "r must be at most s = " + quote(opt.s) +
                     ": the r weight vectors are built in an r-dimensional subspace of the s "
                     "support rows (with r > s no network has coherence below the Welch bound " +
                     quote(welch) + ", and mu = 0 is impossible) (got " + quote(opt.r) + ")");
  }
  require(std::isfinite(opt.B) && opt.B >= 1.0, where_truth, "B must be finite and at least 1",
          opt.B);
  require(opt.bias_bound >= 0.0 && opt.bias_bound <= opt.B, where_truth,
          "bias_bound must be in [0, B] = [0, " + quote(opt.B) + "]", opt.bias_bound);
  require(opt.mu >= 0.0 && opt.mu <= 1.0, where_truth, "mu must be in [0, 1]", opt.mu);
  require(opt.positive >= -1 && opt.positive <= opt.r, where_truth,
          "positive must be in [0, r] = [0, " + quote(opt.r) + "], or -1 for balanced signs",
          opt.positive);
}

theory::Network make_truth(const TruthOptions& opt, theory::Engine& rng) {
  validate(opt);
  const auto p = static_cast<arma::uword>(opt.p);
  const auto r = static_cast<arma::uword>(opt.r);
  const auto s = static_cast<arma::uword>(opt.s);

  const arma::uvec rows = random_subset(p, s, rng);
  const arma::vec norms = opt.B > 1.0 ? arma::vec(theory::uniform(r, 1, 1.0, opt.B, rng))
                                      : arma::vec(r, arma::fill::ones);
  const arma::mat G = bounded_gram(r, opt.mu, rng);
  arma::mat R;
  if (!arma::chol(R, G)) {
    throw std::runtime_error("make_truth: Cholesky factorisation of the Gram matrix failed");
  }
  arma::mat V = haar_orthonormal(s, r, rng) * R;  // s × r, VᵀV = RᵀR = G

  theory::Network net;
  net.W.zeros(p, r);
  for (arma::uword j = 0; j < r; ++j) {
    net.W.submat(rows, arma::uvec{j}) = V.col(j) * (norms(j) / arma::norm(V.col(j)));
  }
  // Rounding may leave a norm a few ulps below 1 (B close to 1); nudge such columns up so that
  // ‖w_j‖ ≥ 1 holds as theory::assumption_report computes it.
  constexpr double nudge = 2.0 * std::numeric_limits<double>::epsilon();
  for (int step = 0; step < 8; ++step) {
    const arma::uvec low = arma::find(arma::sqrt(arma::sum(arma::square(net.W), 0)) < 1.0);
    if (low.is_empty()) break;
    net.W.cols(low) *= 1.0 + nudge;
  }
  net.b = opt.bias_bound > 0.0
              ? arma::vec(theory::uniform(r, 1, -opt.bias_bound, opt.bias_bound, rng))
              : arma::vec(r, arma::fill::zeros);
  const arma::uword positive =
      opt.positive >= 0 ? static_cast<arma::uword>(opt.positive) : (r + 1) / 2;
  net.a = random_signs(r, positive, rng);
  theory::validate(net, where_truth);
  return net;
}

theory::Network paper_network(theory::Engine& rng, int p) {
  theory::require(p >= 10, "paper_network", "p must be at least 10 (the support is rows 1-10)", p);
  constexpr arma::uword r = 16, support = 10;
  theory::Network net;
  net.W.zeros(static_cast<arma::uword>(p), r);
  net.W.rows(0, support - 1) = theory::uniform(support, r, 0.0, 1.0, rng);
  net.b = theory::uniform(r, 1, 0.0, 1.0, rng);
  boost::random::uniform_int_distribution<int> coin(0, 1);
  net.a.set_size(r);
  for (arma::uword j = 0; j < r; ++j) net.a(j) = coin(rng) == 1 ? 1.0 : -1.0;
  return net;
}

}  // namespace reluid::sim
