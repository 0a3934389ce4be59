// The sweep driver: grid expansion, sharding, the worker pool, resume and merge.
#include "sim/sweep.hpp"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>

#include "sim/provenance.hpp"
#include "sim/results.hpp"
#include "sim/summary.hpp"
#include "theory/check.hpp"
#include "theory/io.hpp"

namespace reluid::sim {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Outcome column names: distinct, not parameter columns, and safe in a CSV header.
void validate_columns(const TrialKind& kind) {
  theory::require(static_cast<bool>(kind.run), "trial kind", "has no run function");
  theory::require(!kind.columns.empty(), "trial kind", "has no outcome columns");
  std::set<std::string> seen(parameter_columns().begin(), parameter_columns().end());
  for (const auto& c : kind.columns) {
    const bool ok = !c.empty() && std::all_of(c.begin(), c.end(), [](char ch) {
      return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_';
    });
    if (!ok)
      theory::fail("trial kind", "column names are letters, digits and '_' (got \"" + c + "\")");
    if (!seen.insert(c).second) theory::fail("trial kind", "duplicate column (got \"" + c + "\")");
  }
}

/// Runs one trial and returns its full row, checking the outcome fields.
std::string run_trial(const TrialKind& kind, const Cell& cell, std::uint64_t seed,
                      std::uint64_t trial) {
  const auto values = kind.run(cell, seed, trial);
  if (values.size() != kind.columns.size()) {
    throw std::runtime_error("trial returned " + std::to_string(values.size()) + " values for " +
                             std::to_string(kind.columns.size()) + " columns");
  }
  std::string row = parameter_fields(cell, trial, seed);
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values[i].find_first_of(",\"\r\n") != std::string::npos) {
      throw std::runtime_error("trial value of column " + kind.columns[i] +
                               " contains a comma, quote or line break (got " + values[i] + ")");
    }
    row += ',';
    row += values[i];
  }
  return row;
}

/// Writes the canonical trials.csv, summary.csv of `rows`.
void finalize(const fs::path& dir, const std::vector<Cell>& cells, const TrialRows& rows) {
  theory::write_text_atomic(dir / kTrialsFile, trials_text(rows));
  theory::write_text_atomic(dir / kSummaryFile, summary_csv(cells, rows));
}

}  // namespace

std::vector<Cell> make_cells(const SweepConfig& config) {
  const Grid& g = config.grid;
  std::vector<Cell> cells;
  for (auto n : g.n)
    for (auto p : g.p)
      for (auto s : g.s)
        for (auto r : g.r)
          for (auto sigma : g.sigma)
            for (auto mu : g.mu)
              for (auto B : g.B)
                for (auto bias_bound : g.bias_bound)
                  for (const auto& noise : g.noise)
                    for (const auto& input : g.input)
                      for (auto rho : g.rho) {
                        if (s > p) {
                          theory::fail("s", "must be <= p (got s = " + std::to_string(s) +
                                                ", p = " + std::to_string(p) + ")");
                        }
                        if (bias_bound > B) {
                          theory::fail("bias_bound", "must be <= B (got bias_bound = " +
                                                         theory::quote(bias_bound) +
                                                         ", B = " + theory::quote(B) + ")");
                        }
                        if (input == "gaussian" && rho != 0.0) {
                          theory::fail("rho", "must be 0 for input = gaussian (got " +
                                                  theory::quote(rho) + ")");
                        }
                        cells.push_back({.id = cells.size(),
                                         .n = n,
                                         .p = p,
                                         .s = s,
                                         .r = r,
                                         .sigma = sigma,
                                         .mu = mu,
                                         .B = B,
                                         .bias_bound = bias_bound,
                                         .noise = noise,
                                         .input = input,
                                         .rho = rho,
                                         .method = config.method,
                                         .method_options = config.options,
                                         .trials = config.trials});
                      }
  if (cells.empty()) theory::fail("config", "the grid is empty");
  return cells;
}

Shard parse_shard(std::string_view text) {
  const auto bad = [&] {
    theory::fail("shard", "must be k/N with 1 <= k <= N (got " + std::string(text) + ")");
  };
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) bad();
  Shard shard;
  const auto parse = [&](std::string_view part, std::uint64_t& out) {
    const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    if (part.empty() || ec != std::errc() || ptr != part.data() + part.size()) bad();
  };
  parse(text.substr(0, slash), shard.k);
  parse(text.substr(slash + 1), shard.N);
  if (shard.N < 1 || shard.k < 1 || shard.k > shard.N) bad();
  return shard;
}

SweepReport run_sweep(const SweepConfig& config, const TrialKind& kind, const fs::path& dir,
                      const SweepOptions& options) {
  const auto start = Clock::now();
  // Everything that can be wrong with the input is checked before anything touches the disk.
  const std::vector<Cell> cells = make_cells(config);
  validate_columns(kind);
  if (kind.check_options) kind.check_options(config.options);
  theory::require(
      options.shard.N >= 1 && options.shard.k >= 1 && options.shard.k <= options.shard.N, "shard",
      "must be k/N with 1 <= k <= N", options.shard.text());
  const nlohmann::json identity = dir_identity(config, options.shard);
  const DirState state = inspect_dir(dir, identity);
  // A finished sweep is only read. Otherwise the dir is locked before its rows are read, so a
  // second process on the same dir fails instead of truncating or duplicating the first's rows.
  std::optional<DirLock> dir_lock;
  if (state == DirState::same && !fs::exists(dir / kSummaryFile)) dir_lock.emplace(dir);

  std::vector<std::string> header = parameter_columns();
  header.insert(header.end(), kind.columns.begin(), kind.columns.end());

  LoadedTrials loaded;
  loaded.rows.header = header;
  const fs::path trials_file = dir / kTrialsFile;
  const bool have_trials = state == DirState::same && fs::exists(trials_file);
  if (have_trials) {
    loaded = read_trials(trials_file, cells, config.seed, options.shard);
    if (loaded.rows.header != header) {
      theory::fail(
          "out", "trials.csv has other columns than this method's trial; use another --out (got " +
                     dir.string() + ")");
    }
  }

  // The shard's missing trials, and per-cell counts for progress.
  std::vector<RowKey> todo;
  std::vector<std::uint64_t> planned(cells.size(), 0), done(cells.size(), 0);
  SweepReport report;
  for (const Cell& cell : cells) {
    for (std::uint64_t t = 0; t < cell.trials; ++t) {
      if (!options.shard.contains(cell.id * cell.trials + t)) continue;
      ++planned[cell.id];
      if (loaded.rows.lines.count({cell.id, t})) {
        ++done[cell.id];
      } else {
        todo.push_back({cell.id, t});
      }
    }
  }
  for (auto x : planned) report.trials_total += x;
  report.trials_previous = loaded.rows.lines.size();
  if (todo.empty() && fs::exists(dir / kSummaryFile)) {
    report.nothing_to_do = true;
    report.seconds = seconds_since(start);
    return report;
  }

  if (state != DirState::same) init_dir(dir, identity);
  if (!dir_lock) dir_lock.emplace(dir);
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());
  const auto threads = static_cast<unsigned>(std::max<std::size_t>(
      1, std::min<std::size_t>(options.threads == 0 ? hw : options.threads, todo.size())));
  RunLog log(dir / kRunFile, identity, options.command_line, threads);
  report.build_change = log.build_change();

  if (!todo.empty()) {
    if (!have_trials) {
      theory::write_text_atomic(trials_file, trials_text({header, {}}));
    } else if (loaded.torn) {
      fs::resize_file(trials_file, loaded.intact_bytes);
    }
    RowAppender appender(trials_file);
    std::atomic<std::size_t> next{0};
    std::atomic<bool> stop{false};
    std::mutex mutex;  // guards: loaded.rows.lines, done, progress, error
    std::exception_ptr error;
    std::string error_where;
    Progress progress{.cells_total = cells.size(), .trials_total = report.trials_total};
    progress.trials_done = report.trials_previous;
    for (std::size_t c = 0; c < cells.size(); ++c)
      progress.cells_done += done[c] == planned[c] ? 1 : 0;

    const auto work = [&] {
      while (!stop.load()) {
        const std::size_t i = next.fetch_add(1);
        if (i >= todo.size()) return;
        const auto [cell_id, trial] = todo[i];
        std::string row;
        try {
          row = run_trial(kind, cells[cell_id], config.seed, trial);
          appender.append(row);
        } catch (...) {
          std::lock_guard lock(mutex);
          if (!error) {
            error = std::current_exception();
            error_where = "cell " + std::to_string(cell_id) + ", trial " + std::to_string(trial);
          }
          stop.store(true);
          return;
        }
        std::lock_guard lock(mutex);
        loaded.rows.lines.emplace(RowKey{cell_id, trial}, std::move(row));
        ++progress.trials_done;
        ++progress.trials_run;
        if (++done[cell_id] == planned[cell_id]) ++progress.cells_done;
        progress.seconds = seconds_since(start);
        if (options.on_progress) options.on_progress(progress);
      }
    };
    {
      std::vector<std::jthread> workers;
      for (unsigned w = 0; w < threads; ++w) workers.emplace_back(work);
    }
    appender.sync();
    report.trials_run = progress.trials_run;
    if (error) {
      std::string what = "unknown exception";
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      log.finish("failed: " + error_where + ": " + what, report.trials_run);
      throw std::runtime_error("sweep stopped: trial failed (" + error_where + "): " + what);
    }
  }

  finalize(dir, cells, loaded.rows);
  log.finish("complete", report.trials_run);
  report.seconds = seconds_since(start);
  return report;
}

MergeReport merge_shards(const std::vector<fs::path>& inputs, const fs::path& out,
                         const std::vector<std::string>& command_line) {
  theory::require(!inputs.empty(), "merge", "needs at least one shard directory", 0);
  // Every input must be a complete shard of one sweep; shards 1..N each exactly once.
  nlohmann::json config_json;
  std::uint64_t N = 0;
  std::set<std::uint64_t> shards_seen;
  std::vector<Shard> shards;
  for (const auto& in : inputs) {
    if (!fs::exists(in / kConfigFile)) {
      theory::fail("merge", "not a sweep directory (no config.json) (got " + in.string() + ")");
    }
    const nlohmann::json id = read_identity(in);
    if (!id.contains("config") || !id.contains("shard") || !id["shard"].is_string()) {
      theory::fail("merge", "malformed config.json (got " + in.string() + ")");
    }
    const Shard shard = parse_shard(id["shard"].get<std::string>());
    if (config_json.is_null()) {
      config_json = id["config"];
      N = shard.N;
    } else if (id["config"] != config_json) {
      theory::fail("merge",
                   "shard directories come from different sweeps (got " + in.string() + ")");
    } else if (shard.N != N) {
      theory::fail("merge", "shards of different counts " + std::to_string(N) + " and " +
                                std::to_string(shard.N) + " (got " + in.string() + ")");
    }
    if (!shards_seen.insert(shard.k).second) {
      theory::fail("merge", "shard " + shard.text() + " given twice (got " + in.string() + ")");
    }
    shards.push_back(shard);
  }
  for (std::uint64_t k = 1; k <= N; ++k) {
    if (!shards_seen.count(k)) {
      theory::fail("merge", "shard " + std::to_string(k) + "/" + std::to_string(N) + " is missing");
    }
  }
  const SweepConfig config = config_from_json(config_json);
  const std::vector<Cell> cells = make_cells(config);
  const nlohmann::json identity = dir_identity(config, Shard{});
  const DirState state = inspect_dir(out, identity);

  TrialRows all;
  std::uint64_t expected = 0;
  for (const Cell& cell : cells) expected += cell.trials;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const fs::path file = inputs[i] / kTrialsFile;
    if (!fs::exists(inputs[i] / kSummaryFile) || !fs::exists(file)) {
      theory::fail("merge", "shard " + shards[i].text() +
                                " is not finished; resume it first (got " + inputs[i].string() +
                                ")");
    }
    LoadedTrials loaded = read_trials(file, cells, config.seed, shards[i]);
    if (all.header.empty()) {
      all.header = loaded.rows.header;
    } else if (loaded.rows.header != all.header) {
      theory::fail("merge", "shard columns differ (got " + inputs[i].string() + ")");
    }
    all.lines.merge(loaded.rows.lines);
  }
  if (all.lines.size() != expected) {
    theory::fail("merge", "shards hold " + std::to_string(all.lines.size()) + " of " +
                              std::to_string(expected) + " trials; resume the unfinished ones");
  }
  if (state != DirState::same) init_dir(out, identity);
  // The shards' own logs go into the merged one, so that the builds that wrote its trials stay
  // on record when the shard dirs are gone (null for a shard without a readable run.json).
  nlohmann::json shard_runs = nlohmann::json::object();
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    nlohmann::json runs = nullptr;
    try {
      const auto doc = nlohmann::json::parse(theory::read_text(inputs[i] / kRunFile));
      if (doc.is_object() && doc.contains("runs")) runs = doc["runs"];
    } catch (const std::exception&) {
    }
    shard_runs[shards[i].text()] = runs;
  }
  RunLog log(out / kRunFile, identity, command_line, 1);
  finalize(out, cells, all);
  log.finish("complete (merged " + std::to_string(inputs.size()) + " shards)", 0,
             {{"shard_runs", shard_runs}});
  return {.rows = all.lines.size(), .build_change = runs_build_change(shard_runs)};
}

}  // namespace reluid::sim
