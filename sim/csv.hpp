// Reading numeric CSV: a table with named columns (`reluid select`), data sets with header
// "x1,…,xp,y" (`reluid fit`, the format data_to_csv writes), and single numbers.
#pragma once

#include <armadillo>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace reluid::sim {

/// The whole of `text` as a number (strtod syntax; "nan", "inf" and overflow give non-finite
/// values), or nothing if it is empty or has anything left over.
std::optional<double> parse_number(std::string_view text);

/// A numeric CSV table: column names and values (n × columns, one row per data line).
struct CsvTable {
  std::vector<std::string> names;
  arma::mat values;
};

/// Parses CSV text with a header of distinct, non-empty column names (cells trimmed of spaces
/// and of one pair of surrounding double quotes; no quoted commas) and rows of as many finite
/// numbers. Empty lines at the end are ignored; an empty line inside the data is an error.
/// Errors (std::invalid_argument) name `where`, the line and the column, e.g.
/// "data.csv: line 4, column x2: not a number (got "abc")".
CsvTable parse_csv_table(const std::string& text, const std::string& where = "csv");

/// A data set read from CSV. X: n × p, one observation per row; y: n values.
struct CsvData {
  arma::mat X;
  arma::vec y;
};

/// Parses CSV text as parse_csv_table does; the header must moreover be exactly x1,…,xp,y
/// (p ≥ 1), and n ≥ 2.
CsvData parse_csv_data(const std::string& text, const std::string& where = "csv");

/// Reads and parses a CSV file (errors name the path).
CsvData read_csv_data(const std::filesystem::path& path);

}  // namespace reluid::sim
