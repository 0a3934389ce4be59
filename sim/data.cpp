// Synthetic data sets from a ground-truth network.
#include "sim/data.hpp"

#include <cmath>
#include <cstdio>

#include "theory/check.hpp"
#include "theory/io.hpp"

namespace reluid::sim {

namespace {
constexpr const char* where_data = "make_data";
}  // namespace

InputKind parse_input_kind(std::string_view name, std::string_view where) {
  if (name == "gaussian") return InputKind::gaussian;
  if (name == "toeplitz") return InputKind::toeplitz;
  theory::fail(where, "must be \"gaussian\" or \"toeplitz\" (got \"" + std::string(name) + "\")");
}

NoiseKind parse_noise_kind(std::string_view name, std::string_view where) {
  if (name == "bounded") return NoiseKind::bounded;
  if (name == "gaussian") return NoiseKind::gaussian;
  theory::fail(where, "must be \"bounded\" or \"gaussian\" (got \"" + std::string(name) + "\")");
}

std::string to_string(InputKind kind) {
  switch (kind) {
    case InputKind::gaussian:
      return "gaussian";
    case InputKind::toeplitz:
      return "toeplitz";
  }
  return "unknown";
}

std::string to_string(NoiseKind kind) {
  switch (kind) {
    case NoiseKind::bounded:
      return "bounded";
    case NoiseKind::gaussian:
      return "gaussian";
  }
  return "unknown";
}

void validate(const DataOptions& opt) {
  using theory::require;
  require(opt.n >= 1, where_data, "n must be at least 1", opt.n);
  require(std::isfinite(opt.sigma) && opt.sigma >= 0.0, where_data,
          "sigma must be finite and non-negative", opt.sigma);
  switch (opt.input) {
    case InputKind::toeplitz:
      require(std::abs(opt.rho) < 1.0, where_data, "rho must satisfy |rho| < 1", opt.rho);
      break;
    case InputKind::gaussian:
      require(opt.rho == 0.0, where_data, "rho must be 0 for gaussian inputs (use toeplitz)",
              opt.rho);
      break;
  }
}

Dataset make_data(const theory::Network& truth, const DataOptions& opt, theory::Engine& rng) {
  theory::validate(truth, where_data);
  validate(opt);
  const auto n = static_cast<arma::uword>(opt.n);
  const arma::uword p = truth.p();

  Dataset d;
  d.X = theory::standard_normal(n, p, rng);
  if (opt.input == InputKind::toeplitz) {
    const double innovation = std::sqrt(1.0 - opt.rho * opt.rho);
    for (arma::uword k = 1; k < p; ++k)
      d.X.col(k) = opt.rho * d.X.col(k - 1) + innovation * d.X.col(k);
  }

  const arma::vec z = theory::standard_normal(n, 1, rng);
  switch (opt.noise) {
    case NoiseKind::gaussian:
      d.noise = opt.sigma * z;
      break;
    case NoiseKind::bounded: {
      const double rms = std::sqrt(arma::mean(arma::square(z)));
      if (opt.sigma == 0.0 || rms == 0.0) {
        d.noise.zeros(n);
      } else {
        d.noise = (opt.sigma / rms) * z;
      }
      break;
    }
  }
  d.f_clean = theory::predict(truth, d.X);
  d.y = d.f_clean + d.noise;
  return d;
}

std::string data_to_csv(const arma::mat& X, const arma::vec& y) {
  theory::require(y.n_elem == X.n_rows, "data_to_csv", "y must have one entry per row of X",
                  y.n_elem);
  std::string out;
  for (arma::uword k = 0; k < X.n_cols; ++k) out += "x" + std::to_string(k + 1) + ",";
  out += "y\n";
  char buf[32];
  const auto put = [&](double v, char sep) {
    std::snprintf(buf, sizeof buf, "%.17g", v);
    out += buf;
    out += sep;
  };
  for (arma::uword i = 0; i < X.n_rows; ++i) {
    for (arma::uword k = 0; k < X.n_cols; ++k) put(X(i, k), ',');
    put(y(i), '\n');
  }
  return out;
}

void write_data_csv(const std::filesystem::path& path, const arma::mat& X, const arma::vec& y) {
  theory::write_text_atomic(path, data_to_csv(X, y));
}

}  // namespace reluid::sim
