// Tests of the ground-truth generators (sim/truth) and the data sets (sim/data), and of
// `reluid generate`.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "sim/data.hpp"
#include "sim/seed.hpp"
#include "sim/truth.hpp"
#include "tests/support.hpp"
#include "theory/assumption.hpp"
#include "theory/io.hpp"
#include "theory/model.hpp"

using namespace reluid;
using sim::TruthOptions;

using test::Run;
using test::run;

namespace {

/// Largest |cos| between distinct columns, by explicit loops (independent of theory::coherence).
double brute_force_coherence(const arma::mat& W) {
  double worst = 0.0;
  for (arma::uword j = 0; j < W.n_cols; ++j) {
    for (arma::uword k = j + 1; k < W.n_cols; ++k) {
      double dot = 0.0, nj = 0.0, nk = 0.0;
      for (arma::uword i = 0; i < W.n_rows; ++i) {
        dot += W(i, j) * W(i, k);
        nj += W(i, j) * W(i, j);
        nk += W(i, k) * W(i, k);
      }
      worst = std::max(worst, std::abs(dot) / std::sqrt(nj * nk));
    }
  }
  return worst;
}

/// Number of rows of W with a non-zero entry, by explicit loops.
arma::uword nonzero_rows(const arma::mat& W) {
  arma::uword count = 0;
  for (arma::uword i = 0; i < W.n_rows; ++i) {
    bool any = false;
    for (arma::uword j = 0; j < W.n_cols; ++j) any = any || W(i, j) != 0.0;
    count += any ? 1 : 0;
  }
  return count;
}

}  // namespace

TEST_CASE("make_truth: Assumption 1 holds with coherence at most mu", "[generate]") {
  struct Shape {
    int r, s;
    double mu, B;
  };
  const auto c = GENERATE(values<Shape>({{20, 40, 0.3, 2.0},
                                         {20, 40, 0.0, 3.0},
                                         {20, 20, 0.3, 1.5},
                                         {5, 5, 0.0, 1.0},
                                         {3, 6, 0.5, 2.0},
                                         {8, 10, 0.9, 4.0},
                                         {2, 2, 1.0, 2.0},
                                         {10, 30, 0.05, 2.0},
                                         {1, 1, 0.5, 2.0}}));
  CAPTURE(c.r, c.s, c.mu, c.B);
  const TruthOptions opt{.p = 50, .r = c.r, .s = c.s, .B = c.B, .bias_bound = 1.0, .mu = c.mu};
  for (std::uint64_t trial = 0; trial < 40; ++trial) {
    CAPTURE(trial);
    auto rng = sim::make_engine(11, 0, trial, sim::Stream::truth);
    const theory::Network net = sim::make_truth(opt, rng);
    REQUIRE(net.p() == 50);
    REQUIRE(net.r() == static_cast<arma::uword>(c.r));
    REQUIRE(brute_force_coherence(net.W) <= c.mu + 1e-12);
    REQUIRE(nonzero_rows(net.W) == static_cast<arma::uword>(c.s));
    for (arma::uword j = 0; j < net.r(); ++j) {
      double norm = 0.0;
      for (arma::uword i = 0; i < net.p(); ++i) norm += net.W(i, j) * net.W(i, j);
      norm = std::sqrt(norm);
      REQUIRE(norm >= 1.0 - 1e-14);  // rounding only: summation order differs between routines
      REQUIRE(norm <= c.B * (1.0 + 1e-14));
      REQUIRE(std::abs(net.b(j)) <= 1.0);
    }
    REQUIRE(theory::assumption_report(net).norms_ok);  // ‖w_j‖ ≥ 1 as Assumption 1 states it
    // Balanced signs: ⌈r/2⌉ positive, so both signs appear when r ≥ 2.
    REQUIRE(arma::accu(net.a == 1.0) == static_cast<arma::uword>((c.r + 1) / 2));
    REQUIRE(arma::accu(net.a == -1.0) == static_cast<arma::uword>(c.r / 2));
  }
}

TEST_CASE("make_truth: two neurons reach the requested coherence exactly", "[generate]") {
  // For r = 2 the pattern is E = [0 γ; γ 0] with λ_min(E) = −|γ|, so c·|γ| = min(μ, 1 − δ).
  const double mu = GENERATE(0.1, 0.5, 0.95);
  CAPTURE(mu);
  for (std::uint64_t trial = 0; trial < 20; ++trial) {
    auto rng = sim::make_engine(12, 0, trial, sim::Stream::truth);
    const auto net = sim::make_truth({.p = 10, .r = 2, .s = 3, .mu = mu}, rng);
    REQUIRE(brute_force_coherence(net.W) ==
            Approx(std::min(mu, 1.0 - sim::min_gram_eigenvalue)).epsilon(1e-12));
  }
}

TEST_CASE("make_truth: sign count and random sign order", "[generate]") {
  const int positive = GENERATE(0, 1, 3, 4);
  CAPTURE(positive);
  std::vector<int> first_positive(4, 0);  // how often neuron j is positive
  for (std::uint64_t trial = 0; trial < 200; ++trial) {
    auto rng = sim::make_engine(13, 0, trial, sim::Stream::truth);
    const auto net = sim::make_truth({.p = 8, .r = 4, .s = 4, .positive = positive}, rng);
    REQUIRE(arma::accu(net.a == 1.0) == static_cast<arma::uword>(positive));
    REQUIRE(arma::accu(net.a == -1.0) == static_cast<arma::uword>(4 - positive));
    for (arma::uword j = 0; j < 4; ++j) first_positive[j] += net.a(j) > 0 ? 1 : 0;
  }
  // Each neuron is positive in a fraction positive/4 of the draws: Binomial(200, positive/4),
  // within 5 standard errors (two-sided normal tail 5.7e-7 per neuron; exact 0 or 200 at the ends).
  for (int j = 0; j < 4; ++j) {
    const double q = positive / 4.0;
    const double std_err = std::sqrt(200.0 * q * (1.0 - q));
    REQUIRE(std::abs(first_positive[j] - 200.0 * q) <= 5.0 * std_err);
  }
}

TEST_CASE("make_truth: same engine state gives the same network", "[generate]") {
  auto rng1 = sim::make_engine(14, 2, 3, sim::Stream::truth);
  auto rng2 = sim::make_engine(14, 2, 3, sim::Stream::truth);
  const TruthOptions opt{.p = 30, .r = 6, .s = 9, .mu = 0.4};
  const auto a = sim::make_truth(opt, rng1);
  const auto b = sim::make_truth(opt, rng2);
  REQUIRE(arma::approx_equal(a.W, b.W, "absdiff", 0.0));
  REQUIRE(arma::approx_equal(a.b, b.b, "absdiff", 0.0));
  REQUIRE(arma::approx_equal(a.a, b.a, "absdiff", 0.0));
  const auto c = sim::make_truth(opt, rng1);  // the engine moved on
  REQUIRE_FALSE(arma::approx_equal(a.W, c.W, "absdiff", 0.0));
}

TEST_CASE("make_truth: support rows, norms and biases are uniform", "[generate][statistical]") {
  // p = 10, s = 3 over T = 3000 draws: each row is in the support with probability 0.3, so its
  // count is Binomial(3000, 0.3). Norms are U[1, 3] (mean 2, variance 4/12) and biases U[−1, 1]
  // (mean 0, variance 1/3). Every check allows 5 standard errors: two-sided normal tail 5.7e-7
  // each, under 1e-5 for the 12 checks together (fixed seed, no retry).
  constexpr int T = 3000;
  arma::vec row_count(10, arma::fill::zeros);
  double norm_sum = 0.0, bias_sum = 0.0;
  for (int trial = 0; trial < T; ++trial) {
    auto rng = sim::make_engine(15, 0, static_cast<std::uint64_t>(trial), sim::Stream::truth);
    const auto net = sim::make_truth({.p = 10, .r = 2, .s = 3, .B = 3.0, .mu = 0.5}, rng);
    for (arma::uword i = 0; i < 10; ++i) row_count(i) += arma::any(net.W.row(i) != 0.0) ? 1 : 0;
    norm_sum += arma::accu(arma::sqrt(arma::sum(arma::square(net.W), 0)));
    bias_sum += arma::accu(net.b);
  }
  const double count_std_err = std::sqrt(T * 0.3 * 0.7);
  for (arma::uword i = 0; i < 10; ++i) {
    CAPTURE(i, row_count(i));
    REQUIRE(std::abs(row_count(i) - T * 0.3) <= 5.0 * count_std_err);
  }
  const double m = 2.0 * T;  // neurons drawn
  REQUIRE(std::abs(norm_sum / m - 2.0) <= 5.0 * std::sqrt(4.0 / 12.0 / m));
  REQUIRE(std::abs(bias_sum / m) <= 5.0 * std::sqrt(1.0 / 3.0 / m));
}

TEST_CASE("make_truth: impossible requests name the field and value", "[generate]") {
  struct Case {
    TruthOptions opt;
    std::string message;
  };
  const auto c = GENERATE(values<Case>({
      {{.p = 0}, "make_truth: p must be at least 1 (got 0)"},
      {{.s = 0}, "make_truth: s must be at least 1 (got 0)"},
      {{.p = 5, .s = 6}, "make_truth: s must be at most p = 5 (got 6)"},
      {{.r = 0}, "make_truth: r must be at least 1 (got 0)"},
      {{.r = 7, .s = 6}, "r must be at most s = 6"},
      {{.r = 7, .s = 6}, "Welch bound 0.16666666666666666"},  // √((7 − 6)/(6·6)) = 1/6
      {{.r = 7, .s = 6}, "(got 7)"},
      {{.B = 0.5}, "make_truth: B must be finite and at least 1 (got 0.5)"},
      {{.B = 2.0, .bias_bound = 3.0}, "make_truth: bias_bound must be in [0, B] = [0, 2] (got 3)"},
      {{.bias_bound = -0.1}, "bias_bound must be in [0, B] = [0, 2] (got -0.10000000000000001)"},
      {{.mu = 1.5}, "make_truth: mu must be in [0, 1] (got 1.5)"},
      {{.mu = -0.5}, "make_truth: mu must be in [0, 1] (got -0.5)"},
      {{.mu = std::nan("")}, "make_truth: mu must be in [0, 1] (got nan)"},
      {{.r = 3, .positive = 4}, "make_truth: positive must be in [0, r] = [0, 3]"},
      {{.r = 3, .positive = -2}, "or -1 for balanced signs (got -2)"},
  }));
  CAPTURE(c.message);
  auto rng = sim::make_engine(16, 0, 0, sim::Stream::truth);
  REQUIRE_THROWS_AS(sim::make_truth(c.opt, rng), std::invalid_argument);
  REQUIRE_THROWS_WITH(sim::make_truth(c.opt, rng), Catch::Contains(c.message));
}

TEST_CASE("paper_network: the §4.1.1 network", "[generate]") {
  auto rng = sim::make_engine(17, 0, 0, sim::Stream::truth);
  const auto net = sim::paper_network(rng);
  REQUIRE(net.p() == 100);
  REQUIRE(net.r() == 16);
  REQUIRE(nonzero_rows(net.W.rows(10, 99)) == 0);
  REQUIRE(nonzero_rows(net.W.rows(0, 9)) == 10);
  REQUIRE(net.W.min() >= 0.0);
  REQUIRE(net.W.max() < 1.0);
  REQUIRE(net.b.min() >= 0.0);
  REQUIRE(net.b.max() < 1.0);
  REQUIRE(arma::all(arma::abs(net.a) == 1.0));
  REQUIRE(sim::paper_network(rng, 10).p() == 10);
  REQUIRE_THROWS_WITH(
      sim::paper_network(rng, 9),
      Catch::Contains("paper_network: p must be at least 10") && Catch::Contains("(got 9)"));
}

TEST_CASE("paper_network: signs are fair coins, weights U[0, 1]", "[generate][statistical]") {
  // 500 networks: 8000 signs, P(+1) = 1/2; 80000 support weights with mean 1/2 and variance 1/12.
  // 5 standard errors each: two-sided normal tail 5.7e-7 (fixed seed, no retry).
  double positives = 0.0, weight_sum = 0.0;
  for (std::uint64_t trial = 0; trial < 500; ++trial) {
    auto rng = sim::make_engine(18, 0, trial, sim::Stream::truth);
    const auto net = sim::paper_network(rng, 12);
    positives += arma::accu(net.a == 1.0);
    weight_sum += arma::accu(net.W.rows(0, 9));
  }
  REQUIRE(std::abs(positives - 4000.0) <= 5.0 * std::sqrt(8000.0 * 0.25));
  REQUIRE(std::abs(weight_sum / 80000.0 - 0.5) <= 5.0 * std::sqrt(1.0 / 12.0 / 80000.0));
}

TEST_CASE("make_data: bounded noise has mean square exactly sigma^2", "[generate]") {
  const double sigma = GENERATE(0.0, 0.1, 2.5);
  const int n = GENERATE(1, 7, 500);
  CAPTURE(sigma, n);
  auto truth_rng = sim::make_engine(19, 0, 0, sim::Stream::truth);
  const auto truth = sim::make_truth({.p = 12, .r = 3, .s = 5}, truth_rng);
  auto rng = sim::make_engine(19, 0, 0, sim::Stream::data);
  const sim::Dataset d = sim::make_data(truth, {.n = n, .sigma = sigma}, rng);
  REQUIRE(d.X.n_rows == static_cast<arma::uword>(n));
  REQUIRE(d.X.n_cols == 12);
  double mean_square = 0.0;
  for (double xi : d.noise) mean_square += xi * xi / n;
  if (sigma == 0.0) {
    REQUIRE(arma::all(d.noise == 0.0));
  } else {
    REQUIRE(std::abs(mean_square - sigma * sigma) <= 1e-12 * sigma * sigma);
  }
  REQUIRE(arma::approx_equal(d.f_clean, theory::predict(truth, d.X), "absdiff", 0.0));
  REQUIRE(arma::approx_equal(d.y, d.f_clean + d.noise, "absdiff", 0.0));
}

TEST_CASE("make_data: Gaussian noise has variance sigma^2", "[generate][statistical]") {
  // n = 20000 i.i.d. N(0, σ²): the mean of ξ² has standard error σ²√(2/n) and the mean of ξ has
  // σ/√n; 5 standard errors each (two-sided normal tail 5.7e-7; fixed seed, no retry).
  constexpr double sigma = 0.7;
  constexpr int n = 20000;
  auto truth_rng = sim::make_engine(20, 0, 0, sim::Stream::truth);
  const auto truth = sim::make_truth({.p = 3, .r = 2, .s = 2}, truth_rng);
  auto rng = sim::make_engine(20, 0, 0, sim::Stream::data);
  const auto d =
      sim::make_data(truth, {.n = n, .sigma = sigma, .noise = sim::NoiseKind::gaussian}, rng);
  const double var = sigma * sigma;
  REQUIRE(std::abs(arma::mean(arma::square(d.noise)) - var) <= 5.0 * var * std::sqrt(2.0 / n));
  REQUIRE(std::abs(arma::mean(d.noise)) <= 5.0 * sigma / std::sqrt(double{n}));
}

TEST_CASE("make_data: Toeplitz inputs have covariance rho^|i-k|", "[generate][statistical]") {
  // Sample covariance ĉ_ik = (1/n) Σ x_i x_k of zero-mean Gaussian coordinates with correlation
  // ρ_ik = ρ^|i−k|: E ĉ_ik = ρ_ik and Var(x_i x_k) = E x_i² x_k² − ρ_ik² = 1 + ρ_ik² (Isserlis),
  // so std_err = √((1 + ρ_ik²)/n). Each of the 21 entries within 5 standard errors: two-sided
  // normal tail 5.7e-7 each, under 1.2e-5 per ρ by the union bound (fixed seed, no retry).
  const double rho = GENERATE(0.0, 0.6, -0.5, 0.95);
  CAPTURE(rho);
  constexpr int n = 20000;
  constexpr arma::uword p = 6;
  auto truth_rng = sim::make_engine(21, 0, 0, sim::Stream::truth);
  const auto truth = sim::make_truth({.p = static_cast<int>(p), .r = 2, .s = 3}, truth_rng);
  auto rng = sim::make_engine(21, 0, 0, sim::Stream::data);
  const auto d =
      sim::make_data(truth, {.n = n, .input = sim::InputKind::toeplitz, .rho = rho}, rng);
  for (arma::uword i = 0; i < p; ++i) {
    for (arma::uword k = i; k < p; ++k) {
      double c = 0.0;
      for (arma::uword t = 0; t < d.X.n_rows; ++t) c += d.X(t, i) * d.X(t, k);
      c /= n;
      const double rho_ik = std::pow(rho, static_cast<double>(k - i));
      const double std_err = std::sqrt((1.0 + rho_ik * rho_ik) / n);
      CAPTURE(i, k, c, rho_ik, std_err);
      REQUIRE(std::abs(c - rho_ik) <= 5.0 * std_err);
    }
  }
}

TEST_CASE("make_data: Toeplitz with rho = 0 equals Gaussian inputs", "[generate]") {
  auto truth_rng = sim::make_engine(22, 0, 0, sim::Stream::truth);
  const auto truth = sim::make_truth({.p = 9, .r = 2, .s = 4}, truth_rng);
  auto rng1 = sim::make_engine(22, 0, 0, sim::Stream::data);
  auto rng2 = sim::make_engine(22, 0, 0, sim::Stream::data);
  const auto a = sim::make_data(truth, {.n = 40, .sigma = 0.3}, rng1);
  const auto b =
      sim::make_data(truth, {.n = 40, .sigma = 0.3, .input = sim::InputKind::toeplitz}, rng2);
  REQUIRE(arma::approx_equal(a.X, b.X, "absdiff", 0.0));
  REQUIRE(arma::approx_equal(a.y, b.y, "absdiff", 0.0));
}

TEST_CASE("make_data: distinct trials give different, uncorrelated data",
          "[generate][statistical]") {
  // Inputs of trials 0 and 1 (same master seed and cell): 2000 × 10 = 20000 pairs of independent
  // N(0, 1) entries. Their sample correlation has standard error 1/√20000; allow 5 (two-sided
  // normal tail 5.7e-7; fixed seed, no retry). The same check for two streams of one trial.
  auto truth_rng = sim::make_engine(23, 0, 0, sim::Stream::truth);
  const auto truth = sim::make_truth({.p = 10, .r = 2, .s = 4}, truth_rng);
  const sim::DataOptions opt{.n = 2000, .sigma = 0.1};
  auto rng0 = sim::make_engine(23, 0, 0, sim::Stream::data);
  auto rng1 = sim::make_engine(23, 0, 1, sim::Stream::data);
  auto rng_test = sim::make_engine(23, 0, 0, sim::Stream::test_data);
  const auto d0 = sim::make_data(truth, opt, rng0);
  const auto d1 = sim::make_data(truth, opt, rng1);
  const auto dt = sim::make_data(truth, opt, rng_test);
  REQUIRE_FALSE(arma::approx_equal(d0.X, d1.X, "absdiff", 0.0));
  REQUIRE_FALSE(arma::approx_equal(d0.y, d1.y, "absdiff", 0.0));
  const double bound = 5.0 / std::sqrt(20000.0);
  for (const auto* other : {&d1, &dt}) {
    const double corr =
        arma::as_scalar(arma::cor(arma::vectorise(d0.X), arma::vectorise(other->X)));
    CAPTURE(corr);
    REQUIRE(std::abs(corr) <= bound);
  }
}

TEST_CASE("make_data: bad options name the field and value", "[generate]") {
  auto truth_rng = sim::make_engine(24, 0, 0, sim::Stream::truth);
  const auto truth = sim::make_truth({.p = 4, .r = 2, .s = 2}, truth_rng);
  auto rng = sim::make_engine(24, 0, 0, sim::Stream::data);
  using sim::InputKind;
  struct Case {
    sim::DataOptions opt;
    std::string message;
  };
  const auto c = GENERATE(values<Case>({
      {{.n = 0}, "make_data: n must be at least 1 (got 0)"},
      {{.sigma = -1.0}, "make_data: sigma must be finite and non-negative (got -1)"},
      {{.sigma = HUGE_VAL}, "make_data: sigma must be finite and non-negative (got inf)"},
      {{.input = InputKind::toeplitz, .rho = 1.0}, "make_data: rho must satisfy |rho| < 1 (got 1)"},
      {{.input = InputKind::toeplitz, .rho = -1.5}, "rho must satisfy |rho| < 1 (got -1.5)"},
      {{.rho = 0.5}, "make_data: rho must be 0 for gaussian inputs (use toeplitz) (got 0.5)"},
  }));
  CAPTURE(c.message);
  REQUIRE_THROWS_WITH(sim::make_data(truth, c.opt, rng), Catch::Contains(c.message));
  REQUIRE_THROWS_AS(sim::parse_input_kind("normal"), std::invalid_argument);
  REQUIRE_THROWS_WITH(sim::parse_noise_kind("uniform", "--noise"),
                      "--noise: must be \"bounded\" or \"gaussian\" (got \"uniform\")");
}

TEST_CASE("data_to_csv: header and exact round trip", "[generate]") {
  auto rng = sim::make_engine(25, 0, 0, sim::Stream::data);
  const arma::mat X = theory::standard_normal(5, 3, rng);
  const arma::vec y = theory::standard_normal(5, 1, rng) * 1e-7;
  std::istringstream in(sim::data_to_csv(X, y));
  std::string line;
  std::getline(in, line);
  REQUIRE(line == "x1,x2,x3,y");
  for (arma::uword i = 0; i < 5; ++i) {
    REQUIRE(std::getline(in, line));
    std::istringstream row(line);
    std::string cell;
    for (arma::uword k = 0; k < 4; ++k) {
      REQUIRE(std::getline(row, cell, ','));
      REQUIRE(std::stod(cell) == (k < 3 ? X(i, k) : y(i)));
    }
  }
  REQUIRE_FALSE(std::getline(in, line));
  REQUIRE_THROWS_AS(sim::data_to_csv(X, arma::vec(4)), std::invalid_argument);
}

TEST_CASE("reluid generate: the file is the library's network, byte-identical per seed",
          "[generate][cli]") {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("reluid_test_generate_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const std::string bin = RELUID_BINARY;
  const std::string opts = " generate --p 30 --r 5 --s 8 --B 1.5 --bias-bound 0.5 --mu 0.25";
  const auto file = [&](const char* name) { return (dir / name).string(); };

  const Run first = run(bin + opts + " --seed 42 --out " + file("a.json") +
                        " --data-n 25 --sigma 0.2 --data-out " + file("a.csv"));
  REQUIRE(first.status == 0);
  REQUIRE_THAT(first.output, Catch::StartsWith("generate: p = 30, r = 5, s = 8, mu = 0.25"));
  REQUIRE(run(bin + opts + " --seed 42 --out " + file("b.json")).status == 0);
  REQUIRE(run(bin + opts + " --seed 43 --out " + file("c.json")).status == 0);
  REQUIRE(theory::read_text(file("a.json")) == theory::read_text(file("b.json")));
  REQUIRE(theory::read_text(file("a.json")) != theory::read_text(file("c.json")));

  // The file holds make_truth's network from the documented stream, and its meta block.
  auto rng = sim::make_engine(42, 0, 0, sim::Stream::truth);
  const theory::Network want =
      sim::make_truth({.p = 30, .r = 5, .s = 8, .B = 1.5, .bias_bound = 0.5, .mu = 0.25}, rng);
  const theory::Network got = theory::read_network(file("a.json"));
  REQUIRE(arma::approx_equal(got.W, want.W, "absdiff", 0.0));
  REQUIRE(arma::approx_equal(got.b, want.b, "absdiff", 0.0));
  REQUIRE(arma::approx_equal(got.a, want.a, "absdiff", 0.0));
  const auto meta = nlohmann::json::parse(theory::read_text(file("a.json")))["meta"];
  REQUIRE(meta["seed"] == 42);
  REQUIRE(meta["options"]["s"] == 8);
  REQUIRE(meta["achieved_mu"].get<double>() == Approx(brute_force_coherence(got.W)).epsilon(1e-12));
  REQUIRE(meta["omega"].get<double>() ==
          Approx(-std::log(meta["achieved_mu"].get<double>()) / std::log(5.0)).epsilon(1e-12));

  // The CSV holds make_data's sample from the data stream: header, 25 rows, y column.
  auto data_rng = sim::make_engine(42, 0, 0, sim::Stream::data);
  const auto d = sim::make_data(want, {.n = 25, .sigma = 0.2}, data_rng);
  REQUIRE(theory::read_text(file("a.csv")) == sim::data_to_csv(d.X, d.y));

  const Run bad = run(bin + " generate --s 0 --out " + file("d.json") + " 2>&1");
  REQUIRE(bad.status == 2);
  REQUIRE(bad.output == "reluid: error: make_truth: s must be at least 1 (got 0)\n");
  const Run stray = run(bin + " generate --rho 0.5 --out " + file("d.json") + " 2>&1");
  REQUIRE(stray.status == 2);
  REQUIRE(stray.output ==
          "reluid: error: generate: --rho needs --data-out (the CSV file to write)\n");
  REQUIRE_FALSE(std::filesystem::exists(file("d.json")));
  std::filesystem::remove_all(dir);
}
