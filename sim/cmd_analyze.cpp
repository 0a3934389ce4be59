// `reluid analyze DIR`: phase-transition analysis of DIR/trials.csv (issue 4): logistic n₅₀ per
// group, (log p)^k scaling, σ-slope of the eq. (7) error, success against μ and ω.
//
// Outputs (CSV, written atomically):
//   DIR/transition.csv            one row per group (all parameters but n): the logistic fit
//   DIR/analysis/points.csv       per (group, n): counts, Clopper–Pearson 95%, fitted curve + band
//   DIR/analysis/curves.csv       per group: fitted curve and 95% Wald band on a grid of n
//   DIR/analysis/scaling.csv      per group of all parameters but n, p: fit n₅₀ = C (log p)^k
//   DIR/analysis/sigma.csv        per group of all parameters but σ: slope of the median error
//   DIR/analysis/sigma_points.csv median eq. (7) error per σ
//   DIR/analysis/mu.csv           per group of all parameters but μ: logistic fits on μ and on ω
//   DIR/analysis/mu_points.csv    success per μ with Clopper–Pearson 95%
//   DIR/analysis/theory.csv       per cell: R/D2² of the fits (eq. 15), Lemma 3 count (if the
//                                 columns risk, D2 and lemma3_held are present)
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "sim/commands.hpp"
#include "sim/csv.hpp"
#include "sim/results.hpp"
#include "sim/seed.hpp"
#include "sim/summary.hpp"
#include "theory/binomial.hpp"
#include "theory/check.hpp"
#include "theory/io.hpp"
#include "theory/transition.hpp"

namespace reluid::sim {

void register_plot(CLI::App& app);  // sim/cmd_plot.cpp: registered alongside analyze

namespace {

namespace fs = std::filesystem;
using theory::BinomialPoint;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();
constexpr int kBootstrapResamples = 999;
constexpr std::uint64_t kBootstrapSeed = 20230504;  // fixed: analysis output is reproducible

/// trials.csv as text columns.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::string file;

  std::size_t column(const std::string& name) const {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) theory::fail(file, "missing column \"" + name + "\"");
    return static_cast<std::size_t>(it - header.begin());
  }
  bool has(const std::string& name) const {
    return std::find(header.begin(), header.end(), name) != header.end();
  }
  double number(std::size_t row, std::size_t col) const {
    const std::string& s = rows[row][col];
    const std::optional<double> v = parse_number(s);
    if (!v) {
      theory::fail(file + ": row " + std::to_string(row + 2) + ", column " + header[col],
                   "not a number (got \"" + s + "\")");
    }
    return *v;
  }
};

/// Reads a reluid CSV (no quoted fields). A last line without a line break is a torn write of an
/// interrupted sweep and is skipped.
Table read_table(const fs::path& path) {
  const std::string text = theory::read_text(path);
  Table t;
  t.file = path.string();
  std::size_t pos = 0, line_no = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) break;  // torn last line
    std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto fields = split_fields(line);
    if (t.header.empty()) {
      t.header = std::move(fields);
      continue;
    }
    if (fields.size() != t.header.size()) {
      theory::fail(t.file + ": line " + std::to_string(line_no),
                   "expected " + std::to_string(t.header.size()) + " fields (got " +
                       std::to_string(fields.size()) + ")");
    }
    t.rows.push_back(std::move(fields));
  }
  theory::require(!t.header.empty(), t.file, "has no header line");
  return t;
}

/// Orders parameter values numerically when both are numbers, else as text.
bool value_less(const std::string& a, const std::string& b) {
  char* ea = nullptr;
  char* eb = nullptr;
  const double x = std::strtod(a.c_str(), &ea), y = std::strtod(b.c_str(), &eb);
  const bool na = !a.empty() && *ea == '\0', nb = !b.empty() && *eb == '\0';
  if (na && nb && x != y) return x < y;
  return a < b;
}
struct KeyLess {
  bool operator()(const std::vector<std::string>& a, const std::vector<std::string>& b) const {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(), value_less);
  }
};

/// Groups of rows sharing every parameter column except `except`.
struct Grouping {
  std::vector<std::string> names;  ///< key columns
  std::vector<std::size_t> cols;
  std::map<std::vector<std::string>, std::vector<std::size_t>, KeyLess> groups;
};

Grouping group_rows(const Table& t, const std::vector<std::string>& params,
                    const std::set<std::string>& except) {
  Grouping g;
  for (const auto& name : params) {
    if (except.count(name) == 0) {
      g.names.push_back(name);
      g.cols.push_back(t.column(name));
    }
  }
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    std::vector<std::string> key;
    for (auto c : g.cols) key.push_back(t.rows[i][c]);
    g.groups[key].push_back(i);
  }
  return g;
}

/// Human label of a group: the key columns whose value differs between groups ("p=20;s=3"),
/// joined by ';' with no spaces (gnuplot's word() splits a list of labels on spaces).
std::vector<std::string> labels(const Grouping& g) {
  std::vector<bool> varies(g.names.size(), false);
  const auto& first = g.groups.begin()->first;
  for (const auto& [key, rows] : g.groups) {
    for (std::size_t j = 0; j < key.size(); ++j) varies[j] = varies[j] || key[j] != first[j];
  }
  std::vector<std::string> out;
  for (const auto& [key, rows] : g.groups) {
    std::string s;
    for (std::size_t j = 0; j < key.size(); ++j) {
      if (!varies[j]) continue;
      if (!s.empty()) s += ";";
      s += g.names[j] + "=" + key[j];
    }
    out.push_back(s.empty() ? "all" : s);
  }
  return out;
}

/// Panel label of each key (a key of `names` columns) with column `drop` left out: the
/// remaining columns whose value differs between the keys ("s=3;sigma=0"), or "all". Every group
/// with the same panel shares one (n, log p) phase diagram, and one scaling fit.
std::map<std::vector<std::string>, std::string, KeyLess> panel_labels(
    const std::vector<std::vector<std::string>>& keys, const std::vector<std::string>& names,
    std::size_t drop) {
  std::map<std::vector<std::string>, std::string, KeyLess> out;
  if (keys.empty()) return out;
  std::vector<bool> varies(names.size(), false);
  for (const auto& key : keys)
    for (std::size_t j = 0; j < key.size(); ++j) varies[j] = varies[j] || key[j] != keys[0][j];
  for (const auto& key : keys) {
    std::string s;
    for (std::size_t j = 0; j < key.size(); ++j) {
      if (j == drop || !varies[j]) continue;
      if (!s.empty()) s += ";";
      s += names[j] + "=" + key[j];
    }
    out[key] = s.empty() ? "all" : s;
  }
  return out;
}

std::string num(double v) {
  return format_number(v);
}

std::string join_key(const std::vector<std::string>& key) {
  std::string s;
  for (const auto& k : key) s += k + ",";
  return s;
}
std::string join_names(const std::vector<std::string>& names) {
  std::string s;
  for (const auto& k : names) s += k + ",";
  return s;
}

/// Binomial counts of `rows` per distinct value of column `by` (numeric).
std::map<double, BinomialPoint> counts_by(const Table& t, const std::vector<std::size_t>& rows,
                                          std::size_t by, std::size_t success) {
  std::map<double, BinomialPoint> out;
  for (auto i : rows) {
    const double x = t.number(i, by), y = t.number(i, success);
    if (y != 0.0 && y != 1.0) {
      theory::fail(t.file + ": row " + std::to_string(i + 2) + ", column success",
                   "must be 0 or 1 (got " + t.rows[i][success] + ")");
    }
    auto& p = out[x];
    p.x = x;
    p.trials += 1;
    p.successes += y;
  }
  return out;
}

std::string interval_text(const theory::Interval& ci, int digits = 3) {
  std::ostringstream os;
  os.precision(digits);
  os << "[" << ci.low << ", " << ci.high << "]";
  return os.str();
}
std::string short_num(double v, int digits = 3) {
  std::ostringstream os;
  os.precision(digits);
  os << v;
  return os.str();
}

struct Analysis {
  std::ostringstream report;
  std::string transition, points, curves, scaling, sigma, sigma_points, mu, mu_points, theory;
};

void analyze_n(const Table& t, const std::vector<std::string>& params, Analysis& a,
               std::map<std::vector<std::string>, theory::TransitionFit, KeyLess>& fits) {
  const auto g = group_rows(t, params, {"n"});
  const auto names = labels(g);
  const std::size_t n_col = t.column("n"), s_col = t.column("success");
  a.transition = join_names(g.names) +
                 "label,n_values,trials,successes,status,n50_kind,n50,n50_low,n50_high,alpha,beta,"
                 "beta_low,beta_high,n10,n90,width_ratio,width_ratio_low,width_ratio_high,"
                 "iterations,score_norm,panel\n";
  a.points =
      "group,label,p,n,trials,successes,p_hat,cp_low,cp_high,fit,band_low,band_high,"
      "n_lo,n_hi,logp_lo,logp_hi,n_values,panel\n";
  a.curves = "group,label,p,n,fit,band_low,band_high,panel\n";
  const auto p_pos =
      static_cast<std::size_t>(std::find(g.names.begin(), g.names.end(), "p") - g.names.begin());
  std::vector<std::vector<std::string>> keys;
  for (const auto& [key, rows] : g.groups) keys.push_back(key);
  const auto panels = panel_labels(keys, g.names, p_pos);
  // Heat-map cells: each (n, log p) point spans half-way to its neighbours (in log n, log p).
  std::set<double> p_set;
  for (std::size_t i = 0; i < t.rows.size(); ++i) p_set.insert(t.number(i, t.column("p")));
  const std::vector<double> p_all(p_set.begin(), p_set.end());
  auto span = [](const std::vector<double>& logs, std::size_t i) {
    const double left = i > 0 ? logs[i] - logs[i - 1] : (logs.size() > 1 ? logs[1] - logs[0] : 0.5);
    const double right = i + 1 < logs.size() ? logs[i + 1] - logs[i]
                                             : (logs.size() > 1 ? logs[i] - logs[i - 1] : 0.5);
    return std::pair{logs[i] - left / 2, logs[i] + right / 2};
  };
  std::vector<double> logp_all;
  for (double v : p_all) logp_all.push_back(std::log(v));
  a.report << "Recovery against n (logistic in log n; n50 with 95% profile-likelihood interval; "
              "width = n90/n10):\n";
  std::size_t gi = 0;
  for (const auto& [key, rows] : g.groups) {
    const auto counts = counts_by(t, rows, n_col, s_col);
    std::vector<BinomialPoint> data;
    for (const auto& [n, p] : counts) data.push_back(p);
    const auto f = theory::fit_transition(data);
    fits.emplace(key, f);
    const auto& L = f.logit;
    const std::string& label = names[gi];
    a.transition += join_key(key) + label + "," + std::to_string(f.n_values) + "," + num(f.trials) +
                    "," + num(f.successes) + "," + std::string(to_string(L.status)) + "," +
                    std::string(to_string(f.kind)) + "," + num(f.n50) + "," + num(f.n50_ci.low) +
                    "," + num(f.n50_ci.high) + "," + num(L.alpha) + "," + num(L.beta) + "," +
                    num(L.beta_ci.low) + "," + num(L.beta_ci.high) + "," + num(f.n10) + "," +
                    num(f.n90) + "," + num(f.width_ratio) + "," + num(f.width_ratio_ci.low) + "," +
                    num(f.width_ratio_ci.high) + "," + std::to_string(L.iterations) + "," +
                    num(L.score_norm) + "," + panels.at(key) + "\n";
    const bool ok = L.status == theory::LogisticStatus::converged;
    const std::string p_text = key[p_pos];
    const double p_value = std::stod(p_text);
    const auto p_index = static_cast<std::size_t>(
        std::lower_bound(p_all.begin(), p_all.end(), p_value) - p_all.begin());
    const auto [logp_lo, logp_hi] = span(logp_all, p_index);
    std::vector<double> log_n;
    for (const auto& p : data) log_n.push_back(std::log(p.x));
    for (std::size_t j = 0; j < data.size(); ++j) {
      const auto& p = data[j];
      const auto [ln_lo, ln_hi] = span(log_n, j);
      const auto cp = theory::clopper_pearson(static_cast<std::uint64_t>(p.successes),
                                              static_cast<std::uint64_t>(p.trials));
      theory::CurvePoint band{nan, nan, nan};
      if (ok) band = theory::logistic_band(L, std::log(p.x));
      a.points += std::to_string(gi) + "," + label + "," + p_text + "," + num(p.x) + "," +
                  num(p.trials) + "," + num(p.successes) + "," + num(p.successes / p.trials) + "," +
                  num(cp.lower) + "," + num(cp.upper) + "," + num(band.fit) + "," + num(band.low) +
                  "," + num(band.high) + "," + num(std::exp(ln_lo)) + "," + num(std::exp(ln_hi)) +
                  "," + num(logp_lo) + "," + num(logp_hi) + "," + std::to_string(f.n_values) + "," +
                  panels.at(key) + "\n";
    }
    if (ok) {
      const double lo = std::log(data.front().x), hi = std::log(data.back().x);
      for (int i = 0; i <= 60; ++i) {
        const double x = lo + (hi - lo) * i / 60.0;
        const auto band = theory::logistic_band(L, x);
        a.curves += std::to_string(gi) + "," + label + "," + p_text + "," + num(std::exp(x)) + "," +
                    num(band.fit) + "," + num(band.low) + "," + num(band.high) + "," +
                    panels.at(key) + "\n";
      }
    }
    a.report << "  " << label << ": ";
    switch (f.kind) {
      case theory::N50Kind::estimate:
        a.report << "n50 = " << short_num(f.n50) << " " << interval_text(f.n50_ci)
                 << ", width = " << short_num(f.width_ratio) << " "
                 << interval_text(f.width_ratio_ci);
        break;
      case theory::N50Kind::below_min_n:
        a.report << "n50 < " << short_num(f.n50_ci.high) << " (every trial succeeded)";
        break;
      case theory::N50Kind::above_max_n:
        a.report << "n50 > " << short_num(f.n50_ci.low) << " (every trial failed)";
        break;
      case theory::N50Kind::bracketed:
        a.report << "n50 in " << interval_text(f.n50_ci) << " (separated: no finite MLE)";
        break;
      case theory::N50Kind::undetermined:
        a.report << "n50 undetermined (" << to_string(L.status) << ")";
        break;
    }
    a.report << "; " << f.n_values << " n values, " << f.successes << "/" << f.trials
             << " successes\n";
    ++gi;
  }
}

void analyze_scaling(const Table& t, const std::vector<std::string>& params,
                     const std::map<std::vector<std::string>, theory::TransitionFit, KeyLess>& fits,
                     Analysis& a) {
  // Transition groups keyed without n; regroup them by everything except p.
  std::vector<std::string> no_n;
  for (const auto& p : params)
    if (p != "n") no_n.push_back(p);
  const auto p_pos =
      static_cast<std::size_t>(std::find(no_n.begin(), no_n.end(), "p") - no_n.begin());
  std::map<std::vector<std::string>, std::vector<std::pair<double, const theory::TransitionFit*>>,
           KeyLess>
      by_rest;
  for (const auto& [key, fit] : fits) {
    auto rest = key;
    rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(p_pos));
    by_rest[rest].push_back({std::stod(key[p_pos]), &fit});
  }
  std::vector<std::string> rest_names = no_n;
  rest_names.erase(rest_names.begin() + static_cast<std::ptrdiff_t>(p_pos));
  // The same panel labels as analyze_n's (computed on the full keys, p left out).
  std::vector<std::vector<std::string>> keys;
  for (const auto& [key, fit] : fits) keys.push_back(key);
  const auto key_panels = panel_labels(keys, no_n, p_pos);
  std::map<std::vector<std::string>, std::string, KeyLess> panel_of;
  for (const auto& [key, label] : key_panels) {
    auto rest = key;
    rest.erase(rest.begin() + static_cast<std::ptrdiff_t>(p_pos));
    panel_of[rest] = label;
  }
  a.scaling = join_names(rest_names) +
              "p_values,p_used,k,k_se,k_low,k_high,C,chi2,scale,k1_in_ci,k4_in_ci,note,panel\n";
  a.report << "Scaling n50 = C (log p)^k (weighted least squares on log log p; 95% normal "
              "interval, PDG scale factor):\n";
  (void)t;
  bool any = false;
  for (const auto& [rest, list] : by_rest) {
    if (list.size() < 2) continue;
    any = true;
    std::vector<double> p, n50;
    std::vector<theory::Interval> ci;
    for (const auto& [pv, f] : list) {
      if (f->kind == theory::N50Kind::estimate && std::isfinite(f->n50_ci.low) &&
          std::isfinite(f->n50_ci.high) && f->n50_ci.low > 0 && pv >= 3) {
        p.push_back(pv);
        n50.push_back(f->n50);
        ci.push_back(f->n50_ci);
      }
    }
    std::string prefix =
        join_key(rest) + std::to_string(list.size()) + "," + std::to_string(p.size()) + ",";
    std::string label;
    for (std::size_t j = 0; j < rest.size(); ++j) label += rest_names[j] + "=" + rest[j] + " ";
    if (std::set<double>(p.begin(), p.end()).size() < 2) {
      a.scaling += prefix + "nan,nan,nan,nan,nan,nan,nan,,,fewer than 2 p with a bounded n50 " +
                   "interval," + panel_of.at(rest) + "\n";
      a.report << "  " << label << ": k not estimable (" << p.size()
               << " p values with a bounded n50 interval, need 2)\n";
      continue;
    }
    const auto fit = theory::fit_log_power(p, n50, ci);
    const bool k1 = fit.k_ci.contains(1.0), k4 = fit.k_ci.contains(4.0);
    a.scaling += prefix + num(fit.k) + "," + num(fit.k_se) + "," + num(fit.k_ci.low) + "," +
                 num(fit.k_ci.high) + "," + num(std::exp(fit.log_C)) + "," + num(fit.chi2) + "," +
                 num(fit.scale) + "," + (k1 ? "1" : "0") + "," + (k4 ? "1" : "0") + "," +
                 (p.size() < 3 ? "only 2 p values" : "") + "," + panel_of.at(rest) + "\n";
    a.report << "  " << label << ": k = " << short_num(fit.k) << " " << interval_text(fit.k_ci)
             << " from " << p.size() << " p values; linear LASSO k = 1 "
             << (k1 ? "inside" : "outside") << ", theorem's sufficient k = 4 "
             << (k4 ? "inside" : "outside") << " the interval\n";
  }
  if (!any) a.report << "  (no group has 2 or more p values)\n";
}

void analyze_sigma(const Table& t, const std::vector<std::string>& params, Analysis& a) {
  a.sigma = "";
  a.sigma_points = "group,label,sigma,trials,median_error_eq7\n";
  if (!t.has("error_eq7")) return;
  const auto g = group_rows(t, params, {"sigma"});
  const auto names = labels(g);
  const std::size_t s_col = t.column("sigma"), e_col = t.column("error_eq7");
  a.sigma = join_names(g.names) +
            "label,sigma_values,slope,slope_low,slope_high,intercept,intercept_low,intercept_high,"
            "slope_origin,slope_origin_low,slope_origin_high\n";
  auto rng = make_engine(kBootstrapSeed, 0, 0, Stream::solver);
  bool header_done = false;
  std::size_t gi = 0, used = 0;
  for (const auto& [key, rows] : g.groups) {
    std::map<double, std::vector<double>> by_sigma;
    for (auto i : rows) {
      const double e = t.number(i, e_col);
      if (std::isfinite(e)) by_sigma[t.number(i, s_col)].push_back(e);
    }
    const std::string& label = names[gi++];
    if (by_sigma.size() < 2) continue;
    const std::size_t plotted = used++;
    if (!header_done) {
      a.report << "eq. (7) error against sigma (median per sigma; least squares; 95% stratified "
                  "percentile bootstrap, "
               << kBootstrapResamples << " resamples):\n";
      header_done = true;
    }
    std::vector<double> sig;
    std::vector<std::vector<double>> err;
    for (auto& [s, e] : by_sigma) {
      sig.push_back(s);
      err.push_back(e);
    }
    const auto fit = theory::fit_sigma_slope(sig, err, kBootstrapResamples, 0.95, rng);
    a.sigma += join_key(key) + label + "," + std::to_string(sig.size()) + "," + num(fit.slope) +
               "," + num(fit.slope_ci.low) + "," + num(fit.slope_ci.high) + "," +
               num(fit.intercept) + "," + num(fit.intercept_ci.low) + "," +
               num(fit.intercept_ci.high) + "," + num(fit.slope_origin) + "," +
               num(fit.slope_origin_ci.low) + "," + num(fit.slope_origin_ci.high) + "\n";
    for (std::size_t i = 0; i < sig.size(); ++i) {
      a.sigma_points += std::to_string(plotted) + "," + label + "," + num(sig[i]) + "," +
                        std::to_string(err[i].size()) + "," + num(fit.median(i)) + "\n";
    }
    a.report << "  " << label << ": slope = " << short_num(fit.slope) << " "
             << interval_text(fit.slope_ci) << ", intercept = " << short_num(fit.intercept) << " "
             << interval_text(fit.intercept_ci)
             << "; through 0: slope = " << short_num(fit.slope_origin) << " "
             << interval_text(fit.slope_origin_ci) << "\n";
  }
  if (!header_done) a.sigma.clear();
}

void analyze_mu(const Table& t, const std::vector<std::string>& params, Analysis& a) {
  a.mu = "";
  a.mu_points = "group,label,mu,omega,trials,successes,p_hat,cp_low,cp_high\n";
  const auto g = group_rows(t, params, {"mu"});
  const auto names = labels(g);
  const std::size_t mu_col = t.column("mu"), s_col = t.column("success");
  const std::size_t r_col = t.column("r");
  a.mu = join_names(g.names) +
         "label,mu_values,status_mu,beta_mu,beta_mu_low,beta_mu_high,mu50,mu50_low,mu50_high,"
         "status_omega,beta_omega,beta_omega_low,beta_omega_high\n";
  bool header_done = false;
  std::size_t gi = 0, used = 0;
  for (const auto& [key, rows] : g.groups) {
    const std::string& label = names[gi++];
    const auto counts = counts_by(t, rows, mu_col, s_col);
    if (counts.size() < 2) continue;
    const std::size_t plotted = used++;
    if (!header_done) {
      a.report << "Success against mu (logistic in mu and in omega = -log mu / log r; 95% profile "
                  "intervals):\n";
      header_done = true;
    }
    const double r = t.number(rows.front(), r_col);
    std::vector<BinomialPoint> on_mu, on_omega;
    for (const auto& [mu, p] : counts) {
      on_mu.push_back(p);
      const double omega = r >= 2 && mu > 0 ? -std::log(mu) / std::log(r) : nan;
      if (std::isfinite(omega)) on_omega.push_back({omega, p.trials, p.successes});
      const auto cp = theory::clopper_pearson(static_cast<std::uint64_t>(p.successes),
                                              static_cast<std::uint64_t>(p.trials));
      a.mu_points += std::to_string(plotted) + "," + label + "," + num(mu) + "," + num(omega) +
                     "," + num(p.trials) + "," + num(p.successes) + "," +
                     num(p.successes / p.trials) + "," + num(cp.lower) + "," + num(cp.upper) + "\n";
    }
    const auto fm = theory::fit_logistic(on_mu);
    theory::LogisticFit fo;
    fo.status = theory::LogisticStatus::single_x;
    fo.beta = nan;
    fo.beta_ci = {nan, nan};
    if (on_omega.size() == on_mu.size()) fo = theory::fit_logistic(on_omega);
    a.mu += join_key(key) + label + "," + std::to_string(counts.size()) + "," +
            std::string(to_string(fm.status)) + "," + num(fm.beta) + "," + num(fm.beta_ci.low) +
            "," + num(fm.beta_ci.high) + "," + num(fm.x50) + "," + num(fm.x50_ci.low) + "," +
            num(fm.x50_ci.high) + "," + std::string(to_string(fo.status)) + "," + num(fo.beta) +
            "," + num(fo.beta_ci.low) + "," + num(fo.beta_ci.high) + "\n";
    a.report << "  " << label << ": ";
    if (fm.status == theory::LogisticStatus::converged) {
      a.report << "logit slope per unit mu = " << short_num(fm.beta) << " "
               << interval_text(fm.beta_ci);
    } else {
      a.report << "no logistic fit on mu (" << to_string(fm.status) << ")";
    }
    if (fo.status == theory::LogisticStatus::converged) {
      a.report << "; per unit omega = " << short_num(fo.beta) << " " << interval_text(fo.beta_ci);
    }
    a.report << "\n";
  }
  if (!header_done) a.mu.clear();
}

/// Eq. (15) and Lemma 3 on the fits of each cell (all parameters): R(f̂, f*)/D2² over the trials
/// with D2 > 0 (every such ratio is an upper bound on ψ of that trial's truth, so their minimum
/// is the most the proof's RIP-type constant can be on these fits), and how often Lemma 3's
/// inequality held (column lemma3_held).
void analyze_theory(const Table& t, const std::vector<std::string>& params, Analysis& a) {
  const auto g = group_rows(t, params, {});
  const auto names = labels(g);
  const std::size_t risk_col = t.column("risk"), d2_col = t.column("D2");
  const bool lemma = t.has("lemma3_held");
  const std::size_t l_col = lemma ? t.column("lemma3_held") : 0;
  a.theory = join_names(g.names) +
             "label,trials,ratio_trials,ratio_min,ratio_q25,ratio_median,lemma3_trials,"
             "lemma3_held\n";
  a.report << "Eq. (15) on the fits: R(f, f*)/D2^2 over trials with D2 > 0 (min, quartile, "
              "median; each is an upper bound on psi of its truth); Lemma 3 (risk_emp >= risk/2) "
              "held in:\n";
  std::size_t gi = 0;
  for (const auto& [key, rows] : g.groups) {
    const std::string& label = names[gi++];
    std::vector<double> ratio;
    std::size_t held = 0, lemma_trials = 0;
    for (const auto i : rows) {
      const double risk = t.number(i, risk_col), d2 = t.number(i, d2_col);
      if (std::isfinite(risk) && std::isfinite(d2) && d2 > 0.0) ratio.push_back(risk / (d2 * d2));
      if (lemma) {
        ++lemma_trials;
        held += t.number(i, l_col) != 0.0;
      }
    }
    const auto q = [&](double x) { return ratio.empty() ? nan : quantile(ratio, x); };
    a.theory += join_key(key) + label + "," + std::to_string(rows.size()) + "," +
                std::to_string(ratio.size()) + "," + num(q(0.0)) + "," + num(q(0.25)) + "," +
                num(q(0.5)) + "," + std::to_string(lemma_trials) + "," + std::to_string(held) +
                "\n";
    a.report << "  " << label << ": ";
    if (ratio.empty())
      a.report << "no trial with D2 > 0";
    else
      a.report << "R/D2^2 min " << short_num(q(0.0)) << ", q25 " << short_num(q(0.25))
               << ", median " << short_num(q(0.5)) << " (" << ratio.size() << " trials)";
    if (lemma) a.report << "; Lemma 3 held " << held << "/" << lemma_trials;
    a.report << "\n";
  }
}

void run_analyze(const std::string& dir_text) {
  const fs::path dir(dir_text);
  theory::require(fs::is_directory(dir), "DIR", "must be an existing directory", dir_text);
  const Table t = read_table(dir / kTrialsFile);
  theory::require(!t.rows.empty(), t.file, "has no trial rows");
  for (const char* c : {"n", "p", "r", "success"}) t.column(c);
  std::vector<std::string> params;
  for (const auto& c : cell_columns())
    if (t.has(c)) params.push_back(c);

  Analysis a;
  a.report << "reluid analyze " << dir.string() << ": " << t.rows.size() << " trials\n";
  std::map<std::vector<std::string>, theory::TransitionFit, KeyLess> fits;
  analyze_n(t, params, a, fits);
  analyze_scaling(t, params, fits, a);
  if (t.has("sigma")) analyze_sigma(t, params, a);
  if (t.has("mu")) analyze_mu(t, params, a);
  if (t.has("risk") && t.has("D2")) analyze_theory(t, params, a);

  fs::create_directories(dir / "analysis");
  theory::write_text_atomic(dir / "transition.csv", a.transition);
  theory::write_text_atomic(dir / "analysis" / "points.csv", a.points);
  theory::write_text_atomic(dir / "analysis" / "curves.csv", a.curves);
  theory::write_text_atomic(dir / "analysis" / "scaling.csv", a.scaling);
  if (!a.sigma.empty()) {
    theory::write_text_atomic(dir / "analysis" / "sigma.csv", a.sigma);
    theory::write_text_atomic(dir / "analysis" / "sigma_points.csv", a.sigma_points);
  }
  if (!a.mu.empty()) {
    theory::write_text_atomic(dir / "analysis" / "mu.csv", a.mu);
    theory::write_text_atomic(dir / "analysis" / "mu_points.csv", a.mu_points);
  }
  if (!a.theory.empty()) theory::write_text_atomic(dir / "analysis" / "theory.csv", a.theory);
  a.report << "Wrote " << (dir / "transition.csv").string() << " and "
           << (dir / "analysis").string() << "/*.csv\n";
  std::cout << a.report.str();
}

}  // namespace

void register_analyze(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "analyze",
      "Phase-transition analysis of DIR/trials.csv: writes DIR/transition.csv and a report");
  auto dir = std::make_shared<std::string>();
  cmd->add_option("DIR", *dir, "Sweep output directory holding trials.csv")->required();
  cmd->callback([dir] { run_analyze(*dir); });
  register_plot(app);
}

}  // namespace reluid::sim
