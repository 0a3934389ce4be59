// `reluid merge`: combine the shard directories of one sweep into one result directory.
#include <iostream>
#include <memory>

#include "sim/commands.hpp"
#include "sim/provenance.hpp"
#include "sim/results.hpp"
#include "sim/sweep.hpp"

namespace reluid::sim {

void register_merge(CLI::App& app) {
  struct Args {
    std::vector<std::string> inputs;
    std::string out;
    bool quiet = false;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "merge", "Merge the finished shards (--shard k/N runs) of one sweep into --out DIR");
  cmd->add_option("dirs", args->inputs, "Shard directories, one per shard 1..N")->required();
  cmd->add_option("--out", args->out, "Output directory (absent, empty, or an earlier merge)")
      ->required();
  cmd->add_flag("--quiet", args->quiet, "No final line on stderr");
  cmd->callback([args] {
    std::vector<std::filesystem::path> inputs(args->inputs.begin(), args->inputs.end());
    const MergeReport report = merge_shards(inputs, args->out, process_command_line());
    if (!report.build_change.empty()) std::cerr << "merge: note: " << report.build_change << "\n";
    if (!args->quiet) {
      std::cerr << "merge: " << inputs.size() << " shards, " << report.rows
                << " trials; results in " << args->out << "/" << kTrialsFile << " and " << args->out
                << "/" << kSummaryFile << "\n";
    }
  });
}

}  // namespace reluid::sim
