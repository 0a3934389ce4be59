// Provenance of a sweep directory: DIR/run.json records the build, the configuration and every
// invocation (command line, threads, start and end times, trials run, how it ended).
#pragma once

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace reluid::sim {

/// The program's build: version, git commit, build type, compiler and library versions.
nlohmann::json build_info();

/// This process's command line, from /proc/self/cmdline (empty where unavailable).
std::vector<std::string> process_command_line();

/// Current UTC time as ISO 8601 with milliseconds, e.g. "2026-11-22T04:51:07.123Z".
std::string utc_timestamp();

/// Appends an invocation to DIR/run.json (creating it with build info and `identity` if absent)
/// at construction, marked "running"; finish() records the end. A killed run stays "running"
/// until the next invocation on the dir (which holds the dir's DirLock) marks it "interrupted".
class RunLog {
 public:
  RunLog(std::filesystem::path file, const nlohmann::json& identity,
         const std::vector<std::string>& command_line, unsigned threads);
  /// Records the end time, the trials this invocation ran and its status ("complete",
  /// "failed: WHAT", ...), and the keys of `extra` (a JSON object, or null for none) into this
  /// invocation's entry, and rewrites the file atomically.
  void finish(const std::string& status, std::uint64_t trials_run,
              const nlohmann::json& extra = nullptr);
  /// Empty, or one line naming how this invocation's build differs from that of the latest
  /// earlier invocation on the dir that may have run trials (git commit, build type, compiler,
  /// libraries, CPU): their trials and this one's may differ in the last bits (README,
  /// "Reproducibility"). Where the OpenBLAS kernels differ it says how to pin the earlier ones.
  const std::string& build_change() const { return build_change_; }

 private:
  std::filesystem::path file_;
  nlohmann::json doc_;
  std::string build_change_;
};

/// How `now` differs from `before` (two build_info() objects) in what can change a result's
/// digits, e.g. "openblas 'A' -> 'B'; cpu 'X' -> 'Y'"; empty if in nothing. Keys missing from
/// one side (an older reluid's run.json) are not compared.
std::string build_difference(const nlohmann::json& before, const nlohmann::json& now);

/// Empty, or one line naming two invocations that may have run trials under builds that differ
/// (build_difference): the first such invocation of all and the first whose build differs from
/// its, with the OPENBLAS_CORETYPE that selects the first one's kernels where those differ.
/// `shard_runs` maps a shard ("2/3") to the "runs" array of its run.json, or to null (no readable
/// run.json: skipped), as merge_shards gathers it; shards are searched in key order.
std::string runs_build_change(const nlohmann::json& shard_runs);

/// The kernel name in an openblas_get_config() string of a DYNAMIC_ARCH build ("Haswell" in
/// "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64"), the value
/// OPENBLAS_CORETYPE takes; empty for any other string.
std::string openblas_kernel(const std::string& config);

}  // namespace reluid::sim
