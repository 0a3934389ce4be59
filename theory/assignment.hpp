// Exact linear assignment: min over permutations π of Σ_j C(j, π(j)) on an r × r cost matrix.
#pragma once

#include <armadillo>

namespace reluid::theory {

/// Optimal assignment of rows to columns, with the dual certificate of its optimality.
struct Assignment {
  double cost = 0.0;  ///< Σ_j C(j, perm[j]), summed from the input entries
  arma::uvec perm;    ///< perm[j] = column assigned to row j (a permutation of 0..r−1)
  /// Dual potentials: u_j + v_k ≤ C(j, k) for all (j, k), with equality on the matching, so
  /// Σu + Σv = cost (up to rounding) certifies that no permutation is cheaper (LP duality).
  arma::vec row_potential;
  arma::vec col_potential;
};

/// Solves the linear assignment problem exactly in O(r³) with the shortest augmenting path
/// Hungarian method with potentials (Kuhn–Munkres; the successive shortest path form of
/// Jonker & Volgenant 1987, without their initialisation heuristics). C: r × r, finite, r ≥ 1;
/// any sign, ties and entries up to ~1e300 in magnitude are fine. When several permutations are
/// optimal, one of them is returned (deterministically). Throws std::invalid_argument for an
/// empty, non-square or non-finite C.
Assignment solve_assignment(const arma::mat& C);

}  // namespace reluid::theory
