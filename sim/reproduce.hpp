// `reluid reproduce paper`: the simulated experiments of Li, Wang & Ding (2023, §4.1, Tables 1–6)
// rerun with reluid's selection methods, as one resumable sweep per (data set, method), and the
// tables that put our numbers beside the paper's.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "sim/paper_data.hpp"
#include "sim/sweep.hpp"

namespace reluid::sim {

/// What to reproduce. Validated by validate_reproduce (run_reproduce calls it).
struct ReproduceConfig {
  std::vector<PaperDataset> datasets{PaperDataset::nn, PaperDataset::linear,
                                     PaperDataset::friedman};
  /// One σ list for every data set; unset = each data set's own list from the paper.
  std::optional<std::vector<double>> sigmas;
  /// Names for solvers::make_method; empty = solvers::paper_method_names() (the paper's five).
  std::vector<std::string> methods;
  std::uint64_t reps = 100;  ///< replications per (data set, σ)
  std::uint64_t seed = 1;    ///< master seed
};

/// The command-line form: comma-separated lists as typed (empty = the default).
struct ReproduceFlags {
  std::string datasets, sigmas, methods;
  long long reps = 100, seed = 1;
};
/// Parses and validates flags (validate_reproduce); errors name the flag and the value.
ReproduceConfig reproduce_config(const ReproduceFlags& flags);

/// Throws std::invalid_argument ("datasets: ...", "sigmas: ...", "methods: ...", "reps: ...")
/// for an empty or duplicated list, an unknown method, σ < 0 or not finite, reps < 1.
void validate_reproduce(const ReproduceConfig& config);

/// The σ values run for data set d: config.sigmas, or the paper's list (paper_setting(d).sigmas).
std::vector<double> reproduce_sigmas(const ReproduceConfig& config, PaperDataset d);

/// The methods run: config.methods, or solvers::paper_method_names() when empty.
std::vector<std::string> reproduce_methods(const ReproduceConfig& config);

/// The `cell` argument of make_paper_data and of the solver engine for (d, σ):
///   splitmix64(splitmix64(ordinal(d) + 1) ^ bits(σ))   (−0 counted as +0)
/// A key of (data set, σ) alone rather than their position in the run's list, so a replication's
/// data do not depend on which other data sets or σ values a run includes: `--datasets linear`
/// draws exactly the linear data of the full run.
std::uint64_t paper_cell_key(PaperDataset d, double sigma);

/// The sweep of one (data set, method): a grid over σ only, with the data set's n (training
/// size), p, s = |support|, its input law (linear: toeplitz, ρ = 0.5; friedman_uniform: "uniform",
/// a label for U[0, 1] that only reproductions write; else gaussian) and gaussian
/// noise; r = 16 for nn (the paper's network), 1 otherwise (unused); mu, B, bias_bound keep their
/// defaults (unused). method = the method's name, trials = reps, seed = the master seed.
SweepConfig reproduce_sweep_config(const ReproduceConfig& config, PaperDataset d,
                                   const std::string& method);

/// The trial of `method` on data set d: replication `trial` of cell (σ) draws
/// make_paper_data({d, σ}, master, paper_cell_key(d, σ), trial), fits the method on the training
/// sample with its own engine make_engine(master, paper_cell_key(d, σ), trial, Stream::solver)
/// (every method starts from the same seed, and no method's draws affect another's), selects
/// variables by the GMM split of the importances (solvers::select) and records, against the true
/// support: tp, fp, fn, n_selected, selected (1-based column numbers joined by ';'), test_mse =
/// mean (f̂(x) − f(x))² over the test sample with the NOISELESS response f, test_mse_noisy =
/// the same against the noisy y, and seconds (fit, importances, selection and prediction).
TrialKind reproduce_trial_kind(PaperDataset d, const std::string& method);

/// The reproduction's subdirectory of (d, method) under DIR: "<dataset>_<method>".
std::string reproduce_subdir(PaperDataset d, const std::string& method);

/// DIR/config.json of a reproduction: {"config": {what, datasets, sigmas per data set, methods,
/// reps, seed}, "shard": "1/1"} (the sweep identity's shape, so RunLog and inspect_dir apply).
nlohmann::json reproduce_identity(const ReproduceConfig& config);

/// Progress over the whole reproduction, for display.
struct ReproduceProgress {
  std::size_t sweep = 0, sweeps = 0;  ///< current sweep (0-based) and their number
  std::string dataset, method;
  Progress in_sweep;                                ///< the current sweep's progress
  std::uint64_t trials_done = 0, trials_total = 0;  ///< over all sweeps, including earlier runs
  std::uint64_t trials_run = 0;                     ///< by this invocation
  double seconds = 0;                               ///< since this invocation started
};

struct ReproduceOptions {
  unsigned threads = 0;                     ///< worker threads; 0 = all cores
  std::vector<std::string> command_line{};  ///< recorded in run.json
  std::function<void(const ReproduceProgress&)> on_progress{};
};

struct ReproduceReport {
  std::uint64_t trials_total = 0, trials_previous = 0, trials_run = 0;
  bool nothing_to_do = false;  ///< the reproduction was already finished; nothing was touched
  double seconds = 0;
  std::string build_change;  ///< RunLog::build_change(): earlier trials came from another build
};

inline constexpr const char* kTablesCsvFile = "tables.csv";
inline constexpr const char* kTablesMdFile = "tables.md";
inline constexpr const char* kTimingFile = "timing.csv";

/// Runs (or resumes) a reproduction into `dir`:
/// - validates everything first (config, every sweep's cells, DIR and its subdirectories), so
///   bad input creates nothing; a DIR holding anything else is refused;
/// - runs the sweep of each (data set, method) in turn into DIR/<dataset>_<method> with
///   run_sweep: crash-safe rows, resume, torn-line repair, thread-count invariance, run.json;
/// - then writes DIR/tables.csv, DIR/tables.md (reproduce_tables) and DIR/timing.csv (mean and
///   median seconds per fit of each (data set, method)), and records the invocation in
///   DIR/run.json. A finished reproduction is left untouched.
ReproduceReport run_reproduce(const ReproduceConfig& config, const std::filesystem::path& dir,
                              const ReproduceOptions& options = {});

/// One row of the paper's Tables 1–6 (results/paper/paper_tables.csv).
struct PaperEntry {
  int table = 0;
  std::string dataset, method, metric;  ///< method as in the paper: NN, LASSO, OMP, RF, GB
  double sigma = 0;
  std::string value;  ///< as printed in the paper
};

/// The text of results/paper/paper_tables.csv, compiled into the program so that `reluid
/// reproduce` needs no file at run time (a test checks the two agree).
const std::string& paper_tables_text();
/// paper_tables_text() parsed, in file order.
const std::vector<PaperEntry>& paper_entries();

/// Mean and standard error of one metric of one (data set, method, σ).
struct MetricStats {
  double mean = 0, std_err = 0;  ///< std_err = sample standard deviation / √reps; NaN for 1 rep
  std::uint64_t reps = 0;
};

/// The text of tables.csv and tables.md from the finished sweeps in dir:
/// tables.csv: table, dataset, method, metric, sigma, ours_mean, ours_se, reps, paper,
/// diff_in_se = |ours − paper| / se (blank where se is 0 or undefined, or a side is missing) —
/// first one row per paper entry in its order (ours blank if not run), then the rows the paper
/// lacks (methods, σ values, the metric test_mse_noisy, and friedman_uniform, whose paper column
/// holds the paper's friedman value). Metrics: TP, FP (Tables 1, 3, 5),
/// test_mse, test_mse_noisy (Tables 2, 4, 6).
struct ReproduceTables {
  std::string csv, md;
};
ReproduceTables reproduce_tables(const ReproduceConfig& config, const std::filesystem::path& dir);

}  // namespace reluid::sim
