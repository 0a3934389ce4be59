// Reading data sets from CSV: header "x1,…,xp,y", one sample per row (the format data_to_csv
// writes).
#pragma once

#include <armadillo>
#include <filesystem>
#include <string>

namespace reluid::sim {

/// A data set read from CSV. X: n × p, one observation per row; y: n values.
struct CsvData {
  arma::mat X;
  arma::vec y;
};

/// Parses CSV text. The header is required and must be exactly x1,…,xp,y (p ≥ 1); every row must
/// have p + 1 cells, each a finite number (surrounding spaces allowed; empty lines at the end are
/// ignored); n ≥ 2. Errors (std::invalid_argument) name `where`, the line and the column, e.g.
/// "data.csv: line 4, column x2: not a number (got abc)".
CsvData parse_csv_data(const std::string& text, const std::string& where = "csv");

/// Reads and parses a CSV file (errors name the path).
CsvData read_csv_data(const std::filesystem::path& path);

}  // namespace reluid::sim
