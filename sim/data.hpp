// Synthetic data sets y = f(x) + ξ from a ground-truth network (the paper's eq. 2), with Gaussian
// or Toeplitz-correlated inputs and bounded (eq. 3) or Gaussian noise; CSV export.
#pragma once

#include <armadillo>
#include <filesystem>
#include <string>
#include <string_view>

#include "theory/model.hpp"
#include "theory/random.hpp"

namespace reluid::sim {

/// Distribution of each input row x ∈ ℝᵖ.
enum class InputKind {
  gaussian,  ///< N(0, I_p)
  toeplitz,  ///< N(0, Σ) with Σ_ik = ρ^|i−k| (AR(1) across coordinates), |ρ| < 1
};

/// Distribution of the noise vector ξ ∈ ℝⁿ.
enum class NoiseKind {
  bounded,   ///< Gaussian draw rescaled so that (1/n) Σ ξ_i² = σ² exactly (the paper's eq. 3)
  gaussian,  ///< i.i.d. N(0, σ²)
};

/// Parses "gaussian" / "toeplitz" and "bounded" / "gaussian"; errors name `where` and the value.
InputKind parse_input_kind(std::string_view name, std::string_view where = "input");
NoiseKind parse_noise_kind(std::string_view name, std::string_view where = "noise");
std::string to_string(InputKind kind);
std::string to_string(NoiseKind kind);

/// Options of make_data.
struct DataOptions {
  int n = 100;         ///< samples, ≥ 1
  double sigma = 0.0;  ///< noise level σ ≥ 0 (eq. 3)
  NoiseKind noise = NoiseKind::bounded;
  InputKind input = InputKind::gaussian;
  double rho = 0.0;  ///< Toeplitz correlation, |ρ| < 1; must be 0 for gaussian
};

/// n samples of the model. X: n × p, one observation per row; f_clean = f(X) (eq. 2);
/// noise = ξ; y = f_clean + noise.
struct Dataset {
  arma::mat X;
  arma::vec y;
  arma::vec f_clean;
  arma::vec noise;
};

/// Throws std::invalid_argument naming the field and its value unless n ≥ 1, σ ≥ 0 finite,
/// |ρ| < 1 for Toeplitz inputs and ρ = 0 for Gaussian ones.
void validate(const DataOptions& opt);

/// Draws a data set from `truth`. Draw order from rng: an n × p standard normal matrix Z
/// (column-major), then n standard normals for the noise (also when σ = 0, so that the inputs
/// and the noise pattern do not depend on σ). Toeplitz inputs use the exact AR(1) recursion
/// x_1 = z_1, x_k = ρ x_{k−1} + √(1−ρ²) z_k (O(np)); with ρ = 0 they equal the Gaussian inputs.
Dataset make_data(const theory::Network& truth, const DataOptions& opt, theory::Engine& rng);

/// CSV text with header "x1,…,xp,y" and one row per sample, doubles with 17 significant digits
/// (a read back is exact). X: n × p; y: n values.
std::string data_to_csv(const arma::mat& X, const arma::vec& y);

/// Writes data_to_csv(X, y) atomically (theory::write_text_atomic).
void write_data_csv(const std::filesystem::path& path, const arma::mat& X, const arma::vec& y);

}  // namespace reluid::sim
