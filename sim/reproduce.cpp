// The paper reproduction: one sweep per (data set, method) through run_sweep, and the tables.
#include "sim/reproduce.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <thread>
#include <tuple>

#include "sim/csv.hpp"
#include "sim/provenance.hpp"
#include "sim/results.hpp"
#include "sim/seed.hpp"
#include "sim/summary.hpp"
#include "solvers/gmm_split.hpp"
#include "solvers/registry.hpp"
#include "theory/check.hpp"
#include "theory/io.hpp"

namespace reluid::sim {

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

/// results/paper/paper_tables.csv, byte for byte (tests/test_reproduce.cpp compares them).
constexpr const char* kPaperTables = R"csv(
table,dataset,method,metric,sigma,value
1,nn,NN,TP,0,10.0
1,nn,NN,TP,0.5,9.7
1,nn,NN,TP,1,9.8
1,nn,NN,TP,5,6.7
1,nn,LASSO,TP,0,9.5
1,nn,LASSO,TP,0.5,8.8
1,nn,LASSO,TP,1,8.6
1,nn,LASSO,TP,5,6.5
1,nn,OMP,TP,0,8.4
1,nn,OMP,TP,0.5,8.0
1,nn,OMP,TP,1,8.6
1,nn,OMP,TP,5,5.8
1,nn,RF,TP,0,6.3
1,nn,RF,TP,0.5,6.8
1,nn,RF,TP,1,7.4
1,nn,RF,TP,5,4.2
1,nn,GB,TP,0,7.9
1,nn,GB,TP,0.5,7.8
1,nn,GB,TP,1,8.4
1,nn,GB,TP,5,5.6
1,nn,NN,FP,0,0.0
1,nn,NN,FP,0.5,0.1
1,nn,NN,FP,1,1.8
1,nn,NN,FP,5,1.3
1,nn,LASSO,FP,0,12.4
1,nn,LASSO,FP,0.5,10.8
1,nn,LASSO,FP,1,10.5
1,nn,LASSO,FP,5,9.3
1,nn,OMP,FP,0,0.1
1,nn,OMP,FP,0.5,0.4
1,nn,OMP,FP,1,0.0
1,nn,OMP,FP,5,0.4
1,nn,RF,FP,0,0.1
1,nn,RF,FP,0.5,0.2
1,nn,RF,FP,1,0.7
1,nn,RF,FP,5,0.8
1,nn,GB,FP,0,1.2
1,nn,GB,FP,0.5,1.5
1,nn,GB,FP,1,3.1
1,nn,GB,FP,5,3.5
2,nn,NN,test_mse,0,0.55
2,nn,NN,test_mse,0.5,0.72
2,nn,NN,test_mse,1,1.18
2,nn,NN,test_mse,5,4.75
2,nn,LASSO,test_mse,0,5.05
2,nn,LASSO,test_mse,0.5,5.71
2,nn,LASSO,test_mse,1,5.07
2,nn,LASSO,test_mse,5,5.5
2,nn,OMP,test_mse,0,5.27
2,nn,OMP,test_mse,0.5,4.75
2,nn,OMP,test_mse,1,5.01
2,nn,OMP,test_mse,5,6.17
2,nn,RF,test_mse,0,10.01
2,nn,RF,test_mse,0.5,8.86
2,nn,RF,test_mse,1,9.22
2,nn,RF,test_mse,5,9.7
2,nn,GB,test_mse,0,5.67
2,nn,GB,test_mse,0.5,5.84
2,nn,GB,test_mse,1,6.58
2,nn,GB,test_mse,5,10.92
3,linear,NN,TP,0,3.0
3,linear,NN,TP,1,2.7
3,linear,NN,TP,3,2.2
3,linear,NN,TP,5,1.6
3,linear,LASSO,TP,0,2.7
3,linear,LASSO,TP,1,3.0
3,linear,LASSO,TP,3,2.5
3,linear,LASSO,TP,5,2.1
3,linear,OMP,TP,0,3.0
3,linear,OMP,TP,1,2.8
3,linear,OMP,TP,3,2.5
3,linear,OMP,TP,5,1.7
3,linear,RF,TP,0,1.5
3,linear,RF,TP,1,1.5
3,linear,RF,TP,3,1.7
3,linear,RF,TP,5,1.4
3,linear,GB,TP,0,1.3
3,linear,GB,TP,1,1.5
3,linear,GB,TP,3,1.3
3,linear,GB,TP,5,1.0
3,linear,NN,FP,0,0.0
3,linear,NN,FP,1,0.0
3,linear,NN,FP,3,0.1
3,linear,NN,FP,5,0.3
3,linear,LASSO,FP,0,0.0
3,linear,LASSO,FP,1,0.0
3,linear,LASSO,FP,3,0.1
3,linear,LASSO,FP,5,0.3
3,linear,OMP,FP,0,0.0
3,linear,OMP,FP,1,0.0
3,linear,OMP,FP,3,0.3
3,linear,OMP,FP,5,0.9
3,linear,RF,FP,0,0.0
3,linear,RF,FP,1,0.0
3,linear,RF,FP,3,0.0
3,linear,RF,FP,5,0.3
3,linear,GB,FP,0,0.0
3,linear,GB,FP,1,0.0
3,linear,GB,FP,3,0.0
3,linear,GB,FP,5,0.1
4,linear,NN,test_mse,0,0.11
4,linear,NN,test_mse,1,0.43
4,linear,NN,test_mse,3,2.11
4,linear,NN,test_mse,5,5.42
4,linear,LASSO,test_mse,0,0.0
4,linear,LASSO,test_mse,1,0.13
4,linear,LASSO,test_mse,3,1.32
4,linear,LASSO,test_mse,5,4.97
4,linear,OMP,test_mse,0,0.0
4,linear,OMP,test_mse,1,0.09
4,linear,OMP,test_mse,3,1.47
4,linear,OMP,test_mse,5,6.61
4,linear,RF,test_mse,0,3.54
4,linear,RF,test_mse,1,3.52
4,linear,RF,test_mse,3,4.98
4,linear,RF,test_mse,5,10.0
4,linear,GB,test_mse,0,2.68
4,linear,GB,test_mse,1,3.04
4,linear,GB,test_mse,3,5.76
4,linear,GB,test_mse,5,14.2
5,friedman,NN,TP,0,4.8
5,friedman,NN,TP,0.5,5.0
5,friedman,NN,TP,1,5.0
5,friedman,NN,TP,5,4.9
5,friedman,LASSO,TP,0,4.04
5,friedman,LASSO,TP,0.5,4.06
5,friedman,LASSO,TP,1,4.1
5,friedman,LASSO,TP,5,4.13
5,friedman,OMP,TP,0,4.0
5,friedman,OMP,TP,0.5,4.0
5,friedman,OMP,TP,1,4.0
5,friedman,OMP,TP,5,4.0
5,friedman,RF,TP,0,4.64
5,friedman,RF,TP,0.5,4.54
5,friedman,RF,TP,1,4.72
5,friedman,RF,TP,5,3.87
5,friedman,GB,TP,0,4.98
5,friedman,GB,TP,0.5,4.94
5,friedman,GB,TP,1,4.94
5,friedman,GB,TP,5,4.5
5,friedman,NN,FP,0,0.0
5,friedman,NN,FP,0.5,0.0
5,friedman,NN,FP,1,0.0
5,friedman,NN,FP,5,0.1
5,friedman,LASSO,FP,0,2.03
5,friedman,LASSO,FP,0.5,2.24
5,friedman,LASSO,FP,1,2.22
5,friedman,LASSO,FP,5,4.72
5,friedman,OMP,FP,0,0.17
5,friedman,OMP,FP,0.5,0.13
5,friedman,OMP,FP,1,0.09
5,friedman,OMP,FP,5,0.17
5,friedman,RF,FP,0,0.03
5,friedman,RF,FP,0.5,0.02
5,friedman,RF,FP,1,0.02
5,friedman,RF,FP,5,0.22
5,friedman,GB,FP,0,0.03
5,friedman,GB,FP,0.5,0.0
5,friedman,GB,FP,1,0.02
5,friedman,GB,FP,5,0.56
6,friedman,NN,test_mse,0,1.89
6,friedman,NN,test_mse,0.5,2.08
6,friedman,NN,test_mse,1,2.32
6,friedman,NN,test_mse,5,5.69
6,friedman,LASSO,test_mse,0,6.28
6,friedman,LASSO,test_mse,0.5,6.08
6,friedman,LASSO,test_mse,1,6.2
6,friedman,LASSO,test_mse,5,6.94
6,friedman,OMP,test_mse,0,5.8
6,friedman,OMP,test_mse,0.5,5.98
6,friedman,OMP,test_mse,1,5.45
6,friedman,OMP,test_mse,5,6.31
6,friedman,RF,test_mse,0,5.22
6,friedman,RF,test_mse,0.5,5.43
6,friedman,RF,test_mse,1,5.36
6,friedman,RF,test_mse,5,7.82
6,friedman,GB,test_mse,0,1.75
6,friedman,GB,test_mse,0.5,1.87
6,friedman,GB,test_mse,1,2.18
6,friedman,GB,test_mse,5,7.57
)csv";

const std::vector<std::string>& reproduce_columns() {
  static const std::vector<std::string> columns{
      "tp", "fp", "fn", "n_selected", "selected", "test_mse", "test_mse_noisy", "seconds"};
  return columns;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

/// The paper's table of (data set, metric): 1–2 nn, 3–4 linear, 5–6 friedman; TP and FP in the
/// odd table, the test errors in the even one.
/// The paper's data set a data set is compared with: friedman_uniform → friedman, else itself.
std::string paper_counterpart(const std::string& dataset) {
  return dataset == to_string(PaperDataset::friedman_uniform) ? to_string(PaperDataset::friedman)
                                                              : dataset;
}

int table_of(const std::string& dataset, const std::string& metric) {
  const int base = 2 * static_cast<int>(parse_paper_dataset(paper_counterpart(dataset))) + 1;
  return (metric == "TP" || metric == "FP") ? base : base + 1;
}

/// One row of the trial: fit, select, predict.
std::vector<std::string> run_paper_trial(PaperDataset d, const solvers::Method& method,
                                         const Cell& cell, std::uint64_t master,
                                         std::uint64_t trial) {
  const std::uint64_t key = paper_cell_key(d, cell.sigma);
  const PaperData data = make_paper_data(
      {.dataset = d, .sigma = cell.sigma, .n_train = cell.n, .n_test = 0}, master, key, trial);
  auto rng = make_engine(master, key, trial, Stream::solver);
  const auto start = Clock::now();
  const auto fitted = method.fit(data.train.X, data.train.y, rng);
  const arma::uvec selected = solvers::select(*fitted);
  const arma::vec predicted = fitted->predict(data.test.X);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  std::uint64_t tp = 0;
  std::string list;
  for (const arma::uword j : selected) {
    if (arma::any(data.support == j)) ++tp;
    list += (list.empty() ? "" : ";") + std::to_string(j + 1);
  }
  const std::uint64_t fp = selected.n_elem - tp, fn = data.support.n_elem - tp;
  return {std::to_string(tp),
          std::to_string(fp),
          std::to_string(fn),
          std::to_string(selected.n_elem),
          list,
          format_number(arma::mean(arma::square(predicted - data.test.f))),
          format_number(arma::mean(arma::square(predicted - data.test.y))),
          format_number(seconds)};
}

/// Everything about one (data set, method) sweep of a reproduction.
struct Part {
  PaperDataset dataset;
  std::string method;
  SweepConfig config;
  std::vector<Cell> cells;
  fs::path dir;
};

std::vector<Part> make_parts(const ReproduceConfig& config, const fs::path& dir) {
  std::vector<Part> parts;
  for (const PaperDataset d : config.datasets) {
    for (const std::string& m : reproduce_methods(config)) {
      Part part{d, m, reproduce_sweep_config(config, d, m), {}, dir / reproduce_subdir(d, m)};
      part.cells = make_cells(part.config);
      parts.push_back(std::move(part));
    }
  }
  return parts;
}

/// Metric values of every (data set, METHOD, metric, σ), and seconds per (data set, method).
using StatKey = std::tuple<std::string, std::string, std::string, double>;
struct Collected {
  std::map<StatKey, std::vector<double>> values;
  std::map<std::pair<std::string, std::string>, std::vector<double>> seconds;
};

double parse_double(const std::string& text, const fs::path& file) {
  const auto x = parse_number(text);
  if (!x) throw std::runtime_error(file.string() + ": not a number (got \"" + text + "\")");
  return *x;
}

/// Comma-separated items; an empty item is an error naming `where`.
std::vector<std::string> split_list(const std::string& text, const std::string& where) {
  std::vector<std::string> items;
  for (const std::string& item : split_fields(text)) {
    if (item.empty()) theory::fail(where, "empty item in the list (got \"" + text + "\")");
    items.push_back(item);
  }
  return items;
}

Collected collect(const ReproduceConfig& config, const fs::path& dir) {
  Collected out;
  for (const Part& part : make_parts(config, dir)) {
    const fs::path file = part.dir / kTrialsFile;
    const LoadedTrials loaded = read_trials(file, part.cells, config.seed, Shard{});
    const auto& header = loaded.rows.header;
    const auto column = [&](const std::string& name) {
      const auto it = std::find(header.begin(), header.end(), name);
      if (it == header.end()) throw std::runtime_error(file.string() + ": no column " + name);
      return static_cast<std::size_t>(it - header.begin());
    };
    const std::string dataset = to_string(part.dataset), method = upper(part.method);
    const std::vector<std::pair<std::string, std::size_t>> metrics{
        {"TP", column("tp")},
        {"FP", column("fp")},
        {"test_mse", column("test_mse")},
        {"test_mse_noisy", column("test_mse_noisy")}};
    const std::size_t seconds = column("seconds");
    for (const auto& [key, line] : loaded.rows.lines) {
      const auto fields = split_fields(line);
      const double sigma = part.cells[key.first].sigma;
      for (const auto& [metric, c] : metrics) {
        out.values[{dataset, method, metric, sigma}].push_back(parse_double(fields[c], file));
      }
      out.seconds[{dataset, part.method}].push_back(parse_double(fields[seconds], file));
    }
  }
  return out;
}

MetricStats stats(const std::vector<double>& v) {
  MetricStats s;
  s.reps = v.size();
  double sum = 0;
  for (const double x : v) sum += x;
  s.mean = sum / static_cast<double>(v.size());
  double ss = 0;
  for (const double x : v) ss += (x - s.mean) * (x - s.mean);
  s.std_err =
      v.size() > 1
          ? std::sqrt(ss / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()))
          : std::nan("");
  return s;
}

/// Three significant digits, for tables.md.
std::string short_number(double x) {
  if (!std::isfinite(x)) return "—";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g", x);
  return buf;
}

std::string sigma_label(double sigma) {
  return format_number(sigma);
}

struct Row {
  int table;
  std::string dataset, method, metric;
  double sigma;
  std::optional<MetricStats> ours;
  std::optional<std::string> paper;
};

/// |ours − paper| / se, where both sides exist and se is positive.
std::optional<double> diff_in_se(const Row& r) {
  if (!r.ours || !r.paper || !std::isfinite(r.ours->std_err) || r.ours->std_err <= 0) return {};
  return std::abs(r.ours->mean - std::stod(*r.paper)) / r.ours->std_err;
}

std::string csv_row(const Row& r) {
  std::string mean, se, reps, diff;
  if (r.ours) {
    mean = format_number(r.ours->mean);
    reps = std::to_string(r.ours->reps);
    if (std::isfinite(r.ours->std_err)) se = format_number(r.ours->std_err);
    if (const auto d = diff_in_se(r)) diff = format_number(*d);
  }
  return std::to_string(r.table) + "," + r.dataset + "," + r.method + "," + r.metric + "," +
         sigma_label(r.sigma) + "," + mean + "," + se + "," + reps + "," + r.paper.value_or("") +
         "," + diff + "\n";
}

/// The rows of tables.csv: the paper's entries in order, then ours that the paper lacks.
std::vector<Row> table_rows(const ReproduceConfig& config, const Collected& data) {
  std::vector<Row> rows;
  std::set<StatKey> in_paper;
  std::map<StatKey, std::string> paper_value;
  for (const PaperEntry& e : paper_entries()) {
    const StatKey key{e.dataset, e.method, e.metric, e.sigma};
    in_paper.insert(key);
    paper_value[key] = e.value;
    std::optional<MetricStats> ours;
    if (const auto it = data.values.find(key); it != data.values.end()) ours = stats(it->second);
    rows.push_back({e.table, e.dataset, e.method, e.metric, e.sigma, ours, e.value});
  }
  for (const PaperDataset d : config.datasets) {
    const std::string dataset = to_string(d);
    for (const std::string metric : {"TP", "FP", "test_mse", "test_mse_noisy"}) {
      for (const std::string& m : reproduce_methods(config)) {
        for (const double sigma : reproduce_sigmas(config, d)) {
          const StatKey key{dataset, upper(m), metric, sigma};
          if (in_paper.count(key)) continue;
          const auto it = data.values.find(key);
          if (it == data.values.end()) continue;
          // friedman_uniform is set beside the paper's friedman numbers, nn_adaptive beside NN.
          std::optional<std::string> paper;
          const auto p = paper_value.find(
              {paper_counterpart(dataset), upper(solvers::paper_method_of(m)), metric, sigma});
          if (p != paper_value.end()) paper = p->second;
          rows.push_back({table_of(dataset, metric), dataset, upper(m), metric, sigma,
                          stats(it->second), paper});
        }
      }
    }
  }
  return rows;
}

std::string markdown(const ReproduceConfig& config, const std::vector<Row>& rows) {
  const nlohmann::json build = build_info();
  std::string md = "# Li, Wang & Ding (2023), Tables 1–6: reluid beside the paper\n\n";
  md += "reps = " + std::to_string(config.reps) +
        " per (data set, σ), seed = " + std::to_string(config.seed) + ", commit " +
        build.value("git_commit", "unknown") +
        ". Cells: ours ± standard error \\| paper (— where missing). Test MSE is measured "
        "against the NOISELESS test response f (the paper does not say which; its σ = 5 errors "
        "are far below σ² = 25); the noisy-target MSE is column test_mse_noisy of tables.csv. "
        "Selection: two-component Gaussian mixture on the importances. † marks |ours − paper| > "
        "3 standard errors (where the standard error is positive).\n";
  const std::vector<std::string> paper_methods{"NN", "LASSO", "OMP", "RF", "GB"};
  for (const PaperDataset d : config.datasets) {
    const std::string dataset = to_string(d);
    for (const std::string metric : {"TP", "FP", "test_mse"}) {
      std::vector<std::string> methods = paper_methods;
      std::set<double> sigmas;
      std::map<std::pair<std::string, double>, const Row*> cell;
      for (const Row& r : rows) {
        if (r.dataset != dataset || r.metric != metric) continue;
        if (std::find(methods.begin(), methods.end(), r.method) == methods.end())
          methods.push_back(r.method);
        sigmas.insert(r.sigma);
        cell[{r.method, r.sigma}] = &r;
      }
      const std::string what = metric == "TP"
                                   ? "TP (true variables selected, of " +
                                         std::to_string(paper_setting(d).support.n_elem) + ")"
                               : metric == "FP" ? "FP (wrong variables selected)"
                                                : "test MSE against the noiseless f";
      md += "\n## Table " + std::to_string(table_of(dataset, metric)) + " — " + dataset + ": " +
            what + "\n\n";
      if (d == PaperDataset::friedman_uniform)
        md +=
            "Not one of the paper's data sets: friedman with x ~ U[0, 1]^50 (Friedman 1991), "
            "beside the paper's friedman numbers.\n\n";
      md += "| method |";
      for (const double s : sigmas) md += " σ = " + sigma_label(s) + " |";
      md += "\n|---|";
      for (std::size_t i = 0; i < sigmas.size(); ++i) md += "---|";
      md += "\n";
      for (const std::string& m : methods) {
        md += "| " + m + " |";
        for (const double s : sigmas) {
          const auto it = cell.find({m, s});
          const Row* r = it == cell.end() ? nullptr : it->second;
          std::string ours = "—";
          if (r && r->ours)
            ours = short_number(r->ours->mean) + " ± " + short_number(r->ours->std_err);
          if (r && diff_in_se(*r).value_or(0.0) > 3.0) ours += " †";
          md += " " + ours + " \\| " + (r && r->paper ? *r->paper : "—") + " |";
        }
        md += "\n";
      }
    }
  }
  return md;
}

std::string timing_csv(const ReproduceConfig& config, const Collected& data) {
  std::string csv = "dataset,method,fits,seconds_mean,seconds_median\n";
  for (const PaperDataset d : config.datasets) {
    for (const std::string& m : reproduce_methods(config)) {
      const auto it = data.seconds.find({to_string(d), m});
      if (it == data.seconds.end()) continue;
      const MetricStats s = stats(it->second);
      csv += to_string(d) + "," + m + "," + std::to_string(s.reps) + "," + format_number(s.mean) +
             "," + format_number(quantile(it->second, 0.5)) + "\n";
    }
  }
  return csv;
}

ReproduceTables make_tables(const ReproduceConfig& config, const Collected& data) {
  const std::vector<Row> rows = table_rows(config, data);
  ReproduceTables out;
  out.csv = "table,dataset,method,metric,sigma,ours_mean,ours_se,reps,paper,diff_in_se\n";
  for (const Row& r : rows) out.csv += csv_row(r);
  out.md = markdown(config, rows);
  return out;
}

}  // namespace

ReproduceConfig reproduce_config(const ReproduceFlags& flags) {
  ReproduceConfig config;
  if (!flags.datasets.empty()) {
    config.datasets.clear();
    for (const auto& name : split_list(flags.datasets, "datasets"))
      config.datasets.push_back(parse_paper_dataset(name, "datasets"));
  }
  if (!flags.sigmas.empty()) {
    config.sigmas.emplace();
    for (const auto& item : split_list(flags.sigmas, "sigmas")) {
      const auto x = parse_number(item);
      if (!x) theory::fail("sigmas", "not a number (got \"" + item + "\")");
      config.sigmas->push_back(*x);
    }
  }
  if (!flags.methods.empty()) config.methods = split_list(flags.methods, "methods");
  theory::require(flags.reps >= 1, "reps", "must be >= 1", flags.reps);
  theory::require(flags.seed >= 0, "seed", "must be >= 0", flags.seed);
  config.reps = static_cast<std::uint64_t>(flags.reps);
  config.seed = static_cast<std::uint64_t>(flags.seed);
  validate_reproduce(config);
  return config;
}

void validate_reproduce(const ReproduceConfig& config) {
  theory::require(!config.datasets.empty(), "datasets", "must name at least one data set");
  std::set<PaperDataset> seen;
  for (const PaperDataset d : config.datasets) {
    if (!seen.insert(d).second) theory::fail("datasets", "duplicate (got " + to_string(d) + ")");
  }
  if (config.sigmas) {
    theory::require(!config.sigmas->empty(), "sigmas", "must list at least one value");
    std::set<double> distinct;
    for (const double s : *config.sigmas) {
      theory::require(std::isfinite(s) && s >= 0.0, "sigmas", "must be >= 0 and finite", s);
      theory::require(distinct.insert(s + 0.0).second, "sigmas", "duplicate value", s);
    }
  }
  std::set<std::string> names;
  for (const std::string& m : config.methods) {
    solvers::make_method(m, "methods");
    if (!names.insert(m).second) theory::fail("methods", "duplicate (got " + m + ")");
  }
  theory::require(config.reps >= 1, "reps", "must be >= 1", config.reps);
}

std::vector<double> reproduce_sigmas(const ReproduceConfig& config, PaperDataset d) {
  return config.sigmas ? *config.sigmas : paper_setting(d).sigmas;
}

std::vector<std::string> reproduce_methods(const ReproduceConfig& config) {
  return config.methods.empty() ? solvers::paper_method_names() : config.methods;
}

std::uint64_t paper_cell_key(PaperDataset d, double sigma) {
  const double s = sigma + 0.0;  // −0 → +0: one key per value
  return splitmix64(splitmix64(static_cast<std::uint64_t>(d) + 1) ^
                    std::bit_cast<std::uint64_t>(s));
}

SweepConfig reproduce_sweep_config(const ReproduceConfig& config, PaperDataset d,
                                   const std::string& method) {
  const PaperSetting setting = paper_setting(d);
  SweepConfig c;
  c.grid.n = {setting.n_train};
  c.grid.p = {setting.p};
  c.grid.s = {setting.support.n_elem};
  c.grid.r = {d == PaperDataset::nn ? 16u : 1u};
  c.grid.sigma = reproduce_sigmas(config, d);
  c.grid.noise = {"gaussian"};
  c.grid.input = {d == PaperDataset::linear             ? "toeplitz"
                  : d == PaperDataset::friedman_uniform ? "uniform"
                                                        : "gaussian"};
  c.grid.rho = {d == PaperDataset::linear ? 0.5 : 0.0};
  c.method = method;
  c.trials = config.reps;
  c.seed = config.seed;
  return c;
}

TrialKind reproduce_trial_kind(PaperDataset d, const std::string& method) {
  std::shared_ptr<const solvers::Method> m = solvers::make_method(method, "methods");
  return TrialKind{
      .columns = reproduce_columns(),
      .run = [d, m](const Cell& cell, std::uint64_t master,
                    std::uint64_t trial) { return run_paper_trial(d, *m, cell, master, trial); },
      .check_options = {}};
}

std::string reproduce_subdir(PaperDataset d, const std::string& method) {
  return to_string(d) + "_" + method;
}

nlohmann::json reproduce_identity(const ReproduceConfig& config) {
  nlohmann::json datasets = nlohmann::json::array(), sigmas = nlohmann::json::object();
  for (const PaperDataset d : config.datasets) {
    datasets.push_back(to_string(d));
    sigmas[to_string(d)] = reproduce_sigmas(config, d);
  }
  return {{"config",
           {{"what", "reproduce paper"},
            {"datasets", datasets},
            {"sigmas", sigmas},
            {"methods", reproduce_methods(config)},
            {"reps", config.reps},
            {"seed", config.seed}}},
          {"shard", Shard{}.text()}};
}

ReproduceReport run_reproduce(const ReproduceConfig& config, const fs::path& dir,
                              const ReproduceOptions& options) {
  const auto start = Clock::now();
  // Everything is checked before anything touches the disk.
  validate_reproduce(config);
  const std::vector<Part> parts = make_parts(config, dir);
  std::vector<TrialKind> kinds;
  for (const Part& part : parts) kinds.push_back(reproduce_trial_kind(part.dataset, part.method));
  const nlohmann::json identity = reproduce_identity(config);
  const DirState state = inspect_dir(dir, identity);
  ReproduceReport report;
  std::vector<std::uint64_t> previous(parts.size(), 0);
  bool complete = state == DirState::same && fs::exists(dir / kTablesCsvFile) &&
                  fs::exists(dir / kTablesMdFile) && fs::exists(dir / kTimingFile);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Part& part = parts[i];
    report.trials_total += part.cells.size() * part.config.trials;
    if (state != DirState::same) continue;
    inspect_dir(part.dir, dir_identity(part.config, Shard{}));  // refuses a foreign subdirectory
    complete = complete && fs::exists(part.dir / kSummaryFile);
    if (fs::exists(part.dir / kTrialsFile)) {
      previous[i] =
          read_trials(part.dir / kTrialsFile, part.cells, config.seed, Shard{}).rows.lines.size();
    }
  }
  for (const auto x : previous) report.trials_previous += x;
  if (complete) {
    report.nothing_to_do = true;
    report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    return report;
  }

  if (state != DirState::same) init_dir(dir, identity);
  const DirLock lock(dir);
  const unsigned threads =
      options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  RunLog log(dir / kRunFile, identity, options.command_line, threads);
  report.build_change = log.build_change();
  try {
    std::uint64_t done_before = report.trials_previous;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const Part& part = parts[i];
      done_before -= previous[i];
      SweepOptions sweep{.threads = options.threads,
                         .shard = Shard{},
                         .command_line = options.command_line,
                         .on_progress = {}};
      if (options.on_progress) {
        sweep.on_progress = [&, i, done_before](const Progress& p) {
          options.on_progress(
              {.sweep = i,
               .sweeps = parts.size(),
               .dataset = to_string(part.dataset),
               .method = part.method,
               .in_sweep = p,
               .trials_done = done_before + p.trials_done,
               .trials_total = report.trials_total,
               .trials_run = report.trials_run + p.trials_run,
               .seconds = std::chrono::duration<double>(Clock::now() - start).count()});
        };
      }
      const SweepReport r = run_sweep(part.config, kinds[i], part.dir, sweep);
      report.trials_run += r.trials_run;
      done_before += r.trials_total;
    }
    const Collected data = collect(config, dir);
    const ReproduceTables tables = make_tables(config, data);
    theory::write_text_atomic(dir / kTablesCsvFile, tables.csv);
    theory::write_text_atomic(dir / kTablesMdFile, tables.md);
    theory::write_text_atomic(dir / kTimingFile, timing_csv(config, data));
  } catch (const std::exception& e) {
    log.finish(std::string("failed: ") + e.what(), report.trials_run);
    throw;
  }
  log.finish("complete", report.trials_run);
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

const std::string& paper_tables_text() {
  static const std::string text = std::string(kPaperTables).substr(1);  // after the first '\n'
  return text;
}

const std::vector<PaperEntry>& paper_entries() {
  static const std::vector<PaperEntry> entries = [] {
    std::vector<PaperEntry> out;
    const std::string& text = paper_tables_text();
    std::size_t pos = text.find('\n') + 1;  // past the header
    while (pos < text.size()) {
      const std::size_t end = text.find('\n', pos);
      const auto f = split_fields(std::string_view(text).substr(pos, end - pos));
      if (f.size() != 6) throw std::logic_error("paper_tables.csv: malformed line");
      out.push_back({std::stoi(f[0]), f[1], f[2], f[3], std::stod(f[4]), f[5]});
      pos = end + 1;
    }
    return out;
  }();
  return entries;
}

ReproduceTables reproduce_tables(const ReproduceConfig& config, const fs::path& dir) {
  return make_tables(config, collect(config, dir));
}

}  // namespace reluid::sim
