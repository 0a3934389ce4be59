// Tests of the sweep machinery: config validation, determinism across threads and shards,
// crash-safe resume, merge, the per-cell summary and the CLI's handling of bad input.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "sim/config.hpp"
#include "sim/provenance.hpp"
#include "sim/results.hpp"
#include "sim/seed.hpp"
#include "sim/summary.hpp"
#include "sim/sweep.hpp"
#include "support.hpp"
#include "theory/binomial.hpp"
#include "theory/check.hpp"
#include "theory/io.hpp"

using namespace reluid;
using namespace reluid::sim;
namespace fs = std::filesystem;

namespace {

/// A fresh, empty scratch path unique to this process and test.
fs::path scratch(const std::string& name) {
  return test::scratch_path("sweep", name);
}

std::string read(const fs::path& file) {
  return theory::read_text(file);
}

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

/// 2 × 2 × 2 = 8 cells of 6 trials.
SweepConfig small_config(std::uint64_t seed = 11) {
  SweepConfig c;
  c.grid.n = {10, 20};
  c.grid.p = {5};
  c.grid.s = {2};
  c.grid.r = {1, 2};
  c.grid.sigma = {0.0, 0.5};
  c.trials = 6;
  c.seed = seed;
  return c;
}

/// A synthetic trial drawing every outcome from the trial's own engine. `seconds` is drawn too,
/// so whole files are comparable byte for byte. Optional hook runs first (to crash or throw).
TrialKind synthetic_kind(std::function<void(const Cell&, std::uint64_t)> hook = {}) {
  return {{"success", "certificate", "D2", "error_eq7", "seconds"},
          [hook](const Cell& cell, std::uint64_t seed, std::uint64_t trial) {
            if (hook) hook(cell, trial);
            auto rng = make_engine(seed, cell.id, trial, Stream::data);
            const arma::vec u = theory::uniform(4, 1, 0.0, 1.0, rng);
            const bool ok = u(0) < 1.0 / (1.0 + cell.sigma);
            const char* cert =
                u(1) < 0.3 ? "certified" : (u(1) < 0.8 ? "uncertified" : "infeasible");
            return std::vector<std::string>{ok ? "1" : "0", cert, format_number(u(2) * cell.sigma),
                                            format_number(u(3)), format_number(u(2) + u(3))};
          }};
}

/// The rows an uninterrupted sweep must produce, computed trial by trial without the driver.
std::string expected_trials(const SweepConfig& config, const TrialKind& kind) {
  TrialRows rows;
  rows.header = parameter_columns();
  rows.header.insert(rows.header.end(), kind.columns.begin(), kind.columns.end());
  for (const Cell& cell : make_cells(config)) {
    for (std::uint64_t t = 0; t < cell.trials; ++t) {
      std::string line = parameter_fields(cell, t, config.seed);
      for (const auto& v : kind.run(cell, config.seed, t)) line += "," + v;
      rows.lines[{cell.id, t}] = line;
    }
  }
  return trials_text(rows);
}

/// Runs `config` into `dir` with a kind that throws at cell 1's first trial: an unfinished
/// sweep (no summary) holding cell 0's trials.
void leave_unfinished(const SweepConfig& config, const fs::path& dir) {
  const auto bad = synthetic_kind([](const Cell& cell, std::uint64_t trial) {
    if (cell.id == 1 && trial == 0) throw std::runtime_error("stop here");
  });
  REQUIRE_THROWS(run_sweep(config, bad, dir, {.threads = 1}));
}

/// A DYNAMIC_ARCH kernel other than this build's.
std::string other_kernel() {
  const std::string here = build_info()["libraries"]["openblas"];
  return openblas_kernel(here) == "Cooperlake" ? "SkylakeX" : "Cooperlake";
}

/// Rewrites dir/run.json as if its first invocation had run on OpenBLAS kernel `kernel`.
void pretend_first_run_kernel(const fs::path& dir, const std::string& kernel) {
  auto run = nlohmann::json::parse(read(dir / kRunFile));
  REQUIRE(!run["runs"].empty());
  run["runs"][0]["build"]["libraries"]["openblas"] =
      "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY " + kernel + " MAX_THREADS=64";
  theory::write_text_atomic(dir / kRunFile, run.dump(1) + "\n");
}

int run_cli(const std::string& args, const fs::path& err_file) {
  const std::string cmd =
      std::string(RELUID_BINARY) + " " + args + " > /dev/null 2> " + err_file.string();
  const int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

TEST_CASE("make_cells: Cartesian product in documented order with ids", "[sweep]") {
  const auto cells = make_cells(small_config());
  REQUIRE(cells.size() == 8);
  for (std::size_t i = 0; i < cells.size(); ++i) REQUIRE(cells[i].id == i);
  // n outermost, sigma innermost here.
  REQUIRE(cells[0].n == 10);
  REQUIRE(cells[4].n == 20);
  REQUIRE(cells[1].sigma == 0.5);
  REQUIRE(cells[2].r == 2);
  REQUIRE(cells[7].trials == 6);
}

TEST_CASE("sweep: rows do not depend on the thread count", "[sweep]") {
  const SweepConfig config = small_config();
  const TrialKind kind = synthetic_kind();
  const std::string expected = expected_trials(config, kind);
  std::string summary;
  for (unsigned threads : {1u, 2u, 5u}) {
    CAPTURE(threads);
    const fs::path dir = scratch("threads" + std::to_string(threads));
    const auto report = run_sweep(config, kind, dir, {.threads = threads});
    REQUIRE(report.trials_total == 48);
    REQUIRE(report.trials_run == 48);
    REQUIRE(read(dir / kTrialsFile) == expected);
    if (summary.empty()) summary = read(dir / kSummaryFile);
    REQUIRE(read(dir / kSummaryFile) == summary);
    const auto run = nlohmann::json::parse(read(dir / kRunFile));
    REQUIRE(run["runs"].back()["status"] == "complete");
    REQUIRE(run["config"] == config_to_json(config));
  }
}

TEST_CASE("sweep: re-running a finished sweep changes nothing", "[sweep]") {
  const SweepConfig config = small_config();
  const fs::path dir = scratch("rerun");
  run_sweep(config, synthetic_kind(), dir, {.threads = 2});
  const std::string trials = read(dir / kTrialsFile), run = read(dir / kRunFile);
  std::atomic<int> calls{0};
  const auto report = run_sweep(
      config, synthetic_kind([&](const Cell&, std::uint64_t) { ++calls; }), dir, {.threads = 2});
  REQUIRE(report.nothing_to_do);
  REQUIRE(calls == 0);
  REQUIRE(read(dir / kTrialsFile) == trials);
  REQUIRE(read(dir / kRunFile) == run);
}

TEST_CASE("sweep: resume after the process is killed mid-run gives the uninterrupted rows",
          "[sweep]") {
  const SweepConfig config = small_config();
  const std::string expected = expected_trials(config, synthetic_kind());
  const fs::path dir = scratch("killed");
  const std::size_t total = 48;
  // The child sweeps slowly on 2 threads; the parent SIGKILLs it once some rows are on disk.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    try {
      run_sweep(config, synthetic_kind([](const Cell&, std::uint64_t) {
                  std::this_thread::sleep_for(std::chrono::milliseconds(20));
                }),
                dir, {.threads = 2});
    } catch (...) {
      ::_exit(3);
    }
    ::_exit(0);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  std::size_t rows_seen = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    std::error_code ec;
    if (fs::exists(dir / kTrialsFile, ec)) {
      std::ifstream in(dir / kTrialsFile);
      std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
      rows_seen = count_lines(text);
      if (rows_seen > 8) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  REQUIRE(WIFSIGNALED(status));
  REQUIRE(WTERMSIG(status) == SIGKILL);
  REQUIRE_FALSE(fs::exists(dir / kSummaryFile));
  const std::string partial = read(dir / kTrialsFile);
  const std::size_t rows_before = count_lines(partial) - 1;
  CAPTURE(rows_before);
  REQUIRE(rows_before > 0);
  REQUIRE(rows_before < total);
  // A torn last write (power loss mid-row) must be discarded, not kept or duplicated.
  { std::ofstream(dir / kTrialsFile, std::ios::app) << "0,5,11,10,5,2,1,0,0.5,2,1,bou"; }

  const auto report = run_sweep(config, synthetic_kind(), dir, {.threads = 3});
  REQUIRE(report.trials_previous == rows_before);
  REQUIRE(report.trials_run == total - rows_before);
  REQUIRE(read(dir / kTrialsFile) == expected);
  const auto run = nlohmann::json::parse(read(dir / kRunFile));
  REQUIRE(run["runs"].size() == 2);
  // The killed invocation never recorded its end; the resuming one (holding the dir's lock)
  // marked it interrupted.
  REQUIRE(run["runs"][0]["status"] == "interrupted");
  REQUIRE(run["runs"][0]["end"].is_null());
  REQUIRE(run["runs"][1]["status"] == "complete");
}

TEST_CASE("sweep: a throwing trial stops cleanly; resume completes the same rows", "[sweep]") {
  const SweepConfig config = small_config();
  const fs::path dir = scratch("throws");
  const auto bad = synthetic_kind([](const Cell& cell, std::uint64_t trial) {
    if (cell.id == 3 && trial == 2) throw std::runtime_error("solver blew up");
  });
  REQUIRE_THROWS_WITH(run_sweep(config, bad, dir, {.threads = 2}),
                      Catch::Contains("cell 3, trial 2") && Catch::Contains("solver blew up"));
  const std::string partial = read(dir / kTrialsFile);
  REQUIRE(partial.find("\n3,2,") == std::string::npos);
  REQUIRE(partial.back() == '\n');
  REQUIRE_FALSE(fs::exists(dir / kSummaryFile));
  run_sweep(config, synthetic_kind(), dir, {.threads = 2});
  REQUIRE(read(dir / kTrialsFile) == expected_trials(config, synthetic_kind()));
}

TEST_CASE("sweep: shards merged equal the unsharded run", "[sweep]") {
  const SweepConfig config = small_config(5);
  const TrialKind kind = synthetic_kind();
  const fs::path full = scratch("full");
  run_sweep(config, kind, full, {.threads = 2});
  std::vector<fs::path> shards;
  std::size_t rows = 0;
  for (std::uint64_t k = 1; k <= 3; ++k) {
    shards.push_back(scratch("shard" + std::to_string(k)));
    const auto report = run_sweep(config, kind, shards.back(),
                                  {.threads = static_cast<unsigned>(k), .shard = {k, 3}});
    REQUIRE(report.trials_total == 16);
    rows += count_lines(read(shards.back() / kTrialsFile)) - 1;
  }
  REQUIRE(rows == 48);
  const fs::path merged = scratch("merged");
  SECTION("complete set") {
    const MergeReport report = merge_shards({shards[2], shards[0], shards[1]}, merged);
    REQUIRE(report.rows == 48);
    CHECK(report.build_change.empty());
    REQUIRE(read(merged / kTrialsFile) == read(full / kTrialsFile));
    REQUIRE(read(merged / kSummaryFile) == read(full / kSummaryFile));
    REQUIRE(read_identity(merged) == read_identity(full));
    // The merged run.json keeps each shard's log (builds, commands, threads) under its shard.
    const auto log = nlohmann::json::parse(read(merged / kRunFile));
    const auto& shard_runs = log["runs"].back()["shard_runs"];
    REQUIRE(shard_runs.size() == 3);
    for (std::uint64_t k = 1; k <= 3; ++k) {
      CAPTURE(k);
      const auto shard_log = nlohmann::json::parse(read(shards[k - 1] / kRunFile));
      CHECK(shard_runs.at(std::to_string(k) + "/3") == shard_log["runs"]);
    }
  }
  SECTION("shards of one build, and a shard of another") {
    // Shard 2 pretends to have run on other OpenBLAS kernels, shard 3 under another commit.
    const std::string here = build_info()["libraries"]["openblas"], kernel = other_kernel();
    pretend_first_run_kernel(shards[1], kernel);
    auto run = nlohmann::json::parse(read(shards[2] / kRunFile));
    run["runs"][0]["build"]["git_commit"] = "0123456789ab";
    theory::write_text_atomic(shards[2] / kRunFile, run.dump(1) + "\n");
    // The merge itself does not depend on the builds; its report names the first difference.
    const MergeReport report = merge_shards({shards[0], shards[1], shards[2]}, merged);
    REQUIRE(report.rows == 48);
    REQUIRE(read(merged / kTrialsFile) == read(full / kTrialsFile));
    const std::string& change = report.build_change;
    CAPTURE(change);
    CHECK_THAT(change, Catch::StartsWith("trials of shard 2/3 (run started "));
    CHECK_THAT(change, Catch::Contains("than those of shard 1/3 (run started "));
    if (!openblas_kernel(here).empty()) {
      CHECK_THAT(change, Catch::Contains("(openblas kernel " + openblas_kernel(here) + " -> " +
                                         kernel + ")"));
      CHECK_THAT(change, Catch::EndsWith("OPENBLAS_CORETYPE=" + openblas_kernel(here) +
                                         " selects the " + openblas_kernel(here) + " kernels"));
    }
    // runs_build_change on the shards' logs as the merge gathers them: shard 3's commit, and a
    // shard without a readable run.json skipped.
    const auto merged_log = nlohmann::json::parse(read(merged / kRunFile));
    const nlohmann::json& shard_runs = merged_log["runs"].back()["shard_runs"];
    const auto some =
        nlohmann::json::object({{"1/3", shard_runs.at("1/3")}, {"3/3", shard_runs.at("3/3")}});
    CHECK_THAT(runs_build_change(some),
               Catch::Contains("git_commit '" + build_info()["git_commit"].get<std::string>() +
                               "' -> '0123456789ab'"));
    CHECK(
        runs_build_change(nlohmann::json::object({{"1/3", shard_runs.at("1/3")}, {"2/3", nullptr}}))
            .empty());
  }
  SECTION("missing or repeated shard") {
    REQUIRE_THROWS_WITH(merge_shards({shards[0], shards[2]}, merged),
                        Catch::Contains("shard 2/3 is missing"));
    REQUIRE_THROWS_WITH(merge_shards({shards[0], shards[0], shards[1]}, merged),
                        Catch::Contains("shard 1/3 given twice"));
    REQUIRE_FALSE(fs::exists(merged));
  }
  SECTION("shard of another sweep") {
    const fs::path other = scratch("other");
    run_sweep(small_config(6), kind, other, {.shard = {2, 3}});
    REQUIRE_THROWS_WITH(merge_shards({shards[0], other, shards[2]}, merged),
                        Catch::Contains("different sweeps"));
  }
  SECTION("a shard dir refuses another shard") {
    REQUIRE_THROWS_WITH(run_sweep(config, kind, shards[0], {.shard = {2, 3}}),
                        Catch::Contains("shard differs"));
  }
}

TEST_CASE("quantile: type 7 matches R's quantile()", "[sweep]") {
  // R: quantile(c(4, 1, 3, 2)) → 1.75, 2.5, 3.25; quantile(c(10, 0, 7), 0.9) → 9.4.
  REQUIRE(quantile({4, 1, 3, 2}, 0.25) == Approx(1.75));
  REQUIRE(quantile({4, 1, 3, 2}, 0.5) == Approx(2.5));
  REQUIRE(quantile({4, 1, 3, 2}, 0.75) == Approx(3.25));
  REQUIRE(quantile({10, 0, 7}, 0.9) == Approx(9.4));
  REQUIRE(quantile({5}, 0.25) == 5.0);
  REQUIRE(std::isnan(quantile({}, 0.5)));
}

TEST_CASE("summary: counts, intervals, rates and medians match the rows", "[sweep]") {
  const SweepConfig config = small_config(3);
  const fs::path dir = scratch("summary");
  run_sweep(config, synthetic_kind(), dir, {.threads = 2});
  const std::string text = read(dir / kSummaryFile);
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  const auto header = split_fields(line);
  const auto col = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    REQUIRE(it != header.end());
    return static_cast<std::size_t>(it - header.begin());
  };
  const auto cells = make_cells(config);
  const TrialKind kind = synthetic_kind();
  std::size_t cell_rows = 0;
  while (std::getline(in, line)) {
    const auto f = split_fields(line);
    const Cell& cell = cells.at(std::stoul(f[0]));
    CAPTURE(cell.id);
    // Recompute from the trial function directly.
    std::uint64_t k = 0, certified = 0;
    std::vector<double> d2, secs;
    for (std::uint64_t t = 0; t < cell.trials; ++t) {
      const auto v = kind.run(cell, config.seed, t);
      k += v[0] == "1";
      certified += v[1] == "certified";
      d2.push_back(std::stod(v[2]));
      secs.push_back(std::stod(v[4]));
    }
    std::sort(d2.begin(), d2.end());
    std::sort(secs.begin(), secs.end());
    REQUIRE(f[col("trials")] == "6");
    REQUIRE(std::stoul(f[col("successes")]) == k);
    REQUIRE(std::stod(f[col("p_hat")]) == Approx(k / 6.0));
    const auto ci = theory::clopper_pearson(k, 6);
    REQUIRE(std::stod(f[col("ci_low")]) == Approx(ci.lower));
    REQUIRE(std::stod(f[col("ci_high")]) == Approx(ci.upper));
    REQUIRE(std::stod(f[col("certificate_certified")]) == Approx(certified / 6.0));
    // The l1 certificate classes are always reported, seen or not, so summaries of different
    // sweeps have the same columns.
    for (const char* c : {"recovered", "optimizer_failure", "estimator_failure", "uncertified"})
      REQUIRE(f.size() > col(std::string("certificate_") + c));
    REQUIRE(std::stod(f[col("certificate_recovered")]) == 0.0);
    REQUIRE(std::stod(f[col("D2_median")]) == Approx((d2[2] + d2[3]) / 2));  // even count: midpoint
    REQUIRE(std::stod(f[col("seconds_median")]) == Approx((secs[2] + secs[3]) / 2));
    ++cell_rows;
  }
  REQUIRE(cell_rows == cells.size());
}

TEST_CASE("config: TOML, JSON and flags give the same canonical config", "[sweep]") {
  const fs::path dir = scratch("configs");
  fs::create_directories(dir);
  {
    std::ofstream(dir / "a.toml") << "n = [50, 100]\np = 20\ns = 6\nr = 3\nsigma = [0, 0.1]\n"
                                     "trials = 4\nseed = 7\n[options]\nstarts = 3\n";
    std::ofstream(dir / "a.json") << R"({"n": [50, 100], "p": [20], "s": 6, "r": 3,
                                        "sigma": [0.0, 0.1], "trials": 4, "seed": 7,
                                        "options": {"starts": 3}})";
  }
  const auto from_toml = config_to_json(config_from_json(read_config_file(dir / "a.toml")));
  const auto from_json = config_to_json(config_from_json(read_config_file(dir / "a.json")));
  const auto from_flags =
      config_to_json(config_from_json(overrides_from_flags({{"n", "50,100"},
                                                            {"p", "20"},
                                                            {"s", "6"},
                                                            {"r", "3"},
                                                            {"sigma", "0, 0.1"},
                                                            {"trials", "4"},
                                                            {"seed", "7"},
                                                            {"options", "starts=3"}})));
  REQUIRE(from_toml == from_json);
  REQUIRE(from_flags == from_json);
  REQUIRE(config_from_json(from_json).grid.sigma == std::vector<double>{0.0, 0.1});
  // Flags override the file key by key (options merged).
  auto j = read_config_file(dir / "a.toml");
  j.merge_patch(overrides_from_flags({{"n", "200"}, {"options", R"({"tol": 1e-6})"}}));
  const auto merged = config_from_json(j);
  REQUIRE(merged.grid.n == std::vector<std::uint64_t>{200});
  REQUIRE(merged.options == nlohmann::json({{"starts", 3}, {"tol", 1e-6}}));
}

TEST_CASE("config: bad input names the field and the value", "[sweep]") {
  const nlohmann::json base = {{"n", 50}, {"p", 20}, {"s", 6}, {"r", 3}};
  const auto with = [&](const std::string& key, const nlohmann::json& v) {
    auto j = base;
    j[key] = v;
    return j;
  };
  using Catch::Contains;
  REQUIRE_THROWS_WITH(config_from_json(with("lambda", 1)),
                      Contains("config: unknown key (got \"lambda\")"));
  REQUIRE_THROWS_WITH(config_from_json(with("n", "many")),
                      Contains("n: must be a positive integer (got \"many\")"));
  REQUIRE_THROWS_WITH(config_from_json(with("n", 2.5)),
                      Contains("n: must be a positive integer (got 2.5)"));
  REQUIRE_THROWS_WITH(config_from_json(with("sigma", -0.5)),
                      Contains("sigma: must be >= 0 (got -0.5)"));
  REQUIRE_THROWS_WITH(config_from_json(with("sigma", "x")),
                      Contains("sigma: must be a finite number (got \"x\")"));
  REQUIRE_THROWS_WITH(config_from_json(with("r", 0)),
                      Contains("r: must be a positive integer (got 0)"));
  REQUIRE_THROWS_WITH(config_from_json(with("r", -2)),
                      Contains("r: must be a positive integer (got -2)"));
  REQUIRE_THROWS_WITH(config_from_json(with("mu", 0)), Contains("mu: must be in (0, 1] (got 0)"));
  REQUIRE_THROWS_WITH(config_from_json(with("mu", 1.5)),
                      Contains("mu: must be in (0, 1] (got 1.5)"));
  REQUIRE_THROWS_WITH(config_from_json(with("p", nlohmann::json::array())),
                      Contains("p: grid list is empty (got [])"));
  REQUIRE_THROWS_WITH(config_from_json(with("trials", 0)),
                      Contains("trials: must be a positive integer (got 0)"));
  REQUIRE_THROWS_WITH(config_from_json(with("trials", nlohmann::json::array({1, 2}))),
                      Contains("trials: takes a single value"));
  REQUIRE_THROWS_WITH(config_from_json(with("noise", "cauchy")),
                      Contains("noise: must be \"bounded\" or \"gaussian\" (got \"cauchy\")"));
  REQUIRE_THROWS_WITH(config_from_json(with("n", nlohmann::json::array({50, 50}))),
                      Contains("n: duplicate grid value (got 50)"));
  REQUIRE_THROWS_WITH(config_from_json(nlohmann::json{{"n", 5}}),
                      Contains("missing required key \"p\""));
  REQUIRE_THROWS_WITH(make_cells(config_from_json(with("s", 30))),
                      Contains("s: must be <= p (got s = 30, p = 20)"));
  REQUIRE_THROWS_WITH(make_cells(config_from_json(with("rho", 0.5))),
                      Contains("rho: must be 0 for input = gaussian (got 0.5)"));
  REQUIRE_THROWS_WITH(make_cells(config_from_json(with("bias_bound", 3))),
                      Contains("bias_bound: must be <= B"));
  for (const char* shard : {"3/2", "0/2", "a/b", "1-2", "1/", "/2", "1/0", "1/2/3"}) {
    CAPTURE(shard);
    REQUIRE_THROWS_WITH(parse_shard(shard), Contains("shard: must be k/N with 1 <= k <= N (got " +
                                                     std::string(shard) + ")"));
  }
  REQUIRE(parse_shard("2/5").k == 2);
  const fs::path dir = scratch("bad-toml");
  fs::create_directories(dir);
  std::ofstream(dir / "bad.toml") << "n = [50,\n";
  REQUIRE_THROWS_WITH(read_config_file(dir / "bad.toml"), Contains("not valid TOML"));
  REQUIRE_THROWS_WITH(read_config_file(dir / "c.yaml"), Contains("must end in .toml or .json"));
}

TEST_CASE("sweep: foreign, different or unwritable DIR is refused and left unchanged", "[sweep]") {
  const TrialKind kind = synthetic_kind();
  SECTION("a different config in an existing sweep dir") {
    const fs::path dir = scratch("diff");
    run_sweep(small_config(1), kind, dir, {.threads = 2});
    const std::string before = read(dir / kTrialsFile) + read(dir / kRunFile);
    REQUIRE_THROWS_WITH(
        run_sweep(small_config(2), kind, dir),
        Catch::Contains("out: directory holds a different sweep (config.seed differs)"));
    REQUIRE(read(dir / kTrialsFile) + read(dir / kRunFile) == before);
  }
  SECTION("a directory with other files") {
    const fs::path dir = scratch("foreign");
    fs::create_directories(dir);
    std::ofstream(dir / "notes.txt") << "mine";
    REQUIRE_THROWS_WITH(run_sweep(small_config(), kind, dir), Catch::Contains("refusing to mix"));
    REQUIRE(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
  }
  SECTION("a path under a regular file") {
    const fs::path file = scratch("plainfile");
    std::ofstream(file) << "x";
    REQUIRE_THROWS_WITH(run_sweep(small_config(), kind, file / "out"),
                        Catch::Contains("is not a directory"));
    REQUIRE_THROWS_WITH(run_sweep(small_config(), kind, file),
                        Catch::Contains("exists and is not a directory"));
  }
  SECTION("bad method options create nothing") {
    const fs::path dir = scratch("badoptions");
    TrialKind checked = kind;
    checked.check_options = [](const nlohmann::json& o) {
      if (!o.empty()) theory::fail("options", "unknown key (got " + o.dump() + ")");
    };
    SweepConfig c = small_config();
    c.options = {{"foo", 1}};
    REQUIRE_THROWS_WITH(run_sweep(c, checked, dir), Catch::Contains("options: unknown key"));
    REQUIRE_FALSE(fs::exists(dir));
  }
  SECTION("bad config creates nothing") {
    const fs::path dir = scratch("nothing");
    SweepConfig c = small_config();
    c.grid.s = {9};
    REQUIRE_THROWS_AS(run_sweep(c, kind, dir), std::invalid_argument);
    REQUIRE_FALSE(fs::exists(dir));
  }
}

TEST_CASE("reluid sweep: bad input exits 2 with one line and creates nothing", "[sweep]") {
  const fs::path dir = scratch("cli");
  fs::create_directories(dir);
  const fs::path out = dir / "out", err = dir / "err.txt";
  std::ofstream(dir / "unknown.toml") << "n = 50\np = 20\ns = 6\nr = 3\nlamda = 1\n";
  struct Case {
    std::string args, message;
  };
  const std::string grid = " --n 50 --p 20 --s 6 --r 3 --out " + out.string();
  const Case c = GENERATE_COPY(
      Case{(dir / "unknown.toml").string() + " --out " + out.string(),
           "config: unknown key (got \"lamda\")"},
      Case{"--sigma -1" + grid, "sigma: must be >= 0 (got -1)"},
      Case{"--mu 0" + grid, "mu: must be in (0, 1] (got 0)"},
      Case{"--trials 0" + grid, "trials: must be a positive integer (got 0)"},
      Case{"--n 50 --p 20 --s 30 --r 3 --out " + out.string(),
           "s: must be <= p (got s = 30, p = 20)"},
      Case{"--n 50 --p 20 --s 6 --r 0 --out " + out.string(),
           "r: must be a positive integer (got 0)"},
      Case{"--shard 4/3" + grid, "shard: must be k/N with 1 <= k <= N (got 4/3)"},
      Case{"--n 50 --p 20 --s 6 --r 3 --out /proc/version/x", "out: cannot be created"});
  CAPTURE(c.args);
  REQUIRE(run_cli("sweep " + c.args, err) == 2);
  const std::string text = read(err);
  REQUIRE(count_lines(text) == 1);
  REQUIRE_THAT(text, Catch::Contains(c.message));
  REQUIRE_FALSE(fs::exists(out));
}

TEST_CASE("config: the shipped example configs are valid", "[sweep]") {
  std::size_t files = 0;
  for (const auto& entry :
       fs::directory_iterator(fs::path(RELUID_SOURCE_DIR) / "sim" / "configs")) {
    if (entry.path().extension() != ".toml") continue;
    CAPTURE(entry.path().string());
    const SweepConfig config = config_from_json(read_config_file(entry.path()));
    REQUIRE(make_cells(config).size() > 1);
    ++files;
  }
  REQUIRE(files >= 3);
}

TEST_CASE("sweep: a dir being written by another process is refused, and freed by its death",
          "[sweep]") {
  const SweepConfig config = small_config();
  const fs::path dir = scratch("locked");
  leave_unfinished(config, dir);
  const std::string before = read(dir / kTrialsFile);
  const std::string run_before = read(dir / kRunFile);
  {
    // flock conflicts between two open descriptions even within one process, which stands in
    // for a second process here.
    DirLock held(dir);
    REQUIRE_THROWS_WITH(run_sweep(config, synthetic_kind(), dir, {.threads = 1}),
                        Catch::Contains("out: is in use by another reluid process"));
    REQUIRE(read(dir / kTrialsFile) == before);
    REQUIRE(read(dir / kRunFile) == run_before);
  }
  run_sweep(config, synthetic_kind(), dir, {.threads = 1});
  REQUIRE(read(dir / kTrialsFile) == expected_trials(config, synthetic_kind()));
}

TEST_CASE("build_info: git_commit is the source tree's HEAD at build time", "[sweep][provenance]") {
  // Read at every build (cmake/GitCommit.cmake), so a rebuilt program never reports the commit
  // of an older configure. Run after a build of the current tree (as `make test` does).
  const std::string commit = build_info().at("git_commit");
  const test::Run head = test::run("git -C " + std::string(RELUID_SOURCE_DIR) +
                                   " rev-parse --short=12 HEAD 2>/dev/null");
  if (head.status != 0) {
    REQUIRE(commit == "unknown");
    return;
  }
  const std::string expected = head.output.substr(0, head.output.find('\n'));
  CAPTURE(commit, expected);
  REQUIRE((commit == expected || commit == expected + "-dirty"));
}

TEST_CASE("openblas_kernel: the DYNAMIC_ARCH kernel name of an openblas_get_config() string",
          "[sweep][provenance]") {
  CHECK(openblas_kernel("OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH NO_AFFINITY Haswell "
                        "MAX_THREADS=64") == "Haswell");
  CHECK(openblas_kernel("OpenBLAS 0.3.21 DYNAMIC_ARCH Cooperlake MAX_THREADS=64") == "Cooperlake");
  // A build for one target names no kernel that OPENBLAS_CORETYPE could select.
  CHECK(openblas_kernel("OpenBLAS 0.3.21 NO_LAPACKE NO_AFFINITY Haswell MAX_THREADS=64").empty());
  CHECK(openblas_kernel("OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH MAX_THREADS=64").empty());
  CHECK(openblas_kernel("").empty());
}

TEST_CASE("build_difference names what changed between two builds", "[sweep][provenance]") {
  const nlohmann::json now = build_info();
  CHECK(build_difference(now, now).empty());
  nlohmann::json other = now;
  other["git_commit"] = "0123456789ab";
  other["libraries"]["armadillo"] = "9.0.0 (old)";
  const std::string diff = build_difference(other, now);
  CHECK_THAT(diff, Catch::Contains("git_commit '0123456789ab' -> '" +
                                   now["git_commit"].get<std::string>() + "'"));
  CHECK_THAT(diff, Catch::Contains("armadillo '9.0.0 (old)' -> '"));
  // Only the kernel is named when two DYNAMIC_ARCH configurations differ in it alone.
  nlohmann::json a = {{"libraries",
                       {{"openblas",
                         "OpenBLAS 0.3.21 DYNAMIC_ARCH Cooperlake "
                         "MAX_THREADS=64"}}}};
  nlohmann::json b = {{"libraries",
                       {{"openblas",
                         "OpenBLAS 0.3.21 DYNAMIC_ARCH Haswell "
                         "MAX_THREADS=64"}}}};
  CHECK(build_difference(a, b) == "openblas kernel Cooperlake -> Haswell");
  // Keys one side lacks (a run.json of an older reluid had no "cpu") are not compared.
  nlohmann::json old = now;
  old.erase("cpu");
  CHECK(build_difference(old, now).empty());
}

TEST_CASE("sweep: resuming trials of another build says so, and how to pin its OpenBLAS kernels",
          "[sweep][provenance]") {
  const SweepConfig config = small_config();
  const fs::path dir = scratch("build_change");
  leave_unfinished(config, dir);
  const auto run = nlohmann::json::parse(read(dir / kRunFile));
  REQUIRE(run["runs"].size() == 1);
  REQUIRE(run["runs"][0]["trials_run"].get<std::uint64_t>() > 0);
  // The run recorded this build; pretend it ran elsewhere.
  const std::string here = build_info()["libraries"]["openblas"], kernel = other_kernel();
  pretend_first_run_kernel(dir, kernel);
  const auto report = run_sweep(config, synthetic_kind(), dir, {.threads = 1});
  REQUIRE(report.trials_run > 0);
  CAPTURE(report.build_change);
  CHECK_THAT(report.build_change, Catch::Contains("earlier trials in " + dir.string()));
  if (openblas_kernel(here).empty()) {
    CHECK_THAT(report.build_change, Catch::Contains("openblas '"));
  } else {
    CHECK_THAT(report.build_change,
               Catch::Contains("openblas kernel " + kernel + " -> " + openblas_kernel(here)));
    CHECK_THAT(report.build_change, Catch::EndsWith("OPENBLAS_CORETYPE=" + kernel +
                                                    " selects the " + kernel + " kernels"));
  }
  // The rows are those of one build all along (the synthetic kind does not use BLAS).
  REQUIRE(read(dir / kTrialsFile) == expected_trials(config, synthetic_kind()));
}

TEST_CASE("sweep: a resume by the build that wrote every earlier trial has no build note",
          "[sweep][provenance]") {
  const SweepConfig config = small_config();
  const fs::path dir = scratch("build_same");
  leave_unfinished(config, dir);
  const auto report = run_sweep(config, synthetic_kind(), dir, {.threads = 1});
  REQUIRE(report.trials_run > 0);
  CHECK(report.build_change.empty());
}
