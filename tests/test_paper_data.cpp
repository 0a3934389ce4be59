// Tests of the §4.1 data generators: moments against closed forms, sizes, seeding.
#include <catch2/catch.hpp>
#include <cmath>
#include <numbers>

#include "sim/paper_data.hpp"
#include "sim/seed.hpp"

using namespace reluid;

namespace {

/// |sample mean − mu| in standard errors.
double z_mean(const arma::vec& x, double mu) {
  return std::abs(arma::mean(x) - mu) / (arma::stddev(x) / std::sqrt(double(x.n_elem)));
}

/// |sample variance − var| in standard errors (delta method: SE² ≈ (m4 − s⁴)/n).
double z_variance(const arma::vec& x, double var) {
  const arma::vec d = x - arma::mean(x);
  const double s2 = arma::mean(arma::square(d)), m4 = arma::mean(arma::square(arma::square(d)));
  return std::abs(s2 - var) / std::sqrt((m4 - s2 * s2) / double(x.n_elem));
}

}  // namespace

// Each z bound is 4.5 standard errors: false-failure rate ≈ 7e-6 per check (normal approximation).
TEST_CASE("linear_sample: moments match the AR(1) design and β", "[paper_data][statistical]") {
  const double sigma = GENERATE(0.0, 3.0);
  CAPTURE(sigma);
  auto rng = sim::make_engine(21, 0, 0, sim::Stream::data);
  const sim::PaperSample s = sim::linear_sample(20000, sigma, rng);
  REQUIRE(s.X.n_cols == 8);
  const arma::vec beta = {3.0, 1.5, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0};
  arma::mat Sigma(8, 8);
  for (arma::uword i = 0; i < 8; ++i)
    for (arma::uword j = 0; j < 8; ++j)
      Sigma(i, j) = std::pow(0.5, std::abs(double(i) - double(j)));
  REQUIRE(z_mean(s.y, 0.0) < 4.5);
  REQUIRE(z_variance(s.y, arma::as_scalar(beta.t() * Sigma * beta) + sigma * sigma) < 4.5);
  for (arma::uword k : {1, 2, 7}) {
    CAPTURE(k);
    REQUIRE(z_mean(s.X.col(0) % s.X.col(k), Sigma(0, k)) < 4.5);
  }
  if (sigma > 0.0)
    REQUIRE(z_variance(s.y - s.f, sigma * sigma) < 4.5);
  else
    REQUIRE(arma::approx_equal(s.y, s.f, "absdiff", 0.0));
}

TEST_CASE("friedman_sample: moments match closed forms", "[paper_data][statistical]") {
  const double sigma = GENERATE(0.0, 5.0);
  CAPTURE(sigma);
  auto rng = sim::make_engine(22, 0, 0, sim::Stream::data);
  const sim::PaperSample s = sim::friedman_sample(20000, sigma, rng);
  REQUIRE(s.X.n_cols == 50);
  // E sin(π x1 x2) = 0 (odd); E sin²(π x1 x2) = (1 − E e^{−2π² x1²})/2 = (1 − 1/√(1+4π²))/2;
  // (x3 − ½)² has mean 5/4 and variance 3.
  const double pi2 = std::numbers::pi * std::numbers::pi;
  const double var_sin = 100.0 * 0.5 * (1.0 - 1.0 / std::sqrt(1.0 + 4.0 * pi2));
  REQUIRE(z_mean(s.y, 25.0) < 4.5);
  REQUIRE(z_variance(s.y, var_sin + 400.0 * 3.0 + 100.0 + 25.0 + sigma * sigma) < 4.5);
  REQUIRE(z_mean(s.y % s.X.col(3), 10.0) < 4.5);  // Cov(y, x4) = 10
  REQUIRE(z_mean(s.y % s.X.col(4), 5.0) < 4.5);   // Cov(y, x5) = 5
  REQUIRE(z_mean(s.y % s.X.col(20), 0.0) < 4.5);  // noise feature
}

TEST_CASE("friedman_sample, uniform inputs: moments match closed forms",
          "[paper_data][statistical]") {
  auto rng = sim::make_engine(22, 1, 0, sim::Stream::data);
  const sim::PaperSample s = sim::friedman_sample(20000, 1.0, rng, 50, sim::FriedmanInput::uniform);
  REQUIRE(s.X.n_cols == 50);
  REQUIRE(s.X.min() >= 0.0);
  REQUIRE(s.X.max() <= 1.0);
  // E sin(π x1 x2) = ∫₀¹ (1 − cos πx)/(πx) dx = Cin(π)/π, Cin(x) = Σ_k (−1)^{k+1} x^{2k}/(2k
  // (2k)!); E 20 (x3 − ½)² = 20/12; E 10 x4 + 5 x5 = 7.5; Cov(y, x4) = 10/12, Cov(y, x5) = 5/12.
  const double pi = std::numbers::pi;
  double cin = 0, term = 1;  // term = π^{2k} / (2k)!
  for (int k = 1; k <= 30; ++k) {
    term *= pi * pi / ((2.0 * k - 1.0) * (2.0 * k));
    cin += (k % 2 ? 1.0 : -1.0) * term / (2.0 * k);
  }
  REQUIRE(z_mean(s.f, 10.0 * cin / pi + 20.0 / 12.0 + 7.5) < 4.5);
  REQUIRE(z_mean(s.y % (s.X.col(3) - 0.5), 10.0 / 12.0) < 4.5);
  REQUIRE(z_mean(s.y % (s.X.col(4) - 0.5), 5.0 / 12.0) < 4.5);
  REQUIRE(z_mean(s.y % (s.X.col(20) - 0.5), 0.0) < 4.5);  // noise feature
  REQUIRE(z_variance(s.y - s.f, 1.0) < 4.5);
}

TEST_CASE("make_paper_data: paper sizes, independent streams, nn support", "[paper_data]") {
  const auto d = GENERATE(sim::PaperDataset::nn, sim::PaperDataset::linear,
                          sim::PaperDataset::friedman, sim::PaperDataset::friedman_uniform);
  CAPTURE(sim::to_string(d));
  const sim::PaperSetting setting = sim::paper_setting(d);
  const sim::PaperData a = sim::make_paper_data({.dataset = d, .sigma = 1.0}, 7, 0, 3);
  REQUIRE(a.train.X.n_rows == setting.n_train);
  REQUIRE(a.test.X.n_rows == setting.n_test);
  REQUIRE(a.train.X.n_cols == setting.p);
  REQUIRE(a.train.y.n_elem == setting.n_train);
  const sim::PaperData b = sim::make_paper_data({.dataset = d, .sigma = 1.0}, 7, 0, 3);
  REQUIRE(arma::approx_equal(a.train.y, b.train.y, "absdiff", 0.0));
  const sim::PaperData c = sim::make_paper_data({.dataset = d, .sigma = 1.0}, 7, 0, 4);
  REQUIRE_FALSE(arma::approx_equal(a.train.X, c.train.X, "absdiff", 0.0));
  REQUIRE(sim::parse_paper_dataset(sim::to_string(d)) == d);
  REQUIRE_THROWS_WITH(sim::make_paper_data({.dataset = d, .sigma = -1.0}, 7, 0, 3),
                      Catch::Contains("sigma must be non-negative and finite (got -1)"));
  REQUIRE_THROWS_WITH(sim::parse_paper_dataset("nnn"), Catch::Contains("(got \"nnn\")"));
}

TEST_CASE("nn data: the response depends only on the first 10 inputs", "[paper_data]") {
  const sim::PaperData a = sim::make_paper_data({.dataset = sim::PaperDataset::nn}, 9, 0, 0);
  REQUIRE(arma::approx_equal(a.test.y, a.test.f, "absdiff", 0.0));  // σ = 0 by default
  // f changes with x1..x10 but not with the other inputs: a least-squares fit of f on the
  // other 90 inputs explains almost nothing while the first 10 explain most of it.
  const arma::vec fc = a.test.f - arma::mean(a.test.f);
  const arma::mat Xo = a.test.X.cols(10, 99), Xs = a.test.X.cols(0, 9);
  const double r2_other =
      1.0 - arma::accu(arma::square(fc - Xo * arma::solve(Xo, fc))) / arma::accu(arma::square(fc));
  const double r2_support =
      1.0 - arma::accu(arma::square(fc - Xs * arma::solve(Xs, fc))) / arma::accu(arma::square(fc));
  REQUIRE(r2_other < 0.1);  // E R² of 90 pure-noise regressors on n = 2000 is 90/2000 = 0.045
  REQUIRE(r2_support > 0.5);
}
