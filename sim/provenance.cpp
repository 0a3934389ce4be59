// run.json: build information and the log of invocations.
#include "sim/provenance.hpp"

#include <glpk.h>
#include <toml++/toml.h>
#include <CLI/Version.hpp>
#include <algorithm>
#include <armadillo>
#include <boost/version.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <sstream>

#include "reluid_git_commit.hpp"
#include "theory/io.hpp"

extern "C" char* openblas_get_config(void);

namespace reluid::sim {

namespace {

/// The CPU's model name from /proc/cpuinfo ("unknown" if unreadable). OpenBLAS picks its kernels
/// and blocking by CPU, so the last bits of products, and through them a nonconvex fit, can
/// differ between machines (README, "Reproducibility").
std::string cpu_model() {
  try {
    const std::string info = theory::read_text("/proc/cpuinfo");
    const std::size_t key = info.find("model name");
    if (key == std::string::npos) return "unknown";
    const std::size_t colon = info.find(':', key), end = info.find('\n', key);
    if (colon == std::string::npos || colon > end) return "unknown";
    std::string name = info.substr(colon + 1, end == std::string::npos ? end : end - colon - 1);
    name.erase(0, name.find_first_not_of(" \t"));
    return name.empty() ? "unknown" : name;
  } catch (const std::runtime_error&) {
    return "unknown";
  }
}

}  // namespace

nlohmann::json build_info() {
  return {{"program", "reluid"},
          {"cpu", cpu_model()},
          {"version", RELUID_VERSION},
          {"git_commit", RELUID_GIT_COMMIT},
          {"build_type", RELUID_BUILD_TYPE},
          {"compiler", std::string(
#if defined(__clang__)
                           "clang "
#elif defined(__GNUC__)
                           "gcc "
#endif
                           ) +
                           __VERSION__},
          {"libraries",
           {{"armadillo", arma::arma_version::as_string()},
            {"boost", BOOST_LIB_VERSION},
            {"glpk", std::to_string(GLP_MAJOR_VERSION) + "." + std::to_string(GLP_MINOR_VERSION)},
            {"openblas", openblas_get_config()},
            {"nlohmann_json", std::to_string(NLOHMANN_JSON_VERSION_MAJOR) + "." +
                                  std::to_string(NLOHMANN_JSON_VERSION_MINOR) + "." +
                                  std::to_string(NLOHMANN_JSON_VERSION_PATCH)},
            {"tomlplusplus", std::to_string(TOML_LIB_MAJOR) + "." + std::to_string(TOML_LIB_MINOR) +
                                 "." + std::to_string(TOML_LIB_PATCH)},
            {"cli11", CLI11_VERSION}}}};
}

std::string openblas_kernel(const std::string& config) {
  std::istringstream words(config);
  std::vector<std::string> w{std::istream_iterator<std::string>(words), {}};
  if (std::find(w.begin(), w.end(), "DYNAMIC_ARCH") == w.end()) return "";
  for (std::size_t i = 1; i < w.size(); ++i) {
    if (w[i].starts_with("MAX_THREADS=") && !w[i - 1].starts_with("NO_") &&
        w[i - 1] != "DYNAMIC_ARCH")
      return w[i - 1];
  }
  return "";
}

std::string build_difference(const nlohmann::json& before, const nlohmann::json& now) {
  std::string out;
  const auto note = [&](const std::string& key, const nlohmann::json& a, const nlohmann::json& b) {
    if (a == b) return;
    const auto text = [](const nlohmann::json& v) {
      return v.is_string() ? v.get<std::string>() : v.dump();
    };
    if (!out.empty()) out += "; ";
    const std::string ka = key == "openblas" ? openblas_kernel(text(a)) : "",
                      kb = key == "openblas" ? openblas_kernel(text(b)) : "";
    if (!ka.empty() && !kb.empty() && ka != kb)
      out += "openblas kernel " + ka + " -> " + kb;
    else
      out += key + " '" + text(a) + "' -> '" + text(b) + "'";
  };
  if (!before.is_object() || !now.is_object()) return out;
  for (const auto& [key, value] : now.items()) {
    if (key == "program" || !before.contains(key)) continue;
    if (key == "libraries" && value.is_object() && before[key].is_object()) {
      for (const auto& [lib, version] : value.items())
        if (before[key].contains(lib)) note(lib, before[key][lib], version);
    } else {
      note(key, before[key], value);
    }
  }
  return out;
}

namespace {

/// Whether an invocation recorded in run.json may have written trials: it says it ran some, or
/// it was killed (which records none).
bool may_have_run_trials(const nlohmann::json& run) {
  if (!run.is_object() || !run.contains("build")) return false;
  const std::string status = run.value("status", "");
  return status == "interrupted" || status == "running" ||
         (run.contains("trials_run") && run["trials_run"].is_number() &&
          run["trials_run"].get<double>() > 0);
}

/// "; OPENBLAS_CORETYPE=K selects the K kernels" when `before` ran on DYNAMIC_ARCH kernel K and
/// `now` on another; empty otherwise.
std::string coretype_hint(const nlohmann::json& before, const nlohmann::json& now) {
  const auto kernel = [](const nlohmann::json& build) {
    if (!build.is_object() || !build.contains("libraries") || !build["libraries"].is_object())
      return std::string();
    const auto& libs = build["libraries"];
    return libs.contains("openblas") && libs["openblas"].is_string()
               ? openblas_kernel(libs["openblas"].get<std::string>())
               : std::string();
  };
  const std::string k = kernel(before), here = kernel(now);
  return !k.empty() && !here.empty() && k != here
             ? "; OPENBLAS_CORETYPE=" + k + " selects the " + k + " kernels"
             : std::string();
}

/// The first entry of a run.json "runs" array that may have run trials under a build other than
/// `build`, or null.
const nlohmann::json* first_other_build(const nlohmann::json& runs, const nlohmann::json& build) {
  for (const auto& run : runs)
    if (may_have_run_trials(run) && !build_difference(run["build"], build).empty()) return &run;
  return nullptr;
}

}  // namespace

std::string runs_build_change(const nlohmann::json& shard_runs) {
  const nlohmann::json* first = nullptr;
  std::string first_where;
  for (const auto& [shard, runs] : shard_runs.items()) {
    if (!runs.is_array()) continue;
    if (!first) {
      const auto it = std::find_if(runs.begin(), runs.end(), may_have_run_trials);
      if (it == runs.end()) continue;
      first = &(*it)["build"];
      first_where = "shard " + shard + " (run started " + it->value("start", "?") + ")";
    }
    if (const nlohmann::json* run = first_other_build(runs, *first))
      return "trials of shard " + shard + " (run started " + run->value("start", "?") +
             ") came from another build than those of " + first_where + " (" +
             build_difference(*first, (*run)["build"]) + "): they may differ in the last bits" +
             coretype_hint(*first, (*run)["build"]);
  }
  return "";
}

std::vector<std::string> process_command_line() {
  std::vector<std::string> args;
  std::string raw;
  try {
    raw = theory::read_text("/proc/self/cmdline");
  } catch (const std::runtime_error&) {
    return args;
  }
  std::size_t start = 0;
  while (start < raw.size()) {
    const std::size_t end = raw.find('\0', start);
    args.push_back(raw.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return args;
}

std::string utc_timestamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(ms));
  return out;
}

RunLog::RunLog(std::filesystem::path file, const nlohmann::json& identity,
               const std::vector<std::string>& command_line, unsigned threads)
    : file_(std::move(file)) {
  if (std::filesystem::exists(file_)) {
    try {
      doc_ = nlohmann::json::parse(theory::read_text(file_));
    } catch (const nlohmann::json::exception&) {
      doc_ = nullptr;  // a damaged log is replaced rather than blocking the sweep
    }
  }
  if (!doc_.is_object() || !doc_.contains("runs") || !doc_["runs"].is_array()) {
    doc_ = {{"build", build_info()},
            {"config", identity.at("config")},
            {"shard", identity.at("shard")},
            {"runs", nlohmann::json::array()}};
  }
  // The caller holds the dir's lock (DirLock), so an earlier run still marked "running" is not
  // running: it was killed before it could record its end.
  for (auto& run : doc_["runs"]) {
    if (run.is_object() && run.value("status", "") == "running") run["status"] = "interrupted";
  }
  // The earliest invocation that may have left trials (a killed one records none but may have
  // written some) under another build.
  const nlohmann::json build = build_info();
  if (const nlohmann::json* run = first_other_build(doc_["runs"], build))
    build_change_ = "earlier trials in " + file_.parent_path().string() + " (run started " +
                    run->value("start", "?") + ") came from another build (" +
                    build_difference((*run)["build"], build) +
                    "): results may differ from this build's in the last bits" +
                    coretype_hint((*run)["build"], build);
  doc_["runs"].push_back({{"command", command_line},
                          {"build", build},
                          {"threads", threads},
                          {"start", utc_timestamp()},
                          {"end", nullptr},
                          {"trials_run", 0},
                          {"status", "running"}});
  theory::write_text_atomic(file_, doc_.dump(1) + "\n");
}

void RunLog::finish(const std::string& status, std::uint64_t trials_run,
                    const nlohmann::json& extra) {
  auto& run = doc_["runs"].back();
  if (extra.is_object())
    for (const auto& [key, value] : extra.items()) run[key] = value;
  run["end"] = utc_timestamp();
  run["trials_run"] = trials_run;
  run["status"] = status;
  theory::write_text_atomic(file_, doc_.dump(1) + "\n");
}

}  // namespace reluid::sim
