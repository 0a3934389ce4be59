// Tests of the activation-pattern LP descent: brute-force basis pursuit, feasibility through the
// ReLU, monotone descent, exact recovery across kinks, and its use as a start of the ℓ1 fit.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "sim/data.hpp"
#include "sim/seed.hpp"
#include "sim/truth.hpp"
#include "solvers/constrained.hpp"
#include "solvers/pattern_lp.hpp"
#include "theory/distance.hpp"
#include "theory/model.hpp"

using namespace reluid;
using theory::Network;

namespace {

/// min ‖w‖₁ s.t. Xw + b·1 = y by enumerating basic solutions: a vertex of the split LP has at
/// most n non-zero variables, so either b is free with n − 1 columns, or b = 0 with n columns;
/// every such square system is solved and the smallest ‖w‖₁ kept.
double basis_pursuit_brute_force(const arma::mat& X, const arma::vec& y) {
  const arma::uword n = X.n_rows, p = X.n_cols;
  double best = arma::datum::inf;
  for (int with_b = 0; with_b <= 1; ++with_b) {
    const arma::uword m = with_b ? n - 1 : n;
    std::vector<arma::uword> pick(m);
    for (arma::uword i = 0; i < m; ++i) pick[i] = i;
    while (true) {
      arma::mat A(n, n, arma::fill::ones);
      for (arma::uword i = 0; i < m; ++i) A.col(i) = X.col(pick[i]);
      arma::vec sol;
      if (std::abs(arma::det(A)) > 1e-10 && arma::solve(sol, A, y)) {
        best = std::min(best, arma::accu(arma::abs(sol.head(m))));
      }
      // Next m-subset in lexicographic order.
      arma::uword i = m;
      while (i > 0 && pick[i - 1] == p - m + i - 1) --i;
      if (i == 0) break;
      ++pick[i - 1];
      for (arma::uword k = i; k < m; ++k) pick[k] = pick[k - 1] + 1;
    }
  }
  return best;
}

}  // namespace

TEST_CASE("polish_pattern_lp: equals brute-force basis pursuit when every sample is active",
          "[pattern_lp]") {
  // One neuron, every pre-activation positive (b = 20) and every y_i > 0: the region's LP is
  // min ‖w‖₁ s.t. Xw + b = y with the kink rows slack, i.e. basis pursuit with an intercept.
  const int seed = GENERATE(1, 2, 3, 4, 5);
  CAPTURE(seed);
  auto rng = sim::make_engine(31, 0, static_cast<std::uint64_t>(seed), sim::Stream::data);
  const arma::uword n = 5, p = 8;
  const arma::mat X = theory::standard_normal(n, p, rng);
  const arma::vec y = 3.0 + theory::uniform(n, 1, 0.0, 1.0, rng);
  Network start{0.01 * arma::ones(p, 1), arma::vec{1.0}, arma::vec{20.0}};
  const auto lp = solvers::polish_pattern_lp(X, y, start, arma::zeros(n));
  CAPTURE(lp.l1, to_string(lp.stop), lp.rounds);
  REQUIRE(lp.stop == solvers::PatternLpStop::no_binding_kink);
  REQUIRE(lp.rounds == 1);
  REQUIRE(lp.l1 == Approx(basis_pursuit_brute_force(X, y)).epsilon(1e-9));
  REQUIRE(lp.max_residual < 1e-9);
  REQUIRE(lp.l1 == theory::l1_norm(lp.net.W));
}

namespace {

/// A seeded noiseless instance: truth (s = 2r, B = 2, |b| ≤ 1, μ = 0.5) and its data.
struct Seeded {
  Network truth;
  sim::Dataset data;
};
Seeded seeded(std::uint64_t seed, std::uint64_t trial, int p, int r, int n) {
  auto rt = sim::make_engine(seed, 0, trial, sim::Stream::truth);
  auto rd = sim::make_engine(seed, 0, trial, sim::Stream::data);
  Seeded out;
  out.truth =
      sim::make_truth({.p = p, .r = r, .s = 2 * r, .B = 2.0, .bias_bound = 1.0, .mu = 0.5}, rt);
  out.data = sim::make_data(out.truth, {.n = n, .sigma = 0.0}, rd);
  return out;
}

/// A constrained penalized fit (σ = 0) of a seeded p = 20, r = 2, s = 4, n = 60 instance, from a
/// random start: a feasible point whose region's LP has something left to gain.
struct FitInstance {
  arma::mat X;
  arma::vec y;
  solvers::ConstrainedResult fit;
};
FitInstance fit_instance(std::uint64_t trial) {
  auto rs = sim::make_engine(32, 0, trial, sim::Stream::solver);
  const auto [truth, data] = seeded(32, trial, 20, 2, 60);
  Network start = truth;
  start.W = theory::standard_normal(20, 2, rs);
  start.b = arma::zeros(2);
  return {data.X, data.y, solvers::fit_constrained(data.X, data.y, start, {}, rs)};
}

}  // namespace

TEST_CASE(
    "polish_pattern_lp: the answer meets its residual bounds through the ReLU and never "
    "raises ‖W‖₁",
    "[pattern_lp]") {
  // Every residual, recomputed from the returned network, is within its bound (up to GLPK's
  // tolerance), so the loss target holds; ‖W‖₁ is at most the start's.
  const std::uint64_t trial = GENERATE(0, 1, 2);
  CAPTURE(trial);
  const FitInstance inst = fit_instance(trial);
  const auto& fit = inst.fit;
  REQUIRE(fit.feasible);
  const arma::vec delta = solvers::residual_bounds(inst.X, inst.y, fit.fit.net, fit.target, 0.95);
  // The bounds: their mean square is 0.95 × target; the start is inside them when its loss is
  // below that level, else they are its residuals scaled down to it.
  const arma::vec e0 = theory::predict(fit.fit.net, inst.X) - inst.y;
  REQUIRE(arma::mean(arma::square(delta)) == Approx(0.95 * fit.target).epsilon(1e-12));
  if (fit.fit.loss <= 0.95 * fit.target) {
    REQUIRE(arma::all(arma::abs(e0) <= delta * (1.0 + 1e-12)));
  } else {
    REQUIRE(arma::approx_equal(delta, arma::abs(e0) * std::sqrt(0.95 * fit.target / fit.fit.loss),
                               "reldiff", 1e-12));
  }
  const auto lp = solvers::polish_pattern_lp(inst.X, inst.y, fit.fit.net, delta);
  CAPTURE(fit.fit.l1, lp.l1, lp.rounds, lp.flips, to_string(lp.stop));
  REQUIRE(lp.stop != solvers::PatternLpStop::lp_failed);
  REQUIRE(lp.l1 <= fit.fit.l1 * (1.0 + 1e-9));
  const arma::vec e = theory::predict(lp.net, inst.X) - inst.y;
  REQUIRE(arma::all(arma::abs(e) <= delta + 1e-7));
  REQUIRE(lp.loss == Approx(arma::mean(arma::square(e))).epsilon(1e-12));
  REQUIRE(lp.max_residual == Approx(arma::abs(e).max()).epsilon(1e-12));
  REQUIRE(lp.loss <= fit.target);
  REQUIRE(arma::all(lp.net.a == fit.fit.net.a));
}

TEST_CASE("polish_pattern_lp: kink flips lower ‖W‖₁ monotonically", "[pattern_lp]") {
  // On trial 1 the first region's solution leans on binding kinks: the flips must lower ‖W‖₁
  // below the first LP's, round after round; with one round only the answer is the first LP's.
  const FitInstance inst = fit_instance(1);
  const arma::vec delta =
      solvers::residual_bounds(inst.X, inst.y, inst.fit.fit.net, inst.fit.target, 0.95);
  const auto lp = solvers::polish_pattern_lp(inst.X, inst.y, inst.fit.fit.net, delta);
  const auto one =
      solvers::polish_pattern_lp(inst.X, inst.y, inst.fit.fit.net, delta, {.max_rounds = 1});
  CAPTURE(lp.rounds, lp.flips, lp.l1, one.l1, to_string(lp.stop));
  REQUIRE(lp.flips > 0);
  REQUIRE(lp.rounds >= 2);
  REQUIRE(lp.l1_trace.size() <= lp.rounds);
  for (std::size_t i = 1; i < lp.l1_trace.size(); ++i)
    REQUIRE(lp.l1_trace[i] <= lp.l1_trace[i - 1] * (1.0 + 1e-9));
  REQUIRE(one.stop == solvers::PatternLpStop::max_rounds);
  REQUIRE(one.l1 == lp.l1_trace.front());
  REQUIRE(lp.l1 < one.l1 * (1.0 - 1e-6));
}

TEST_CASE("polish_pattern_lp: the elastic box revives dead samples and meets it at n <= p + 1",
          "[pattern_lp]") {
  // A start with its biases pushed down leaves samples on which no neuron is active: f = 0
  // there, y ≠ 0, so the hard LP of its region is infeasible. With n ≤ p + 1 every activation
  // pattern is realisable, so the repair flips (switch on a neuron of the missing sign) must
  // reach a region that interpolates: violation 0, residuals checked through the ReLU.
  const std::uint64_t trial = GENERATE(0, 1, 2);
  CAPTURE(trial);
  const auto [truth, data] = seeded(35, trial, 40, 3, 30);
  Network start = truth;
  start.b -= 2.5;
  const arma::vec zero(30, arma::fill::zeros);
  const arma::mat Z = theory::preactivation(start, data.X);
  const arma::uvec dead = arma::find(arma::all(Z <= 0.0, 1) && arma::abs(data.y) > 1e-6);
  CAPTURE(dead.n_elem);
  REQUIRE(dead.n_elem > 0);  // the premise: some sample is uncovered
  const auto hard = solvers::polish_pattern_lp(data.X, data.y, start, zero);
  REQUIRE(hard.stop == solvers::PatternLpStop::lp_failed);
  REQUIRE(hard.repairs == 0);

  const auto lp = solvers::polish_pattern_lp(data.X, data.y, start, zero, {.elastic = 1e4});
  CAPTURE(lp.rounds, lp.flips, lp.repairs, lp.violation, lp.max_residual, to_string(lp.stop));
  REQUIRE(lp.stop != solvers::PatternLpStop::lp_failed);
  REQUIRE(lp.repairs > 0);
  REQUIRE(lp.repairs <= lp.flips);
  REQUIRE(lp.violation < 1e-9);
  const arma::vec e = theory::predict(lp.net, data.X) - data.y;
  REQUIRE(arma::abs(e).max() < 1e-7);
  REQUIRE(lp.max_residual == Approx(arma::abs(e).max()).margin(1e-15));
  REQUIRE(lp.loss == Approx(arma::mean(arma::square(e))).margin(1e-15));
  REQUIRE(lp.l1 == theory::l1_norm(lp.net.W));
  REQUIRE(arma::all(lp.net.a == start.a));
}

TEST_CASE("polish_pattern_lp: inside a feasible region the elastic LP is the hard LP",
          "[pattern_lp]") {
  // An exact penalty: when the start's region meets the box, the elastic weight exceeds every
  // dual of the box, so the first LP has no violation and the same optimal ‖W‖₁.
  const std::uint64_t trial = GENERATE(0, 1, 2);
  CAPTURE(trial);
  const FitInstance inst = fit_instance(trial);
  const arma::vec delta =
      solvers::residual_bounds(inst.X, inst.y, inst.fit.fit.net, inst.fit.target, 0.95);
  const auto hard =
      solvers::polish_pattern_lp(inst.X, inst.y, inst.fit.fit.net, delta, {.max_rounds = 1});
  const auto soft = solvers::polish_pattern_lp(inst.X, inst.y, inst.fit.fit.net, delta,
                                               {.max_rounds = 1, .elastic = 1e4});
  CAPTURE(hard.l1, soft.l1, soft.violation);
  REQUIRE(hard.stop != solvers::PatternLpStop::lp_failed);
  REQUIRE(soft.violation < 1e-10);
  REQUIRE(soft.l1 == Approx(hard.l1).epsilon(1e-7));
  REQUIRE(hard.violation == 0.0);
}

TEST_CASE("polish_pattern_lp: bad inputs are rejected with the field named", "[pattern_lp]") {
  const arma::mat X(6, 3, arma::fill::randn);
  const arma::vec y(6, arma::fill::ones);
  const Network start{arma::ones(3, 2), arma::vec{1.0, -1.0}, arma::zeros(2)};
  REQUIRE_THROWS_WITH(solvers::polish_pattern_lp(X, y, start, -arma::ones(6)),
                      Catch::Contains("delta must be finite and >= 0"));
  REQUIRE_THROWS_WITH(solvers::polish_pattern_lp(X, y, start, arma::ones(5)),
                      Catch::Contains("delta must have n = 6 entries (got 5)"));
  REQUIRE_THROWS_WITH(solvers::polish_pattern_lp(X, y, start, arma::ones(6), {.max_rounds = 0}),
                      Catch::Contains("max_rounds must be >= 1"));
  REQUIRE_THROWS_WITH(solvers::polish_pattern_lp(X, y, start, arma::ones(6), {.elastic = -1.0}),
                      Catch::Contains("elastic must be finite and >= 0 (got -1)"));
  const Network wide{arma::ones(4, 2), arma::vec{1.0, -1.0}, arma::zeros(2)};
  REQUIRE_THROWS_WITH(solvers::polish_pattern_lp(X, y, wide, arma::ones(6)),
                      Catch::Contains("p = 3 rows"));
}

TEST_CASE("fit_l1_constrained: polished starts never raise the chosen ‖W‖₁ and are feasible",
          "[solver][pattern_lp]") {
  // The polished starts come last and the LP descent draws nothing from the engine, so every
  // other start is bit-identical with lp_rounds = 0, and the answer is the best over a superset;
  // the chosen fit is feasible with its ‖W‖₁ and loss recomputed from the network; σ > 0 runs
  // no polish at all.
  // Over the parent's non-zero rows or over all p rows (lp_all_rows) alike.
  const std::uint64_t trial = GENERATE(0, 1);
  const bool all_rows = GENERATE(false, true);
  CAPTURE(trial, all_rows);
  const auto [truth, data] = seeded(34, trial, 30, 3, 80);
  auto rng1 = sim::make_engine(34, 0, trial, sim::Stream::solver), rng2 = rng1;
  const auto off =
      solvers::fit_l1_constrained(data.X, data.y, {.r = 3, .lp_rounds = 0, .late_starts = 0}, rng1);
  const auto on = solvers::fit_l1_constrained(
      data.X, data.y, {.r = 3, .lp_rounds = 40, .lp_all_rows = all_rows, .late_starts = 0}, rng2);
  REQUIRE(on.starts.size() > off.starts.size());
  REQUIRE(on.starts.size() <= off.starts.size() + 4);  // one per sign count at most
  for (std::size_t i = 0; i < off.starts.size(); ++i) {
    REQUIRE(on.starts[i].kind == off.starts[i].kind);
    REQUIRE(on.starts[i].l1 == off.starts[i].l1);
  }
  for (std::size_t i = off.starts.size(); i < on.starts.size(); ++i) {
    REQUIRE(on.starts[i].kind == solvers::StartKind::polished);
  }
  CAPTURE(off.best.fit.l1, on.best.fit.l1, theory::l1_norm(truth.W));
  REQUIRE(on.best.feasible);
  REQUIRE(on.best.fit.l1 <= off.best.fit.l1);
  for (const auto& s : on.starts) {
    if (s.kind == solvers::StartKind::polished) REQUIRE(s.solves >= 1);
  }
  REQUIRE(on.best.fit.l1 == Approx(theory::l1_norm(on.best.fit.net.W)).epsilon(1e-12));
  const arma::vec f = theory::predict(on.best.fit.net, data.X);
  REQUIRE(on.best.fit.loss == Approx(arma::mean(arma::square(data.y - f))).epsilon(1e-9));
  REQUIRE(on.best.fit.loss <= on.best.target);

  auto rng3 = sim::make_engine(34, 1, trial, sim::Stream::solver);
  solvers::L1FitOptions noisy{.r = 3, .lp_rounds = 40};
  noisy.constrained.sigma = 0.05;
  const auto fit = solvers::fit_l1_constrained(data.X, data.y, noisy, rng3);
  for (const auto& s : fit.starts) REQUIRE(s.kind != solvers::StartKind::polished);
}
