// Tests of the exact assignment solver, the network distances D1/D2 and the recovery metrics.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "sim/seed.hpp"
#include "tests/support.hpp"
#include "theory/assignment.hpp"
#include "theory/distance.hpp"
#include "theory/io.hpp"
#include "theory/model.hpp"
#include "theory/random.hpp"

using namespace reluid;
using theory::Network;

using test::Run;
using test::run;

using test::random_network;

namespace {

// Independent reference: the minimum over all r! permutations, by enumeration.
double brute_force_min(const arma::mat& C) {
  std::vector<arma::uword> perm(C.n_rows);
  std::iota(perm.begin(), perm.end(), arma::uword{0});
  double best = std::numeric_limits<double>::infinity();
  do {
    double sum = 0.0;
    for (arma::uword j = 0; j < C.n_rows; ++j) sum += C(j, perm[j]);
    best = std::min(best, sum);
  } while (std::next_permutation(perm.begin(), perm.end()));
  return best;
}

bool is_permutation(const arma::uvec& perm, arma::uword r) {
  if (perm.n_elem != r) return false;
  const arma::uvec sorted = arma::sort(perm);
  for (arma::uword i = 0; i < r; ++i) {
    if (sorted(i) != i) return false;
  }
  return true;
}

// LP duality certificate: u_j + v_k ≤ C(j, k) everywhere and Σu + Σv = cost.
void require_dual_certificate(const arma::mat& C, const theory::Assignment& a) {
  const double scale = 1.0 + arma::abs(C).max();
  const double tol = 1e-12 * scale * static_cast<double>(C.n_rows);
  const arma::mat slack = C - arma::repmat(a.row_potential, 1, C.n_cols) -
                          arma::repmat(a.col_potential.t(), C.n_rows, 1);
  REQUIRE(slack.min() >= -tol);
  REQUIRE(arma::accu(a.row_potential) + arma::accu(a.col_potential) == Approx(a.cost).margin(tol));
}

// net with its neurons relabelled: neuron j of the result is neuron sigma[j] of net.
Network relabel(const Network& net, const arma::uvec& sigma) {
  return {net.W.cols(sigma), net.a.elem(sigma), net.b.elem(sigma)};
}

arma::uvec random_permutation(arma::uword r, theory::Engine& rng) {
  return arma::sort_index(theory::uniform(r, 1, 0.0, 1.0, rng));
}

}  // namespace

TEST_CASE("solve_assignment: optimal cost equals brute force over all permutations", "[distance]") {
  const auto kind = GENERATE(as<std::string>{}, "real", "ties012", "zero", "huge", "negative");
  const auto r = GENERATE(range(arma::uword{1}, arma::uword{8}));
  CAPTURE(kind, r);
  auto rng = sim::make_engine(11, r, kind.size(), sim::Stream::solver);
  for (int rep = 0; rep < 12; ++rep) {
    arma::mat C;
    if (kind == "real") {
      C = theory::uniform(r, r, 0.0, 10.0, rng);
    } else if (kind == "ties012") {
      C = arma::floor(theory::uniform(r, r, 0.0, 3.0, rng));
    } else if (kind == "zero") {
      C.zeros(r, r);
    } else if (kind == "huge") {  // integers {0, 1, 2} with about a third replaced by 1e300
      C = arma::floor(theory::uniform(r, r, 0.0, 3.0, rng));
      C.elem(arma::find(theory::uniform(r, r, 0.0, 1.0, rng) < 0.35)).fill(1e300);
    } else {
      C = theory::standard_normal(r, r, rng) * 1e3;
    }
    CAPTURE(rep, C);
    const theory::Assignment a = theory::solve_assignment(C);
    REQUIRE(is_permutation(a.perm, r));
    double sum = 0.0;
    for (arma::uword j = 0; j < r; ++j) sum += C(j, a.perm(j));
    REQUIRE(a.cost == sum);
    REQUIRE(a.cost == Approx(brute_force_min(C)).epsilon(1e-12).margin(1e-12));
    require_dual_certificate(C, a);
  }
}

TEST_CASE("solve_assignment: r = 1 and all-huge matrices", "[distance]") {
  const theory::Assignment one = theory::solve_assignment(arma::mat(1, 1, arma::fill::value(-3.5)));
  REQUIRE(one.cost == -3.5);
  REQUIRE(one.perm(0) == 0);
  const arma::mat H(5, 5, arma::fill::value(1e300));
  const theory::Assignment h = theory::solve_assignment(H);
  REQUIRE(is_permutation(h.perm, 5));
  REQUIRE(h.cost == Approx(5e300).epsilon(1e-15));
  // One finite-cheap diagonal among huge entries must be found exactly.
  arma::mat D(6, 6, arma::fill::value(1e300));
  const arma::uvec target = {3, 0, 5, 1, 4, 2};
  for (arma::uword j = 0; j < 6; ++j) D(j, target(j)) = static_cast<double>(j);
  const theory::Assignment d = theory::solve_assignment(D);
  REQUIRE(arma::all(d.perm == target));
  REQUIRE(d.cost == 15.0);
}

TEST_CASE("solve_assignment: r = 200 satisfies the LP optimality certificate", "[distance]") {
  auto rng = sim::make_engine(12, 0, 0, sim::Stream::solver);
  const arma::mat C = theory::uniform(200, 200, 0.0, 1.0, rng);
  const theory::Assignment a = theory::solve_assignment(C);
  REQUIRE(is_permutation(a.perm, 200));
  require_dual_certificate(C, a);
  // An optimal assignment of uniform costs is far below a random one (≈ 100): about 1.6.
  REQUIRE(a.cost < 3.0);
}

TEST_CASE("solve_assignment: rejects empty, non-square and non-finite costs", "[distance]") {
  REQUIRE_THROWS_WITH(theory::solve_assignment(arma::mat(3, 4, arma::fill::zeros)),
                      "assignment: cost matrix must be square (got 3x4)");
  REQUIRE_THROWS_AS(theory::solve_assignment(arma::mat()), std::invalid_argument);
  arma::mat C(3, 3, arma::fill::ones);
  C(1, 2) = arma::datum::nan;
  REQUIRE_THROWS_WITH(theory::solve_assignment(C),
                      Catch::Contains("cost(1,2) must be finite (got nan)"));
  C(1, 2) = -arma::datum::inf;
  REQUIRE_THROWS_WITH(theory::solve_assignment(C),
                      Catch::Contains("cost(1,2) must be finite (got -inf)"));
}

TEST_CASE("neuron distances: both branches of eqs. (24)-(25) by hand", "[distance]") {
  const Network fit{arma::mat(arma::vec{1.0, -2.0}), arma::vec{1.0}, arma::vec{0.5}};
  Network truth{arma::mat(arma::vec{2.0, 1.0}), arma::vec{1.0}, arma::vec{-1.0}};
  // Same sign: |1−2| + |−2−1| + |0.5+1| and 1 + 9 + 2.25.
  REQUIRE(theory::neuron_d1(fit, 0, truth, 0) == 5.5);
  REQUIRE(theory::neuron_d2_squared(fit, 0, truth, 0) == 12.25);
  // Opposite signs: the whole neuron, ‖w‖₁ + ‖w*‖₁ + |b| + |b*| = 3 + 3 + 0.5 + 1; d2² = 1.
  truth.a(0) = -1.0;
  REQUIRE(theory::neuron_d1(fit, 0, truth, 0) == 7.5);
  REQUIRE(theory::neuron_d2_squared(fit, 0, truth, 0) == 1.0);
  const theory::RecoveryMetrics m = theory::recovery_metrics(fit, truth, 0.0);
  REQUIRE(m.D1.value == 7.5);
  REQUIRE(m.D2.value == 1.0);
  REQUIRE_FALSE(m.sign_recovered);
  REQUIRE_THROWS_WITH(theory::neuron_d1(fit, 1, truth, 0),
                      Catch::Contains("fitted neuron index must be < r = 1 (got 1)"));
}

TEST_CASE("distance_d1/d2: equal brute force over matchings of the per-neuron distances",
          "[distance]") {
  const auto r = GENERATE(arma::uword{1}, arma::uword{2}, arma::uword{4}, arma::uword{6});
  CAPTURE(r);
  auto rng = sim::make_engine(13, r, 0, sim::Stream::truth);
  for (int rep = 0; rep < 10; ++rep) {
    const Network truth = random_network(5, r, rng);
    const Network fit = random_network(5, r, rng);  // random signs: both branches occur
    arma::mat M1(r, r), M2(r, r);
    for (arma::uword j = 0; j < r; ++j) {
      for (arma::uword k = 0; k < r; ++k) {
        M1(j, k) = theory::neuron_d1(fit, j, truth, k);
        M2(j, k) = theory::neuron_d2_squared(fit, j, truth, k);
      }
    }
    const theory::Matching D1 = theory::distance_d1(fit, truth);
    const theory::Matching D2 = theory::distance_d2(fit, truth);
    REQUIRE(D1.value == Approx(brute_force_min(M1)).epsilon(1e-12));
    REQUIRE(D2.value * D2.value == Approx(brute_force_min(M2)).epsilon(1e-12));
    double s1 = 0.0, s2 = 0.0;
    for (arma::uword j = 0; j < r; ++j) {
      s1 += M1(j, D1.perm(j));
      s2 += M2(j, D2.perm(j));
    }
    REQUIRE(s1 == Approx(D1.value).epsilon(1e-12));
    REQUIRE(std::sqrt(s2) == Approx(D2.value).epsilon(1e-12));
  }
}

TEST_CASE("distance_d1/d2: zero to itself; invariant under relabelling the fitted neurons",
          "[distance]") {
  const auto r = GENERATE(arma::uword{1}, arma::uword{3}, arma::uword{9}, arma::uword{30});
  CAPTURE(r);
  auto rng = sim::make_engine(14, r, 0, sim::Stream::truth);
  const Network truth = random_network(8, r, rng);
  const theory::RecoveryMetrics self = theory::recovery_metrics(truth, truth, 0.0);
  REQUIRE(self.D1.value == 0.0);
  REQUIRE(self.D2.value == 0.0);
  REQUIRE(self.eq7_error == 0.0);
  REQUIRE(self.sign_recovered);
  REQUIRE(arma::all(self.D2.perm == arma::regspace<arma::uvec>(0, r - 1)));

  // The truth relabelled by sigma: distance 0, and fitted neuron j is matched to sigma[j].
  const arma::uvec sigma = random_permutation(r, rng);
  const theory::Matching shuffled = theory::distance_d2(relabel(truth, sigma), truth);
  REQUIRE(shuffled.value == 0.0);
  REQUIRE(arma::all(shuffled.perm == sigma));

  // A perturbed fit: relabelling it leaves D1, D2 unchanged, and perm' = perm ∘ sigma.
  Network fit = truth;
  fit.W += 0.05 * theory::standard_normal(8, r, rng);
  fit.b += 0.05 * theory::standard_normal(r, 1, rng);
  const theory::Matching d1 = theory::distance_d1(fit, truth);
  const theory::Matching d2 = theory::distance_d2(fit, truth);
  const Network moved = relabel(fit, sigma);
  const theory::Matching e1 = theory::distance_d1(moved, truth);
  const theory::Matching e2 = theory::distance_d2(moved, truth);
  REQUIRE(e1.value == Approx(d1.value).epsilon(1e-12));
  REQUIRE(e2.value == Approx(d2.value).epsilon(1e-12));
  // Continuous random perturbations make the optimal matchings unique (almost surely).
  REQUIRE(arma::all(e1.perm == d1.perm.elem(sigma)));
  REQUIRE(arma::all(e2.perm == d2.perm.elem(sigma)));
}

// Lemma 3, in the form proved here (the paper's exact hypotheses could not be checked):
// let π be the D2-optimal matching with a_j = a*_π(j) for all j, s = nnz(W*), and ‖Ŵ‖₁ ≤ ‖W*‖₁
// (the constraint of the ℓ1-constrained estimator). With h = (Ŵ − W*Π, b̂ − Πᵀb*) and T the
// nonzero entries of W*Π, the ℓ1 constraint gives ‖h_{Tᶜ}‖₁ ≤ ‖h_T‖₁ on the weights, so
//   D1 ≤ Σ_j d1(j, π(j)) = ‖h‖₁ ≤ 2‖(h_T, h_b)‖₁ ≤ 2√(s + r)·‖h‖₂ = 2√(s + r)·D2,
// i.e. Lemma 3's D1 ≤ 2√S·D2 with S = s + r the number of possibly nonzero true parameters.
TEST_CASE("distance: Lemma 3 bound D1 <= 2 sqrt(s + r) D2 under its hypotheses", "[distance]") {
  auto rng = sim::make_engine(15, 0, 0, sim::Stream::truth);
  int satisfied = 0;
  constexpr int trials = 300;
  for (int t = 0; t < trials; ++t) {
    const arma::uword p = 20, r = 1 + t % 5, rows = 1 + t % 4;
    Network truth = random_network(p, r, rng);
    const arma::uvec keep = random_permutation(p, rng).head(rows);
    arma::mat W(p, r, arma::fill::zeros);
    W.rows(keep) = truth.W.rows(keep);
    truth.W = W;
    Network fit = truth;
    fit.W += 0.1 * theory::standard_normal(p, r, rng);  // dense: leaks outside the support
    fit.b += 0.1 * theory::standard_normal(r, 1, rng);
    const double l1 = theory::l1_norm(fit.W), l1_true = theory::l1_norm(truth.W);
    if (l1 > l1_true) fit.W *= l1_true / l1;
    fit = relabel(fit, random_permutation(r, rng));
    const theory::RecoveryMetrics m = theory::recovery_metrics(fit, truth, 0.0);
    if (!m.sign_recovered) continue;
    ++satisfied;
    const double s = static_cast<double>(arma::accu(truth.W != 0.0));
    CAPTURE(t, m.D1.value, m.D2.value, s);
    REQUIRE(m.D1.value <= 2.0 * std::sqrt(s + static_cast<double>(r)) * m.D2.value * (1 + 1e-12));
  }
  REQUIRE(satisfied >= trials * 9 / 10);  // the hypotheses held in (nearly) every draw
}

TEST_CASE("distance: Lemma 3 bound fails without the l1 constraint", "[distance]") {
  // One true nonzero weight; the fit adds eps to every one of p = 400 weights, so
  // D1 = 400·eps while D2 = 20·eps: the ratio 20 exceeds 2√(s + r) = 2√2.
  const Network truth{arma::mat(400, 1, arma::fill::zeros), arma::vec{1.0}, arma::vec{0.0}};
  Network t1 = truth;
  t1.W(0, 0) = 1.0;
  Network fit = t1;
  fit.W += 1e-3;
  const theory::RecoveryMetrics m = theory::recovery_metrics(fit, t1, 0.0);
  REQUIRE(m.D1.value == Approx(0.4).epsilon(1e-12));
  REQUIRE(m.D2.value == Approx(0.02).epsilon(1e-12));
  REQUIRE(m.D1.value > 2.0 * std::sqrt(2.0) * m.D2.value);
}

TEST_CASE("recovery_metrics: eq. (7) error and support counts match direct computation",
          "[distance]") {
  auto rng = sim::make_engine(16, 0, 0, sim::Stream::truth);
  const arma::uword p = 12, r = 4;
  Network truth = random_network(p, r, rng);
  truth.W.rows(6, p - 1).zeros();                       // S* = {0, …, 5}
  truth.W.row(2) *= 0.08 / arma::norm(truth.W.row(2));  // a weak true row, norm 0.08
  Network fit = truth;
  fit.W += 0.01 * theory::standard_normal(p, r, rng);
  fit.b += 0.01 * theory::standard_normal(r, 1, rng);
  // Small changes only, so that every same-sign d2² stays below the mismatch cost 1.
  fit.W.row(2).zeros();    // a false negative
  fit.W.row(9).fill(0.2);  // a false positive (row norm 0.4)
  fit.W.row(10).zeros();   // stays out
  const arma::uvec sigma = random_permutation(r, rng);
  fit = relabel(fit, sigma);
  const double tau = 0.1;
  const theory::RecoveryMetrics m = theory::recovery_metrics(fit, truth, tau);

  REQUIRE(m.sign_recovered);
  REQUIRE(arma::all(m.D2.perm == sigma));
  double werr = 0.0, berr = 0.0;
  for (arma::uword j = 0; j < r; ++j) {
    for (arma::uword i = 0; i < p; ++i) {
      werr += std::pow(fit.W(i, j) - truth.W(i, sigma(j)), 2);
    }
    berr += std::pow(fit.b(j) - truth.b(sigma(j)), 2);
  }
  REQUIRE(m.weight_error == Approx(std::sqrt(werr)).epsilon(1e-12));
  REQUIRE(m.bias_error == Approx(std::sqrt(berr)).epsilon(1e-12));
  REQUIRE(m.eq7_error == Approx(std::sqrt(werr) + std::sqrt(berr)).epsilon(1e-12));
  // With all signs matched, D2² = ‖ΔW‖_F² + ‖Δb‖², hence D2 ≤ eq. (7) error ≤ √2·D2.
  REQUIRE(m.D2.value * m.D2.value == Approx(werr + berr).epsilon(1e-12));
  REQUIRE(m.eq7_error >= m.D2.value * (1 - 1e-12));
  REQUIRE(m.eq7_error <= std::sqrt(2.0) * m.D2.value * (1 + 1e-12));

  std::vector<arma::uword> expect_fit;
  for (arma::uword i = 0; i < p; ++i) {
    double n2 = 0.0;
    for (arma::uword j = 0; j < r; ++j) n2 += fit.W(i, j) * fit.W(i, j);
    if (std::sqrt(n2) > tau) expect_fit.push_back(i);
  }
  REQUIRE(std::vector<arma::uword>(m.support_fit.begin(), m.support_fit.end()) == expect_fit);
  REQUIRE(m.support_true.n_elem == 6);
  REQUIRE(m.true_positives == 5);
  REQUIRE(m.false_positives == 1);
  REQUIRE(m.false_negatives == 1);
  REQUIRE_FALSE(m.exact_support);

  // A huge threshold selects nothing: every true row is a false negative.
  const theory::RecoveryMetrics none = theory::recovery_metrics(fit, truth, 1e6);
  REQUIRE(none.support_fit.n_elem == 0);
  REQUIRE(none.false_negatives == 6);
  REQUIRE(none.true_positives == 0);
}

TEST_CASE("recovery_metrics: one flipped sign is reported and costs its whole neuron",
          "[distance]") {
  auto rng = sim::make_engine(17, 0, 0, sim::Stream::truth);
  const Network truth = random_network(6, 3, rng);
  Network fit = truth;
  fit.a(1) = -fit.a(1);
  const theory::RecoveryMetrics m = theory::recovery_metrics(fit, truth, 0.0);
  REQUIRE_FALSE(m.sign_recovered);
  // The identity matching keeps two neurons at distance 0 and pays for the flipped one; the
  // alternatives pair two fitted neurons with other true neurons at strictly positive cost.
  const double whole = arma::norm(truth.W.col(1), 1) * 2 + std::abs(truth.b(1)) * 2;
  REQUIRE(m.D1.value <= whole * (1 + 1e-12));
  REQUIRE(m.D2.value <= 1.0 + 1e-12);
  REQUIRE(m.D2.value > 0.0);
}

TEST_CASE("recovery_metrics: rejects mismatched shapes and bad thresholds", "[distance]") {
  auto rng = sim::make_engine(18, 0, 0, sim::Stream::truth);
  const Network truth = random_network(5, 3, rng);
  REQUIRE_THROWS_WITH(theory::recovery_metrics(random_network(4, 3, rng), truth, 0.0),
                      Catch::Contains("same p; truth has p = 5, fit has p (got 4)"));
  REQUIRE_THROWS_WITH(theory::recovery_metrics(random_network(5, 2, rng), truth, 0.0),
                      Catch::Contains("same r; truth has r = 3, fit has r (got 2)"));
  REQUIRE_THROWS_WITH(theory::recovery_metrics(truth, truth, -1.0),
                      "recovery_metrics: tau must be finite and >= 0 (got -1)");
  REQUIRE_THROWS_AS(theory::recovery_metrics(truth, truth, arma::datum::nan),
                    std::invalid_argument);
  Network bad = truth;
  bad.a(0) = 0.5;
  REQUIRE_THROWS_WITH(theory::distance_d2(bad, truth),
                      Catch::Contains("fit: a[0] must be +1 or -1 (got 0.5)"));
}

TEST_CASE("reluid distance: --json output equals the library result", "[distance][cli]") {
  auto rng = sim::make_engine(19, 0, 0, sim::Stream::truth);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("reluid_test_distance_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  Network truth = random_network(7, 4, rng);
  truth.W.row(3).zeros();
  Network fit = relabel(truth, arma::uvec{2, 0, 3, 1});
  fit.W += 0.2 * theory::standard_normal(7, 4, rng);
  fit.a(0) = -fit.a(0);
  theory::write_network(dir / "truth.json", truth);
  theory::write_network(dir / "fit.json", fit);
  const std::string bin = RELUID_BINARY;
  const std::string files =
      " distance " + (dir / "truth.json").string() + " " + (dir / "fit.json").string();

  const Run ok = run(bin + files + " --tau 0.3 --json");
  REQUIRE(ok.status == 0);
  const nlohmann::json got = nlohmann::json::parse(ok.output);
  // Both networks went through the exact 17-digit file round trip, so read them back.
  const nlohmann::json want = theory::to_json(theory::recovery_metrics(
      theory::read_network(dir / "fit.json"), theory::read_network(dir / "truth.json"), 0.3));
  REQUIRE(got.size() == want.size());
  for (const auto& [key, value] : want.items()) {
    CAPTURE(key);
    REQUIRE(got.contains(key));
    if (value.is_number_float()) {
      REQUIRE(got[key].get<double>() == Approx(value.get<double>()).epsilon(1e-12).margin(1e-12));
    } else {
      REQUIRE(got[key] == value);
    }
  }

  const Run text = run(bin + files);
  REQUIRE(text.status == 0);
  REQUIRE_THAT(text.output, Catch::Contains("D1") && Catch::Contains("sign_recovered  no"));

  const Run bad_tau = run(bin + files + " --tau -1 2>&1");
  REQUIRE(bad_tau.status == 2);
  REQUIRE(bad_tau.output == "reluid: error: distance: --tau must be finite and >= 0 (got -1)\n");

  theory::write_network(dir / "small.json", random_network(7, 3, rng));
  const Run shape = run(bin + " distance " + (dir / "truth.json").string() + " " +
                        (dir / "small.json").string() + " 2>&1");
  REQUIRE(shape.status == 2);
  REQUIRE_THAT(shape.output, Catch::Contains("(got p = 7, r = 3)"));
  std::filesystem::remove_all(dir);
}
