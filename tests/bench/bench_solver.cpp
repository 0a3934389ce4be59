// Solver benchmark (issue 3 targets): noiseless recovery rate and whole-fit time at p = 100,
// n = 400, r = 3, s = 6, mu = 0.5, B = 2, |b| <= 1, balanced signs. Usage: reluid_bench [trials p
// n].
#include <chrono>
#include <cstdlib>
#include <iostream>
#include "sim/blas.hpp"
#include "sim/data.hpp"
#include "sim/seed.hpp"
#include "sim/truth.hpp"
#include "solvers/constrained.hpp"
#include "theory/distance.hpp"
using namespace reluid;
namespace reluid::bench {
void iteration_cost();  // bench_iteration.cpp
}
int main(int argc, char** argv) {
  reluid::sim::set_blas_threads(1);
  reluid::bench::iteration_cost();
  std::cout << "fit_l1_constrained, sigma = 0, r = 3, s = 6 (D2 < 0.1 = recovered)\n";
  sim::set_blas_threads(1);
  int trials = argc > 1 ? std::atoi(argv[1]) : 20;
  int p = argc > 2 ? std::atoi(argv[2]) : 100, n = argc > 3 ? std::atoi(argv[3]) : 400;
  int ok = 0;
  double tsum = 0;
  for (int t = 0; t < trials; ++t) {
    auto rt = sim::make_engine(2024, 0, t, sim::Stream::truth);
    auto rd = sim::make_engine(2024, 0, t, sim::Stream::data);
    auto rs = sim::make_engine(2024, 0, t, sim::Stream::solver);
    auto truth =
        sim::make_truth({.p = p, .r = 3, .s = 6, .B = 2.0, .bias_bound = 1.0, .mu = 0.5}, rt);
    auto d = sim::make_data(truth, {.n = n, .sigma = 0.0}, rd);
    auto t0 = std::chrono::steady_clock::now();
    auto fit = solvers::fit_l1_constrained(d.X, d.y, {.r = 3}, rs);
    double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    tsum += sec;
    double d2 = theory::distance_d2(fit.best.fit.net, truth).value;
    ok += d2 < 0.1;
    std::size_t it = 0;
    for (auto& s : fit.starts) it += s.iterations;
    std::cout << t << " D2=" << d2 << " l1=" << fit.best.fit.l1
              << " l1*=" << theory::l1_norm(truth.W) << " k=" << fit.k
              << " feas=" << fit.best.feasible << " time=" << sec << "s iters=" << it << "\n";
  }
  if (trials > 0) {
    std::cout << "recovered " << ok << "/" << trials << " mean time " << tsum / trials << " s\n";
  }
}
