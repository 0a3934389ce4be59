// Tests of the phase-transition statistics: logistic fits, profile intervals, scaling, σ-slope.
#include <sys/wait.h>

#include <boost/random/bernoulli_distribution.hpp>
#include <boost/random/binomial_distribution.hpp>
#include <boost/random/normal_distribution.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "sim/seed.hpp"
#include "theory/io.hpp"
#include "theory/transition.hpp"

using namespace reluid;
using theory::BinomialPoint;

namespace {

constexpr double chi2_95_half = 3.841458820694124 / 2;  // χ²₁(0.95) / 2

/// Bernoulli counts at each n with P = 1/(1 + exp(−(α + β log n))).
std::vector<BinomialPoint> draw_counts(const std::vector<double>& n, int trials, double alpha,
                                       double beta, theory::Engine& rng) {
  std::vector<BinomialPoint> out;
  for (double v : n) {
    const double prob = 1.0 / (1.0 + std::exp(-(alpha + beta * std::log(v))));
    boost::random::binomial_distribution<int> binom(trials, prob);
    out.push_back({v, double(trials), double(binom(rng))});
  }
  return out;
}

std::vector<BinomialPoint> logged(std::vector<BinomialPoint> d) {
  for (auto& p : d) p.x = std::log(p.x);
  return d;
}

/// Profile over β by golden-section search on a wide bracket: an optimiser independent of the
/// library's Newton iterations.
double golden_profile_x50(const std::vector<BinomialPoint>& d, double theta) {
  double lo = -50, hi = 50;
  const double g = (std::sqrt(5.0) - 1) / 2;
  auto f = [&](double b) { return theory::logistic_log_lik(d, -b * theta, b); };
  double c = hi - g * (hi - lo), e = lo + g * (hi - lo);
  for (int it = 0; it < 200; ++it) {
    if (f(c) > f(e)) {
      hi = e;
    } else {
      lo = c;
    }
    c = hi - g * (hi - lo);
    e = lo + g * (hi - lo);
  }
  return f(0.5 * (lo + hi));
}

}  // namespace

TEST_CASE("fit_logistic: score vanishes and covariance is the inverse finite-difference Hessian",
          "[transition]") {
  auto rng = sim::make_engine(11, 0, 0, sim::Stream::data);
  const auto d = logged(draw_counts({30, 60, 120, 240, 480}, 25, -3.0 * std::log(120.0), 3.0, rng));
  const auto fit = theory::fit_logistic(d);
  REQUIRE(fit.status == theory::LogisticStatus::converged);
  double g0 = 0, g1 = 0;
  for (const auto& p : d) {
    const double pi = 1.0 / (1.0 + std::exp(-(fit.alpha + fit.beta * p.x)));
    g0 += p.successes - p.trials * pi;
    g1 += (p.successes - p.trials * pi) * p.x;
  }
  CHECK(std::abs(g0) < 1e-8);
  CHECK(std::abs(g1) < 1e-7);
  const double h = 1e-4;
  auto L = [&](double a, double b) { return theory::logistic_log_lik(d, a, b); };
  const double a = fit.alpha, b = fit.beta;
  arma::mat H(2, 2);
  H(0, 0) = (L(a + h, b) - 2 * L(a, b) + L(a - h, b)) / (h * h);
  H(1, 1) = (L(a, b + h) - 2 * L(a, b) + L(a, b - h)) / (h * h);
  H(0, 1) = H(1, 0) =
      (L(a + h, b + h) - L(a + h, b - h) - L(a - h, b + h) + L(a - h, b - h)) / (4 * h * h);
  const arma::mat cov_fd = arma::inv(-H);
  CAPTURE(fit.cov, cov_fd);
  REQUIRE(arma::approx_equal(fit.cov, cov_fd, "reldiff", 1e-3));
  REQUIRE(fit.log_lik == Approx(L(a, b)).epsilon(1e-12));
  REQUIRE(fit.x50 == Approx(-a / b));
}

TEST_CASE("fit_logistic: profile interval ends sit where the deviance reaches χ²₁(0.95)",
          "[transition]") {
  auto rng = sim::make_engine(11, 0, 1, sim::Stream::data);
  const auto d = logged(draw_counts({30, 60, 120, 240, 480}, 20, -2.0 * std::log(100.0), 2.0, rng));
  const auto fit = theory::fit_logistic(d);
  REQUIRE(fit.status == theory::LogisticStatus::converged);
  REQUIRE(std::isfinite(fit.x50_ci.low));
  REQUIRE(std::isfinite(fit.x50_ci.high));
  REQUIRE(fit.x50_ci.low < fit.x50);
  REQUIRE(fit.x50 < fit.x50_ci.high);
  for (double end : {fit.x50_ci.low, fit.x50_ci.high}) {
    CAPTURE(end);
    REQUIRE(fit.log_lik - golden_profile_x50(d, end) == Approx(chi2_95_half).epsilon(1e-5));
  }
  // β profile: brute-force maximisation over α on a fine grid refined by golden section.
  for (double end : {fit.beta_ci.low, fit.beta_ci.high}) {
    CAPTURE(end);
    double lo = -100, hi = 100;
    const double g = (std::sqrt(5.0) - 1) / 2;
    auto f = [&](double a) { return theory::logistic_log_lik(d, a, end); };
    for (int it = 0; it < 200; ++it) {
      const double c = hi - g * (hi - lo), e = lo + g * (hi - lo);
      (f(c) > f(e) ? hi : lo) = (f(c) > f(e) ? e : c);
    }
    REQUIRE(fit.log_lik - f(0.5 * (lo + hi)) == Approx(chi2_95_half).epsilon(1e-5));
  }
}

TEST_CASE("fit_transition: the 95% intervals for n50 and width cover the truth at the nominal rate",
          "[transition][statistical]") {
  // 400 seeded replications; coverage is binomial with SE ≈ 0.011 at 0.95. Bound 3.5 SE: a
  // false failure has probability ≈ 5e-4 if the profile interval is exactly nominal.
  const double n50 = 200, beta = 3.0, alpha = -beta * std::log(n50);
  const double width = std::exp(2 * std::log(9.0) / beta);
  const std::vector<double> n = {50, 100, 200, 400, 800};
  constexpr int reps = 400;
  int cover_n50 = 0, cover_width = 0, estimates = 0;
  for (int rep = 0; rep < reps; ++rep) {
    auto rng = sim::make_engine(2024, 1, static_cast<std::uint64_t>(rep), sim::Stream::data);
    const auto fit = theory::fit_transition(draw_counts(n, 40, alpha, beta, rng));
    estimates += fit.kind == theory::N50Kind::estimate;
    cover_n50 += fit.n50_ci.contains(n50);
    cover_width += fit.width_ratio_ci.contains(width);
  }
  const double se = std::sqrt(0.95 * 0.05 / reps);
  CAPTURE(cover_n50, cover_width, estimates);
  REQUIRE(estimates >= reps - 2);
  REQUIRE(std::abs(cover_n50 / double(reps) - 0.95) < 3.5 * se);
  REQUIRE(std::abs(cover_width / double(reps) - 0.95) < 3.5 * se);
}

TEST_CASE("fit_transition: degenerate groups give flagged bounds, never estimates",
          "[transition]") {
  using theory::N50Kind;
  SECTION("all failures: n50 above max n") {
    const auto f = theory::fit_transition({{50, 10, 0}, {100, 10, 0}, {200, 10, 0}});
    REQUIRE(f.kind == N50Kind::above_max_n);
    REQUIRE(std::isnan(f.n50));
    REQUIRE(f.n50_ci.low == Approx(200));
    REQUIRE(std::isinf(f.n50_ci.high));
  }
  SECTION("all successes: n50 below min n") {
    const auto f = theory::fit_transition({{50, 10, 10}, {100, 10, 10}});
    REQUIRE(f.kind == N50Kind::below_min_n);
    REQUIRE(std::isnan(f.n50));
    REQUIRE(f.n50_ci.low == 0.0);
    REQUIRE(f.n50_ci.high == Approx(50));
  }
  SECTION("complete separation: bracketed between the last failure and the first success") {
    const auto f =
        theory::fit_transition({{50, 10, 0}, {100, 10, 0}, {200, 10, 10}, {400, 10, 10}});
    REQUIRE(f.kind == N50Kind::bracketed);
    REQUIRE(f.logit.status == theory::LogisticStatus::separated);
    REQUIRE(std::isnan(f.n50));
    REQUIRE(f.n50_ci.low == Approx(100));
    REQUIRE(f.n50_ci.high == Approx(200));
  }
  SECTION("quasi-complete separation: one mixed n") {
    const auto f = theory::fit_transition({{50, 10, 0}, {100, 10, 4}, {200, 10, 10}});
    REQUIRE(f.kind == N50Kind::bracketed);
    REQUIRE(f.n50_ci.low == Approx(100));
    REQUIRE(f.n50_ci.high == Approx(100));
  }
  SECTION("decreasing separation and a single n are undetermined") {
    const auto dec = theory::fit_transition({{50, 10, 10}, {100, 10, 0}});
    REQUIRE(dec.kind == N50Kind::undetermined);
    REQUIRE(dec.logit.status == theory::LogisticStatus::separated_decreasing);
    const auto one = theory::fit_transition({{50, 10, 4}, {50, 5, 1}, {80, 0, 0}});
    REQUIRE(one.kind == N50Kind::undetermined);
    REQUIRE(one.logit.status == theory::LogisticStatus::single_x);
    REQUIRE(std::isnan(one.n50));
  }
  SECTION("non-significant slope: the profile interval is unbounded") {
    const auto f = theory::fit_transition({{50, 10, 5}, {100, 10, 4}, {200, 10, 6}});
    REQUIRE(f.kind == N50Kind::estimate);
    REQUIRE(f.n50_ci.low == 0.0);
    REQUIRE(std::isinf(f.n50_ci.high));
  }
}

TEST_CASE("fit_logistic: bad input is rejected naming the point", "[transition]") {
  REQUIRE_THROWS_WITH(theory::fit_logistic({{1, 5, 2}, {2, 5, 6}}),
                      Catch::Contains("point 1: successes must be in [0, trials] (got 6)"));
  REQUIRE_THROWS_AS(theory::fit_logistic({{std::nan(""), 5, 2}}), std::invalid_argument);
  REQUIRE_THROWS_WITH(theory::fit_transition({{0, 5, 2}}),
                      Catch::Contains("n must be positive (got 0)"));
  REQUIRE_THROWS_WITH(theory::fit_logistic({{1, 5, 2}}, {.level = 1.0}),
                      Catch::Contains("level must be in (0, 1) (got 1)"));
}

TEST_CASE("logistic_band: passes through 1/2 at x50 and widens away from the data",
          "[transition]") {
  auto rng = sim::make_engine(11, 0, 2, sim::Stream::data);
  const auto d = logged(draw_counts({30, 60, 120, 240, 480}, 30, -3.0 * std::log(120.0), 3.0, rng));
  const auto fit = theory::fit_logistic(d);
  REQUIRE(fit.status == theory::LogisticStatus::converged);
  const auto mid = theory::logistic_band(fit, fit.x50);
  REQUIRE(mid.fit == Approx(0.5));
  // Closed form of the Wald band at x50: η̂ = 0, half-width z·sqrt(v(x50)).
  const double x = fit.x50;
  const double v = fit.cov(0, 0) + 2 * x * fit.cov(0, 1) + x * x * fit.cov(1, 1);
  REQUIRE(mid.high == Approx(1 / (1 + std::exp(-1.959963984540054 * std::sqrt(v)))));
  REQUIRE(mid.low == Approx(1 - mid.high));
  const auto far = theory::logistic_band(fit, std::log(5.0));
  REQUIRE(far.low <= far.fit);
  REQUIRE(far.fit <= far.high);
}

TEST_CASE("fit_log_power: recovers a planted k exactly without noise", "[transition]") {
  const double k = GENERATE(1.0, 2.5, 4.0);
  CAPTURE(k);
  std::vector<double> p = {20, 100, 500, 2000}, n50, dummy;
  std::vector<theory::Interval> ci;
  for (double v : p) {
    n50.push_back(7.0 * std::pow(std::log(v), k));
    ci.push_back({n50.back() / 1.2, n50.back() * 1.2});
  }
  const auto fit = theory::fit_log_power(p, n50, ci);
  REQUIRE(fit.k == Approx(k).epsilon(1e-10));
  REQUIRE(std::exp(fit.log_C) == Approx(7.0).epsilon(1e-10));
  REQUIRE(fit.chi2 < 1e-16);
  REQUIRE(fit.k_ci.contains(k));
  REQUIRE_THROWS_WITH(theory::fit_log_power({20, 20}, {5, 6}, {{4, 6}, {5, 7}}),
                      Catch::Contains("needs at least 2 distinct p (got 1)"));
  REQUIRE_THROWS_WITH(theory::fit_log_power({20, 100}, {5, 6}, {{4, 6}, {6, 7}}),
                      Catch::Contains("point 1: interval must be finite"));
}

TEST_CASE("fit_log_power: the 95% interval for k covers a planted k at the nominal rate",
          "[transition][statistical]") {
  // log n50 noisy with the standard deviation its interval states. m = 2 (known variances):
  // coverage exactly 0.95; m = 5 (PDG scale factor ≥ 1): at least 0.95, and the inflation must
  // not make it vacuous (below 0.99).
  // 1000 replications, SE ≈ 0.0069; bound 3.5 SE (false failure ≈ 5e-4).
  const int m = GENERATE(2, 5);
  CAPTURE(m);
  const std::vector<double> all_p = {10, 50, 200, 1000, 5000};
  const double k = 2.0, z = 1.959963984540054;
  constexpr int reps = 1000;
  int cover = 0;
  boost::random::normal_distribution<double> normal(0, 1);
  for (int rep = 0; rep < reps; ++rep) {
    auto rng = sim::make_engine(77, static_cast<std::uint64_t>(m), static_cast<std::uint64_t>(rep),
                                sim::Stream::data);
    std::vector<double> p, n50;
    std::vector<theory::Interval> ci;
    for (int i = 0; i < m; ++i) {
      const double se = 0.1 + 0.05 * i;
      p.push_back(all_p[static_cast<std::size_t>(i)]);
      const double log_n = std::log(3.0) + k * std::log(std::log(p.back())) + se * normal(rng);
      n50.push_back(std::exp(log_n));
      ci.push_back({std::exp(log_n - z * se), std::exp(log_n + z * se)});
    }
    cover += theory::fit_log_power(p, n50, ci).k_ci.contains(k);
  }
  const double cov = cover / double(reps), se = std::sqrt(0.95 * 0.05 / reps);
  CAPTURE(cov);
  if (m == 2) REQUIRE(std::abs(cov - 0.95) < 3.5 * se);
  REQUIRE(cov > 0.95 - 3.5 * se);
  REQUIRE(cov < 0.99);
}

TEST_CASE("fit_sigma_slope: matches closed-form least squares of the medians", "[transition]") {
  auto rng = sim::make_engine(5, 0, 0, sim::Stream::data);
  boost::random::normal_distribution<double> normal(0, 1);
  const std::vector<double> sigma = {0.0, 0.25, 0.5, 1.0};
  std::vector<std::vector<double>> errors;
  for (double s : sigma) {
    std::vector<double> e;
    for (int t = 0; t < 41; ++t) e.push_back(0.05 + 2.0 * s + 0.1 * normal(rng));
    errors.push_back(e);
  }
  const auto fit = theory::fit_sigma_slope(sigma, errors, 999, 0.95, rng);
  // Independent medians by full sort (odd count) and the textbook formulas.
  std::vector<double> med;
  for (auto e : errors) {
    std::sort(e.begin(), e.end());
    med.push_back(e[20]);
  }
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (std::size_t i = 0; i < 4; ++i) {
    sx += sigma[i], sy += med[i], sxx += sigma[i] * sigma[i], sxy += sigma[i] * med[i];
  }
  const double slope = (4 * sxy - sx * sy) / (4 * sxx - sx * sx);
  REQUIRE(fit.slope == Approx(slope).epsilon(1e-12));
  REQUIRE(fit.intercept == Approx((sy - slope * sx) / 4).epsilon(1e-10));
  REQUIRE(fit.slope_origin == Approx(sxy / sxx).epsilon(1e-12));
  REQUIRE(fit.slope_ci.low < fit.slope);
  REQUIRE(fit.slope < fit.slope_ci.high);
  // The slope's sampling SD is ≈ 0.02 / 0.72 ≈ 0.03 (median SD over the σ spread): 5 SD bound.
  REQUIRE(std::abs(fit.slope - 2.0) < 0.15);
  // The noise in a median of 41 draws has SD ≈ 0.1·sqrt(π/2)/sqrt(41) ≈ 0.02: the interval must
  // be of that order, not degenerate and not vacuous.
  REQUIRE(fit.slope_ci.high - fit.slope_ci.low > 0.01);
  REQUIRE(fit.slope_ci.high - fit.slope_ci.low < 0.3);
  REQUIRE_THROWS_WITH(theory::fit_sigma_slope({0.0}, {{1.0}}, 10, 0.95, rng),
                      Catch::Contains("needs a σ > 0"));
  REQUIRE_THROWS_WITH(theory::fit_sigma_slope({-1.0}, {{1.0}}, 10, 0.95, rng),
                      Catch::Contains("sigma[0]: must be ≥ 0 (got -1)"));
}

namespace {

namespace fs = std::filesystem;

/// Reads a CSV written by `reluid analyze` into header-keyed rows.
std::vector<std::map<std::string, std::string>> read_csv(const fs::path& file) {
  std::ifstream in(file);
  std::string line;
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;
  auto split = [](const std::string& s) {
    std::vector<std::string> out;
    std::stringstream ss(s);
    std::string f;
    while (std::getline(ss, f, ',')) out.push_back(f);
    if (!s.empty() && s.back() == ',') out.emplace_back();
    return out;
  };
  while (std::getline(in, line)) {
    if (header.empty()) {
      header = split(line);
      continue;
    }
    const auto f = split(line);
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < f.size(); ++i) row[header[i]] = f[i];
    rows.push_back(row);
  }
  return rows;
}

int run(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// A synthetic sweep: (a) n × p grid (s = 3) with planted n50(p) = 5 (log p)², β = 4 in log n;
/// (b) σ sweep (s = 4) with error_eq7 = 0.1 + 1.5 σ + noise; (c) μ sweep (s = 5) with success
/// falling in μ; (d) a group where every trial succeeds (s = 6).
fs::path write_synthetic_sweep(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ostringstream csv;
  csv << "cell,trial,seed,n,p,s,r,sigma,mu,B,bias_bound,noise,input,rho,method,success,D2,"
         "error_eq7,certificate,seconds,risk,lemma3_held,extra\n";
  auto rng = sim::make_engine(99, 0, 0, sim::Stream::data);
  boost::random::normal_distribution<double> normal(0, 1);
  int cell = 0;
  auto emit = [&](double n, double p, int s, double sigma, double mu, double prob, int trials,
                  double err_mean) {
    boost::random::bernoulli_distribution<double> coin(prob);
    for (int t = 0; t < trials; ++t) {
      csv << cell << "," << t << ",99," << n << "," << p << "," << s << ",3," << sigma << "," << mu
          << ",2,1,gaussian,gaussian,0,relu_l1," << int(coin(rng)) << ",0.5,"
          << err_mean + 0.05 * normal(rng) << ",exact,0.01," << 0.25 * (t % 4 + 1) << "," << t % 2
          << ",x\n";  // D2 = 0.5: R/D2² cycles through 1, 2, 3, 4
    }
    ++cell;
  };
  for (double p : {20.0, 200.0, 2000.0}) {
    const double n50 = 5 * std::pow(std::log(p), 2.0);
    for (double n : {25.0, 50.0, 100.0, 200.0, 400.0, 800.0}) {
      emit(n, p, 3, 0.0, 0.5, 1 / (1 + std::exp(-4 * (std::log(n) - std::log(n50)))), 40, 0.1);
    }
  }
  for (double sigma : {0.0, 0.25, 0.5, 1.0})
    emit(400, 20, 4, sigma, 0.5, 0.9, 41, 0.1 + 1.5 * sigma);
  for (double mu : {0.1, 0.3, 0.5, 0.7, 0.9})
    emit(400, 20, 5, 0.0, mu, 1 / (1 + std::exp(-(3 - 6 * mu))), 60, 0.1);
  for (double n : {100.0, 200.0}) emit(n, 20, 6, 0.0, 0.5, 1.0, 10, 0.1);
  theory::write_text_atomic(dir / "trials.csv", csv.str());
  return dir;
}

}  // namespace

TEST_CASE("reluid analyze: end to end on a synthetic sweep", "[transition][cli]") {
  const fs::path dir = write_synthetic_sweep("reluid_test_analyze");
  const std::string bin = RELUID_BINARY;
  REQUIRE(run(bin + " analyze " + dir.string() + " > " + (dir / "out.txt").string()) == 0);
  const std::string report = theory::read_text(dir / "out.txt");
  CAPTURE(report);
  REQUIRE_THAT(report, Catch::Contains("k = "));
  REQUIRE_THAT(report, Catch::Contains("n50 < 100 (every trial succeeded)"));

  const auto trans = read_csv(dir / "transition.csv");
  int planted = 0;
  for (const auto& row : trans) {
    if (row.at("s") == "3") {
      ++planted;
      CAPTURE(row.at("p"), row.at("n50"), row.at("n50_low"), row.at("n50_high"));
      REQUIRE(row.at("n50_kind") == "estimate");
      const double truth = 5 * std::pow(std::log(std::stod(row.at("p"))), 2.0);
      const double lo = std::log(std::stod(row.at("n50_low"))),
                   hi = std::log(std::stod(row.at("n50_high")));
      // 4 standard errors (read off the 95% interval): false failure ≈ 6e-5 per group.
      REQUIRE(std::abs(std::log(std::stod(row.at("n50"))) - std::log(truth)) <
              4 * (hi - lo) / (2 * 1.96));
    }
    if (row.at("s") == "6") {
      REQUIRE(row.at("n50_kind") == "below_min_n");
      REQUIRE(row.at("n50") == "nan");
      REQUIRE(row.at("n50_high") == "100");
    }
  }
  REQUIRE(planted == 3);

  // Eq. (15) ratios per cell: 40 trials = 10 each of R/D2² = 1, 2, 3, 4 (linear-interpolation
  // quartile 1.75, median 2.5), Lemma 3 held in the 20 odd trials.
  const auto theory_rows = read_csv(dir / "analysis" / "theory.csv");
  int checked = 0;
  for (const auto& row : theory_rows) {
    if (row.at("trials") != "40") continue;
    ++checked;
    CHECK(row.at("ratio_trials") == "40");
    CHECK(std::stod(row.at("ratio_min")) == Approx(1.0));
    CHECK(std::stod(row.at("ratio_q25")) == Approx(1.75));
    CHECK(std::stod(row.at("ratio_median")) == Approx(2.5));
    CHECK(row.at("lemma3_held") == "20");
  }
  CHECK(checked == 18);  // s = 3: 3 p × 6 n
  REQUIRE_THAT(report, Catch::Contains("Lemma 3 held 20/40"));

  const auto scaling = read_csv(dir / "analysis" / "scaling.csv");
  bool found = false;
  for (const auto& row : scaling) {
    if (row.at("s") != "3") continue;
    found = true;
    CAPTURE(row.at("k"), row.at("k_se"));
    REQUIRE(row.at("p_used") == "3");
    REQUIRE(std::abs(std::stod(row.at("k")) - 2.0) < 4 * std::stod(row.at("k_se")));
  }
  REQUIRE(found);

  const auto sigma = read_csv(dir / "analysis" / "sigma.csv");
  REQUIRE(sigma.size() == 1);
  REQUIRE(sigma[0].at("s") == "4");
  // Median of 41 errors with SD 0.05: slope SD ≈ 0.015; bound 0.1.
  REQUIRE(std::abs(std::stod(sigma[0].at("slope")) - 1.5) < 0.1);
  REQUIRE(std::stod(sigma[0].at("slope_low")) < std::stod(sigma[0].at("slope")));

  const auto mu = read_csv(dir / "analysis" / "mu.csv");
  REQUIRE(mu.size() == 1);
  REQUIRE(mu[0].at("status_mu") == "converged");
  // Planted logit slope −6 per unit μ; the 95% profile interval must exclude 0.
  REQUIRE(std::stod(mu[0].at("beta_mu_high")) < 0);
  REQUIRE(std::stod(mu[0].at("beta_omega_low")) > 0);  // ω falls as μ rises

  SECTION("bad input: one-line error naming the field, exit code 2") {
    REQUIRE(run(bin + " analyze " + (dir / "nope").string() + " 2> " +
                (dir / "err.txt").string()) == 2);
    REQUIRE_THAT(theory::read_text(dir / "err.txt"),
                 Catch::Contains("DIR: must be an existing directory"));
    std::string text = theory::read_text(dir / "trials.csv");
    const auto first_row = text.find('\n') + 1;
    const auto succ_pos = text.find(",relu_l1,", first_row) + 9;
    text[succ_pos] = '7';
    theory::write_text_atomic(dir / "trials.csv", text);
    REQUIRE(run(bin + " analyze " + dir.string() + " > /dev/null 2> " +
                (dir / "err.txt").string()) == 2);
    REQUIRE_THAT(theory::read_text(dir / "err.txt"),
                 Catch::Contains("column success: must be 0 or 1 (got 7)"));
  }
  fs::remove_all(dir);
}

TEST_CASE("reluid plot: writes non-empty PNG and PDF figures", "[transition][cli][slow]") {
  if (run("gnuplot --version > /dev/null 2>&1") != 0) {
    WARN("gnuplot not installed: reluid plot not tested");
    return;
  }
  const fs::path dir = write_synthetic_sweep("reluid_test_plot");
  const std::string bin = RELUID_BINARY;
  REQUIRE(run(bin + " analyze " + dir.string() + " > /dev/null") == 0);
  REQUIRE(run(bin + " plot " + dir.string() + " --scripts " + RELUID_SOURCE_DIR +
              "/plots > /dev/null") == 0);
  // Two phase diagrams: the panels (everything but n and p) with a transition, s = 3 (three p)
  // and s = 6 (one p); the σ and μ groups have one n each and get none.
  const auto points = read_csv(dir / "analysis" / "points.csv");
  std::set<std::string> panels;
  for (const auto& row : points) {
    const std::string s = row.at("panel").substr(0, row.at("panel").find(';'));
    CHECK(s == "s=" + row.at("label").substr(row.at("label").find("s=") + 2, 1));
    if (row.at("n_values") != "1") panels.insert(row.at("panel"));
  }
  REQUIRE(panels.size() == 2);
  const auto scaling = read_csv(dir / "analysis" / "scaling.csv");
  for (const auto& row : scaling)
    if (row.at("k") != "nan") CHECK(row.at("panel") == *panels.begin());  // s = 3 sorts first
  // The collapse only for the panel with a scaling fit (s = 3).
  for (const char* name : {"recovery", "heatmap_1", "heatmap_2", "collapse_1", "sigma", "mu"}) {
    for (const char* ext : {".png", ".pdf"}) {
      const fs::path f = dir / "plots" / (std::string(name) + ext);
      CAPTURE(f);
      REQUIRE(fs::exists(f));
      REQUIRE(fs::file_size(f) > 1000);
    }
  }
  REQUIRE(std::distance(fs::directory_iterator(dir / "plots"), {}) == 12);  // no temporaries left

  // A σ sweep at one n (the s = 4 rows alone): no transition in n, so only the σ figure.
  const fs::path sdir = fs::temp_directory_path() / "reluid_test_plot_sigma";
  fs::remove_all(sdir);
  fs::create_directories(sdir);
  {
    std::istringstream in(theory::read_text(dir / "trials.csv"));
    std::string line, out;
    std::getline(in, line);
    out = line + "\n";
    while (std::getline(in, line))
      if (line.find(",400,20,4,3,") != std::string::npos) out += line + "\n";
    theory::write_text_atomic(sdir / "trials.csv", out);
  }
  REQUIRE(run(bin + " analyze " + sdir.string() + " > /dev/null") == 0);
  REQUIRE(run(bin + " plot " + sdir.string() + " --scripts " + RELUID_SOURCE_DIR +
              "/plots > /dev/null 2>&1") == 0);
  std::set<std::string> files;
  for (const auto& e : fs::directory_iterator(sdir / "plots")) files.insert(e.path().filename());
  REQUIRE(files == std::set<std::string>{"sigma.pdf", "sigma.png"});
  fs::remove_all(sdir);
  fs::remove_all(dir);
}
