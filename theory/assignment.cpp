// Exact linear assignment by shortest augmenting paths with potentials (Hungarian method).
#include "theory/assignment.hpp"

#include <limits>
#include <stdexcept>
#include <vector>

#include "theory/check.hpp"

namespace reluid::theory {

Assignment solve_assignment(const arma::mat& C) {
  constexpr const char* where = "assignment";
  require(C.n_rows >= 1, where, "cost matrix must be non-empty, rows", C.n_rows);
  if (C.n_rows != C.n_cols) {
    fail(where, "cost matrix must be square (got " + std::to_string(C.n_rows) + "x" +
                    std::to_string(C.n_cols) + ")");
  }
  require_finite(C, where, "cost");

  // 1-based arrays; index 0 of the columns is the virtual column the new row starts from.
  // Row i is inserted one at a time and matched through a Dijkstra-like shortest path in the
  // reduced costs C(i, j) − u_i − v_j ≥ 0, which stay non-negative after each potential update.
  const arma::uword n = C.n_rows;
  const arma::mat Ct = C.t();  // column i of Ct is row i of C: contiguous inner loop
  constexpr double inf = std::numeric_limits<double>::infinity();
  std::vector<double> u(n + 1, 0.0), v(n + 1, 0.0), minv(n + 1);
  std::vector<arma::uword> match(n + 1, 0), way(n + 1, 0);  // match[j] = row on column j
  std::vector<char> used(n + 1);
  for (arma::uword i = 1; i <= n; ++i) {
    match[0] = i;
    arma::uword j0 = 0;
    std::fill(minv.begin(), minv.end(), inf);
    std::fill(used.begin(), used.end(), 0);
    do {
      used[j0] = 1;
      const arma::uword i0 = match[j0];
      const double* row = Ct.colptr(i0 - 1);
      double delta = inf;
      arma::uword j1 = 0;
      for (arma::uword j = 1; j <= n; ++j) {
        if (used[j]) continue;
        const double reduced = row[j - 1] - u[i0] - v[j];
        if (reduced < minv[j]) {
          minv[j] = reduced;
          way[j] = j0;
        }
        if (minv[j] < delta) {
          delta = minv[j];
          j1 = j;
        }
      }
      // With finite costs some free column always has a finite reduced cost.
      if (j1 == 0) throw std::runtime_error("assignment: no augmenting path (internal error)");
      for (arma::uword j = 0; j <= n; ++j) {
        if (used[j]) {
          u[match[j]] += delta;
          v[j] -= delta;
        } else {
          minv[j] -= delta;
        }
      }
      j0 = j1;
    } while (match[j0] != 0);
    do {  // augment along the path back to the virtual column
      const arma::uword j1 = way[j0];
      match[j0] = match[j1];
      j0 = j1;
    } while (j0 != 0);
  }

  Assignment out;
  out.perm.set_size(n);
  out.row_potential.set_size(n);
  out.col_potential.set_size(n);
  for (arma::uword j = 1; j <= n; ++j) {
    out.perm(match[j] - 1) = j - 1;
    out.col_potential(j - 1) = v[j];
  }
  for (arma::uword i = 1; i <= n; ++i) out.row_potential(i - 1) = u[i];
  for (arma::uword i = 0; i < n; ++i) out.cost += C(i, out.perm(i));
  return out;
}

}  // namespace reluid::theory
