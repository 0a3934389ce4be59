// The §4.1 data generators: nn (via sim::paper_network and sim::make_data), linear, friedman.
#include "sim/paper_data.hpp"

#include <cmath>
#include <numbers>

#include "sim/data.hpp"
#include "sim/seed.hpp"
#include "sim/truth.hpp"
#include "theory/check.hpp"
#include "theory/model.hpp"

namespace reluid::sim {

namespace {

void require_sigma(double sigma, std::string_view where) {
  theory::require(sigma >= 0.0 && std::isfinite(sigma), where,
                  "sigma must be non-negative and finite", sigma);
}

}  // namespace

PaperDataset parse_paper_dataset(std::string_view name, std::string_view where) {
  if (name == "nn") return PaperDataset::nn;
  if (name == "linear") return PaperDataset::linear;
  if (name == "friedman") return PaperDataset::friedman;
  if (name == "friedman_uniform") return PaperDataset::friedman_uniform;
  theory::fail(where, "must be nn, linear, friedman or friedman_uniform (got \"" +
                          std::string(name) + "\")");
}

std::string to_string(PaperDataset d) {
  switch (d) {
    case PaperDataset::nn:
      return "nn";
    case PaperDataset::linear:
      return "linear";
    case PaperDataset::friedman:
      return "friedman";
    case PaperDataset::friedman_uniform:
      return "friedman_uniform";
  }
  return "unknown";
}

PaperSetting paper_setting(PaperDataset d) {
  switch (d) {
    case PaperDataset::nn:
      return {100, 500, 2000, {0.0, 0.5, 1.0, 5.0}, arma::regspace<arma::uvec>(0, 9)};
    case PaperDataset::linear:
      return {8, 60, 200, {0.0, 1.0, 3.0, 5.0}, arma::uvec{0, 1, 4}};
    case PaperDataset::friedman:
    case PaperDataset::friedman_uniform:
      return {50, 500, 2000, {0.0, 0.5, 1.0, 5.0}, arma::regspace<arma::uvec>(0, 4)};
  }
  theory::fail("paper_setting", "unknown data set");
}

PaperSample linear_sample(arma::uword n, double sigma, theory::Engine& rng) {
  require_sigma(sigma, "linear_sample");
  constexpr double rho = 0.5;
  const arma::vec beta = {3.0, 1.5, 0.0, 0.0, 2.0, 0.0, 0.0, 0.0};
  PaperSample s;
  s.X = theory::standard_normal(n, beta.n_elem, rng);
  const double c = std::sqrt(1.0 - rho * rho);
  for (arma::uword k = 1; k < beta.n_elem; ++k) s.X.col(k) = rho * s.X.col(k - 1) + c * s.X.col(k);
  s.f = s.X * beta;
  s.y = s.f + sigma * theory::standard_normal(n, 1, rng);
  return s;
}

PaperSample friedman_sample(arma::uword n, double sigma, theory::Engine& rng, arma::uword p,
                            FriedmanInput input) {
  require_sigma(sigma, "friedman_sample");
  theory::require(p >= 5, "friedman_sample", "p must be at least 5", p);
  PaperSample s;
  s.X = input == FriedmanInput::uniform ? theory::uniform(n, p, 0.0, 1.0, rng)
                                        : theory::standard_normal(n, p, rng);
  const auto x = [&](int j) { return s.X.col(j - 1); };
  s.f = 10.0 * arma::sin(std::numbers::pi * x(1) % x(2)) + 20.0 * arma::square(x(3) - 0.5) +
        10.0 * x(4) + 5.0 * x(5);
  s.y = s.f + sigma * theory::standard_normal(n, 1, rng);
  return s;
}

PaperData make_paper_data(const PaperDataOptions& o, std::uint64_t master, std::uint64_t cell,
                          std::uint64_t trial) {
  require_sigma(o.sigma, "paper data");
  const PaperSetting setting = paper_setting(o.dataset);
  const arma::uword n_train = o.n_train ? o.n_train : setting.n_train;
  const arma::uword n_test = o.n_test ? o.n_test : setting.n_test;
  auto data_rng = make_engine(master, cell, trial, Stream::data);
  auto test_rng = make_engine(master, cell, trial, Stream::test_data);
  PaperData out;
  out.support = setting.support;
  switch (o.dataset) {
    case PaperDataset::nn: {
      auto truth_rng = make_engine(master, cell, trial, Stream::truth);
      const theory::Network net = paper_network(truth_rng, static_cast<int>(setting.p));
      const auto draw = [&](arma::uword n, theory::Engine& rng) {
        const Dataset d = make_data(
            net, {.n = static_cast<int>(n), .sigma = o.sigma, .noise = NoiseKind::gaussian}, rng);
        return PaperSample{d.X, d.f_clean, d.y};
      };
      out.train = draw(n_train, data_rng);
      out.test = draw(n_test, test_rng);
      break;
    }
    case PaperDataset::linear:
      out.train = linear_sample(n_train, o.sigma, data_rng);
      out.test = linear_sample(n_test, o.sigma, test_rng);
      break;
    case PaperDataset::friedman:
      out.train = friedman_sample(n_train, o.sigma, data_rng, setting.p);
      out.test = friedman_sample(n_test, o.sigma, test_rng, setting.p);
      break;
    case PaperDataset::friedman_uniform:
      out.train = friedman_sample(n_train, o.sigma, data_rng, setting.p, FriedmanInput::uniform);
      out.test = friedman_sample(n_test, o.sigma, test_rng, setting.p, FriedmanInput::uniform);
      break;
  }
  return out;
}

}  // namespace reluid::sim
