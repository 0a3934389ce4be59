// Tests of the ReLU Hermite coefficients and the Hermite/Stein moments (theory/hermite.hpp)
// against Gauss–Legendre quadrature split at the kink, identities and Monte Carlo.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>

#include "sim/seed.hpp"
#include "tests/support.hpp"
#include "theory/gaussian.hpp"
#include "theory/hermite.hpp"
#include "theory/model.hpp"
#include "theory/risk.hpp"

using namespace reluid;
using theory::Network;

using test::random_network;

namespace {

/// Probabilists' He_n by the three-term recurrence He_{n+1} = t He_n − n He_{n−1}: independent
/// of Boost's physicists' polynomials used by the library.
double he_recurrence(unsigned n, double t) {
  double prev = 1.0, cur = t;
  if (n == 0) return prev;
  for (unsigned m = 1; m < n; ++m) {
    const double next = t * cur - m * prev;
    prev = cur;
    cur = next;
  }
  return cur;
}

/// Composite Gauss–Legendre (nodes and weights by Golub–Welsch on the Legendre Jacobi matrix).
double integrate(const std::function<double(double)>& f, double lo, double hi, int panels) {
  static const auto rule = [] {
    constexpr arma::uword n = 20;
    arma::mat J(n, n, arma::fill::zeros);
    for (arma::uword i = 1; i < n; ++i) J(i, i - 1) = J(i - 1, i) = i / std::sqrt(4.0 * i * i - 1);
    arma::vec nodes;
    arma::mat V;
    arma::eig_sym(nodes, V, J);
    return std::pair<arma::vec, arma::vec>(nodes, 2.0 * arma::square(V.row(0).t()));
  }();
  const double width = (hi - lo) / panels;
  double total = 0.0;
  for (int m = 0; m < panels; ++m) {
    const double mid = lo + (m + 0.5) * width;
    for (arma::uword i = 0; i < rule.first.n_elem; ++i) {
      total += rule.second(i) * f(mid + 0.5 * width * rule.first(i));
    }
  }
  return 0.5 * width * total;
}

double phi(double x) {
  return std::exp(-0.5 * x * x) / std::sqrt(2.0 * M_PI);
}

/// Mean and std_err (from the sample variance) of per-sample values accumulated in chunks.
struct Moments {
  double sum = 0, sum_sq = 0;
  arma::uword n = 0;
  void add(const arma::vec& x) {
    sum += arma::accu(x);
    sum_sq += arma::accu(arma::square(x));
    n += x.n_elem;
  }
  double mean() const { return sum / n; }
  double std_err() const {
    const double m = mean();
    const double variance = (sum_sq - n * m * m) / (n - 1.0);
    return std::sqrt(variance / n);
  }
};

}  // namespace

TEST_CASE("hermite_he: Boost's physicists' H_n converted equals the probabilists' recurrence",
          "[hermite]") {
  const double t = GENERATE(-4.5, -1.0, 0.0, 0.3, 2.0, 7.0);
  for (unsigned n = 0; n <= 20; ++n) {
    CAPTURE(t, n);
    const double expect = he_recurrence(n, t);
    REQUIRE(theory::hermite_he(n, t) ==
            Approx(expect).epsilon(1e-12).margin(1e-12 * std::sqrt(std::tgamma(n + 1.0))));
  }
}

TEST_CASE("relu_hermite_coefficients: match quadrature split at the kink, k <= 20", "[hermite]") {
  // f_k(b) = ∫_{−b}^{∞} (t + b) He_k(t) φ(t) dt: smooth on [−b, ∞), so Gauss–Legendre on
  // [−b, 22] converges spectrally (plain Gauss–Hermite over R would not, because of the kink).
  // Compared in the orthonormal scale f_k/√(k!), where |f_k|/√(k!) ≤ ‖relu(· + b)‖₂.
  const double b = GENERATE(-3.0, -1.0, 0.0, 0.5, 2.0, 4.5);
  constexpr unsigned k_max = 20;
  const arma::vec f = theory::relu_hermite_coefficients(b, k_max);
  REQUIRE(f.n_elem == k_max + 1);
  for (unsigned k = 0; k <= k_max; ++k) {
    CAPTURE(b, k);
    auto integrand = [&](double t) { return (t + b) * he_recurrence(k, t) * phi(t); };
    const double reference = integrate(integrand, -b, 22.0, 96);
    const double scale = std::sqrt(std::tgamma(k + 1.0));
    REQUIRE(f(k) / scale == Approx(reference / scale).margin(1e-12));
  }
}

TEST_CASE("relu_hermite_coefficients: d f_k/db = f_{k+1} (Stein) by central differences",
          "[hermite]") {
  const double b = GENERATE(-1.5, 0.2, 1.1);
  constexpr double delta = 1e-5;
  const arma::vec up = theory::relu_hermite_coefficients(b + delta, 12);
  const arma::vec down = theory::relu_hermite_coefficients(b - delta, 12);
  const arma::vec f = theory::relu_hermite_coefficients(b, 13);
  for (unsigned k = 0; k <= 12; ++k) {
    CAPTURE(b, k);
    const double scale = std::sqrt(std::tgamma(k + 2.0));
    REQUIRE((up(k) - down(k)) / (2 * delta) / scale == Approx(f(k + 1) / scale).margin(1e-7));
  }
}

TEST_CASE("relu_hermite_coefficients: Parseval partial sums approach E[relu(Z + b)²] from below",
          "[hermite]") {
  const double b = GENERATE(-1.0, 0.0, 1.5);
  CAPTURE(b);
  const double second = theory::relu_second_moment(1.0, b);
  const arma::vec f = theory::relu_hermite_coefficients(b, theory::max_hermite_degree);
  double partial = 0.0, at20 = 0.0;
  for (unsigned k = 0; k <= theory::max_hermite_degree; ++k) {
    partial += f(k) * f(k) / std::tgamma(k + 1.0);
    REQUIRE(partial <= second * (1 + 1e-13));
    if (k == 20) at20 = partial;
  }
  // The kink makes the tail decay like k^{−3/2}: slow, but the gap must shrink.
  REQUIRE(second - partial < second - at20);
  REQUIRE(second - at20 < 0.01 * second);
}

TEST_CASE("hermite_moment and stein_matrix: exact identities between them", "[hermite]") {
  auto rng = sim::make_engine(11, 0, 0, sim::Stream::truth);
  Network net = random_network(5, 4, rng);
  net.W.col(2).zeros();  // a constant unit
  arma::vec v = theory::standard_normal(5, 1, rng);
  v /= arma::norm(v);
  // He_1(vᵀx) = vᵀx, He_2(vᵀx) = vᵀ(xxᵀ − I)v, He_0 = 1.
  REQUIRE(theory::hermite_moment(net, v, 1) ==
          Approx(arma::dot(theory::stein_vector(net), v)).margin(1e-14));
  REQUIRE(theory::hermite_moment(net, v, 2) ==
          Approx(arma::as_scalar(v.t() * theory::stein_matrix(net) * v)).margin(1e-14));
  REQUIRE(theory::hermite_moment(net, v, 0) == Approx(theory::population_mean(net)).margin(1e-14));
  const arma::mat S = theory::stein_matrix(net);
  REQUIRE(arma::approx_equal(S, S.t(), "absdiff", 0.0));
  REQUIRE_THROWS_WITH(theory::hermite_moment(net, 2.0 * v, 1),
                      Catch::Contains("v must have unit norm (got 2"));
  REQUIRE_THROWS_WITH(theory::relu_hermite_coefficients(0.0, 61),
                      Catch::Contains("degree must be <= 60 (got 61)"));
}

TEST_CASE("hermite_moment, stein_matrix: agree with 10^6-sample means within 5 std_err",
          "[hermite][statistical]") {
  // Per check a false failure has probability P(|N(0,1)| > 5) ≈ 5.7e-7 (CLT); with the 5 + 6
  // checks below the suite's false-failure rate is below 1e-5.
  auto rng = sim::make_engine(13, 0, 0, sim::Stream::truth);
  constexpr arma::uword p = 3, n = 1'000'000, chunk = 100'000;
  const Network net = random_network(p, 4, rng);
  arma::vec v = theory::standard_normal(p, 1, rng);
  v /= arma::norm(v);
  auto data = sim::make_engine(13, 0, 0, sim::Stream::test_data);
  std::vector<Moments> he(5);
  std::vector<Moments> stein(p * (p + 1) / 2);
  for (arma::uword done = 0; done < n; done += chunk) {
    const arma::mat X = theory::standard_normal(chunk, p, data);
    const arma::vec y = theory::predict(net, X);
    const arma::vec t = X * v;
    for (unsigned k = 0; k < he.size(); ++k) {
      arma::vec hk = t;
      hk.transform([k](double z) { return theory::hermite_he(k, z); });
      he[k].add(y % hk);
    }
    arma::uword idx = 0;
    for (arma::uword i = 0; i < p; ++i) {
      for (arma::uword j = i; j < p; ++j) {
        stein[idx++].add(y % (X.col(i) % X.col(j) - (i == j ? 1.0 : 0.0)));
      }
    }
  }
  for (unsigned k = 0; k < he.size(); ++k) {
    CAPTURE(k, he[k].mean(), he[k].std_err());
    REQUIRE(std::abs(he[k].mean() - theory::hermite_moment(net, v, k)) <= 5.0 * he[k].std_err());
  }
  const arma::mat S = theory::stein_matrix(net);
  arma::uword idx = 0;
  for (arma::uword i = 0; i < p; ++i) {
    for (arma::uword j = i; j < p; ++j, ++idx) {
      CAPTURE(i, j, stein[idx].mean(), S(i, j), stein[idx].std_err());
      REQUIRE(std::abs(stein[idx].mean() - S(i, j)) <= 5.0 * stein[idx].std_err());
    }
  }
}
