// Per-cell summary: success probability with an exact interval, certificate rates, quartiles.
#include "sim/summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <set>
#include <stdexcept>

#include "sim/certificate.hpp"
#include "sim/csv.hpp"
#include "theory/binomial.hpp"

namespace reluid::sim {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double number_cell(const std::string& text, const std::string& column, const RowKey& key) {
  const std::optional<double> x = parse_number(text);
  if (!x) {
    throw std::runtime_error("summary: column " + column + " of cell " + std::to_string(key.first) +
                             ", trial " + std::to_string(key.second) + " is not a number (got " +
                             text + ")");
  }
  return *x;
}

std::ptrdiff_t column_index(const std::vector<std::string>& header, const std::string& name) {
  const auto it = std::find(header.begin(), header.end(), name);
  return it == header.end() ? -1 : it - header.begin();
}

}  // namespace

double quantile(std::vector<double> values, double q) {
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const double h = static_cast<double>(values.size() - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (h - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

std::string summary_csv(const std::vector<Cell>& cells, const TrialRows& rows) {
  const auto& header = rows.header;
  const auto success = column_index(header, "success");
  const auto certificate = column_index(header, "certificate");
  const std::vector<std::string> quartile_columns = {"D2", "error_eq7"};
  const auto seconds = column_index(header, "seconds");
  const auto probe_far = column_index(header, "probe_far");

  // Split every row once; group by cell (rows are keyed by (cell, trial), so already in order).
  std::map<std::uint64_t, std::vector<std::pair<RowKey, std::vector<std::string>>>> by_cell;
  // The certificate classes are always all reported (a rate of 0 included), so that summaries
  // of different sweeps, cells or shards have the same columns; unknown classes are added.
  std::set<std::string> classes;
  if (certificate >= 0) {
    for (const auto c : {Certificate::recovered, Certificate::optimizer_failure,
                         Certificate::estimator_failure, Certificate::uncertified})
      classes.insert(std::string(to_string(c)));
  }
  for (const auto& [key, line] : rows.lines) {
    auto fields = split_fields(line);
    if (certificate >= 0) classes.insert(fields[static_cast<std::size_t>(certificate)]);
    by_cell[key.first].emplace_back(key, std::move(fields));
  }

  std::string out = "cell";
  for (const auto& c : cell_columns()) out += "," + c;
  out += ",trials";
  if (success >= 0) out += ",successes,p_hat,ci_low,ci_high";
  for (const auto& c : classes) out += ",certificate_" + c;
  // Optimizer failures on which the truth probe shows the estimator fails too.
  const bool probe = probe_far >= 0 && certificate >= 0;
  if (probe) out += ",optimizer_failure_probe_far";
  for (const auto& name : quartile_columns) {
    if (column_index(header, name) >= 0)
      out += "," + name + "_q1," + name + "_median," + name + "_q3";
  }
  if (seconds >= 0) out += ",seconds_median";
  out += "\n";

  for (const auto& [cell_id, trials] : by_cell) {
    const auto m = static_cast<std::uint64_t>(trials.size());
    out += std::to_string(cell_id) + "," + cell_fields(cells.at(cell_id)) + "," + std::to_string(m);
    const auto values = [&](std::ptrdiff_t col, const std::string& name) {
      std::vector<double> v;
      for (const auto& [key, fields] : trials) {
        const double x = number_cell(fields[static_cast<std::size_t>(col)], name, key);
        if (!std::isnan(x)) v.push_back(x);
      }
      return v;
    };
    if (success >= 0) {
      std::uint64_t k = 0;
      for (const auto& [key, fields] : trials) {
        const auto& f = fields[static_cast<std::size_t>(success)];
        if (f != "0" && f != "1") {
          throw std::runtime_error("summary: success of cell " + std::to_string(key.first) +
                                   ", trial " + std::to_string(key.second) +
                                   " must be 0 or 1 (got " + f + ")");
        }
        k += f == "1" ? 1 : 0;
      }
      const auto ci = theory::clopper_pearson(k, m);
      out += "," + std::to_string(k) + "," +
             format_number(static_cast<double>(k) / static_cast<double>(m)) + "," +
             format_number(ci.lower) + "," + format_number(ci.upper);
    }
    for (const auto& c : classes) {
      std::uint64_t count = 0;
      for (const auto& [key, fields] : trials) {
        count += fields[static_cast<std::size_t>(certificate)] == c ? 1 : 0;
      }
      out += "," + format_number(static_cast<double>(count) / static_cast<double>(m));
    }
    if (probe) {
      const std::string optimizer(to_string(Certificate::optimizer_failure));
      std::uint64_t count = 0;
      for (const auto& [key, fields] : trials) {
        count += fields[static_cast<std::size_t>(certificate)] == optimizer &&
                         fields[static_cast<std::size_t>(probe_far)] == "1"
                     ? 1
                     : 0;
      }
      out += "," + format_number(static_cast<double>(count) / static_cast<double>(m));
    }
    for (const auto& name : quartile_columns) {
      const auto col = column_index(header, name);
      if (col < 0) continue;
      const auto v = values(col, name);
      out += "," + format_number(quantile(v, 0.25)) + "," + format_number(quantile(v, 0.5)) + "," +
             format_number(quantile(v, 0.75));
    }
    if (seconds >= 0) out += "," + format_number(quantile(values(seconds, "seconds"), 0.5));
    out += "\n";
  }
  return out;
}

}  // namespace reluid::sim
