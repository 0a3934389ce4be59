// Sweep configuration: the grid of simulation settings, the method and the master seed, read from
// TOML or JSON and/or command-line flags, validated, and written back in one canonical JSON form.
//
// Keys (each grid key takes one value or a list; the grid is their Cartesian product):
//   n, p, s, r        positive integers (required): sample size, inputs, support size, neurons
//   sigma             noise level σ ≥ 0 of eq. (3)                                  [default 0]
//   mu                coherence bound μ in (0, 1] on max_{j≠k} |cos(w_j, w_k)|      [0.5]
//   B                 norm bound of Assumption 1, B ≥ 1: 1 ≤ ‖w_j‖ ≤ B              [2]
//   bias_bound        |b_j| ≤ bias_bound, 0 ≤ bias_bound ≤ B                        [1]
//   noise             "bounded" (rescaled to (1/n)Σξ² = σ²) or "gaussian"           ["bounded"]
//   input             "gaussian" (N(0, I)) or "toeplitz" (corr ρ^|i−k|)             ["gaussian"]
//   rho               Toeplitz correlation in (−1, 1); must be 0 for gaussian input [0]
// and scalars: method (string, ["l1"]), options (table/object passed to the method, [{}]),
// trials per cell (positive integer, [20]), seed (master seed, non-negative integer, [1]).
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace reluid::sim {

/// The values each grid axis takes, in the order given.
struct Grid {
  std::vector<std::uint64_t> n, p, s, r;
  std::vector<double> sigma{0.0}, mu{0.5}, B{2.0}, bias_bound{1.0};
  std::vector<std::string> noise{"bounded"}, input{"gaussian"};
  std::vector<double> rho{0.0};
};

/// A complete, validated sweep configuration.
struct SweepConfig {
  Grid grid;
  std::string method = "l1";
  nlohmann::json options = nlohmann::json::object();
  std::uint64_t trials = 20;
  std::uint64_t seed = 1;
};

/// Validates a configuration object (keys above; unknown keys, wrong types and out-of-range
/// values throw std::invalid_argument naming the key and value). Cross-key constraints that hold
/// per grid cell (s ≤ p, bias_bound ≤ B, ρ with the input kind) are checked by make_cells.
SweepConfig config_from_json(const nlohmann::json& j);

/// The canonical form: every key present, grid keys as arrays. config_from_json inverts it.
nlohmann::json config_to_json(const SweepConfig& config);

/// Reads a configuration file (.toml or .json by extension) into a JSON object, unvalidated.
nlohmann::json read_config_file(const std::filesystem::path& path);

/// Turns flag values (key → comma-separated text, as typed after `--key`) into a JSON object
/// of overrides: numeric keys become numbers (or stay text, so validation reports them), list
/// keys become arrays; `options` takes a JSON object or `name=value,...` (values parsed as JSON
/// when they are valid JSON, else kept as strings).
nlohmann::json overrides_from_flags(const std::map<std::string, std::string>& flags);

/// The configuration keys, in canonical order.
const std::vector<std::string>& config_keys();

}  // namespace reluid::sim
