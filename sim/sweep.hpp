// The Monte Carlo sweep: the grid's cells, the trial interface, and the parallel, deterministic,
// resumable driver that fills DIR/trials.csv, DIR/summary.csv and DIR/run.json.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "sim/config.hpp"

namespace reluid::sim {

/// One grid point of a sweep. `id` is its position in the grid (make_cells' order) and keys the
/// per-trial random streams: make_engine(master seed, id, trial, stream).
struct Cell {
  std::uint64_t id = 0;
  std::uint64_t n = 0, p = 0, s = 0, r = 0;
  double sigma = 0, mu = 0, B = 0, bias_bound = 0;
  std::string noise, input;
  double rho = 0;
  std::string method;
  nlohmann::json method_options = nlohmann::json::object();
  std::uint64_t trials = 0;
};

/// What one trial measures. `run` returns the formatted outcome values in the order of `columns`
/// and must depend only on (cell parameters, master seed, cell.id, trial) — it draws through
/// sim::make_engine(master_seed, cell.id, trial, stream) — so results do not depend on threads,
/// order or shards. It may throw; the sweep then stops and records nothing for that trial.
/// Values must not contain ',', '"' or line breaks. Summary columns are computed from outcome
/// columns named success (0/1), certificate (a class name), D2, error_eq7 and seconds if present.
struct TrialKind {
  std::vector<std::string> columns;
  std::function<std::vector<std::string>(const Cell&, std::uint64_t master_seed,
                                         std::uint64_t trial)>
      run;
  /// Optional: throws std::invalid_argument for invalid method options. run_sweep calls it
  /// before touching the disk, so bad options create nothing (instead of failing trial 0).
  std::function<void(const nlohmann::json& options)> check_options{};
};

/// The trial of a method (defined in sim/trial.cpp). Throws std::invalid_argument for an unknown
/// method or invalid method options.
TrialKind trial_kind(const std::string& method);

/// The grid's cells: the Cartesian product with n outermost, then p, s, r, sigma, mu, B,
/// bias_bound, noise, input and rho innermost. Throws std::invalid_argument naming the values
/// when a cell is impossible: s > p, bias_bound > B, rho ≠ 0 with gaussian input.
std::vector<Cell> make_cells(const SweepConfig& config);

/// Shard k of N (text "k/N", 1 ≤ k ≤ N): trial t of cell c, with ordinal g = c·trials + t, belongs
/// to it when g mod N = k − 1. Round-robin keeps every shard's mix of cells (and cost) alike.
struct Shard {
  std::uint64_t k = 1, N = 1;
  bool contains(std::uint64_t ordinal) const { return ordinal % N == k - 1; }
  std::string text() const { return std::to_string(k) + "/" + std::to_string(N); }
};
/// Parses "k/N"; throws std::invalid_argument("shard: ... (got TEXT)") when malformed.
Shard parse_shard(std::string_view text);

/// A snapshot for progress display.
struct Progress {
  std::uint64_t cells_done = 0, cells_total = 0;    ///< cells whose shard trials are all done
  std::uint64_t trials_done = 0, trials_total = 0;  ///< in this shard, including earlier runs
  std::uint64_t trials_run = 0;                     ///< by this invocation
  double seconds = 0;                               ///< since this invocation started
};

struct SweepOptions {
  unsigned threads = 0;  ///< worker threads; 0 = all cores
  Shard shard{};
  std::vector<std::string> command_line{};  ///< recorded in run.json
  /// Called after each finished trial (serialised, from worker threads); keep it cheap.
  std::function<void(const Progress&)> on_progress{};
};

struct SweepReport {
  std::uint64_t trials_total = 0;     ///< trials of this shard
  std::uint64_t trials_previous = 0;  ///< found on disk at start
  std::uint64_t trials_run = 0;       ///< run by this call
  bool nothing_to_do = false;         ///< the sweep was already finished; nothing was touched
  double seconds = 0;
  std::string build_change;  ///< RunLog::build_change(): earlier trials came from another build
};

/// Runs (or resumes) a sweep into `dir`:
/// - validates everything first (config, cells, columns, dir), so bad input changes nothing;
/// - refuses a dir holding anything but this very sweep (same canonical config and shard);
/// - appends one row per finished trial to dir/trials.csv (single write(2) per row, fdatasync
///   every few seconds), after discarding a torn last line left by a crash;
/// - runs the missing trials of the shard on `threads` workers;
/// - when all are done, rewrites trials.csv sorted by (cell, trial) atomically, writes
///   summary.csv and completes run.json. A finished sweep is left untouched.
/// A throwing trial stops the sweep; rows already written stay, and the error is rethrown as
/// std::runtime_error naming the cell and trial.
SweepReport run_sweep(const SweepConfig& config, const TrialKind& kind,
                      const std::filesystem::path& dir, const SweepOptions& options = {});

/// Combines the shard dirs of one sweep (same config, shards 1..N of one N, each complete) into
/// `out`, giving the same trials.csv and summary.csv as an unsharded run. `out` must be absent,
/// empty, or a previous merge of the same sweep. The merged run.json's entry keeps each shard's
/// own "runs" under "shard_runs".
struct MergeReport {
  std::uint64_t rows = 0;    ///< trials merged
  std::string build_change;  ///< runs_build_change of the shards: their trials' builds differ
};
MergeReport merge_shards(const std::vector<std::filesystem::path>& inputs,
                         const std::filesystem::path& out,
                         const std::vector<std::string>& command_line = {});

}  // namespace reluid::sim
