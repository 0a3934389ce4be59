// Tests of the ℓ1 solvers: gradient, KKT conditions, λ search, recovery, input validation.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>

#include "sim/csv.hpp"
#include "sim/data.hpp"
#include "sim/seed.hpp"
#include "sim/truth.hpp"
#include "solvers/constrained.hpp"
#include "solvers/gmm_split.hpp"
#include "solvers/penalized.hpp"
#include "solvers/screen.hpp"
#include "solvers/spectral.hpp"
#include "theory/distance.hpp"
#include "theory/model.hpp"

using namespace reluid;
using solvers::StopReason;
using theory::Network;

namespace {

struct Instance {
  Network truth;
  arma::mat X;
  arma::vec y;
};

/// A seeded noiseless (unless sigma > 0) instance from the ground-truth generator.
Instance make_instance(int p, int r, int s, int n, double sigma, std::uint64_t trial) {
  auto rng_t = sim::make_engine(77, 0, trial, sim::Stream::truth);
  auto rng_d = sim::make_engine(77, 0, trial, sim::Stream::data);
  Instance inst;
  inst.truth =
      sim::make_truth({.p = p, .r = r, .s = s, .B = 2.0, .bias_bound = 1.0, .mu = 0.5}, rng_t);
  const auto data = sim::make_data(inst.truth, {.n = n, .sigma = sigma}, rng_d);
  inst.X = data.X;
  inst.y = data.y;
  return inst;
}

Network random_start(arma::uword p, const arma::vec& a, theory::Engine& rng) {
  Network net;
  net.W = 0.3 * theory::standard_normal(p, a.n_elem, rng);
  net.b = theory::uniform(a.n_elem, 1, -0.5, 0.5, rng);
  net.a = a;
  return net;
}

/// Trial `trial` of cell `cell` of a noiseless sweep with master seed `seed` (r = 3, B = 2,
/// |b| ≤ 1, bounded noise at σ = 0): the truth and the data, drawn as run_l1_trial draws them.
struct SweepTrial {
  Network truth;
  sim::Dataset data;
  double l1_truth = 0;
};
SweepTrial sweep_trial(std::uint64_t seed, std::uint64_t cell, std::uint64_t trial, int n, int s,
                       double mu) {
  auto rt = sim::make_engine(seed, cell, trial, sim::Stream::truth);
  auto rd = sim::make_engine(seed, cell, trial, sim::Stream::data);
  SweepTrial out;
  out.truth =
      sim::make_truth({.p = 100, .r = 3, .s = s, .B = 2.0, .bias_bound = 1.0, .mu = mu}, rt);
  out.data = sim::make_data(out.truth, {.n = n, .sigma = 0.0}, rd);
  out.l1_truth = theory::l1_norm(out.truth.W);
  return out;
}

/// `on` is `off` with starts of `kind` appended (1 to max_extra of them): every start of `off`
/// is bit-identical in `on` (kind, ‖W‖₁, loss), in the same order.
void require_appended(const solvers::L1FitResult& off, const solvers::L1FitResult& on,
                      solvers::StartKind kind, std::size_t max_extra) {
  REQUIRE(on.starts.size() > off.starts.size());
  REQUIRE(on.starts.size() <= off.starts.size() + max_extra);
  for (std::size_t i = 0; i < off.starts.size(); ++i) {
    CAPTURE(i);
    REQUIRE(on.starts[i].kind == off.starts[i].kind);
    REQUIRE(on.starts[i].l1 == off.starts[i].l1);
    REQUIRE(on.starts[i].loss == off.starts[i].loss);
  }
  for (std::size_t i = off.starts.size(); i < on.starts.size(); ++i)
    REQUIRE(on.starts[i].kind == kind);
}

/// Two fits of `inst` from copies of one solver engine (seed 5, `cell`, `trial`): `off` and
/// `on`; same_engine: the two engines' states are equal afterwards.
struct OffOn {
  solvers::L1FitResult off, on;
  bool same_engine = false;
};
OffOn fit_off_on(const Instance& inst, std::uint64_t cell, std::uint64_t trial,
                 const solvers::L1FitOptions& off, const solvers::L1FitOptions& on) {
  auto rng1 = sim::make_engine(5, cell, trial, sim::Stream::solver);
  auto rng2 = rng1;
  OffOn out{solvers::fit_l1_constrained(inst.X, inst.y, off, rng1),
            solvers::fit_l1_constrained(inst.X, inst.y, on, rng2)};
  out.same_engine = rng1 == rng2;
  return out;
}

/// r.on's answer is a real feasible one (‖W‖₁ and loss recomputed from its network) no heavier
/// than r.off's; returns whether it is strictly lighter.
bool require_no_heavier(const OffOn& r, const Instance& inst) {
  CAPTURE(r.off.best.fit.l1, r.on.best.fit.l1);
  REQUIRE(r.off.best.feasible);
  REQUIRE(r.on.best.feasible);
  REQUIRE(r.on.best.fit.l1 <= r.off.best.fit.l1);
  REQUIRE(r.on.best.fit.l1 == Approx(theory::l1_norm(r.on.best.fit.net.W)).epsilon(1e-12));
  const arma::vec f = theory::predict(r.on.best.fit.net, inst.X);
  REQUIRE(r.on.best.fit.loss == Approx(arma::mean(arma::square(inst.y - f))).epsilon(1e-9));
  REQUIRE(r.on.best.fit.loss <= r.on.best.target);
  return r.on.best.fit.l1 < r.off.best.fit.l1;
}

/// r = 3 with the spectral and random starts only: no screened, pruned, polished, restored or
/// late starts (a test turns on the kind it checks).
solvers::L1FitOptions basic_starts() {
  solvers::L1FitOptions o{.r = 3};
  o.screened_starts = 0;
  o.pruned_starts = false;
  o.lp_rounds = 0;
  o.restore_rounds = 0;
  o.late_starts = 0;
  o.rescue_starts = 0;
  // The tests of the other start kinds were written on fits over every sign count; the skip of
  // bounded sign counts has its own tests at the end.
  o.skip_bounded_signs = false;
  return o;
}

}  // namespace

TEST_CASE("LeastSquaresLoss: gradient matches central finite differences", "[solver]") {
  auto rng = sim::make_engine(5, 0, 0, sim::Stream::solver);
  const arma::uword n = 40, p = 6, r = 3;
  const arma::mat X = theory::standard_normal(n, p, rng);
  const arma::vec y = theory::standard_normal(n, 1, rng);
  const arma::vec a = {1.0, -1.0, 1.0};
  const arma::mat W = theory::standard_normal(p, r, rng);
  const arma::vec b = theory::standard_normal(r, 1, rng);
  const solvers::LeastSquaresLoss f{X, y, a};
  arma::mat gW;
  arma::vec gb;
  const double value = f.gradient(W, b, gW, gb);
  REQUIRE(value == Approx(f.evaluate(W, b)).epsilon(1e-14));
  // The loss is piecewise quadratic; h is far below the distance of any sample to a kink here
  // (checked below), so central differences are exact up to rounding.
  arma::mat Z = X * W;
  Z.each_row() += b.t();
  const double h = 1e-6;
  REQUIRE(arma::abs(Z).min() > 100 * h * (arma::abs(X).max() + 1.0));
  for (arma::uword i = 0; i < p; ++i) {
    for (arma::uword j = 0; j < r; ++j) {
      arma::mat Wp = W, Wm = W;
      Wp(i, j) += h;
      Wm(i, j) -= h;
      const double fd = (f.evaluate(Wp, b) - f.evaluate(Wm, b)) / (2 * h);
      CAPTURE(i, j);
      REQUIRE(gW(i, j) == Approx(fd).epsilon(1e-6).margin(1e-8));
    }
  }
  for (arma::uword j = 0; j < r; ++j) {
    arma::vec bp = b, bm = b;
    bp(j) += h;
    bm(j) -= h;
    const double fd = (f.evaluate(W, bp) - f.evaluate(W, bm)) / (2 * h);
    CAPTURE(j);
    REQUIRE(gb(j) == Approx(fd).epsilon(1e-6).margin(1e-8));
  }
}

TEST_CASE("fit_penalized: returned points satisfy the KKT conditions of eq. (10)", "[solver]") {
  const double lambda = GENERATE(0.3, 0.03, 0.003);
  CAPTURE(lambda);
  const Instance inst = make_instance(20, 3, 6, 200, 0.0, 1);
  auto rng = sim::make_engine(5, 1, 0, sim::Stream::solver);
  const Network start = random_start(20, inst.truth.a, rng);
  const auto fit = solvers::fit_penalized(
      inst.X, inst.y, start,
      {.lambda = lambda, .max_iter = 20000, .rel_tol = 1e-7, .abs_tol = 1e-8}, rng);
  CAPTURE(solvers::to_string(fit.stop), fit.iterations, fit.stationarity, fit.reseeds);
  // At a ReLU kink the loss is not differentiable and FISTA cannot certify the point; the solver
  // must then say "stalled", never "converged". Independent check: a pre-activation sits at 0.
  arma::mat Z = inst.X * fit.net.W;
  Z.each_row() += fit.net.b.t();
  CAPTURE(arma::abs(Z).min());
  if (fit.stop != StopReason::converged) {
    REQUIRE(fit.stop == StopReason::stalled);
    REQUIRE(arma::abs(Z).min() < 1e-6);
    return;
  }
  REQUIRE(fit.objective == Approx(fit.loss + lambda * fit.l1).epsilon(1e-12));
  // Independent check of the subgradient conditions with the full gradient:
  //   W_ij ≠ 0: g_ij + λ sign(W_ij) = 0;  W_ij = 0: |g_ij| ≤ λ;  g_b = 0.
  const solvers::LeastSquaresLoss f{inst.X, inst.y, fit.net.a};
  arma::mat gW;
  arma::vec gb;
  const double loss = f.gradient(fit.net.W, fit.net.b, gW, gb);
  REQUIRE(loss == Approx(fit.loss).epsilon(1e-10));
  const double tol = 1e-5 * std::max(1.0, lambda);
  for (arma::uword k = 0; k < gW.n_elem; ++k) {
    const double w = fit.net.W(k);
    CAPTURE(k, w, gW(k));
    if (w != 0.0) {
      REQUIRE(std::abs(gW(k) + lambda * (w > 0 ? 1.0 : -1.0)) <= tol);
    } else {
      REQUIRE(std::abs(gW(k)) <= lambda + tol);
    }
  }
  REQUIRE(arma::abs(gb).max() <= tol);
  REQUIRE(fit.stationarity <= tol);
  REQUIRE(fit.dead_neurons == 0);
}

TEST_CASE("fit_penalized: with row weights, returned points satisfy the weighted KKT conditions",
          "[solver]") {
  // Penalty λ Σ_i w_i ‖W_i,·‖₁ with one unpenalised row (w = 0), mild and heavy weights; checked
  // entry by entry with the full gradient, independently of the solver's own stationarity:
  //   W_ij ≠ 0: g_ij + λ w_i sign(W_ij) = 0;  W_ij = 0: |g_ij| ≤ λ w_i;  g_b = 0.
  // From the true network of a noiseless instance (random starts on this generator end at a
  // kink, "stalled", where the conditions cannot be checked); solved until the prox-gradient
  // norm is about 1e-8 (the iteration budget ends the run: the objective test does not fire;
  // at λ = 0.03 and 0.002 this instance stalls at a kink too).
  const double lambda = GENERATE(0.01, 0.005);
  CAPTURE(lambda);
  const Instance inst = make_instance(8, 3, 4, 200, 0.0, 4);
  auto rng = sim::make_engine(5, 5, 0, sim::Stream::solver);
  const Network start = inst.truth;
  arma::vec w = arma::linspace(0.0, 3.0, 8);
  w(7) = 1e3;  // heavy enough to zero its row (checked below: the test sees both cases)
  const auto fit = solvers::fit_penalized(inst.X, inst.y, start,
                                          {.lambda = lambda,
                                           .row_weights = w,
                                           .max_iter = 100000,
                                           .rel_tol = 1e-12,
                                           .abs_tol = 1e-12,
                                           .dead = solvers::DeadNeurons::keep},
                                          rng);
  CAPTURE(solvers::to_string(fit.stop), fit.iterations, fit.stationarity);
  REQUIRE(fit.stop != StopReason::diverged);
  REQUIRE(fit.stop != StopReason::stalled);
  const arma::vec row_l1 = arma::sum(arma::abs(fit.net.W), 1);
  REQUIRE(fit.l1 == Approx(arma::dot(w, row_l1)).epsilon(1e-12));
  REQUIRE(fit.objective == Approx(fit.loss + lambda * fit.l1).epsilon(1e-12));
  REQUIRE(row_l1(7) == 0.0);
  REQUIRE(row_l1(0) > 0.0);
  const solvers::LeastSquaresLoss f{inst.X, inst.y, fit.net.a};
  arma::mat gW;
  arma::vec gb;
  f.gradient(fit.net.W, fit.net.b, gW, gb);
  const double tol = 1e-5 * std::max(1.0, lambda);
  for (arma::uword k = 0; k < gW.n_elem; ++k) {
    const arma::uword i = k % gW.n_rows;
    const double wk = fit.net.W(k);
    CAPTURE(k, i, wk, gW(k));
    if (wk != 0.0) {
      REQUIRE(std::abs(gW(k) + lambda * w(i) * (wk > 0 ? 1.0 : -1.0)) <= tol);
    } else {
      REQUIRE(std::abs(gW(k)) <= lambda * w(i) + tol);
    }
  }
  REQUIRE(arma::abs(gb).max() <= tol);
  REQUIRE(fit.stationarity <= tol);
  // The unweighted conditions fail at this point (the weights matter): some entry violates them.
  double unweighted = 0.0;
  for (arma::uword k = 0; k < gW.n_elem; ++k) {
    const double wk = fit.net.W(k);
    unweighted = std::max(unweighted, wk != 0.0 ? std::abs(gW(k) + lambda * (wk > 0 ? 1.0 : -1.0))
                                                : std::abs(gW(k)) - lambda);
  }
  REQUIRE(unweighted > 100 * tol);
}

TEST_CASE("fit_penalized: row weights equal the unweighted fit on columns x_i / w_i", "[solver]") {
  // XW = Σ_i x_i W_i,· = Σ_i (x_i / w_i)(w_i W_i,·) and λ Σ_i w_i ‖W_i,·‖₁ = λ‖diag(w) W‖₁, so
  // W ↦ diag(w) W maps the weighted problem on X onto the unweighted one on X diag(w)⁻¹ (b is
  // unchanged). The two solvers take different steps (other Lipschitz bound, other iterates):
  // from corresponding starts and solved tightly they must meet at the same point. The start is
  // the true network of a noiseless instance, so both runs stay in the basin of the minimiser
  // near it (a ReLU network has many stationary points).
  const double lambda = GENERATE(0.005, 0.002);
  CAPTURE(lambda);
  const Instance inst = make_instance(8, 3, 4, 200, 0.0, 4);
  auto rng = sim::make_engine(5, 6, 0, sim::Stream::solver);
  const Network start = inst.truth;
  const arma::vec w = {0.5, 1.0, 2.0, 0.7, 1.5, 3.0, 1.2, 0.9};
  const solvers::PenalizedOptions tight{.lambda = lambda,
                                        .max_iter = 200000,
                                        .rel_tol = 1e-12,
                                        .abs_tol = 1e-12,
                                        .dead = solvers::DeadNeurons::keep};
  solvers::PenalizedOptions weighted = tight;
  weighted.row_weights = w;
  auto rng1 = rng, rng2 = rng;
  const auto a = solvers::fit_penalized(inst.X, inst.y, start, weighted, rng1);
  arma::mat Xs = inst.X;
  Xs.each_row() /= w.t();
  Network start_s = start;
  start_s.W.each_col() %= w;
  const auto b = solvers::fit_penalized(Xs, inst.y, start_s, tight, rng2);
  CAPTURE(solvers::to_string(a.stop), solvers::to_string(b.stop), a.iterations, b.iterations,
          a.stationarity, b.stationarity);
  // Both runs end on the iteration budget (the objective test never fires at these tolerances)
  // at certified near-stationary points: prox-gradient norms measured about 1e-8.
  REQUIRE(a.stationarity <= 1e-7);
  REQUIRE(b.stationarity <= 1e-7);
  arma::mat Wb = b.net.W;
  Wb.each_col() /= w;
  CAPTURE(arma::abs(a.net.W - Wb).max(), arma::abs(a.net.b - b.net.b).max());
  // Measured max |ΔW| 7.4e-8 (λ = 0.005) and 3.5e-8 (λ = 0.002), |Δb| alike: the slow tail of
  // FISTA, not a different point (the unweighted fit below differs by more than 1e-3). Bound 1e-6.
  REQUIRE(arma::approx_equal(a.net.W, Wb, "absdiff", 1e-6));
  REQUIRE(arma::approx_equal(a.net.b, b.net.b, "absdiff", 1e-6));
  REQUIRE(a.objective == Approx(b.objective).epsilon(1e-10));
  REQUIRE(a.l1 == Approx(b.l1).epsilon(1e-6));
  REQUIRE(theory::support(a.net.W).n_elem == theory::support(b.net.W).n_elem);
  // The weights bite: the unweighted fit on X itself is a different point.
  auto rng3 = rng;
  const auto c = solvers::fit_penalized(inst.X, inst.y, start, tight, rng3);
  REQUIRE(arma::abs(c.net.W - a.net.W).max() > 1e-3);
}

TEST_CASE("fit_penalized: objective never exceeds the start's and λ = 0 gives plain descent",
          "[solver]") {
  const Instance inst = make_instance(10, 2, 4, 100, 0.0, 2);
  auto rng = sim::make_engine(5, 2, 0, sim::Stream::solver);
  const Network start = random_start(10, inst.truth.a, rng);
  const solvers::LeastSquaresLoss f{inst.X, inst.y, start.a};
  const double lambda = 0.01;
  const double f0 = f.evaluate(start.W, start.b) + lambda * theory::l1_norm(start.W);
  for (std::size_t budget : {1, 5, 50}) {
    auto rng2 = rng;
    const auto fit =
        solvers::fit_penalized(inst.X, inst.y, start, {.lambda = lambda, .max_iter = budget}, rng2);
    CAPTURE(budget);
    REQUIRE(fit.iterations <= budget);
    REQUIRE(fit.objective <= f0);
    REQUIRE(fit.objective == Approx(f.evaluate(fit.net.W, fit.net.b) + lambda * fit.l1));
  }
}

TEST_CASE("fit_penalized: a dead neuron is re-seeded, or counted when kept", "[solver]") {
  const Instance inst = make_instance(10, 2, 4, 100, 0.0, 3);
  auto rng = sim::make_engine(5, 3, 0, sim::Stream::solver);
  Network start = random_start(10, inst.truth.a, rng);
  start.W.col(1).zeros();
  start.b(1) = -1.0;  // neuron 1 outputs 0 everywhere and gets no gradient
  SECTION("reseed") {
    const auto fit = solvers::fit_penalized(inst.X, inst.y, start, {.lambda = 1e-3}, rng);
    REQUIRE(fit.reseeds >= 1);
    REQUIRE(arma::norm(fit.net.W.col(1)) > 0.0);
    REQUIRE(fit.dead_neurons == 0);
  }
  SECTION("keep") {
    const auto fit = solvers::fit_penalized(
        inst.X, inst.y, start, {.lambda = 1e-3, .dead = solvers::DeadNeurons::keep}, rng);
    REQUIRE(fit.reseeds == 0);
    REQUIRE(fit.dead_neurons == 1);
    REQUIRE(arma::norm(fit.net.W.col(1)) == 0.0);
  }
}

TEST_CASE("fit_penalized: bad inputs are rejected with the field named", "[solver]") {
  auto rng = sim::make_engine(5, 4, 0, sim::Stream::solver);
  arma::mat X = theory::standard_normal(20, 4, rng);
  arma::vec y = theory::standard_normal(20, 1, rng);
  const Network start = random_start(4, arma::vec{1.0, -1.0}, rng);
  SECTION("negative lambda") {
    REQUIRE_THROWS_WITH(solvers::fit_penalized(X, y, start, {.lambda = -1.0}, rng),
                        Catch::Contains("lambda must be finite and >= 0 (got -1)"));
  }
  SECTION("NaN in X") {
    X(3, 2) = arma::datum::nan;
    REQUIRE_THROWS_WITH(solvers::fit_penalized(X, y, start, {}, rng),
                        Catch::Contains("X(3,2) must be finite"));
  }
  SECTION("NaN in y") {
    y(7) = arma::datum::nan;
    REQUIRE_THROWS_WITH(solvers::fit_penalized(X, y, start, {}, rng),
                        Catch::Contains("y[7] must be finite"));
  }
  SECTION("n mismatch") {
    const arma::vec y2 = y.head(19);
    REQUIRE_THROWS_WITH(solvers::fit_penalized(X, y2, start, {}, rng),
                        Catch::Contains("y must have n = 20 entries (rows of X) (got 19)"));
  }
  SECTION("p mismatch") {
    const arma::mat X2 = X.cols(0, 2);
    REQUIRE_THROWS_AS(solvers::fit_penalized(X2, y, start, {}, rng), std::invalid_argument);
  }
  SECTION("row weights") {
    REQUIRE_THROWS_WITH(
        solvers::fit_penalized(X, y, start, {.row_weights = arma::vec{1.0, 1.0, 1.0}}, rng),
        Catch::Contains("row_weights must be empty or have p = 4 values (got 3)"));
    REQUIRE_THROWS_WITH(
        solvers::fit_penalized(X, y, start, {.row_weights = arma::vec{1.0, -0.5, 1.0, 1.0}}, rng),
        Catch::Contains("row_weights must be finite and >= 0"));
    REQUIRE_THROWS_WITH(
        solvers::fit_penalized(X, y, start,
                               {.row_weights = arma::vec{1.0, arma::datum::inf, 1.0, 1.0}}, rng),
        Catch::Contains("row_weights must be finite and >= 0"));
  }
}

TEST_CASE("fit_constrained: hits σ² from a warm start and ‖W‖₁ does not increase in σ",
          "[solver]") {
  const Instance inst = make_instance(20, 2, 4, 200, 0.0, 4);
  auto rng = sim::make_engine(5, 5, 0, sim::Stream::solver);
  double previous_l1 = arma::datum::inf;
  for (const double sigma : {0.05, 0.1, 0.2, 0.4}) {
    const auto c = solvers::fit_constrained(inst.X, inst.y, inst.truth, {.sigma = sigma}, rng);
    CAPTURE(sigma, c.fit.loss, c.fit.l1, c.fit.lambda, solvers::to_string(c.stop));
    REQUIRE(c.feasible);
    REQUIRE(c.target == Approx(sigma * sigma));
    REQUIRE(c.slack == Approx(sigma * sigma - c.fit.loss));
    REQUIRE(c.slack >= 0.0);
    // Independent recomputation of the loss of the returned network.
    const arma::vec e = theory::predict(c.fit.net, inst.X) - inst.y;
    REQUIRE(arma::dot(e, e) / 200.0 == Approx(c.fit.loss).epsilon(1e-9));
    REQUIRE(c.fit.l1 <= previous_l1 * (1.0 + 1e-6));
    previous_l1 = c.fit.l1;
  }
}

TEST_CASE("fit_l1_constrained: recovers a small noiseless network", "[solver]") {
  const Instance inst = make_instance(20, 2, 4, 200, 0.0, 6);
  auto rng = sim::make_engine(5, 6, 0, sim::Stream::solver);
  const auto fit = solvers::fit_l1_constrained(inst.X, inst.y, {.r = 2}, rng);
  // One sign of each: k = 0 and k = 2 cannot meet the target and are skipped; k = 1 gets 1
  // spectral + 2 random starts, then at most 1 pruned and 2 polished (screened starts are off),
  // then 4 late starts and at most 1 pruned and 2 polished after them.
  REQUIRE(fit.skipped == std::vector<arma::uword>{0, 2});
  std::map<solvers::StartKind, int> kinds;
  for (const auto& s : fit.starts) ++kinds[s.kind];
  REQUIRE(kinds[solvers::StartKind::spectral] == 1);
  REQUIRE(kinds[solvers::StartKind::random] == 2);
  REQUIRE(kinds[solvers::StartKind::screened] == 0);
  REQUIRE(kinds[solvers::StartKind::late] == 4);
  REQUIRE(kinds[solvers::StartKind::pruned] <= 2);
  REQUIRE(kinds[solvers::StartKind::polished] <= 4);
  REQUIRE(fit.starts.size() == 7 + static_cast<std::size_t>(kinds[solvers::StartKind::pruned] +
                                                            kinds[solvers::StartKind::polished]));
  REQUIRE(fit.best.feasible);
  REQUIRE(fit.best.fit.loss <= 1e-6 * arma::var(inst.y, 1));
  const auto d2 = theory::distance_d2(fit.best.fit.net, inst.truth);
  CAPTURE(d2.value, fit.best.fit.l1, theory::l1_norm(inst.truth.W), fit.k);
  REQUIRE(d2.value < 0.05);
  REQUIRE(arma::accu(fit.best.fit.net.a > 0.0) == arma::accu(inst.truth.a > 0.0));
}

TEST_CASE("fit_l1_constrained: bad inputs are rejected with the field named", "[solver]") {
  auto rng = sim::make_engine(5, 7, 0, sim::Stream::solver);
  arma::mat X = theory::standard_normal(20, 4, rng);
  arma::vec y = theory::standard_normal(20, 1, rng);
  REQUIRE_THROWS_WITH(
      solvers::fit_l1_constrained(X, y, {.r = 2, .constrained = {.sigma = -0.5}}, rng),
      Catch::Contains("sigma must be finite and >= 0 (got -0.5)"));
  REQUIRE_THROWS_WITH(solvers::fit_l1_constrained(X, y, {.r = 0}, rng),
                      Catch::Contains("r must be >= 1 (got 0)"));
  REQUIRE_THROWS_WITH(
      solvers::fit_l1_constrained(X, y, {.r = 2, .constrained = {.lambda_first = -1.0}}, rng),
      Catch::Contains("lambda_first must be finite and >= 0 (got -1)"));
  const arma::vec y2 = y.head(10);
  REQUIRE_THROWS_WITH(solvers::fit_l1_constrained(X, y2, {.r = 2}, rng),
                      Catch::Contains("(got 10)"));
  y(0) = arma::datum::nan;
  REQUIRE_THROWS_WITH(solvers::fit_l1_constrained(X, y, {.r = 2}, rng),
                      Catch::Contains("y[0] must be finite"));
}

TEST_CASE("stein_matrix: equals the defining sum with centred y", "[solver]") {
  auto rng = sim::make_engine(5, 8, 0, sim::Stream::solver);
  const arma::mat X = theory::standard_normal(30, 5, rng);
  const arma::vec y = theory::standard_normal(30, 1, rng) + 3.0;
  const arma::vec yc = y - arma::mean(y);
  arma::mat M(5, 5, arma::fill::zeros);
  for (arma::uword i = 0; i < 30; ++i) {
    M += yc(i) * (X.row(i).t() * X.row(i) - arma::eye(5, 5));
  }
  M /= 30.0;
  REQUIRE(arma::approx_equal(solvers::stein_matrix(X, y), M, "absdiff", 1e-12));
  const Network s = solvers::spectral_start(X, y, 3, 1);
  REQUIRE(arma::approx_equal(s.a, arma::vec{1.0, -1.0, -1.0}, "absdiff", 0.0));
  REQUIRE(arma::abs(s.W.t() * s.W - arma::diagmat(s.W.t() * s.W)).max() < 1e-10);  // orthogonal
}

TEST_CASE("parse_csv_data: reads x1..xp,y and rejects malformed files", "[solver][csv]") {
  const auto d = sim::parse_csv_data("x1,x2,y\n1,2,3\n4,5.5,-6\n", "t.csv");
  REQUIRE(arma::approx_equal(d.X, arma::mat{{1, 2}, {4, 5.5}}, "absdiff", 0.0));
  REQUIRE(arma::approx_equal(d.y, arma::vec{3, -6}, "absdiff", 0.0));
  REQUIRE_THROWS_WITH(
      sim::parse_csv_data("x1,x2,y\n1,2,3\n4,5\n", "t.csv"),
      Catch::Contains("t.csv: line 3: row must have 3 cells like the header (got 2)"));
  REQUIRE_THROWS_WITH(sim::parse_csv_data("x1,x2,y\n1,2,3\n4,abc,6\n", "t.csv"),
                      Catch::Contains("line 3, column x2: not a number (got \"abc\")"));
  REQUIRE_THROWS_WITH(sim::parse_csv_data("x1,x2,y\n1,2,3\n4,nan,6\n", "t.csv"),
                      Catch::Contains("line 3, column x2: must be finite (got nan)"));
  REQUIRE_THROWS_WITH(sim::parse_csv_data("x1,x2,y\n1,2,3\n", "t.csv"),
                      Catch::Contains("need at least 2 data rows, n (got 1)"));
  REQUIRE_THROWS_WITH(sim::parse_csv_data("a,x2,y\n1,2,3\n", "t.csv"),
                      Catch::Contains("header column 1 must be x1 (got a)"));
}

TEST_CASE("screen_scores: equals the defining sums of the two Stein moments", "[solver][screen]") {
  auto rng = sim::make_engine(5, 9, 0, sim::Stream::solver);
  const arma::uword n = 50, p = 4;
  arma::mat X = 2.0 * theory::standard_normal(n, p, rng) + 1.5;
  X.col(3).fill(0.7);  // constant column: scores 0
  const arma::vec y = theory::standard_normal(n, 1, rng) + 4.0;
  const arma::vec score = solvers::screen_scores(X, y);
  double ybar = 0;
  for (arma::uword i = 0; i < n; ++i) ybar += y(i) / n;
  double vy = 0;
  for (arma::uword i = 0; i < n; ++i) vy += (y(i) - ybar) * (y(i) - ybar) / n;
  for (arma::uword c = 0; c < 3; ++c) {
    double xbar = 0, vx = 0;
    for (arma::uword i = 0; i < n; ++i) xbar += X(i, c) / n;
    for (arma::uword i = 0; i < n; ++i) vx += (X(i, c) - xbar) * (X(i, c) - xbar) / n;
    double m1 = 0, q = 0;
    for (arma::uword i = 0; i < n; ++i) {
      const double z = (X(i, c) - xbar) / std::sqrt(vx);
      m1 += (y(i) - ybar) * z / n;
      q += (y(i) - ybar) * (z * z - 1.0) / n;
    }
    CAPTURE(c);
    REQUIRE(score(c) == Approx(n * (m1 * m1 + 0.5 * q * q) / vy).epsilon(1e-10));
  }
  REQUIRE(score(3) == 0.0);
  REQUIRE_THROWS_WITH(solvers::screen_scores(X, y.head(10)),
                      Catch::Contains("screen_scores: y must have n = 50 entries"));
}

TEST_CASE("screen_scores: about chi-squared with 2 degrees of freedom under independence",
          "[solver][screen][statistical]") {
  // p = 4000 inputs independent of y: given y the scores are independent, mean 2 and variance 4
  // up to O(1/n), so their mean has std_err 2/sqrt(4000) = 0.032. Bound: 5 std_err (false
  // failure rate below 1e-6).
  auto rng = sim::make_engine(5, 10, 0, sim::Stream::solver);
  const arma::mat X = theory::standard_normal(400, 4000, rng);
  const arma::vec y = arma::square(theory::standard_normal(400, 1, rng));
  const arma::vec score = solvers::screen_scores(X, y);
  REQUIRE(std::abs(arma::mean(score) - 2.0) < 5.0 * 2.0 / std::sqrt(4000.0));
}

TEST_CASE("largest: largest scores first, ties by index, m clamped; default screen size",
          "[solver][screen]") {
  const arma::vec s = {0.5, 3.0, 1.0, 3.0, 0.0};
  REQUIRE(arma::all(solvers::largest(s, 3) == arma::uvec{1, 3, 2}));
  REQUIRE(solvers::largest(s, 10).n_elem == 5);
  REQUIRE(solvers::default_screen_size(100, 100, 3) == 20);
  REQUIRE(solvers::default_screen_size(600, 100, 3) == 33);  // ceil(600 / (4 log 100))
  REQUIRE(solvers::default_screen_size(100, 10, 3) == 10);
  REQUIRE(solvers::default_screen_size(50, 100, 15) == 30);
}

TEST_CASE("screen_scores: the true support ranks first on an easy instance", "[solver][screen]") {
  // n = 2000 samples: the support's scores are of order n·(effect)² while the 94 null inputs
  // score about chi-squared(2) (the largest of 94 is about 12).
  const auto trial = GENERATE(0, 1, 2);
  const Instance inst = make_instance(100, 3, 6, 2000, 0.0, 20 + trial);
  const arma::uvec support = arma::find(arma::sum(arma::abs(inst.truth.W), 1) > 0.0);
  REQUIRE(support.n_elem == 6);
  const arma::vec score = solvers::screen_scores(inst.X, inst.y);
  const arma::uvec order = solvers::largest(score, 100);
  arma::uvec rank(100);
  for (arma::uword i = 0; i < 100; ++i) rank(order(i)) = i;
  CAPTURE(trial, support.t(), rank(support).t(), score(support).t());
  // A support row with small weights has a weak marginal signal (trial 0: input 23 scores 5.2,
  // rank 11, against ~10^2..10^3 for the others), so the claim is the one the screen is used
  // for: the support lies within the top 20 (the smallest default screen size).
  REQUIRE(rank(support).max() < 20);
}

TEST_CASE("fit_l1_constrained: a screened start alone recovers when the screen holds the support",
          "[solver][screen]") {
  // p = 60 inputs, 20 kept: the restricted problem (20 columns, n = 300) contains the support
  // (checked), and its fit embedded in R^60 is refitted to the truth.
  const Instance inst = make_instance(60, 2, 4, 300, 0.0, 31);
  const arma::uvec support = arma::find(arma::sum(arma::abs(inst.truth.W), 1) > 0.0);
  const arma::uvec keep = solvers::largest(solvers::screen_scores(inst.X, inst.y), 20);
  for (const arma::uword i : support) REQUIRE(arma::any(keep == i));
  auto rng = sim::make_engine(5, 11, 0, sim::Stream::solver);
  const auto fit = solvers::fit_l1_constrained(inst.X, inst.y,
                                               {.r = 2,
                                                .spectral_starts = 0,
                                                .random_starts = 0,
                                                .screened_starts = 2,
                                                .screen_size = 20,
                                                .pruned_starts = false,
                                                .lp_rounds = 0,
                                                .late_starts = 0,
                                                .skip_bounded_signs = false},
                                               rng);
  REQUIRE(fit.starts.size() == 3);
  for (const auto& s : fit.starts) REQUIRE(s.kind == solvers::StartKind::screened);
  REQUIRE(fit.best.feasible);
  const auto d2 = theory::distance_d2(fit.best.fit.net, inst.truth);
  CAPTURE(d2.value, fit.best.fit.l1, theory::l1_norm(inst.truth.W), fit.k);
  REQUIRE(d2.value < 0.05);
  // The answer lives on the screened rows only if it recovered, which it did: nothing outside
  // the support above the recovery scale.
  arma::mat off = fit.best.fit.net.W;
  off.rows(support).zeros();
  REQUIRE(arma::abs(off).max() < 0.05);
}

TEST_CASE("fit_l1_constrained: screened starts never raise the chosen ‖W‖₁", "[solver][screen]") {
  // They run after the spectral and random starts with the same engine, so those are
  // bit-identical with and without them, and the answer is the minimum over a superset. They
  // draw from a stream split off the engine and leave its state as it was, so whatever runs
  // after them draws the same numbers.
  const Instance inst = make_instance(40, 3, 6, 150, 0.0, 31);
  auto rng1 = sim::make_engine(5, 12, 0, sim::Stream::solver);
  auto rng2 = rng1;
  solvers::L1FitOptions with = basic_starts();
  with.screened_starts = 2;
  const auto off = solvers::fit_l1_constrained(inst.X, inst.y, basic_starts(), rng1);
  const auto on = solvers::fit_l1_constrained(inst.X, inst.y, with, rng2);
  REQUIRE(on.starts.size() == off.starts.size() + 4);
  for (std::size_t i = 0; i < off.starts.size(); ++i) {
    CAPTURE(i);
    REQUIRE(on.starts[i].l1 == off.starts[i].l1);
    REQUIRE(on.starts[i].loss == off.starts[i].loss);
  }
  REQUIRE(rng1 == rng2);
  REQUIRE(rng1() == rng2());
  // The answer of `on` is at least as good in the order of fit_l1_constrained: feasible first,
  // then smaller ‖W‖₁; between infeasible fits, smaller loss.
  CAPTURE(off.best.feasible, on.best.feasible, off.best.fit.l1, on.best.fit.l1, off.best.fit.loss,
          on.best.fit.loss);
  if (off.best.feasible) {
    REQUIRE(on.best.feasible);
    REQUIRE(on.best.fit.l1 <= off.best.fit.l1);
  } else if (!on.best.feasible) {
    REQUIRE(on.best.fit.loss <= off.best.fit.loss);
  }
}

TEST_CASE("fit_l1_constrained: pruned starts come last and never raise the chosen ‖W‖₁",
          "[solver][prune]") {
  // The pruned starts run after all others with the same engine, so the earlier starts are
  // bit-identical with and without them, and the answer is the best over a superset.
  // On this instance (trial 0 of p = 40, n = 150) a pruned start gives the answer.
  const Instance inst = make_instance(40, 3, 6, 150, 0.0, 0);
  auto rng1 = sim::make_engine(5, 13, 0, sim::Stream::solver);
  auto rng2 = rng1;
  solvers::L1FitOptions with = basic_starts();
  with.pruned_starts = true;
  const auto off = solvers::fit_l1_constrained(inst.X, inst.y, basic_starts(), rng1);
  const auto on = solvers::fit_l1_constrained(inst.X, inst.y, with, rng2);
  require_appended(off, on, solvers::StartKind::pruned, 4);
  for (std::size_t i = off.starts.size(); i < on.starts.size(); ++i)
    REQUIRE(on.starts[i].solves > 0);
  CAPTURE(off.best.feasible, on.best.feasible, off.best.fit.l1, on.best.fit.l1);
  if (off.best.feasible) {
    REQUIRE(on.best.feasible);
    REQUIRE(on.best.fit.l1 <= off.best.fit.l1);
  }
  // The chosen pruned fit is a real answer: feasible, sparser than any other start's, with its
  // ‖W‖₁ and loss recomputed from the network.
  REQUIRE(on.starts[on.best_start].kind == solvers::StartKind::pruned);
  REQUIRE(on.best.feasible);
  REQUIRE(on.best.fit.l1 < off.best.fit.l1);
  {
    REQUIRE(on.best.fit.l1 == Approx(theory::l1_norm(on.best.fit.net.W)).epsilon(1e-12));
    const arma::vec f = theory::predict(on.best.fit.net, inst.X);
    REQUIRE(on.best.fit.loss == Approx(arma::mean(arma::square(inst.y - f))).epsilon(1e-9));
  }
}

TEST_CASE("fit_l1_constrained: extra pruned parents come after the first pruned starts",
          "[solver][prune]") {
  // pruned_parents = 3 prunes up to two more feasible fits per sign count after every start of
  // the default run, with the same engine: that run's starts are a bit-identical prefix, the
  // appended ones are pruned starts (a pruned start whose restricted fits all miss the target
  // records nothing), and the answer is the best over a superset. On at least one of these
  // instances (trials 4, 7, 10 of p = 30, n = 40, below the transition) an extra parent's pruned
  // start gives a lighter answer. Which one depends on the last bits of the BLAS products, i.e.
  // on the CPU (README, "Reproducibility"): trial 4 on the machine the test was written on
  // (8.29 against 8.75), trials 7 and 10 on an AMD EPYC (6.57 against 6.68, 7.61 against 8.03).
  int lighter = 0;
  for (const std::uint64_t trial : {4, 7, 10}) {
    CAPTURE(trial);
    const Instance inst = make_instance(30, 3, 6, 40, 0.0, trial);
    const solvers::L1FitOptions base{
        .r = 3, .lp_rounds = 0, .restore_rounds = 0, .late_starts = 0, .skip_bounded_signs = false};
    solvers::L1FitOptions more = base;
    more.pruned_parents = 3;
    const OffOn r = fit_off_on(inst, 13, trial, base, more);
    const auto& [off, on, same_engine] = r;
    require_appended(off, on, solvers::StartKind::pruned, 2 * 4);
    if (require_no_heavier(r, inst)) {
      ++lighter;
      REQUIRE(on.starts[on.best_start].kind == solvers::StartKind::pruned);
      REQUIRE(on.best_start >= off.starts.size());
    }
  }
  REQUIRE(lighter >= 1);
  const Instance inst = make_instance(30, 3, 6, 40, 0.0, 4);
  auto rng = sim::make_engine(5, 13, 4, sim::Stream::solver);
  REQUIRE_THROWS_WITH(
      solvers::fit_l1_constrained(inst.X, inst.y, {.r = 3, .pruned_parents = 0}, rng),
      Catch::Contains("pruned_parents must be >= 1"));
}

TEST_CASE("fit_l1_constrained: late starts come last, from their own stream, and only lower ‖W‖₁",
          "[solver][prune]") {
  // late_starts = 3: after every start of the run without them, 3 random starts per sign count
  // from a stream split off the engine, then a pruned start for each sign count whose best they
  // improved. The run without them is a bit-identical prefix, the engine's state afterwards is
  // the same, and the answer is the best over a superset. On at least one of these instances
  // (trials 1, 5, 7, 9, 11 of p = 30, n = 40, below the transition) the answer comes from the
  // appended starts. Which ones depends on the CPU (README, "Reproducibility"): on the AMD EPYC
  // of sessions 9-12 trials 1, 7, 9 (trial 1: a pruned start after a late one, ‖W‖₁ 7.80
  // against 8.20), on the AMD EPYC (family 25, model 17) of session 13 trials 5 and 11 only, so
  // the test that listed 1, 7, 9 failed there.
  int lighter = 0;
  for (const std::uint64_t trial : {1, 5, 7, 9, 11}) {
    CAPTURE(trial);
    const Instance inst = make_instance(30, 3, 6, 40, 0.0, trial);
    const solvers::L1FitOptions base{.r = 3, .late_starts = 0, .skip_bounded_signs = false};
    solvers::L1FitOptions late = base;
    late.late_starts = 3;
    const OffOn r = fit_off_on(inst, 14, trial, base, late);
    const auto& [off, on, same_engine] = r;
    REQUIRE(same_engine);
    REQUIRE(on.starts.size() > off.starts.size());
    for (std::size_t i = 0; i < off.starts.size(); ++i) {
      CAPTURE(i);
      REQUIRE(on.starts[i].kind == off.starts[i].kind);
      REQUIRE(on.starts[i].l1 == off.starts[i].l1);
      REQUIRE(on.starts[i].loss == off.starts[i].loss);
    }
    // Appended: per sign count k = 0..3 its 3 late starts (indices 0, 1, 2), then at most one
    // pruned start of the same k, only if one of those late starts became k's best fit.
    std::size_t i = off.starts.size();
    for (arma::uword k = 0; k <= 3; ++k) {
      CAPTURE(k, i);
      double best_before = arma::datum::inf;
      for (std::size_t j = 0; j < i; ++j)
        if (on.starts[j].k == k && on.starts[j].feasible)
          best_before = std::min(best_before, on.starts[j].l1);
      bool improved = false;
      for (std::size_t idx = 0; idx < 3; ++idx, ++i) {
        REQUIRE(i < on.starts.size());
        REQUIRE(on.starts[i].kind == solvers::StartKind::late);
        REQUIRE(on.starts[i].k == k);
        REQUIRE(on.starts[i].index == idx);
        improved = improved || (on.starts[i].feasible && on.starts[i].l1 < best_before);
      }
      if (i < on.starts.size() && on.starts[i].kind == solvers::StartKind::pruned) {
        REQUIRE(improved);
        REQUIRE(on.starts[i].k == k);
        ++i;
      }
    }
    REQUIRE(i == on.starts.size());
    if (require_no_heavier(r, inst)) {
      ++lighter;
      REQUIRE(on.best_start >= off.starts.size());
    }
  }
  REQUIRE(lighter >= 1);
}

TEST_CASE(
    "fit_l1_constrained: rescue starts run only when no fit is feasible, last, from their "
    "own stream",
    "[solver][screen]") {
  // Spectral, random and pruned starts, without and with 2 rescue starts per sign count.
  const auto off_on = [](const Instance& inst, std::uint64_t trial) {
    solvers::L1FitOptions base = basic_starts();
    base.pruned_starts = true;
    solvers::L1FitOptions rescue = base;
    rescue.rescue_starts = 2;
    return fit_off_on(inst, 15, trial, base, rescue);
  };
  // Feasible answer: the rescue does not run, the fit is bit for bit the one without it.
  {
    const auto [off, on, same_engine] = off_on(make_instance(30, 3, 6, 40, 0.0, 1), 1);
    REQUIRE(off.best.feasible);
    REQUIRE(same_engine);
    REQUIRE(on.starts.size() == off.starts.size());
    REQUIRE(on.best.fit.l1 == off.best.fit.l1);
    REQUIRE(on.best_start == off.best_start);
  }
  // No feasible fit possible: noisy responses with a σ = 0 target and n = 150 samples against
  // 30 · 3 + 3 parameters. The run without rescue is a prefix; then one rescue record per sign
  // count k = 0..3 (the pruned starts from them record only feasible refits, so none here), the
  // engine's state as without them, and the answer no worse by the solver's order (infeasible:
  // lower loss).
  const Instance inst = make_instance(30, 3, 6, 150, 0.5, 2);
  const auto [off, on, same_engine] = off_on(inst, 2);
  REQUIRE_FALSE(off.best.feasible);
  REQUIRE_FALSE(on.best.feasible);
  REQUIRE(same_engine);
  REQUIRE(on.starts.size() == off.starts.size() + 4);
  for (std::size_t i = 0; i < off.starts.size(); ++i) {
    CAPTURE(i);
    REQUIRE(on.starts[i].kind == off.starts[i].kind);
    REQUIRE(on.starts[i].loss == off.starts[i].loss);
  }
  for (arma::uword k = 0; k <= 3; ++k) {
    const auto& rec = on.starts[off.starts.size() + k];
    CAPTURE(k);
    REQUIRE(rec.kind == solvers::StartKind::rescue);
    REQUIRE(rec.k == k);
    REQUIRE(rec.solves > 0);
  }
  REQUIRE(to_string(solvers::StartKind::rescue) == "rescue");
  REQUIRE(on.best.fit.loss <= off.best.fit.loss);
  const arma::vec f = theory::predict(on.best.fit.net, inst.X);
  REQUIRE(on.best.fit.loss == Approx(arma::mean(arma::square(inst.y - f))).epsilon(1e-9));
}

TEST_CASE("fit_l1_constrained: the small-n boost runs at n <= p + 1 only", "[solver][screen]") {
  // At n ≤ p + 1 it adds screened starts (3 per sign count, in one start record each),
  // polished starts over all rows and pruned starts from up to 5 parents per sign count — the
  // very fit of those options set explicitly with the boost off; the spectral and random starts
  // before them are bit-identical without it, and so is the whole fit at n > p + 1.
  {
    const Instance inst = make_instance(40, 3, 6, 36, 0.0, 1);
    auto rng1 = sim::make_engine(5, 16, 0, sim::Stream::solver), rng2 = rng1, rng3 = rng1;
    const auto off = solvers::fit_l1_constrained(
        inst.X, inst.y,
        {.r = 3, .small_n_boost = false, .late_starts = 0, .skip_bounded_signs = false}, rng1);
    const auto on = solvers::fit_l1_constrained(
        inst.X, inst.y, {.r = 3, .late_starts = 0, .skip_bounded_signs = false}, rng2);
    const std::size_t first = 4 * 3;  // k = 0..3 × (spectral + 2 random)
    for (std::size_t i = 0; i < first; ++i) {
      CAPTURE(i);
      REQUIRE(on.starts[i].kind == off.starts[i].kind);
      REQUIRE(on.starts[i].l1 == off.starts[i].l1);
      REQUIRE(on.starts[i].loss == off.starts[i].loss);
    }
    std::map<solvers::StartKind, std::size_t> kinds_on, kinds_off;
    for (const auto& st : on.starts) ++kinds_on[st.kind];
    for (const auto& st : off.starts) ++kinds_off[st.kind];
    REQUIRE(kinds_on[solvers::StartKind::screened] == 4);
    REQUIRE(kinds_off[solvers::StartKind::screened] == 0);
    REQUIRE(kinds_on[solvers::StartKind::polished] >= 1);
    REQUIRE(kinds_off[solvers::StartKind::polished] == 0);
    for (std::size_t i = first; i < first + 4; ++i)
      REQUIRE(on.starts[i].kind == solvers::StartKind::screened);
    REQUIRE(on.best.feasible);
    REQUIRE(on.best.fit.l1 == Approx(theory::l1_norm(on.best.fit.net.W)).epsilon(1e-12));
    const arma::vec f = theory::predict(on.best.fit.net, inst.X);
    REQUIRE(on.best.fit.loss == Approx(arma::mean(arma::square(inst.y - f))).epsilon(1e-9));
    REQUIRE(on.best.fit.loss <= on.best.target);
    const auto explicit_options = solvers::fit_l1_constrained(inst.X, inst.y,
                                                              {.r = 3,
                                                               .screened_starts = 3,
                                                               .pruned_parents = 5,
                                                               .lp_rounds = 40,
                                                               .lp_all_rows = true,
                                                               .small_n_boost = false,
                                                               .late_starts = 0,
                                                               .skip_bounded_signs = false},
                                                              rng3);
    REQUIRE(explicit_options.starts.size() == on.starts.size());
    for (std::size_t i = 0; i < on.starts.size(); ++i) {
      CAPTURE(i);
      REQUIRE(explicit_options.starts[i].kind == on.starts[i].kind);
      REQUIRE(explicit_options.starts[i].l1 == on.starts[i].l1);
      REQUIRE(explicit_options.starts[i].loss == on.starts[i].loss);
    }
    REQUIRE(rng3 == rng2);
  }
  {
    const Instance inst = make_instance(40, 3, 6, 150, 0.0, 0);
    auto rng1 = sim::make_engine(5, 17, 0, sim::Stream::solver), rng2 = rng1;
    const auto off = solvers::fit_l1_constrained(
        inst.X, inst.y,
        {.r = 3, .small_n_boost = false, .late_starts = 0, .skip_bounded_signs = false}, rng1);
    const auto on = solvers::fit_l1_constrained(
        inst.X, inst.y, {.r = 3, .late_starts = 0, .skip_bounded_signs = false}, rng2);
    REQUIRE(on.starts.size() == off.starts.size());
    for (std::size_t i = 0; i < off.starts.size(); ++i) {
      REQUIRE(on.starts[i].kind == off.starts[i].kind);
      REQUIRE(on.starts[i].l1 == off.starts[i].l1);
    }
    REQUIRE(rng1 == rng2);
  }
}

TEST_CASE("fit_constrained: lambda_first is the first λ of the path", "[solver]") {
  // From the same start, lambda_first = lambda_start · λ_lin gives the very same path as
  // lambda_start (λ_lin = ‖(2/n)Xᵀ(y − ȳ)‖_∞ computed here independently).
  const Instance inst = make_instance(10, 2, 4, 100, 0.0, 2);
  auto rng = sim::make_engine(5, 14, 0, sim::Stream::solver);
  const Network start = random_start(10, arma::vec{1.0, -1.0}, rng);
  const arma::vec yc = inst.y - arma::mean(inst.y);
  const double lambda_lin = arma::abs(inst.X.t() * yc).max() * 2.0 / 100.0;
  auto rng1 = sim::make_engine(5, 15, 0, sim::Stream::solver), rng2 = rng1;
  const auto a = solvers::fit_constrained(inst.X, inst.y, start, {.lambda_start = 0.25}, rng1);
  const auto b =
      solvers::fit_constrained(inst.X, inst.y, start, {.lambda_first = 0.25 * lambda_lin}, rng2);
  REQUIRE(a.solves == b.solves);
  REQUIRE(a.fit.lambda == Approx(b.fit.lambda).epsilon(1e-12));
  REQUIRE(a.fit.l1 == Approx(b.fit.l1).epsilon(1e-9));
}

TEST_CASE("fit_constrained: a stagnating path stops early, a converging one is untouched",
          "[solver]") {
  const Instance inst = make_instance(20, 2, 4, 200, 0.0, 6);
  REQUIRE(arma::accu(inst.truth.a > 0.0) == 1);
  auto rng = sim::make_engine(5, 16, 0, sim::Stream::solver);
  // Both signs −1: f ≤ 0 cannot fit the positive neuron, so the loss plateaus above the target.
  const Network wrong = random_start(20, arma::vec{-1.0, -1.0}, rng);
  auto rng1 = sim::make_engine(5, 17, 0, sim::Stream::solver), rng2 = rng1;
  const solvers::ConstrainedOptions off{.stagnation_window = 0};
  const auto full = solvers::fit_constrained(inst.X, inst.y, wrong, off, rng1);
  const auto cut = solvers::fit_constrained(inst.X, inst.y, wrong, {}, rng2);
  CAPTURE(full.solves, cut.solves, full.fit.loss, cut.fit.loss);
  REQUIRE_FALSE(full.feasible);
  REQUIRE_FALSE(cut.feasible);
  REQUIRE(full.solves == off.max_path);  // every λ of the path was solved
  REQUIRE(cut.solves < 20);
  REQUIRE(cut.fit.loss <= 1.05 * full.fit.loss);  // the stages cut would have changed little
  // The right signs from a random start reach the target: the stop never fires on the way.
  const Network right = random_start(20, inst.truth.a, rng);
  auto rng3 = sim::make_engine(5, 18, 0, sim::Stream::solver), rng4 = rng3;
  const auto a = solvers::fit_constrained(inst.X, inst.y, right, off, rng3);
  const auto b = solvers::fit_constrained(inst.X, inst.y, right, {}, rng4);
  REQUIRE(a.feasible);
  REQUIRE(a.solves == b.solves);
  REQUIRE(a.fit.l1 == b.fit.l1);
  REQUIRE(a.fit.loss == b.fit.loss);
}

TEST_CASE("fit_l1_constrained: a pruned start's restarts and growth find a support the cut missed",
          "[solver][prune]") {
  // Trial 3 of cell 2 of the issue-3 sweep (seed 7: n = 200, p = 100, r = 3, s = 6, σ = 0). Every
  // spectral and random start ends at a dense interpolating fit in which one true row ranks about
  // 50th, so the cut fits miss it: the pruned start with the cut fits alone stays far above
  // ‖W*‖₁. Growing the restricted problem by the row of largest loss gradient brings the row
  // back and the truth is found.
  const auto [truth, data, l1_truth] = sweep_trial(7, 2, 3, 200, 6, 0.5);
  auto rng1 = sim::make_engine(7, 2, 3, sim::Stream::solver), rng2 = rng1;
  const auto plain = solvers::fit_l1_constrained(
      data.X, data.y,
      {.r = 3, .pruned_restarts = 0, .pruned_grow = 0, .lp_rounds = 0, .skip_bounded_signs = false},
      rng1);
  const auto full = solvers::fit_l1_constrained(
      data.X, data.y, {.r = 3, .lp_rounds = 0, .skip_bounded_signs = false}, rng2);
  CAPTURE(plain.best.fit.l1, full.best.fit.l1, l1_truth);
  REQUIRE(plain.best.fit.l1 > 1.2 * l1_truth);
  // The same spectral and random starts before the pruned ones.
  for (std::size_t i = 0; i < 12; ++i) REQUIRE(full.starts[i].l1 == plain.starts[i].l1);
  REQUIRE(full.starts[full.best_start].kind == solvers::StartKind::pruned);
  REQUIRE(full.best.feasible);
  REQUIRE(full.best.fit.l1 <= l1_truth * (1.0 + 1e-3));
  REQUIRE(theory::distance_d2(full.best.fit.net, truth).value < 0.05);
}

TEST_CASE("fit_l1_constrained: a split start opens a nearly linear pair and recovers the truth",
          "[solver][split]") {
  // Trial 2 of cell 5 of results/mu_sweep (seed 20230510: n = 400, p = 100, r = 3, s = 12,
  // σ = 0, μ = 0.95). True neurons 2 (a = +1) and 3 (a = −1) are nearly anti-parallel (cos −0.95),
  // so their sum is close to linear; every other start ends infeasible (loss ≥ 0.019, the target
  // is 1e-6 · Var(y)) with that pair fitted as an almost linear function.
  const auto [truth, data, l1_truth] = sweep_trial(20230510, 5, 2, 400, 12, 0.95);
  auto rng1 = sim::make_engine(20230510, 5, 2, sim::Stream::solver), rng2 = rng1;
  // Restored starts off (they come after the split starts and would follow either fit).
  const auto off = solvers::fit_l1_constrained(
      data.X, data.y, {.r = 3, .restore_rounds = 0, .late_starts = 0, .rescue_starts = 0}, rng1);
  const auto on = solvers::fit_l1_constrained(
      data.X, data.y,
      {.r = 3, .split_starts = true, .restore_rounds = 0, .late_starts = 0, .rescue_starts = 0},
      rng2);
  CAPTURE(off.best.fit.loss, off.best.fit.l1, on.best.fit.l1, l1_truth);
  REQUIRE_FALSE(off.best.feasible);
  // Split starts come after every other start, which is bit-identical without them; at most
  // one per (+, −) pair for each sign count with both signs: 2 + 2 for r = 3.
  require_appended(off, on, solvers::StartKind::split, 4);
  for (std::size_t i = off.starts.size(); i < on.starts.size(); ++i) {
    REQUIRE(on.starts[i].k != 0);
    REQUIRE(on.starts[i].k != 3);
  }
  REQUIRE(on.starts[on.best_start].kind == solvers::StartKind::split);
  REQUIRE(on.best.feasible);
  REQUIRE(on.best.fit.l1 <= l1_truth * (1.0 + 1e-3));
  REQUIRE(theory::distance_d2(on.best.fit.net, truth).value < 0.05);
  // Its loss and ‖W‖₁ are those of the network.
  REQUIRE(on.best.fit.l1 == Approx(theory::l1_norm(on.best.fit.net.W)).epsilon(1e-12));
  const arma::vec f = theory::predict(on.best.fit.net, data.X);
  REQUIRE(on.best.fit.loss == Approx(arma::mean(arma::square(data.y - f))).epsilon(1e-9));
}

namespace {

/// A certificate-sweep trial fitted with restored starts off and on (same solver stream): the
/// answer without them is infeasible, and every start of `off` is bit-identical in `on`, which
/// has starts appended.
struct RestorePair {
  SweepTrial trial;
  solvers::L1FitResult off, on;
};
RestorePair restore_pair(std::uint64_t seed, std::uint64_t cell, std::uint64_t trial, int n,
                         bool any_n) {
  RestorePair out{sweep_trial(seed, cell, trial, n, 6, 0.5), {}, {}};
  const auto& data = out.trial.data;
  auto rng1 = sim::make_engine(seed, cell, trial, sim::Stream::solver), rng2 = rng1;
  // Without the small-n boost, whose polished starts would come after the restored ones, and
  // with the pruned restarts and growth of 2 each of the solver the trials were picked on (with
  // the defaults 4 and 6 of session 11 seed 17's trial 16 is feasible without any restore).
  out.off = solvers::fit_l1_constrained(data.X, data.y,
                                        {.r = 3,
                                         .pruned_restarts = 2,
                                         .pruned_grow = 2,
                                         .small_n_boost = false,
                                         .restore_rounds = 0,
                                         .late_starts = 0,
                                         .rescue_starts = 0,
                                         .skip_bounded_signs = false},
                                        rng1);
  out.on = solvers::fit_l1_constrained(data.X, data.y,
                                       {.r = 3,
                                        .pruned_restarts = 2,
                                        .pruned_grow = 2,
                                        .small_n_boost = false,
                                        .restore_any_n = any_n,
                                        .late_starts = 0,
                                        .rescue_starts = 0,
                                        .skip_bounded_signs = false},
                                       rng2);
  CAPTURE(out.off.best.fit.loss, out.off.best.target, out.on.best.fit.loss, out.on.best.fit.l1,
          out.trial.l1_truth);
  REQUIRE_FALSE(out.off.best.feasible);
  REQUIRE(out.on.starts.size() > out.off.starts.size());
  for (std::size_t i = 0; i < out.off.starts.size(); ++i) {
    CAPTURE(i);
    REQUIRE(out.on.starts[i].kind == out.off.starts[i].kind);
    REQUIRE(out.on.starts[i].l1 == out.off.starts[i].l1);
    REQUIRE(out.on.starts[i].loss == out.off.starts[i].loss);
  }
  // Appended: restored starts (at most one per sign count, at most restore_rounds = 2 LPs
  // each, one of them feasible) and pruned starts from feasible restored fits.
  std::size_t restored = 0;
  bool feasible = false;
  for (std::size_t i = out.off.starts.size(); i < out.on.starts.size(); ++i) {
    const auto& st = out.on.starts[i];
    REQUIRE((st.kind == solvers::StartKind::restored || st.kind == solvers::StartKind::pruned));
    if (st.kind != solvers::StartKind::restored) continue;
    ++restored;
    REQUIRE(st.solves >= 1);
    REQUIRE(st.solves <= 2);
    feasible = feasible || st.feasible;
  }
  REQUIRE(restored >= 1);
  REQUIRE(restored <= 4);
  REQUIRE(feasible);
  // The answer is feasible, with its loss and ‖W‖₁ those of the network.
  const auto& best = out.on.best;
  REQUIRE(best.feasible);
  REQUIRE(best.fit.l1 == Approx(theory::l1_norm(best.fit.net.W)).epsilon(1e-12));
  const arma::vec f = theory::predict(best.fit.net, data.X);
  REQUIRE(best.fit.loss == Approx(arma::mean(arma::square(data.y - f))).epsilon(1e-9));
  REQUIRE(best.fit.loss <= best.target);
  return out;
}

}  // namespace

TEST_CASE("fit_l1_constrained: a restored start turns an infeasible answer into a feasible one",
          "[solver][restore]") {
  // Trial 0 of cell 1 of the seed-11 certificate sweep (README, "Measured": n = 100, p = 100,
  // r = 3, s = 6, σ = 0, μ = 0.5). Every spectral, random and pruned start stalls above the
  // target with samples no neuron covers (best loss 1.3e-3 against 1.4e-6); at n ≤ p + 1 the
  // restored start reaches the target exactly, and the answer is lighter than the truth (the
  // estimator, not the optimizer, misses the truth here).
  const RestorePair r = restore_pair(11, 1, 0, 100, false);
  REQUIRE(r.on.best.fit.l1 < r.trial.l1_truth);
}

TEST_CASE("fit_l1_constrained: with restore_any_n a restored start at n > p + 1 meets the target",
          "[solver][restore]") {
  // Trial 16 of cell 2 of the seed-17 certificate sweep (n = 200, p = 100, r = 3, s = 6, σ = 0,
  // μ = 0.5): every start stalls above the target (best loss 8.4e-3 against 1.1e-6) with 47
  // samples on which no neuron is active. At n > p + 1 nothing guarantees a point in the box
  // near the fit, but here the second LP meets it, and the pruned start from the restored fit
  // recovers the truth. By default (restore_any_n off) nothing is restored at n > p + 1.
  const RestorePair r = restore_pair(17, 2, 16, 200, true);
  REQUIRE(r.on.best.fit.l1 <= r.trial.l1_truth * (1.0 + 1e-3));
  REQUIRE(theory::distance_d2(r.on.best.fit.net, r.trial.truth).value < 0.1);
  auto rng = sim::make_engine(17, 2, 16, sim::Stream::solver);
  const auto plain = solvers::fit_l1_constrained(r.trial.data.X, r.trial.data.y,
                                                 {.r = 3,
                                                  .pruned_restarts = 2,
                                                  .pruned_grow = 2,
                                                  .late_starts = 0,
                                                  .rescue_starts = 0,
                                                  .skip_bounded_signs = false},
                                                 rng);
  REQUIRE(plain.starts.size() == r.off.starts.size());
  REQUIRE(plain.best.fit.l1 == r.off.best.fit.l1);
}

TEST_CASE("sign_count_loss_bound is attained and bounds every network of its sign count",
          "[solver]") {
  auto rng = sim::make_engine(5, 0, 0, sim::Stream::solver);
  const Instance inst = make_instance(10, 3, 4, 60, 0.0, 3);
  const arma::vec& y = inst.y;
  REQUIRE(y.min() < 0.0);
  REQUIRE(y.max() > 0.0);
  // Attained by the closest sign-constrained output vector, computed here by its definition.
  arma::vec pos = y, neg = y;
  pos.transform([](double v) { return v > 0.0 ? v : 0.0; });
  neg.transform([](double v) { return v < 0.0 ? v : 0.0; });
  REQUIRE(solvers::sign_count_loss_bound(y, 3, 3) ==
          Approx(arma::mean(arma::square(y - pos))).epsilon(1e-14));
  REQUIRE(solvers::sign_count_loss_bound(y, 3, 0) ==
          Approx(arma::mean(arma::square(y - neg))).epsilon(1e-14));
  REQUIRE(solvers::sign_count_loss_bound(y, 3, 1) == 0.0);
  REQUIRE(solvers::sign_count_loss_bound(y, 3, 2) == 0.0);
  // Every network with all signs +1 (all −1) has at least that loss: 200 random networks, at
  // scales from tiny to large.
  for (int i = 0; i < 200; ++i) {
    for (const arma::uword k : {arma::uword{0}, arma::uword{3}}) {
      Network net = random_start(10, solvers::sign_pattern(3, k), rng);
      net.W *= std::pow(10.0, (i % 5) - 2.0);
      const double loss = arma::mean(arma::square(y - theory::predict(net, inst.X)));
      REQUIRE(loss >= solvers::sign_count_loss_bound(y, 3, k));
    }
  }
  REQUIRE_THROWS_AS(solvers::sign_count_loss_bound(y, 3, 4), std::invalid_argument);
  REQUIRE_THROWS_AS(solvers::sign_count_loss_bound(arma::vec(), 3, 0), std::invalid_argument);
}

TEST_CASE("fit_l1_constrained skips exactly the sign counts its loss bound excludes", "[solver]") {
  solvers::L1FitOptions on = basic_starts();
  on.skip_bounded_signs = true;
  solvers::L1FitOptions off = on;
  off.skip_bounded_signs = false;
  // Mixed signs: k = 0 and k = 3 are skipped; with the skip off every fit of theirs is
  // infeasible (what the bound proves), and the skipped fit's answer is feasible.
  {
    const Instance inst = make_instance(20, 3, 6, 80, 0.0, 4);
    auto rng_on = sim::make_engine(6, 0, 0, sim::Stream::solver);
    auto rng_off = sim::make_engine(6, 0, 0, sim::Stream::solver);
    const auto fit_on = solvers::fit_l1_constrained(inst.X, inst.y, on, rng_on);
    const auto fit_off = solvers::fit_l1_constrained(inst.X, inst.y, off, rng_off);
    REQUIRE(fit_on.skipped == std::vector<arma::uword>{0, 3});
    REQUIRE(fit_off.skipped.empty());
    for (const auto& s : fit_on.starts) REQUIRE((s.k == 1 || s.k == 2));
    std::size_t extreme = 0;
    for (const auto& s : fit_off.starts) {
      if (s.k != 0 && s.k != 3) continue;
      ++extreme;
      REQUIRE_FALSE(s.feasible);
      REQUIRE(s.loss >= solvers::sign_count_loss_bound(inst.y, 3, s.k) * (1 - 1e-12));
    }
    REQUIRE(extreme == fit_off.starts.size() - fit_on.starts.size());
  }
  // All signs +1: y ≥ 0, so only k = 0 is skipped, and k = 3 is tried.
  {
    auto rng_t = sim::make_engine(78, 0, 0, sim::Stream::truth);
    auto rng_d = sim::make_engine(78, 0, 0, sim::Stream::data);
    const Network truth = sim::make_truth(
        {.p = 20, .r = 3, .s = 6, .B = 2.0, .bias_bound = 1.0, .mu = 0.5, .positive = 3}, rng_t);
    const auto data = sim::make_data(truth, {.n = 80, .sigma = 0.0}, rng_d);
    REQUIRE(data.y.min() >= 0.0);
    auto rng = sim::make_engine(6, 0, 1, sim::Stream::solver);
    const auto fit = solvers::fit_l1_constrained(data.X, data.y, on, rng);
    REQUIRE(fit.skipped == std::vector<arma::uword>{0});
    bool tried_r = false;
    for (const auto& s : fit.starts) tried_r = tried_r || s.k == 3;
    REQUIRE(tried_r);
  }
  // r = 1 on mixed-sign y: both sign counts are excluded, so neither is skipped (an answer must
  // exist), and the answer is infeasible.
  {
    const Instance inst = make_instance(20, 3, 6, 80, 0.0, 4);
    solvers::L1FitOptions one = on;
    one.r = 1;
    auto rng = sim::make_engine(6, 0, 2, sim::Stream::solver);
    const auto fit = solvers::fit_l1_constrained(inst.X, inst.y, one, rng);
    REQUIRE(fit.skipped.empty());
    REQUIRE_FALSE(fit.best.feasible);
  }
}
