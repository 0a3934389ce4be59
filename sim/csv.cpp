// CSV data reading for `reluid fit`.
#include "sim/csv.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <vector>

#include "theory/check.hpp"
#include "theory/io.hpp"

namespace reluid::sim {

namespace {

std::vector<std::string> split_line(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream is(line);
  while (std::getline(is, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

std::string trim(const std::string& s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return "";
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

}  // namespace

CsvData parse_csv_data(const std::string& text, const std::string& where) {
  std::istringstream in(text);
  std::string line;
  std::size_t line_no = 0;
  if (!std::getline(in, line)) theory::fail(where, "empty file: header x1,...,xp,y required");
  ++line_no;
  std::vector<std::string> header = split_line(line);
  for (auto& h : header) h = trim(h);
  theory::require(header.size() >= 2, where, "header must be x1,...,xp,y with p >= 1", trim(line));
  const std::size_t p = header.size() - 1;
  for (std::size_t k = 0; k < p; ++k) {
    theory::require(header[k] == "x" + std::to_string(k + 1), where,
                    "header column " + std::to_string(k + 1) + " must be x" + std::to_string(k + 1),
                    header[k]);
  }
  theory::require(header[p] == "y", where, "last header column must be y", header[p]);

  std::vector<double> values;
  std::size_t n = 0;
  std::size_t blank_run = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (trim(line).empty()) {
      ++blank_run;
      continue;
    }
    theory::require(blank_run == 0, where,
                    "line " + std::to_string(line_no - 1) + ": empty line inside the data", "\"\"");
    const std::vector<std::string> cells = split_line(line);
    theory::require(cells.size() == p + 1, where,
                    "line " + std::to_string(line_no) + ": row must have " + std::to_string(p + 1) +
                        " cells like the header",
                    cells.size());
    for (std::size_t k = 0; k <= p; ++k) {
      const std::string cell = trim(cells[k]);
      const std::string at = "line " + std::to_string(line_no) + ", column " + header[k];
      char* end = nullptr;
      errno = 0;
      const double v = cell.empty() ? 0.0 : std::strtod(cell.c_str(), &end);
      theory::require(!cell.empty() && end == cell.c_str() + cell.size(), where,
                      at + ": not a number", "\"" + cell + "\"");
      theory::require(std::isfinite(v), where, at + ": must be finite", cell);
      values.push_back(v);
    }
    ++n;
  }
  theory::require(n >= 2, where, "need at least 2 data rows, n", n);
  // values is row-major n × (p + 1): read it as (p + 1) × n column-major and transpose.
  const arma::mat M = arma::mat(values.data(), p + 1, n).t();
  CsvData out;
  out.X = M.cols(0, p - 1);
  out.y = M.col(p);
  return out;
}

CsvData read_csv_data(const std::filesystem::path& path) {
  return parse_csv_data(theory::read_text(path), path.string());
}

}  // namespace reluid::sim
