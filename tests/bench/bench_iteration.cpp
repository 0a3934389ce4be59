// Speed target of issue 3: cost of one inner (penalized) iteration against the two dense GEMMs
// X·W and Xᵀ·G it needs, measured in the same process (n = 500, p = 1000, r = 4).
#include <algorithm>
#include <chrono>
#include <iostream>
#include <vector>

#include "sim/data.hpp"
#include "sim/seed.hpp"
#include "sim/truth.hpp"
#include "solvers/penalized.hpp"

namespace reluid::bench {

namespace {

template <class F>
double median_seconds(F&& f, int repeats) {
  std::vector<double> t;
  for (int i = 0; i < repeats; ++i) {
    const auto start = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

}  // namespace

/// Prints the per-iteration cost of fit_penalized at a dense start and at a sparse one (the
/// truth's support), each relative to one X·W plus one Xᵀ·G.
void iteration_cost() {
  constexpr int n = 500, p = 1000, r = 4;
  auto rt = sim::make_engine(7, 0, 0, sim::Stream::truth);
  auto rd = sim::make_engine(7, 0, 0, sim::Stream::data);
  const theory::Network truth = sim::make_truth({.p = p, .r = r, .s = 8}, rt);
  const sim::Dataset data = sim::make_data(truth, {.n = n}, rd);
  const arma::mat G = theory::standard_normal(n, r, rd);
  arma::mat Z, gW;
  const double gemm = median_seconds(
      [&] {
        Z = data.X * truth.W;
        gW = data.X.t() * G;
      },
      21);

  const double L = solvers::lipschitz_bound(data.X, r);
  auto per_iteration = [&](const theory::Network& start, double lambda) {
    constexpr std::size_t iters = 50;
    std::size_t done = 0;
    const double t = median_seconds(
        [&] {
          auto rng = sim::make_engine(7, 0, 0, sim::Stream::solver);
          const auto fit = solvers::fit_penalized(
              data.X, data.y, start,
              {.lambda = lambda, .max_iter = iters, .rel_tol = 0, .abs_tol = 0, .lipschitz = L},
              rng);
          done = std::max<std::size_t>(fit.iterations, 1);
        },
        5);
    return t / static_cast<double>(done);
  };
  theory::Network dense = truth;
  auto rs = sim::make_engine(7, 0, 1, sim::Stream::solver);
  dense.W = theory::standard_normal(p, r, rs) / std::sqrt(static_cast<double>(p));
  const double t_dense = per_iteration(dense, 1e-4);
  const double t_sparse = per_iteration(truth, 1e-2);
  std::cout << "inner iteration vs X*W + X'*G (n = 500, p = 1000, r = 4; target <= 2x)\n"
            << "  two GEMMs:                 " << gemm * 1e6 << " us\n"
            << "  iteration, dense W:        " << t_dense * 1e6 << " us = " << t_dense / gemm
            << " x\n"
            << "  iteration, W on 8 rows:    " << t_sparse * 1e6 << " us = " << t_sparse / gemm
            << " x\n";
}

}  // namespace reluid::bench
