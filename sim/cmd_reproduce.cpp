// `reluid reproduce paper`: rerun the paper's Tables 1–6 and put our numbers beside its own.
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "sim/commands.hpp"
#include "sim/provenance.hpp"
#include "sim/reproduce.hpp"

namespace reluid::sim {

namespace {

struct ReproduceArgs {
  ReproduceFlags flags;
  std::string out;
  unsigned threads = 0;
  bool quiet = false;
};

std::string duration_text(double seconds) {
  char buf[32];
  if (seconds < 90) {
    std::snprintf(buf, sizeof buf, "%.0f s", seconds);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f min", std::ceil(seconds / 60));
  }
  return buf;
}

/// A one-line progress display on stderr, redrawn at most every 0.2 s; ends its line when done.
class ProgressLine {
 public:
  explicit ProgressLine(bool on) : on_(on) {}
  ~ProgressLine() {
    if (on_ && drawn_) std::fputc('\n', stderr);
  }
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void draw(const ReproduceProgress& p) {
    const auto now = std::chrono::steady_clock::now();
    if (!on_ || (now < next_ && p.trials_done < p.trials_total)) return;
    next_ = now + std::chrono::milliseconds(200);
    drawn_ = true;
    // The ETA assumes the remaining fits cost what this run's fits cost on average; methods
    // differ a lot in cost, so it is rough until every method has run.
    const double per_trial = p.trials_run ? p.seconds / static_cast<double>(p.trials_run) : 0;
    const auto left = static_cast<double>(p.trials_total - p.trials_done);
    std::fprintf(
        stderr, "\rreproduce: %s/%s (%zu/%zu)  trials %llu/%llu  ETA %s\033[K", p.dataset.c_str(),
        p.method.c_str(), p.sweep + 1, p.sweeps, static_cast<unsigned long long>(p.trials_done),
        static_cast<unsigned long long>(p.trials_total), duration_text(per_trial * left).c_str());
    std::fflush(stderr);
  }

 private:
  bool on_ = false, drawn_ = false;
  std::chrono::steady_clock::time_point next_{};
};

void run(const ReproduceArgs& args) {
  const ReproduceConfig config = reproduce_config(args.flags);
  ReproduceReport report;
  {
    ProgressLine line(!args.quiet && ::isatty(::fileno(stderr)));
    report = run_reproduce(config, args.out,
                           {.threads = args.threads,
                            .command_line = process_command_line(),
                            .on_progress = [&line](const ReproduceProgress& p) { line.draw(p); }});
  }
  if (!report.build_change.empty()) std::cerr << "reproduce: note: " << report.build_change << "\n";
  if (args.quiet) return;
  if (report.nothing_to_do) {
    std::cerr << "reproduce: " << args.out << " is already complete (" << report.trials_total
              << " trials); nothing to do\n";
    return;
  }
  std::cerr << "reproduce: " << report.trials_total << " trials (" << report.trials_run
            << " run now, " << report.trials_previous << " resumed) in "
            << duration_text(report.seconds) << "; tables in " << args.out << "/" << kTablesCsvFile
            << " and " << args.out << "/" << kTablesMdFile << "\n";
}

}  // namespace

void register_reproduce(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("reproduce", "Rerun a published experiment");
  cmd->require_subcommand(1);
  auto args = std::make_shared<ReproduceArgs>();
  CLI::App* paper = cmd->add_subcommand(
      "paper",
      "Li, Wang & Ding (2023) §4.1, Tables 1-6: every data set x sigma x replication, every\n"
      "method, GMM selection; resumable. Writes DIR/tables.csv and DIR/tables.md (ours beside the\n"
      "paper; test MSE against the noiseless test response, the noisy one in tables.csv), one\n"
      "sweep directory per (data set, method) and DIR/timing.csv.");
  paper->add_option("--out", args->out, "Output directory (created; resumed if it holds this run)")
      ->required();
  paper->add_option("--reps", args->flags.reps, "Replications per (data set, sigma) (default 100)");
  paper->add_option("--threads", args->threads, "Worker threads (default: all cores)")
      ->check(CLI::Range(1u, 4096u));
  paper->add_option("--datasets", args->flags.datasets,
                    "Comma-separated data sets of nn,linear,friedman (default: these three) and "
                    "friedman_uniform (friedman with x ~ U[0,1]^50, not one of the paper's)");
  paper->add_option("--sigmas", args->flags.sigmas,
                    "Comma-separated noise levels for every data set (default: the paper's own "
                    "list per data set: nn and friedman 0,0.5,1,5; linear 0,1,3,5)");
  paper->add_option("--methods", args->flags.methods,
                    "Comma-separated methods of nn,lasso,omp,rf,gb (default: these five) and "
                    "nn_adaptive (nn with its adaptive second stage, set beside the paper's NN)");
  paper->add_option("--seed", args->flags.seed, "Master seed (default 1)");
  paper->add_flag("--quiet", args->quiet, "No progress or final line on stderr");
  paper->callback([args] { run(*args); });
}

}  // namespace reluid::sim
