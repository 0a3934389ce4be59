// Tests of the baseline selectors: LASSO, OMP, XGBoost forests/boosting, the GMM split.
#include <catch2/catch.hpp>
#include <cmath>
#include <vector>

#include "sim/seed.hpp"
#include "solvers/gmm_split.hpp"
#include "solvers/lasso.hpp"
#include "solvers/omp.hpp"
#include "solvers/xgb.hpp"
#include "support.hpp"

using namespace reluid;
using test::standardized;

namespace {}  // namespace

TEST_CASE("lasso_path: matches soft-thresholding in an orthogonal design", "[baselines]") {
  auto rng = sim::make_engine(11, 0, 0, sim::Stream::data);
  const arma::uword n = 40, p = 6;
  arma::mat A = theory::standard_normal(n, p, rng);
  A.each_row() -= arma::mean(A, 0);
  arma::mat Q, R;
  arma::qr_econ(Q, R, A);  // Q ⟂ 1 because its columns span centred vectors
  const arma::rowvec scale = {0.5, 1.0, 2.0, 3.0, 7.0, 0.1};
  arma::mat X = std::sqrt(double(n)) * Q;
  X.each_row() %= scale;
  X.each_row() += arma::rowvec{1, -2, 3, 0, 5, 1};
  const arma::vec y = X * arma::vec{1.0, -0.5, 0.2, 0.0, 0.05, 3.0} +
                      0.3 * theory::standard_normal(n, 1, rng) + 4.0;
  const solvers::LassoPath path = solvers::lasso_path(X, y, {.n_lambda = 20, .tol = 1e-14});
  const arma::mat Z = standardized(X);
  const arma::vec yc = y - arma::mean(y);
  for (arma::uword l = 0; l < path.lambda.n_elem; ++l) {
    CAPTURE(l);
    for (arma::uword j = 0; j < p; ++j) {
      const double z = arma::dot(Z.col(j), yc) / double(n);
      const double lam = path.lambda(l);
      const double expect = (z > lam ? z - lam : (z < -lam ? z + lam : 0.0)) / scale(j);
      REQUIRE(path.beta(j, l) == Approx(expect).margin(1e-9));
    }
    const arma::vec fitted = X * path.beta.col(l) + path.intercept(l);
    REQUIRE(arma::mean(fitted) == Approx(arma::mean(y)).epsilon(1e-12));
  }
  REQUIRE(arma::abs(path.beta.col(0)).max() == 0.0);  // λ_max zeroes everything
}

TEST_CASE("lasso_path: solutions satisfy the KKT conditions on a correlated design",
          "[baselines]") {
  auto rng = sim::make_engine(12, 0, 0, sim::Stream::data);
  const arma::uword n = 50, p = GENERATE(arma::uword{10}, arma::uword{80});
  CAPTURE(p);
  arma::mat X = theory::standard_normal(n, p, rng);
  for (arma::uword k = 1; k < p; ++k) X.col(k) = 0.7 * X.col(k - 1) + 0.7 * X.col(k);
  X.each_row() %= arma::linspace<arma::rowvec>(0.5, 3.0, p);
  arma::vec beta(p, arma::fill::zeros);
  beta.head(4) = arma::vec{2.0, -1.0, 0.5, 1.5};
  const arma::vec y = X * beta + theory::standard_normal(n, 1, rng);
  const solvers::LassoPath path = solvers::lasso_path(X, y, {.n_lambda = 30, .tol = 1e-14});
  REQUIRE(path.stop == solvers::StopReason::converged);
  const arma::mat Z = standardized(X);
  const arma::rowvec sd = arma::sqrt(arma::mean(arma::square(X.each_row() - arma::mean(X, 0)), 0));
  // tol = 1e-14 stops once coordinate steps are below 1e-7·sd(y): KKT holds to that order.
  const double bound = 10.0 * std::sqrt(1e-14) * arma::stddev(y, 1);
  for (arma::uword l = 0; l < path.lambda.n_elem; ++l) {
    const double lam = path.lambda(l);
    const arma::vec bs = path.beta.col(l) % sd.t();
    const arma::vec r = y - X * path.beta.col(l) - path.intercept(l);
    REQUIRE(std::abs(arma::mean(r)) < 1e-10);
    const arma::vec g = Z.t() * r / double(n);
    for (arma::uword j = 0; j < p; ++j) {
      CAPTURE(l, j, lam, g(j), bs(j));
      if (bs(j) != 0.0)
        REQUIRE(std::abs(g(j) - lam * (bs(j) > 0 ? 1 : -1)) < bound);
      else
        REQUIRE(std::abs(g(j)) <= lam + bound);
    }
    REQUIRE(path.kkt(l) < bound);
  }
}

TEST_CASE("lasso_cv: picks the CV minimiser and recovers a strong sparse signal", "[baselines]") {
  auto rng = sim::make_engine(13, 0, 0, sim::Stream::data);
  const arma::mat X = theory::standard_normal(100, 20, rng);
  arma::vec beta(20, arma::fill::zeros);
  beta(arma::uvec{2, 7, 11}) = arma::vec{3.0, -2.0, 2.5};
  const arma::vec y = X * beta + 0.5 * theory::standard_normal(100, 1, rng);
  const solvers::LassoCvFit fit = solvers::lasso_cv(X, y, {}, rng);
  REQUIRE(fit.best == fit.cv_mean.index_min());
  for (arma::uword j : {2, 7, 11}) REQUIRE(std::abs(fit.beta(j) - beta(j)) < 0.3);
  REQUIRE_THROWS_WITH(solvers::lasso_cv(X, y, {.folds = 1}, rng),
                      Catch::Contains("folds must be at least 2 (got 1)"));
  REQUIRE_THROWS_AS(solvers::lasso_path(X, arma::vec(99, arma::fill::zeros)),
                    std::invalid_argument);
}

TEST_CASE("omp: recovers the exact support of a noiseless incoherent design", "[baselines]") {
  const auto seed = GENERATE(range(0, 4));
  CAPTURE(seed);
  auto rng = sim::make_engine(14, 0, seed, sim::Stream::data);
  const arma::uword n = 2000, p = 40, s = 5;
  const arma::mat X = theory::standard_normal(n, p, rng);
  // Tropp (2004): μ < 1/(2s − 1) guarantees OMP recovers every s-sparse support exactly.
  arma::mat Z = standardized(X);
  arma::mat G = arma::abs(Z.t() * Z) / double(n);
  G.diag().zeros();
  REQUIRE(G.max() < 1.0 / (2.0 * s - 1.0));
  const arma::uvec support = solvers::top_k(theory::uniform(p, 1, 0.0, 1.0, rng), s);
  arma::vec beta(p, arma::fill::zeros);
  beta(support) = 1.0 + theory::uniform(s, 1, 0.0, 2.0, rng);
  const arma::vec y = X * beta + 1.5;
  const solvers::OmpCvFit fit = solvers::omp_cv(X, y, {.max_steps = 10}, rng);
  REQUIRE(fit.steps == s);
  REQUIRE(arma::all(arma::sort(fit.path.order) == support));
  REQUIRE(arma::abs(fit.beta - beta).max() < 1e-8);
  REQUIRE(fit.intercept == Approx(1.5).margin(1e-8));
  REQUIRE(fit.path.stop == solvers::StopReason::converged);
}

TEST_CASE("gmm_split: separates clearly bimodal importances and matches Armadillo's EM",
          "[baselines]") {
  auto rng = sim::make_engine(15, 0, 0, sim::Stream::data);
  arma::vec v = arma::join_cols(arma::abs(0.05 * theory::standard_normal(40, 1, rng)),
                                2.0 + 0.2 * theory::standard_normal(8, 1, rng));
  const solvers::GmmSplit split = solvers::gmm_split(v);
  REQUIRE(split.stop == solvers::StopReason::converged);
  REQUIRE(arma::all(split.selected == arma::regspace<arma::uvec>(40, 47)));
  // Independent EM: Armadillo's gmm_diag from the same deterministic start (keep_existing, so no
  // random seeding), no k-means.
  arma::gmm_diag model;
  arma::mat means = {{v.min(), v.max()}};
  arma::mat dcovs = {{arma::var(v, 1), arma::var(v, 1)}};
  model.set_params(means, dcovs, arma::rowvec{0.5, 0.5});
  REQUIRE(model.learn(v.t(), 2, arma::eucl_dist, arma::keep_existing, 0, 1000, 1e-10, false));
  REQUIRE(split.mean_low == Approx(model.means(0, 0)).epsilon(1e-4).margin(1e-6));
  REQUIRE(split.mean_high == Approx(model.means(0, 1)).epsilon(1e-4));
  REQUIRE(split.weight_high == Approx(model.hefts(1)).epsilon(1e-4));
  // Flat importances: nothing stands out.
  REQUIRE(solvers::gmm_split(arma::vec(5, arma::fill::ones)).selected.is_empty());
  REQUIRE(arma::all(solvers::top_k(arma::vec{0.1, 3.0, 0.2, 3.0, 1.0}, 3) == arma::uvec{1, 3, 4}));
  REQUIRE_THROWS_WITH(solvers::top_k(arma::vec{1.0, 2.0}, 3),
                      Catch::Contains("k must be at most the number of variables 2 (got 3)"));
}

TEST_CASE("gmm_split: a tied minimum starts a second EM run, the higher likelihood wins",
          "[baselines]") {
  // Importances of an adaptive nn fit on friedman_uniform (seed 1, σ = 0, replication 1, to two
  // digits): one dominant row, four smaller non-zero rows, 45 exact zeros.
  arma::vec v(50, arma::fill::zeros);
  v.head(5) = arma::vec{1.01, 0.38, 0.36, 0.18, 0.06};
  const solvers::GmmSplit extreme = solvers::gmm_split(v);
  const solvers::GmmSplit both = solvers::gmm_split(v, {.tied_min_start = true});
  // From the extreme means alone the high component collapses onto the dominant value.
  REQUIRE(arma::all(extreme.selected == arma::uvec{0}));
  REQUIRE(arma::all(both.selected == arma::regspace<arma::uvec>(0, 4)));
  // Independent check of "higher likelihood wins": the average log-likelihood of each returned
  // mixture, recomputed here from its parameters, against the one reported, and their order.
  const auto average_ll = [&](const solvers::GmmSplit& g) {
    double ll = 0.0;
    for (const double x : v) {
      const auto density = [&](double mean, double variance) {
        return std::exp(-0.5 * (x - mean) * (x - mean) / variance) /
               std::sqrt(2.0 * M_PI * variance);
      };
      ll += std::log((1.0 - g.weight_high) * density(g.mean_low, g.variance_low) +
                     g.weight_high * density(g.mean_high, g.variance_high));
    }
    return ll / static_cast<double>(v.n_elem);
  };
  REQUIRE(average_ll(extreme) == Approx(extreme.log_likelihood).epsilon(1e-6));
  REQUIRE(average_ll(both) == Approx(both.log_likelihood).epsilon(1e-6));
  REQUIRE(average_ll(both) > average_ll(extreme));
  // Without a tie at the minimum the option changes nothing.
  arma::vec u = v;
  u.tail(45) = arma::linspace(0.0, 0.01, 45);
  REQUIRE(arma::all(solvers::gmm_split(u, {.tied_min_start = true}).selected ==
                    solvers::gmm_split(u).selected));
  // Two exact zeros among clearly bimodal values (the data of the test above): the second run
  // (zeros against everything else) has the lower likelihood, and the split is unchanged.
  auto rng = sim::make_engine(15, 0, 0, sim::Stream::data);
  arma::vec w = arma::join_cols(arma::abs(0.05 * theory::standard_normal(40, 1, rng)),
                                2.0 + 0.2 * theory::standard_normal(8, 1, rng));
  w(0) = 0.0;
  w(1) = 0.0;
  REQUIRE(arma::all(solvers::gmm_split(w, {.tied_min_start = true}).selected ==
                    arma::regspace<arma::uvec>(40, 47)));
  // Off by default: the paper's split.
  REQUIRE_FALSE(solvers::GmmOptions{}.tied_min_start);
}

TEST_CASE("xgboost: forest and boosting fit, round-trip, and rank informative features",
          "[baselines]") {
  auto rng = sim::make_engine(16, 0, 0, sim::Stream::data);
  const arma::uword n = 400, p = 10;
  const arma::mat X = theory::standard_normal(n, p, rng);
  const arma::vec y =
      3.0 * X.col(0) + 2.0 * arma::square(X.col(3)) + 0.1 * theory::standard_normal(n, 1, rng);
  const arma::mat Xt = theory::standard_normal(500, p, rng);
  const arma::vec ft = 3.0 * Xt.col(0) + 2.0 * arma::square(Xt.col(3));
  const bool forest = GENERATE(true, false);
  CAPTURE(forest);
  const solvers::XgbModel model =
      forest ? solvers::fit_forest(X, y, {}, rng) : solvers::fit_boosting(X, y, {}, rng);
  const arma::vec pred = model.predict(Xt);
  // Test error well below the variance of the signal (9 + 8 = 17).
  REQUIRE(arma::mean(arma::square(pred - ft)) < 0.25 * arma::var(ft));
  const arma::vec imp = model.importances();
  REQUIRE(imp.n_elem == p);
  REQUIRE(arma::accu(imp) == Approx(1.0));
  const arma::vec noise = imp(arma::uvec{1, 2, 4, 5, 6, 7, 8, 9});
  REQUIRE(std::min(imp(0), imp(3)) > noise.max());
  REQUIRE(imp(0) + imp(3) > 0.5);
  REQUIRE(solvers::top_k(imp, 2)(0) == 0);
  const solvers::XgbModel back = solvers::XgbModel::load_json(model.save_json(), p);
  REQUIRE(arma::approx_equal(back.predict(Xt), pred, "absdiff", 0.0));
  REQUIRE(arma::approx_equal(back.importances(), imp, "absdiff", 1e-12));
  REQUIRE_THROWS_WITH(model.predict(arma::mat(2, 3, arma::fill::zeros)),
                      Catch::Contains("X must have p = 10 columns (got 3)"));
}

TEST_CASE("Method: every baseline fits, predicts and selects through the common interface",
          "[baselines]") {
  auto rng = sim::make_engine(17, 0, 0, sim::Stream::solver);
  // The paper's linear design, noiseless, n = 200 (AR(1) inputs with ρ = ½).
  arma::mat X = theory::standard_normal(200, 8, rng);
  for (arma::uword k = 1; k < 8; ++k) X.col(k) = 0.5 * X.col(k - 1) + std::sqrt(0.75) * X.col(k);
  const arma::vec y = X * arma::vec{3.0, 1.5, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0};
  const solvers::LassoMethod lasso;
  const solvers::OmpMethod omp;
  const solvers::ForestMethod rf;
  const solvers::BoostingMethod gb;
  for (const solvers::Method* m : std::vector<const solvers::Method*>{&lasso, &omp, &rf, &gb}) {
    CAPTURE(m->name());
    const auto fit = m->fit(X, y, rng);
    REQUIRE(fit->predict(X).n_elem == 200);
    const arma::vec imp = fit->importances();
    REQUIRE(imp.n_elem == 8);
    REQUIRE(imp.min() >= 0.0);
    // Every method ranks x1 (coefficient 3) first.
    REQUIRE(imp.index_max() == 0);
    const arma::uvec sel = solvers::select(imp);
    CAPTURE(sel.t());
    if (m->name() == "lasso" || m->name() == "omp") REQUIRE(arma::all(sel == arma::uvec{0, 1, 4}));
    REQUIRE(solvers::select(imp, {.k = 1}).n_elem == 1);
  }
}
