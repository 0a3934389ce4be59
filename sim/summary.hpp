// Per-cell summary of a sweep's trials (DIR/summary.csv).
#pragma once

#include <string>
#include <vector>

#include "sim/results.hpp"
#include "sim/sweep.hpp"

namespace reluid::sim {

/// The q-quantile (0 ≤ q ≤ 1) of `values` by linear interpolation between order statistics
/// (Hyndman & Fan type 7, R's default): h = (m − 1)q, x_(⌊h⌋) + (h − ⌊h⌋)(x_(⌊h⌋+1) − x_(⌊h⌋)).
/// NaN for an empty input.
double quantile(std::vector<double> values, double q);

/// summary.csv text: one row per cell with at least one trial row, in cell order. Columns:
/// cell, the cell_columns(), trials; then, from the outcome columns present in rows.header:
///   success     → successes, p_hat, ci_low, ci_high (Clopper–Pearson 95%, theory/binomial.hpp)
///   certificate → certificate_<class>: the fraction of trials in each class seen in any cell
///   D2          → D2_q1, D2_median, D2_q3
///   error_eq7   → error_eq7_q1, error_eq7_median, error_eq7_q3
///   seconds     → seconds_median
/// Quantiles skip NaN values (a trial may report none) and are NaN when none is left.
/// Throws std::runtime_error if success is not 0/1 or a numeric column does not parse.
std::string summary_csv(const std::vector<Cell>& cells, const TrialRows& rows);

}  // namespace reluid::sim
