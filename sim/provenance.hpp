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
  /// "failed: WHAT", ...), and rewrites the file atomically.
  void finish(const std::string& status, std::uint64_t trials_run);

 private:
  std::filesystem::path file_;
  nlohmann::json doc_;
};

}  // namespace reluid::sim
