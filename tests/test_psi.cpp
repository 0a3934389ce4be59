// Tests of the ψ estimate (eq. 15), the sample-requirement shapes and `reluid theory`.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include <limits>
#include <nlohmann/json.hpp>
#include <numbers>
#include <string>

#include "sim/seed.hpp"
#include "tests/support.hpp"
#include "theory/assumption.hpp"
#include "theory/distance.hpp"
#include "theory/io.hpp"
#include "theory/psi.hpp"
#include "theory/random.hpp"
#include "theory/risk.hpp"

using namespace reluid;
using theory::Network;

namespace {

// A sparse truth: s support rows, the rest zero; neuron norms ≥ 1.
Network sparse_truth(arma::uword p, arma::uword r, arma::uword s, theory::Engine& rng) {
  Network net = test::random_network(s, r, rng);
  arma::mat W(p, r, arma::fill::zeros);
  W.rows(0, s - 1) = net.W;
  for (arma::uword j = 0; j < r; ++j) W.col(j) /= std::min(1.0, arma::norm(W.col(j)));
  net.W = W;
  return net;
}

}  // namespace

TEST_CASE("estimate_psi: reported psi is R/D2^2 of the returned network", "[psi][statistical]") {
  theory::Engine rng(11);
  const Network truth = sparse_truth(20, 3, 5, rng);
  const theory::PsiEstimate est = theory::estimate_psi(truth, {}, rng);
  REQUIRE(est.psi >= 0.0);
  REQUIRE(std::isfinite(est.psi));
  REQUIRE(est.evaluations <= 48 * 5 + 300);
  REQUIRE(est.evaluations >= 48 * 5);
  // Signs are kept, so D2² ≤ the identity-matching sum of d2², computed here by hand.
  const double identity_sq = arma::accu(arma::square(est.minimiser.W - truth.W)) +
                             arma::accu(arma::square(est.minimiser.b - truth.b));
  REQUIRE(arma::all(est.minimiser.a == truth.a));
  REQUIRE(est.D2 > 0.0);
  REQUIRE(est.D2 * est.D2 <= identity_sq * (1 + 1e-12));
  REQUIRE(est.D2 == Approx(theory::distance_d2(est.minimiser, truth).value).epsilon(1e-14));
  REQUIRE(est.R == Approx(theory::population_risk(est.minimiser, truth).R).epsilon(1e-14));
  REQUIRE(est.psi == Approx(est.R / (est.D2 * est.D2)).epsilon(1e-14));

  // Monte Carlo check of R itself (independent of the closed-form risk): n = 2·10⁵ draws, bound
  // 5 standard errors (two-sided false-failure rate ≈ 6e-7 under normality of the mean).
  theory::Engine mc(12);
  const arma::mat X = theory::standard_normal(200000, truth.p(), mc);
  const arma::vec sq = arma::square(theory::predict(est.minimiser, X) - theory::predict(truth, X));
  const double mean = arma::mean(sq);
  const double std_err = arma::stddev(sq) / std::sqrt(static_cast<double>(sq.n_elem));
  CAPTURE(mean, std_err, est.R);
  REQUIRE(std::abs(mean - est.R) <= 5.0 * std_err);
}

TEST_CASE("estimate_psi: single neuron matches a brute-force scan", "[psi]") {
  // p = 1, r = 1: every perturbation is t·(cos φ, sin φ) on (w, b); scan φ and t ∈ [1e-3, 1]
  // (the default search radius) densely.
  Network truth;
  truth.W = arma::mat(1, 1, arma::fill::value(1.3));
  truth.b = arma::vec{0.4};
  truth.a = arma::vec{1.0};
  double brute = std::numeric_limits<double>::infinity();
  for (int k = 0; k < 720; ++k) {
    const double phi = 2.0 * std::numbers::pi * k / 720.0;
    for (int m = 0; m <= 40; ++m) {
      const double t = std::pow(10.0, -3.0 + 3.0 * m / 40.0);
      Network f = truth;
      f.W(0, 0) += t * std::cos(phi);
      f.b(0) += t * std::sin(phi);
      const double d2 = theory::distance_d2(f, truth).value;
      brute = std::min(brute, theory::population_risk(f, truth).R / (d2 * d2));
    }
  }
  theory::Engine rng(5);
  const theory::PsiEstimate est = theory::estimate_psi(truth, {}, rng);
  CAPTURE(brute, est.psi);
  REQUIRE(est.psi == Approx(brute).epsilon(0.02));
  REQUIRE(est.D2 <= 1.0 + 1e-12);
}

TEST_CASE("estimate_psi: deterministic for a fixed seed", "[psi]") {
  theory::Engine g(3);
  const Network truth = sparse_truth(30, 2, 4, g);
  theory::Engine a(99), b(99), c(100);
  const theory::PsiEstimate ea = theory::estimate_psi(truth, {}, a);
  const theory::PsiEstimate eb = theory::estimate_psi(truth, {}, b);
  const theory::PsiEstimate ec = theory::estimate_psi(truth, {}, c);
  REQUIRE(ea.psi == eb.psi);
  REQUIRE(arma::approx_equal(ea.minimiser.W, eb.minimiser.W, "absdiff", 0.0));
  REQUIRE(arma::approx_equal(ea.minimiser.b, eb.minimiser.b, "absdiff", 0.0));
  REQUIRE(ea.psi != ec.psi);  // another seed searches other candidates
}

TEST_CASE("estimate_psi: a larger budget never increases the estimate", "[psi]") {
  theory::Engine g(8);
  const Network truth = sparse_truth(15, 3, 4, g);
  double previous = std::numeric_limits<double>::infinity();
  for (const arma::uword directions : {2, 8, 32}) {
    theory::Engine rng(21);
    const auto est = theory::estimate_psi(truth, {.directions = directions, .refine_iter = 0}, rng);
    CAPTURE(directions, est.psi, previous);
    REQUIRE(est.psi <= previous);
    previous = est.psi;
  }
  previous = std::numeric_limits<double>::infinity();
  for (const arma::uword refine : {0, 20, 100, 400}) {
    theory::Engine rng(21);
    const auto est = theory::estimate_psi(truth, {.directions = 8, .refine_iter = refine}, rng);
    CAPTURE(refine, est.psi, previous);
    REQUIRE(est.psi <= previous);
    previous = est.psi;
  }
}

TEST_CASE("requirement shapes: match the formulas on hand-computed values", "[psi]") {
  // p = 1, δ = e⁻² ⇒ log(p/δ) = 2, log⁴ = 16. s = 2, r = 3, ψ = 0.5:
  // s³r³·16/ψ = 8·27·16·2 = 6912; s³r¹³·16 = 8·1594323·16 = 204073344.
  const double delta = std::exp(-2.0);
  REQUIRE(theory::requirement_assumption2(2, 3, 1, delta, 0.5) == Approx(6912.0).epsilon(1e-12));
  REQUIRE(theory::requirement_assumption3(2, 3, 1, delta) == Approx(204073344.0).epsilon(1e-12));
  // p = 100, δ = 0.05: log(2000)⁴ with s = r = 1, ψ = 1.
  const double L = std::log(2000.0);
  REQUIRE(theory::requirement_assumption2(1, 1, 100, 0.05, 1.0) == Approx(L * L * L * L));
}

TEST_CASE("requirement shapes and estimate_psi: reject bad input naming the field", "[psi]") {
  for (const double delta : {0.0, 1.0, -0.1, 1.5, std::nan("")}) {
    CAPTURE(delta);
    REQUIRE_THROWS_WITH(theory::requirement_assumption2(2, 3, 10, delta, 1.0),
                        Catch::Contains("delta must be in (0, 1)"));
    REQUIRE_THROWS_WITH(theory::requirement_assumption3(2, 3, 10, delta),
                        Catch::Contains("delta must be in (0, 1)"));
  }
  REQUIRE_THROWS_WITH(theory::requirement_assumption2(2, 3, 10, 0.1, 0.0),
                      Catch::Contains("psi must be finite and > 0"));
  REQUIRE_THROWS_AS(theory::requirement_assumption3(0, 3, 10, 0.1), std::invalid_argument);

  theory::Engine rng(1);
  Network bad = sparse_truth(5, 2, 2, rng);
  bad.a(1) = 0.5;
  REQUIRE_THROWS_AS(theory::estimate_psi(bad, {}, rng), std::invalid_argument);
  const Network good = sparse_truth(5, 2, 2, rng);
  REQUIRE_THROWS_WITH(theory::estimate_psi(good, {.scales = {0.1, -1.0}}, rng),
                      Catch::Contains("options.scales"));
  REQUIRE_THROWS_WITH(theory::estimate_psi(good, {.scales = {2.0}, .radius = 1.0}, rng),
                      Catch::Contains("options.scales"));
  REQUIRE_THROWS_WITH(theory::estimate_psi(good, {.directions = 0}, rng),
                      Catch::Contains("options.directions"));
}

TEST_CASE("reluid theory: end to end against the library", "[psi]") {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("reluid_test_psi_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  theory::Engine g(4);
  theory::write_network(dir / "truth.json", sparse_truth(12, 3, 4, g));
  const Network truth = theory::read_network(dir / "truth.json");
  const std::string bin = RELUID_BINARY;
  const std::string file = (dir / "truth.json").string();

  const test::Run ok = test::run(bin + " theory " + file + " --seed 3 --delta 0.1 --json");
  REQUIRE(ok.status == 0);
  const nlohmann::json j = nlohmann::json::parse(ok.output);
  const theory::AssumptionReport rep = theory::assumption_report(truth);
  theory::Engine rng = sim::make_engine(3, 0, 0, sim::Stream::solver);
  const theory::PsiEstimate est = theory::estimate_psi(truth, {}, rng);
  REQUIRE(j.at("p") == 12);
  REQUIRE(j.at("r") == 3);
  REQUIRE(j.at("s") == 4);
  REQUIRE(j.at("B").get<double>() == Approx(rep.B).epsilon(1e-15));
  REQUIRE(j.at("mu").get<double>() == Approx(rep.mu).epsilon(1e-15));
  REQUIRE(j.at("omega").get<double>() == Approx(rep.omega).epsilon(1e-15));
  REQUIRE(j.at("psi_hat").get<double>() == Approx(est.psi).epsilon(1e-12));
  REQUIRE(j.at("psi_note").get<std::string>().find("upper estimate") != std::string::npos);
  REQUIRE(j.at("requirement_assumption2").get<double>() ==
          Approx(theory::requirement_assumption2(4, 3, 12, 0.1, est.psi)).epsilon(1e-12));
  REQUIRE(j.at("requirement_assumption3").get<double>() ==
          Approx(theory::requirement_assumption3(4, 3, 12, 0.1)).epsilon(1e-12));

  const test::Run text = test::run(bin + " theory " + file);
  REQUIRE(text.status == 0);
  REQUIRE(text.output.find("upper estimate") != std::string::npos);
  REQUIRE(text.output.find("mu = ") != std::string::npos);

  const test::Run wide = test::run(bin + " theory " + file + " --seed 3 --radius 2 --json");
  REQUIRE(wide.status == 0);
  const nlohmann::json jw = nlohmann::json::parse(wide.output);
  REQUIRE(jw.at("psi_radius").get<double>() == 2.0);
  REQUIRE(jw.at("psi_D2").get<double>() <= 2.0);
  theory::Engine rng2 = sim::make_engine(3, 0, 0, sim::Stream::solver);
  REQUIRE(jw.at("psi_hat").get<double>() ==
          Approx(theory::estimate_psi(truth, {.radius = 2.0}, rng2).psi).epsilon(1e-12));
  const test::Run bad_radius = test::run(bin + " theory " + file + " --radius 0.5 2>&1");
  REQUIRE(bad_radius.status == 2);
  REQUIRE(bad_radius.output.find("--radius must be") != std::string::npos);

  const test::Run bad_delta = test::run(bin + " theory " + file + " --delta 1.5 2>&1");
  REQUIRE(bad_delta.status == 2);
  REQUIRE(bad_delta.output.find("--delta must be in (0, 1) (got 1.5)") != std::string::npos);

  theory::write_text_atomic(dir / "bad.json",
                            R"({"p": 2, "r": 1, "a": [1], "b": [0], "W": [[1]]})");
  const test::Run bad_file = test::run(bin + " theory " + (dir / "bad.json").string() + " 2>&1");
  REQUIRE(bad_file.status == 2);
  REQUIRE(bad_file.output.find("W[0]") != std::string::npos);
  std::filesystem::remove_all(dir);
}
