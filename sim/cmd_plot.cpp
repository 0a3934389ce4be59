// `reluid plot DIR`: runs the gnuplot scripts of plots/ on the CSVs of `reluid analyze DIR` and
// writes PNG and PDF figures into DIR/plots/.
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>

#include "sim/commands.hpp"
#include "sim/results.hpp"
#include "theory/check.hpp"
#include "theory/io.hpp"

extern char** environ;

namespace reluid::sim {

namespace {

namespace fs = std::filesystem;

/// Runs a program (searched on PATH) with `args`, stdout/stderr inherited; returns its exit code
/// (127 when it cannot be started).
int run_program(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = 0;
  if (::posix_spawnp(&pid, argv[0], nullptr, nullptr, argv.data(), environ) != 0) return 127;
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return 127;
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/// One column of a reluid CSV by header name (fields split on ',').
std::vector<std::string> csv_column(const fs::path& file, const std::string& name) {
  const std::string text = theory::read_text(file);
  std::vector<std::string> out;
  std::size_t pos = 0, col = 0;
  bool header = true;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    const auto fields = split_fields(std::string_view(text).substr(pos, end - pos));
    pos = end + 1;
    if (fields.empty() || (fields.size() == 1 && fields[0].empty())) continue;
    if (header) {
      const auto it = std::find(fields.begin(), fields.end(), name);
      if (it == fields.end()) theory::fail(file.string(), "missing column \"" + name + "\"");
      col = static_cast<std::size_t>(it - fields.begin());
      header = false;
      continue;
    }
    theory::require(col < fields.size(), file.string(), "short line");
    out.push_back(fields[col]);
  }
  return out;
}

/// Space-separated distinct values of a column in order of first appearance.
std::string distinct_words(const std::vector<std::string>& values) {
  std::string s;
  std::vector<std::string> seen;
  for (const auto& v : values) {
    if (std::find(seen.begin(), seen.end(), v) != seen.end()) continue;
    seen.push_back(v);
    s += (s.empty() ? "" : " ") + v;
  }
  return s;
}

std::string words(const std::vector<std::string>& values) {
  std::string s;
  for (const auto& v : values) s += (s.empty() ? "" : " ") + v;
  return s;
}

/// The plots/ directory: --scripts, else $RELUID_PLOTS, else next to the program
/// (build dir's parent) or the working directory.
fs::path find_scripts(const std::string& option) {
  std::vector<fs::path> candidates;
  if (!option.empty()) {
    theory::require(fs::exists(fs::path(option) / "recovery.gp"), "--scripts",
                    "must be a directory holding recovery.gp", option);
    return option;
  }
  if (const char* env = std::getenv("RELUID_PLOTS")) candidates.emplace_back(env);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    candidates.push_back(exe.parent_path() / "plots");
    candidates.push_back(exe.parent_path().parent_path() / "plots");
  }
  candidates.push_back(fs::current_path() / "plots");
  for (const auto& c : candidates)
    if (fs::exists(c / "recovery.gp")) return c;
  throw std::runtime_error(
      "plot: cannot find the gnuplot scripts (plots/recovery.gp); pass --scripts");
}

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "''";  // gnuplot single-quoted strings double the quote
    else
      out += c;
  }
  return out + "'";
}

void run_plot(const std::string& dir_text, const std::string& scripts_option) {
  const fs::path dir(dir_text);
  const fs::path data = dir / "analysis";
  for (const fs::path& f : {dir / "transition.csv", data / "points.csv", data / "curves.csv"}) {
    theory::require(fs::exists(f), "DIR", "run `reluid analyze DIR` first: missing " + f.string(),
                    dir_text);
  }
  const fs::path scripts = find_scripts(scripts_option);
  if (run_program({"gnuplot", "-e", "exit"}) != 0) {
    throw std::runtime_error("plot: gnuplot not found on PATH (Debian package gnuplot-nox)");
  }
  const fs::path out = dir / "plots";
  fs::create_directories(out);
  // gnuplot writes into a private directory; finished files are renamed into place, so readers
  // never see half-written figures.
  const fs::path tmp = out / (".tmp-" + std::to_string(::getpid()));
  fs::create_directories(tmp);

  std::map<std::string, std::string> common = {
      {"dir", quoted(dir.string())},
      {"datadir", quoted(data.string())},
      {"outdir", quoted(tmp.string())},
      {"scripts", quoted(scripts.string())},
  };
  const auto groups = csv_column(data / "points.csv", "label");
  common["labels"] = quoted(distinct_words(groups));
  common["ngroups"] =
      std::to_string(std::count(common["labels"].begin(), common["labels"].end(), ' ') + 1);

  struct Job {
    std::string script;
    std::map<std::string, std::string> vars;
  };
  std::vector<Job> jobs;
  // Recovery against n and one phase diagram per panel (groups that differ in something other
  // than n and p, each with its own scaling fit; a single panel keeps the name heatmap) — only
  // where some group has 2 or more n values: a σ or μ sweep at one n has no transition in n.
  {
    const auto point_panels = csv_column(data / "points.csv", "panel");
    const auto n_values = csv_column(data / "points.csv", "n_values");
    std::vector<std::string> panels;
    for (std::size_t i = 0; i < point_panels.size(); ++i) {
      const auto& w = point_panels[i];
      if (n_values[i] != "0" && n_values[i] != "1" &&
          std::find(panels.begin(), panels.end(), w) == panels.end())
        panels.push_back(w);
    }
    if (!panels.empty()) jobs.push_back({"recovery", {}});
    std::vector<std::string> scaling_panels, scaling_k, scaling_C;
    if (fs::exists(data / "scaling.csv")) {
      scaling_panels = csv_column(data / "scaling.csv", "panel");
      scaling_k = csv_column(data / "scaling.csv", "k");
      scaling_C = csv_column(data / "scaling.csv", "C");
    }
    for (std::size_t i = 0; i < panels.size(); ++i) {
      std::string pk = "NaN", pC = "NaN";
      for (std::size_t j = 0; j < scaling_panels.size(); ++j) {
        if (scaling_panels[j] == panels[i] && scaling_k[j] != "nan") {
          pk = scaling_k[j];
          pC = scaling_C[j];
        }
      }
      const std::string suffix = panels.size() == 1 ? "" : "_" + std::to_string(i + 1);
      const std::map<std::string, std::string> vars = {
          {"panel", sim::quoted(panels[i])},
          {"k", pk},
          {"C", pC},
          {"panel_title", panels.size() == 1 ? std::string("''") : sim::quoted(panels[i])}};
      auto with_name = [&](const std::string& name) {
        auto v = vars;
        v["outname"] = sim::quoted(name + suffix);
        return v;
      };
      jobs.push_back({"heatmap", with_name("heatmap")});
      // The collapse n/(log p)^k̂ of the panel, where its scaling fit gave k̂.
      if (pk != "NaN") jobs.push_back({"collapse", with_name("collapse")});
    }
  }

  if (fs::exists(data / "sigma.csv")) {
    jobs.push_back({"sigma",
                    {{"slabels", quoted(words(csv_column(data / "sigma.csv", "label")))},
                     {"slopes", quoted(words(csv_column(data / "sigma.csv", "slope")))},
                     {"intercepts", quoted(words(csv_column(data / "sigma.csv", "intercept")))}}});
  }
  if (fs::exists(data / "mu_points.csv")) {
    jobs.push_back(
        {"mu", {{"mlabels", quoted(distinct_words(csv_column(data / "mu_points.csv", "label")))}}});
  }
  std::vector<fs::path> written;
  for (const auto& job : jobs) {
    std::string defs;
    for (const auto& [name, value] : common) defs += name + "=" + value + "; ";
    for (const auto& [name, value] : job.vars) defs += name + "=" + value + "; ";
    const fs::path script = scripts / (job.script + ".gp");
    theory::require(fs::exists(script), "plot", "missing gnuplot script", script.string());
    if (run_program({"gnuplot", "-e", defs, script.string()}) != 0) {
      fs::remove_all(tmp);
      throw std::runtime_error("plot: gnuplot failed on " + script.string());
    }
    const auto out_name = job.vars.find("outname");
    const std::string base = out_name == job.vars.end()
                                 ? job.script
                                 : out_name->second.substr(1, out_name->second.size() - 2);
    for (const char* ext : {".png", ".pdf"}) {
      const fs::path made = tmp / (base + ext);
      if (!fs::exists(made) || fs::file_size(made) == 0) {
        fs::remove_all(tmp);
        throw std::runtime_error("plot: " + script.string() + " did not write " +
                                 made.filename().string());
      }
      fs::rename(made, out / made.filename());
      written.push_back(out / made.filename());
    }
  }
  fs::remove_all(tmp);
  std::cout << "reluid plot: wrote " << written.size() << " files to " << out.string() << ":";
  for (const auto& w : written) std::cout << " " << w.filename().string();
  std::cout << "\n";
}

}  // namespace

void register_plot(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "plot", "Figures (PNG + PDF, gnuplot) of `reluid analyze DIR` output into DIR/plots/");
  auto dir = std::make_shared<std::string>();
  auto scripts = std::make_shared<std::string>();
  cmd->add_option("DIR", *dir, "Sweep output directory (after `reluid analyze DIR`)")->required();
  cmd->add_option("--scripts", *scripts,
                  "Directory of the gnuplot scripts (default: plots/ of the source tree)");
  cmd->callback([dir, scripts] { run_plot(*dir, *scripts); });
}

}  // namespace reluid::sim
