// The on-disk row store of a sweep: DIR/trials.csv (one CSV row per trial), its crash-safe
// appender, reading it back for resume and merge, and the DIR identity check (DIR/config.json).
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/sweep.hpp"

namespace reluid::sim {

inline constexpr const char* kTrialsFile = "trials.csv";
inline constexpr const char* kSummaryFile = "summary.csv";
inline constexpr const char* kConfigFile = "config.json";
inline constexpr const char* kRunFile = "run.json";

/// The columns every trials.csv row starts with: cell, trial, seed (the master seed), then the
/// cell's parameters (cell_columns()).
const std::vector<std::string>& parameter_columns();
/// The cell's parameter columns: n, p, s, r, sigma, mu, B, bias_bound, noise, input, rho, method.
const std::vector<std::string>& cell_columns();

/// Shortest text that reads back to exactly x ("0.1", "2", "nan", "inf").
std::string format_number(double x);
/// The cell's values of cell_columns(), comma-joined.
std::string cell_fields(const Cell& cell);
/// The values of parameter_columns() for one trial, comma-joined.
std::string parameter_fields(const Cell& cell, std::uint64_t trial, std::uint64_t seed);
/// Splits a CSV line on ',' (reluid writes no quoted fields).
std::vector<std::string> split_fields(std::string_view line);

/// (cell id, trial) → the row's text without its line break.
using RowKey = std::pair<std::uint64_t, std::uint64_t>;
struct TrialRows {
  std::vector<std::string> header;
  std::map<RowKey, std::string> lines;
};

/// trials.csv text: header, then rows sorted by (cell, trial).
std::string trials_text(const TrialRows& rows);

/// A trials.csv read back, checked line by line: right field count, cell and trial in range and
/// in `shard`, parameter fields equal to the cell's, no duplicates (else std::runtime_error
/// naming file and line). A last line without a line break is a torn write: it is not returned,
/// and intact_bytes is the length of the file before it.
struct LoadedTrials {
  TrialRows rows;
  std::uintmax_t intact_bytes = 0;
  bool torn = false;
};
LoadedTrials read_trials(const std::filesystem::path& file, const std::vector<Cell>& cells,
                         std::uint64_t seed, const Shard& shard);

/// Appends rows to a trials.csv, each with one write(2) on an O_APPEND descriptor, so a killed
/// process leaves whole rows (and at worst, on power loss, one torn last line). fdatasync runs at
/// most every `sync_every` and on sync(). Thread-safe.
class RowAppender {
 public:
  explicit RowAppender(const std::filesystem::path& file,
                       std::chrono::milliseconds sync_every = std::chrono::seconds(2));
  ~RowAppender();
  RowAppender(const RowAppender&) = delete;
  RowAppender& operator=(const RowAppender&) = delete;

  /// Appends `line` (without line break) plus '\n'.
  void append(const std::string& line);
  /// Flushes appended rows to disk.
  void sync();

 private:
  std::filesystem::path file_;
  int fd_ = -1;
  std::chrono::milliseconds sync_every_;
  std::chrono::steady_clock::time_point last_sync_;
  std::mutex mutex_;
};

/// What a DIR holds, as far as a sweep with the given identity is concerned.
enum class DirState { absent, empty, same };

/// {"config": canonical config, "shard": "k/N"}: what DIR/config.json stores.
nlohmann::json dir_identity(const SweepConfig& config, const Shard& shard);

/// Checks, changing nothing, that `dir` can hold this sweep: absent with a writable parent, an
/// empty writable directory, or a directory whose config.json has this very identity. Throws
/// std::invalid_argument("out: ... (got DIR)") otherwise (a file, unwritable, foreign files, or a
/// different sweep — naming the first differing key).
DirState inspect_dir(const std::filesystem::path& dir, const nlohmann::json& identity);

/// Creates `dir` (if absent) and writes config.json atomically.
void init_dir(const std::filesystem::path& dir, const nlohmann::json& identity);

/// An exclusive advisory lock (flock) on DIR/config.json, held while one process writes a sweep
/// into DIR, so two processes never append to the same trials.csv. The kernel drops it when the
/// process dies (also on kill -9), so a crashed run never leaves DIR locked. Throws
/// std::invalid_argument("out: ... is in use by another reluid process ...") if it is held.
class DirLock {
 public:
  explicit DirLock(const std::filesystem::path& dir);
  ~DirLock();
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;

 private:
  int fd_ = -1;
};

/// Reads dir/config.json (std::runtime_error if missing or malformed).
nlohmann::json read_identity(const std::filesystem::path& dir);

}  // namespace reluid::sim
