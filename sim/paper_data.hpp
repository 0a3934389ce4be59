// The three simulated data sets of the paper's §4.1 (Li, Wang & Ding 2023): nn, linear, friedman;
// and friedman_uniform, Friedman's (1991) own input law, which the paper's numbers seem to follow.
#pragma once

#include <armadillo>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "theory/random.hpp"

namespace reluid::sim {

/// friedman_uniform is not one of the paper's data sets: it is friedman with x ~ U[0, 1]^p, the law
/// of Friedman (1991), under which the paper's Tables 5–6 are far closer to ours than under the
/// x ~ N(0, I) the paper states (README, "Where we differ, and why").
enum class PaperDataset { nn, linear, friedman, friedman_uniform };

/// Parses "nn" / "linear" / "friedman" / "friedman_uniform"; errors name `where` and the value.
PaperDataset parse_paper_dataset(std::string_view name, std::string_view where = "dataset");
std::string to_string(PaperDataset d);

/// The paper's settings: train/test sizes, noise levels, the true support (0-based columns).
struct PaperSetting {
  arma::uword p = 0, n_train = 0, n_test = 0;
  std::vector<double> sigmas;
  arma::uvec support;
};
PaperSetting paper_setting(PaperDataset d);

/// n samples: X: n × p (one observation per row), f = noiseless response, y = f + ξ.
struct PaperSample {
  arma::mat X;
  arma::vec f;
  arma::vec y;
};

/// linear: y = xᵀβ + ξ, β = (3, 1.5, 0, 0, 2, 0, 0, 0), x ~ N(0, Σ), Σ_ij = 0.5^|i−j| (exact AR(1)
/// recursion x_1 = z_1, x_k = ½ x_{k−1} + √¾ z_k), ξ ~ N(0, σ²). Draw order: n × 8 normals Z
/// (column-major), then n noise normals.
PaperSample linear_sample(arma::uword n, double sigma, theory::Engine& rng);

/// The law of the inputs of friedman_sample.
enum class FriedmanInput { gaussian, uniform };

/// friedman: y = 10 sin(π x1 x2) + 20 (x3 − 0.5)² + 10 x4 + 5 x5 + ξ, x ~ N(0, I_p) (the paper's
/// statement) or x ~ U[0, 1]^p (Friedman 1991), p = 50 by default, ξ ~ N(0, σ²). Draw order: X
/// (column-major), then n noise normals.
PaperSample friedman_sample(arma::uword n, double sigma, theory::Engine& rng, arma::uword p = 50,
                            FriedmanInput input = FriedmanInput::gaussian);

/// One replication of a data set: train and test samples (test f is noiseless, y noisy) from
/// independent streams of sim/seed.hpp — truth (the nn network, sim::paper_network), data
/// (train), test_data (test) — of (master, cell, trial). n_train / n_test = 0 take the paper's.
struct PaperData {
  PaperSample train, test;
  arma::uvec support;
};
struct PaperDataOptions {
  PaperDataset dataset = PaperDataset::linear;
  double sigma = 0.0;
  arma::uword n_train = 0, n_test = 0;
};
PaperData make_paper_data(const PaperDataOptions& options, std::uint64_t master, std::uint64_t cell,
                          std::uint64_t trial);

}  // namespace reluid::sim
