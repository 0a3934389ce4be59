// Numeric CSV reading for `reluid fit` and `reluid select`.
#include "sim/csv.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "theory/check.hpp"
#include "theory/io.hpp"

namespace reluid::sim {

namespace {

/// A cell trimmed of spaces and of one pair of surrounding double quotes.
std::string trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) return "";
  const auto last = s.find_last_not_of(" \t\r");
  std::string out(s.substr(first, last - first + 1));
  if (out.size() >= 2 && out.front() == '"' && out.back() == '"')
    out = out.substr(1, out.size() - 2);
  return out;
}

/// Trimmed cells of one line separated by commas (a trailing comma gives an empty last cell).
std::vector<std::string> cells_of(std::string_view line) {
  std::vector<std::string> out;
  std::size_t begin = 0;
  while (true) {
    const std::size_t comma = line.find(',', begin);
    out.push_back(
        trim(line.substr(begin, comma == std::string_view::npos ? comma : comma - begin)));
    if (comma == std::string_view::npos) return out;
    begin = comma + 1;
  }
}

}  // namespace

std::optional<double> parse_number(std::string_view text) {
  const std::string s(text);
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

CsvTable parse_csv_table(const std::string& text, const std::string& where) {
  std::vector<std::string> lines;
  for (std::size_t begin = 0; begin <= text.size();) {
    const std::size_t end = std::min(text.find('\n', begin), text.size());
    lines.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
  while (!lines.empty() && trim(lines.back()).empty()) lines.pop_back();
  theory::require(!lines.empty(), where, "empty file: a header line is required");

  CsvTable t;
  t.names = cells_of(lines[0]);
  for (std::size_t k = 0; k < t.names.size(); ++k) {
    const std::string& name = t.names[k];
    theory::require(!name.empty(), where,
                    "header: column " + std::to_string(k + 1) + " has an empty name", "\"\"");
    for (std::size_t m = 0; m < k; ++m)
      theory::require(t.names[m] != name, where, "header: duplicate column name", name);
  }
  const std::size_t cols = t.names.size(), rows = lines.size() - 1;
  t.values.set_size(rows, cols);
  for (std::size_t i = 0; i < rows; ++i) {
    const std::string at = "line " + std::to_string(i + 2);
    theory::require(!trim(lines[i + 1]).empty(), where, at + ": empty line inside the data",
                    "\"\"");
    const std::vector<std::string> cells = cells_of(lines[i + 1]);
    theory::require(cells.size() == cols, where,
                    at + ": row must have " + std::to_string(cols) + " cells like the header",
                    cells.size());
    for (std::size_t k = 0; k < cols; ++k) {
      const auto v = parse_number(cells[k]);
      theory::require(v.has_value(), where, at + ", column " + t.names[k] + ": not a number",
                      "\"" + cells[k] + "\"");
      theory::require(std::isfinite(*v), where, at + ", column " + t.names[k] + ": must be finite",
                      cells[k]);
      t.values(i, k) = *v;
    }
  }
  return t;
}

CsvData parse_csv_data(const std::string& text, const std::string& where) {
  CsvTable t = parse_csv_table(text, where);
  const auto& header = t.names;
  theory::require(header.size() >= 2, where, "header must be x1,...,xp,y with p >= 1",
                  header.empty() ? std::string() : header[0]);
  const std::size_t p = header.size() - 1;
  for (std::size_t k = 0; k < p; ++k) {
    theory::require(header[k] == "x" + std::to_string(k + 1), where,
                    "header column " + std::to_string(k + 1) + " must be x" + std::to_string(k + 1),
                    header[k]);
  }
  theory::require(header[p] == "y", where, "last header column must be y", header[p]);
  theory::require(t.values.n_rows >= 2, where, "need at least 2 data rows, n", t.values.n_rows);
  CsvData out;
  out.X = t.values.cols(0, p - 1);
  out.y = t.values.col(p);
  return out;
}

CsvData read_csv_data(const std::filesystem::path& path) {
  return parse_csv_data(theory::read_text(path), path.string());
}

}  // namespace reluid::sim
