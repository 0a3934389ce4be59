// `reluid sweep`: run or resume a Monte Carlo sweep over a grid of settings.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>

#include "sim/commands.hpp"
#include "sim/config.hpp"
#include "sim/provenance.hpp"
#include "sim/results.hpp"
#include "sim/sweep.hpp"
#include "theory/check.hpp"

namespace reluid::sim {

void register_merge(CLI::App& app);  // sim/cmd_merge.cpp: registered alongside sweep

namespace {

std::string duration_text(double seconds) {
  char buf[32];
  if (seconds < 120) {
    std::snprintf(buf, sizeof buf, "%.0f s", seconds);
  } else if (seconds < 7200) {
    std::snprintf(buf, sizeof buf, "%.1f min", seconds / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f h", seconds / 3600);
  }
  return buf;
}

struct SweepArgs {
  std::string config_file, out, shard = "1/1";
  unsigned threads = 0;
  bool quiet = false;
  std::map<std::string, std::string> flags;
};

void run(const SweepArgs& args) {
  nlohmann::json j =
      args.config_file.empty() ? nlohmann::json::object() : read_config_file(args.config_file);
  if (!j.is_object()) theory::fail(args.config_file, "must hold a table/object of config keys");
  j.merge_patch(overrides_from_flags(args.flags));
  const SweepConfig config = config_from_json(j);
  const std::vector<Cell> cells = make_cells(config);
  SweepOptions options{.threads = args.threads,
                       .shard = parse_shard(args.shard),
                       .command_line = process_command_line(),
                       .on_progress = {}};
  inspect_dir(args.out, dir_identity(config, options.shard));
  const TrialKind kind = trial_kind(config.method);

  const bool show = !args.quiet && ::isatty(::fileno(stderr));
  auto last = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  if (show) {
    options.on_progress = [&last](const Progress& p) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last < std::chrono::milliseconds(200) && p.trials_done < p.trials_total) return;
      last = now;
      const double rate = p.seconds > 0 ? static_cast<double>(p.trials_run) / p.seconds : 0.0;
      const double eta =
          rate > 0 ? static_cast<double>(p.trials_total - p.trials_done) / rate : 0.0;
      std::fprintf(
          stderr, "\rsweep: cells %llu/%llu  trials %llu/%llu  %.2f trials/s  ETA %s\033[K",
          static_cast<unsigned long long>(p.cells_done),
          static_cast<unsigned long long>(p.cells_total),
          static_cast<unsigned long long>(p.trials_done),
          static_cast<unsigned long long>(p.trials_total), rate, duration_text(eta).c_str());
      std::fflush(stderr);
    };
  }
  SweepReport report;
  try {
    report = run_sweep(config, kind, args.out, options);
  } catch (...) {
    if (show) std::fprintf(stderr, "\n");
    throw;
  }
  if (show) std::fprintf(stderr, "\n");
  if (!report.build_change.empty()) std::cerr << "sweep: note: " << report.build_change << "\n";
  if (args.quiet) return;
  const std::string dir = args.out;
  if (report.nothing_to_do) {
    std::cerr << "sweep: " << dir << " is already complete (" << report.trials_total
              << " trials); nothing to do\n";
  } else {
    std::cerr << "sweep: " << cells.size() << " cells, " << report.trials_total << " trials ("
              << report.trials_run << " run now, " << report.trials_previous << " resumed) in "
              << duration_text(report.seconds) << "; results in " << dir << "/" << kTrialsFile
              << " and " << dir << "/" << kSummaryFile << "\n";
  }
}

}  // namespace

void register_sweep(CLI::App& app) {
  auto args = std::make_shared<SweepArgs>();
  CLI::App* cmd = app.add_subcommand(
      "sweep",
      "Run (or resume) a Monte Carlo sweep over a grid of settings; results in --out DIR.\n"
      "Every config key can be given as a flag, lists comma-separated; flags override the file.");
  cmd->add_option("config", args->config_file, "Sweep config (.toml or .json); optional");
  cmd->add_option("--out", args->out, "Output directory (created; resumed if it holds this sweep)")
      ->required();
  cmd->add_option("--threads", args->threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1u, 4096u));
  cmd->add_option("--shard", args->shard, "Run only shard k of N (k/N, 1 <= k <= N)");
  cmd->add_flag("--quiet", args->quiet, "No progress or final line on stderr");
  for (const std::string& key : config_keys()) {
    std::string names = "--" + key;
    if (key.find('_') != std::string::npos) {
      std::string dashed = key;
      std::replace(dashed.begin(), dashed.end(), '_', '-');
      names += ",--" + dashed;
    }
    cmd->add_option_function<std::string>(
           names, [args, key](const std::string& v) { args->flags[key] = v; },
           "Config key " + key + " (overrides the file)")
        ->group("Config keys");
  }
  cmd->callback([args] { run(*args); });
  register_merge(app);
}

}  // namespace reluid::sim
