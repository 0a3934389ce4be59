// Tests of the exact Gaussian ReLU moments (theory/gaussian.hpp) and population risk
// (theory/risk.hpp) against independent quadrature, limits, symmetries and Monte Carlo.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>
#include <vector>

#include "sim/seed.hpp"
#include "tests/support.hpp"
#include "theory/gaussian.hpp"
#include "theory/model.hpp"
#include "theory/risk.hpp"

using namespace reluid;
using theory::Network;

using test::random_network;

namespace {

constexpr double tail = 14.0;  // φ(14) ≈ 1e-43: beyond this the Gaussian weight is negligible

/// Gauss–Legendre rule on [−1, 1] by Golub–Welsch: the nodes are the eigenvalues of the Jacobi
/// matrix of the Legendre recurrence, the weights 2·(first eigenvector component)².
struct GaussLegendre {
  arma::vec nodes, weights;
  explicit GaussLegendre(arma::uword n) {
    arma::mat J(n, n, arma::fill::zeros);
    for (arma::uword i = 1; i < n; ++i) {
      const double beta = i / std::sqrt(4.0 * i * i - 1.0);
      J(i, i - 1) = J(i - 1, i) = beta;
    }
    arma::mat V;
    arma::eig_sym(nodes, V, J);
    weights = 2.0 * arma::square(V.row(0).t());
  }
  /// ∫_lo^hi f, composite over `panels` equal panels.
  double integrate(const std::function<double(double)>& f, double lo, double hi, int panels) const {
    if (!(hi > lo)) return 0.0;
    const double width = (hi - lo) / panels;
    double total = 0.0;
    for (int m = 0; m < panels; ++m) {
      const double mid = lo + (m + 0.5) * width;
      for (arma::uword i = 0; i < nodes.n_elem; ++i) {
        total += weights(i) * f(mid + 0.5 * width * nodes(i));
      }
    }
    return 0.5 * width * total;
  }
};

const GaussLegendre& rule() {
  static const GaussLegendre gl(20);
  return gl;
}

double phi(double x) {
  return std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI);
}
double Phi(double x) {
  return 0.5 * std::erfc(-x / std::sqrt(2.0));
}

/// Integrates f over [lo, hi] split at the given interior breakpoints (kinks, fast transitions).
double integrate_split(const std::function<double(double)>& f, double lo, double hi,
                       std::vector<double> breaks, int panels) {
  breaks.push_back(lo);
  breaks.push_back(hi);
  std::sort(breaks.begin(), breaks.end());
  double total = 0.0;
  for (std::size_t i = 0; i + 1 < breaks.size(); ++i) {
    const double a = std::clamp(breaks[i], lo, hi), b = std::clamp(breaks[i + 1], lo, hi);
    total += rule().integrate(f, a, b, panels);
  }
  return total;
}

/// Reference E[(Z1 + h)₊ (Z2 + k)₊] by 2-D quadrature: Z1 = x, Z2 = ρx + s·y with x, y independent
/// N(0, 1), tensor Gauss–Legendre on [−14, 14]², the outer (x) axis split at the kink x = −h and at
/// the ends of the band where the inner kink y0(x) = −(k + ρx)/s crosses the grid, the inner (y)
/// axis starting at y0(x). Independent of Owen's T and of the closed form. Needs s > 0.
double cross_by_quadrature(double h, double k, double rho) {
  const double s = std::sqrt((1.0 - rho) * (1.0 + rho));
  auto inner = [&](double x) {
    const double y0 = -(k + rho * x) / s;
    auto f = [&](double y) { return (rho * x + s * y + k) * phi(y); };
    return rule().integrate(f, std::max(y0, -tail), tail, 24);
  };
  auto outer = [&](double x) { return (x + h) * phi(x) * inner(x); };
  std::vector<double> breaks{-h};
  if (rho != 0.0) {
    breaks.push_back((-k - tail * s) / rho);
    breaks.push_back((-k + tail * s) / rho);
  }
  return integrate_split(outer, std::max(-h, -tail), tail, breaks, 16);
}

/// Reference E[(Z + h)₊ (±Z + k)₊] for ρ = ±1 by 1-D quadrature split at both kinks.
double cross_parallel_by_quadrature(double h, double k, double sign) {
  auto f = [&](double z) { return std::max(z + h, 0.0) * std::max(sign * z + k, 0.0) * phi(z); };
  return integrate_split(f, -tail, tail, {-h, -sign * k}, 32);
}

}  // namespace

TEST_CASE("bivariate_normal_cdf: matches 1-D quadrature of P(Z2 <= k | Z1) over Z1 <= h",
          "[gaussian]") {
  const double h = GENERATE(-3.0, -0.7, 0.0, 0.4, 2.5);
  const double k = GENERATE(-2.0, 0.0, 1.3);
  const double rho = GENERATE(-0.999, -0.6, 0.0, 0.35, 0.95, 0.999);
  CAPTURE(h, k, rho);
  const double s = std::sqrt((1.0 - rho) * (1.0 + rho));
  auto f = [&](double x) { return phi(x) * Phi((k - rho * x) / s); };
  const double reference =
      integrate_split(f, -tail, h, {(k - 10 * s) / rho, (k + 10 * s) / rho}, 32);
  REQUIRE(theory::bivariate_normal_cdf(h, k, rho) == Approx(reference).margin(1e-13));
}

TEST_CASE("bivariate_normal_cdf: closed-form special cases and limits", "[gaussian]") {
  const double h = GENERATE(-1.5, 0.0, 0.8);
  const double k = GENERATE(-0.4, 0.0, 2.0);
  CAPTURE(h, k);
  REQUIRE(theory::bivariate_normal_cdf(h, k, 0.0) == Approx(Phi(h) * Phi(k)).margin(1e-15));
  REQUIRE(theory::bivariate_normal_cdf(h, k, 1.0) == Approx(Phi(std::min(h, k))).margin(1e-15));
  REQUIRE(theory::bivariate_normal_cdf(h, k, -1.0) ==
          Approx(std::max(0.0, Phi(h) - Phi(-k))).margin(1e-15));
  // Continuity into |ρ| = 1: within the Fréchet bounds' O(√ε) band around the limits.
  REQUIRE(theory::bivariate_normal_cdf(h, k, 1.0 - 1e-12) ==
          Approx(Phi(std::min(h, k))).margin(1e-6));
  REQUIRE(theory::bivariate_normal_cdf(h, k, -1.0 + 1e-12) ==
          Approx(std::max(0.0, Phi(h) - Phi(-k))).margin(1e-6));
  REQUIRE(theory::bivariate_normal_cdf(h, INFINITY, 0.3) == Approx(Phi(h)).margin(1e-15));
  REQUIRE(theory::bivariate_normal_cdf(-INFINITY, k, 0.3) == 0.0);
  // Sheppard: Φ₂(0, 0; ρ) = ¼ + asin(ρ)/(2π), reached through the h = 0 branch with k → 0.
  REQUIRE(theory::bivariate_normal_cdf(0.0, 1e-300, 0.6) ==
          Approx(0.25 + std::asin(0.6) / (2 * M_PI)).margin(1e-15));
}

TEST_CASE("relu_mean, relu_second_moment: match 1-D quadrature", "[gaussian]") {
  const double sigma = GENERATE(0.3, 1.0, 2.7);
  const double b = GENERATE(-4.0, -0.5, 0.0, 1.2, 6.0);
  CAPTURE(sigma, b);
  auto m1 = [&](double z) { return std::max(sigma * z + b, 0.0) * phi(z); };
  auto m2 = [&](double z) { return std::pow(std::max(sigma * z + b, 0.0), 2) * phi(z); };
  REQUIRE(theory::relu_mean(sigma, b) ==
          Approx(integrate_split(m1, -tail, tail, {-b / sigma}, 32)).margin(1e-13));
  REQUIRE(theory::relu_second_moment(sigma, b) ==
          Approx(integrate_split(m2, -tail, tail, {-b / sigma}, 32)).margin(1e-12));
  REQUIRE(theory::relu_cross_moment(sigma, b, sigma, b, 1.0) ==
          Approx(theory::relu_second_moment(sigma, b)).epsilon(1e-14).margin(1e-15));
}

TEST_CASE("relu_cross_moment: matches independent 2-D quadrature to 1e-12", "[gaussian]") {
  const double h = GENERATE(-3.0, -0.8, 0.0, 0.5, 2.2);
  const double k = GENERATE(-1.7, 0.0, 1.1, 3.5);
  const double rho = GENERATE(-0.9999, -0.97, -0.5, 0.0, 0.2, 0.8, 0.999);
  CAPTURE(h, k, rho);
  const double sigma1 = 1.7, sigma2 = 0.6;
  const double reference = sigma1 * sigma2 * cross_by_quadrature(h, k, rho);
  REQUIRE(theory::relu_cross_moment(sigma1, sigma1 * h, sigma2, sigma2 * k, rho) ==
          Approx(reference).margin(1e-12));
}

TEST_CASE("relu_cross_moment: exact ρ = ±1 branches match 1-D quadrature", "[gaussian]") {
  const double h = GENERATE(-2.0, -0.3, 0.0, 1.4);
  const double k = GENERATE(-1.0, 0.0, 0.3, 2.5);
  const double sign = GENERATE(-1.0, 1.0);
  CAPTURE(h, k, sign);
  REQUIRE(theory::relu_cross_moment(1.0, h, 1.0, k, sign) ==
          Approx(cross_parallel_by_quadrature(h, k, sign)).margin(1e-13));
}

TEST_CASE("relu_cross_moment: |ρ| -> 1 approaches the exact limit at rate ∂g/∂ρ = Φ₂ (Price)",
          "[gaussian]") {
  // Taylor with integral remainder: g(±1 ∓ ε) = g(±1) ∓ ε Φ₂(h, k; ±1) + R, and since
  // 0 ≤ ∂²g/∂ρ² = φ₂(−h, −k; ρ) ≤ 1/(2π s), |R| ≤ ε ∫ 1/(2π s) dρ ≤ ε √(2ε)/(2π) < 0.25 ε^{3/2}.
  // A cancellation blow-up near s = 0 (e.g. computing k − ρh naively) breaks this at ε = 1e-12.
  const double h = GENERATE(-1.2, 0.0, 0.7);
  const double k = GENERATE(-0.7, 0.0, 0.7, 2.0);
  const double eps = GENERATE(1e-4, 1e-8, 1e-12);
  CAPTURE(h, k, eps);
  for (const double end : {1.0, -1.0}) {
    CAPTURE(end);
    const double limit = theory::relu_cross_moment(1.0, h, 1.0, k, end);
    const double near = theory::relu_cross_moment(1.0, h, 1.0, k, end - end * eps);
    const double slope = theory::bivariate_normal_cdf(h, k, end);
    REQUIRE(std::abs(near - (limit - end * eps * slope)) <= 0.25 * std::pow(eps, 1.5) + 1e-15);
  }
}

TEST_CASE("relu_cross_moment: Price's theorem ∂g/∂ρ = Φ₂ by central differences", "[gaussian]") {
  const double h = GENERATE(-1.0, 0.3, 1.8);
  const double k = GENERATE(-0.5, 0.9);
  const double rho = GENERATE(-0.7, 0.0, 0.6);
  CAPTURE(h, k, rho);
  constexpr double delta = 1e-4;  // central difference error ~ δ² g''' ≈ 1e-8
  const double fd = (theory::relu_cross_moment(1.0, h, 1.0, k, rho + delta) -
                     theory::relu_cross_moment(1.0, h, 1.0, k, rho - delta)) /
                    (2 * delta);
  REQUIRE(fd == Approx(theory::bivariate_normal_cdf(h, k, rho)).margin(1e-7));
}

TEST_CASE("relu_cross_moment: symmetry, degenerate units and large biases", "[gaussian]") {
  const double rho = GENERATE(-1.0, -0.4, 0.0, 0.75, 1.0);
  CAPTURE(rho);
  // Swapping the two units.
  REQUIRE(theory::relu_cross_moment(1.3, -0.2, 0.4, 0.9, rho) ==
          Approx(theory::relu_cross_moment(0.4, 0.9, 1.3, -0.2, rho)).margin(1e-15));
  // relu(z) − relu(−z) = z, and −Z2 has correlation −ρ with Z1, so
  // M(σ1, b, σ2, c; ρ) − M(σ1, b, σ2, −c; −ρ) = E[relu(σ1 Z1 + b)(σ2 Z2 + c)]
  //                                          = σ1 σ2 ρ Φ(b/σ1) + c E[relu(σ1 Z1 + b)].
  REQUIRE(
      theory::relu_cross_moment(1.3, -0.2, 0.4, 0.9, rho) -
          theory::relu_cross_moment(1.3, -0.2, 0.4, -0.9, -rho) ==
      Approx(1.3 * 0.4 * rho * Phi(-0.2 / 1.3) + 0.9 * theory::relu_mean(1.3, -0.2)).margin(1e-15));
  // σ = 0: the unit is the constant relu(b).
  REQUIRE(theory::relu_cross_moment(0.0, 0.7, 2.0, -0.3, rho) ==
          Approx(0.7 * theory::relu_mean(2.0, -0.3)).margin(1e-15));
  REQUIRE(theory::relu_cross_moment(0.0, -0.7, 2.0, -0.3, rho) == 0.0);
  REQUIRE(theory::relu_cross_moment(0.0, 0.5, 0.0, 3.0, rho) == Approx(1.5).margin(1e-15));
  // b → −∞: the unit is almost surely 0; b → +∞: it is almost surely linear, so the moment is
  // E[(σ1 Z1 + b)(σ2 Z2 + c)₊] = σ1 σ2 ρ Φ(c/σ2) + b E[relu(σ2 Z2 + c)] (Stein's lemma). The
  // general formula just inside the saturation cut-off must agree with these limits.
  const double sigma1 = 1.5, sigma2 = 0.8, c = 0.3;
  REQUIRE(theory::relu_cross_moment(sigma1, -37.9 * sigma1, sigma2, c, rho) ==
          Approx(0.0).margin(1e-300));
  for (const double h : {12.0, 37.9, 38.1, 1e6}) {
    CAPTURE(h);
    const double b = h * sigma1;
    const double linear = sigma1 * sigma2 * rho * Phi(c / sigma2) +
                          b * (sigma2 * phi(c / sigma2) + c * Phi(c / sigma2));
    REQUIRE(theory::relu_cross_moment(sigma1, b, sigma2, c, rho) ==
            Approx(linear).epsilon(1e-14).margin(1e-14));
  }
}

TEST_CASE("relu_cross_moment: vector form handles parallel, antiparallel and zero weights",
          "[gaussian]") {
  const arma::vec u{0.3, -1.2, 0.5, 2.0};
  REQUIRE(theory::relu_cross_moment(u, 0.4, 2.5 * u, -0.3) ==
          Approx(theory::relu_cross_moment(arma::norm(u), 0.4, 2.5 * arma::norm(u), -0.3, 1.0))
              .margin(1e-14));
  REQUIRE(theory::relu_cross_moment(u, 0.4, -0.5 * u, 0.9) ==
          Approx(theory::relu_cross_moment(arma::norm(u), 0.4, 0.5 * arma::norm(u), 0.9, -1.0))
              .margin(1e-14));
  const arma::vec zero(4, arma::fill::zeros);
  REQUIRE(theory::relu_cross_moment(zero, 0.6, u, 0.1) ==
          Approx(0.6 * theory::relu_mean(arma::norm(u), 0.1)).margin(1e-15));
  REQUIRE(theory::relu_cross_moment(u, 0.1, zero, 0.6) ==
          Approx(0.6 * theory::relu_mean(arma::norm(u), 0.1)).margin(1e-15));
  // A nearly parallel pair: s from the geometry, ρ = cos(u, v) from an exact rotation by θ.
  const double theta = 1e-7;
  const arma::vec e1{1.0, 0.0}, e2{std::cos(theta), std::sin(theta)};
  const theory::Correlation corr = theory::make_correlation(e1, e2);
  REQUIRE(corr.s == Approx(std::sin(theta)).epsilon(1e-9));
  REQUIRE(theory::relu_cross_moment(e1, 0.2, e2, 0.2) ==
          Approx(theory::relu_cross_moment(1.0, 0.2, 1.0, 0.2,
                                           theory::Correlation{std::cos(theta), std::sin(theta)}))
              .margin(1e-15));
}

TEST_CASE("relu_cross_moment: rejects invalid arguments naming them", "[gaussian]") {
  REQUIRE_THROWS_WITH(theory::relu_cross_moment(1.0, 0.0, 1.0, 0.0, 1.5),
                      Catch::Contains("rho must be in [-1, 1] (got 1.5)"));
  REQUIRE_THROWS_WITH(theory::relu_cross_moment(-1.0, 0.0, 1.0, 0.0, 0.5),
                      Catch::Contains("sigma1 must be finite and >= 0 (got -1)"));
  REQUIRE_THROWS_WITH(theory::relu_cross_moment(1.0, 0.0, 1.0, NAN, 0.5),
                      Catch::Contains("c must be finite"));
  REQUIRE_THROWS_AS(theory::relu_cross_moment(arma::vec{1.0, 2.0}, 0.0, arma::vec{1.0}, 0.0),
                    std::invalid_argument);
  REQUIRE_THROWS_WITH(theory::relu_mean(INFINITY, 0.0),
                      Catch::Contains("sigma must be finite and >= 0 (got inf)"));
}

TEST_CASE("population_risk: R(f, f) = 0, symmetry, homogeneity and neuron order",
          "[gaussian][risk]") {
  auto rng = sim::make_engine(5, 0, 0, sim::Stream::truth);
  const Network f = random_network(6, 4, rng);
  const Network g = random_network(6, 3, rng);
  REQUIRE(theory::population_risk(f, f).R == 0.0);
  const auto fg = theory::population_risk(f, g), gf = theory::population_risk(g, f);
  REQUIRE(fg.R == Approx(gf.R).epsilon(1e-14));
  REQUIRE(fg.cross == Approx(gf.cross).epsilon(1e-14));
  REQUIRE(fg.f_sq == Approx(gf.f_star_sq).epsilon(1e-14));
  REQUIRE(fg.R > 0.0);
  // relu(c z) = c relu(z) for c > 0: scaling (W, b) by c scales E[f²] by c².
  Network f3 = f;
  f3.W *= 3.0;
  f3.b *= 3.0;
  REQUIRE(theory::population_risk(f3, g).f_sq == Approx(9.0 * fg.f_sq).epsilon(1e-13));
  // Reversing the neuron order of f changes nothing.
  Network rev = f;
  rev.W = arma::fliplr(f.W);
  rev.a = arma::flipud(f.a);
  rev.b = arma::flipud(f.b);
  REQUIRE(theory::population_risk(rev, g).R == Approx(fg.R).epsilon(1e-13));
  REQUIRE(theory::population_risk(rev, f).R == Approx(0.0).margin(1e-13));
  // A duplicated neuron split in two halves is the same function.
  Network split = g;
  split.W = arma::join_rows(g.W, 0.5 * g.W.col(0));
  split.W.col(0) *= 0.5;
  split.b = arma::join_cols(g.b, arma::vec{0.5 * g.b(0)});
  split.b(0) *= 0.5;
  split.a = arma::join_cols(g.a, arma::vec{g.a(0)});
  REQUIRE(theory::population_risk(split, g).R == Approx(0.0).margin(1e-13));
  REQUIRE(theory::population_mean(f) ==
          Approx(theory::population_inner(f, Network{arma::mat(6, 1, arma::fill::zeros),
                                                     arma::vec{1.0}, arma::vec{1.0}}))
              .margin(1e-15));
}

TEST_CASE("population_risk: rejects networks of different p", "[gaussian][risk]") {
  auto rng = sim::make_engine(5, 0, 1, sim::Stream::truth);
  const Network f = random_network(4, 2, rng), g = random_network(5, 2, rng);
  REQUIRE_THROWS_WITH(theory::population_risk(f, g),
                      Catch::Contains("population_risk: f* must have p = 4 (got 5)"));
}

TEST_CASE("population_risk: agrees with a 10^6-sample Monte Carlo mean within 5 std_err",
          "[gaussian][risk][statistical]") {
  // Each REQUIRE fails falsely with probability P(|N(0,1)| > 5) ≈ 5.7e-7 (CLT; 3 checks here).
  auto rng = sim::make_engine(7, 0, 0, sim::Stream::truth);
  Network truth = random_network(5, 3, rng);
  Network fit = truth;
  fit.W += 0.3 * theory::standard_normal(5, 3, rng);
  fit.b += 0.3 * theory::standard_normal(3, 1, rng);
  fit.W.col(1) = truth.W.col(0);  // an exactly parallel pair across the two networks
  const auto exact = theory::population_risk(fit, truth);
  auto data = sim::make_engine(7, 0, 0, sim::Stream::test_data);
  constexpr arma::uword n = 1'000'000, chunk = 100'000;
  double sum_d2 = 0, sum_d4 = 0, sum_c = 0, sum_c2 = 0, sum_f = 0, sum_f2 = 0;
  for (arma::uword done = 0; done < n; done += chunk) {
    const arma::mat X = theory::standard_normal(chunk, 5, data);
    const arma::vec f = theory::predict(fit, X), fs = theory::predict(truth, X);
    const arma::vec d2 = arma::square(f - fs), c = f % fs;
    sum_d2 += arma::accu(d2);
    sum_d4 += arma::accu(arma::square(d2));
    sum_c += arma::accu(c);
    sum_c2 += arma::accu(arma::square(c));
    sum_f += arma::accu(f);
    sum_f2 += arma::accu(arma::square(f));
  }
  const double nn = static_cast<double>(n);
  auto check = [&](double sum, double sum_sq, double expect) {
    const double mean = sum / nn;
    const double variance = (sum_sq - nn * mean * mean) / (nn - 1);
    const double std_err = std::sqrt(variance / nn);
    CAPTURE(mean, expect, std_err);
    REQUIRE(std::abs(mean - expect) <= 5.0 * std_err);
  };
  check(sum_d2, sum_d4, exact.R);
  check(sum_c, sum_c2, exact.cross);
  check(sum_f, sum_f2, theory::population_mean(fit));
}
