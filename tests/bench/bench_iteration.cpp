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

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

template <class F>
double seconds(F&& f) {
  const auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
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
  auto gemms = [&] {
    Z = data.X * truth.W;
    gW = data.X.t() * G;
  };

  const double L = solvers::lipschitz_bound(data.X, r);
  auto per_iteration = [&](const theory::Network& start, double lambda) {
    constexpr std::size_t iters = 50;
    std::size_t done = 1;
    const double t = seconds([&] {
      auto rng = sim::make_engine(7, 0, 0, sim::Stream::solver);
      const auto fit = solvers::fit_penalized(
          data.X, data.y, start,
          {.lambda = lambda, .max_iter = iters, .rel_tol = 0, .abs_tol = 0, .lipschitz = L}, rng);
      done = std::max<std::size_t>(fit.iterations, 1);
    });
    return t / static_cast<double>(done);
  };
  theory::Network dense = truth;
  auto rs = sim::make_engine(7, 0, 1, sim::Stream::solver);
  dense.W = theory::standard_normal(p, r, rs) / std::sqrt(static_cast<double>(p));

  // Interleaved rounds: each round times the GEMM pair (mean of 10) next to one 50-iteration
  // fit from each start, so a change in the machine's load between measurements moves both
  // sides of a round's ratio; the medians over rounds are reported.
  constexpr int rounds = 15, gemm_repeats = 10;
  std::vector<double> t_gemm, t_dense, t_sparse, q_dense, q_sparse;
  for (int round = 0; round < rounds; ++round) {
    const double g = seconds([&] {
                       for (int i = 0; i < gemm_repeats; ++i) gemms();
                     }) /
                     gemm_repeats;
    const double d = per_iteration(dense, 1e-4), sp = per_iteration(truth, 1e-2);
    t_gemm.push_back(g);
    t_dense.push_back(d);
    t_sparse.push_back(sp);
    q_dense.push_back(d / g);
    q_sparse.push_back(sp / g);
  }
  const double gemm = median(t_gemm);
  std::cout << "inner iteration vs X*W + X'*G (n = 500, p = 1000, r = 4; target <= 2x)\n"
            << "  two GEMMs:                 " << gemm * 1e6 << " us\n"
            << "  iteration, dense W:        " << median(t_dense) * 1e6
            << " us = " << median(q_dense) << " x (median of " << rounds
            << " interleaved rounds' ratios)\n"
            << "  iteration, W on 8 rows:    " << median(t_sparse) * 1e6
            << " us = " << median(q_sparse) << " x\n";
}

}  // namespace reluid::bench
