// Ground-truth networks: sparse two-layer ReLU networks satisfying the paper's Assumption 1 with
// the angle condition built in, and the fixed network of the paper's §4.1.1 experiments.
#pragma once

#include <armadillo>

#include "theory/model.hpp"
#include "theory/random.hpp"

namespace reluid::sim {

/// Options of make_truth (Assumption 1 of Li, Wang & Ding 2023). Signed integers so that
/// negative user input is reported rather than wrapped.
struct TruthOptions {
  int p = 100;              ///< input dimension
  int r = 3;                ///< hidden neurons
  int s = 6;                ///< support size |S*|, 1 ≤ s ≤ p; this construction needs r ≤ s
  double B = 2.0;           ///< column norms ‖w_j‖ drawn uniform in [1, B]; B ≥ 1
  double bias_bound = 1.0;  ///< biases drawn uniform in [−bias_bound, bias_bound]; 0 ≤ it ≤ B
  double mu = 0.5;          ///< bound on max_{j≠k} |cos(w_j, w_k)|, in [0, 1]
  int positive = -1;        ///< number of a_j = +1, in [0, r]; −1 = balanced (⌈r/2⌉)
};

/// Smallest eigenvalue kept in the Gram matrix G of the weight directions (see make_truth):
/// keeps chol(G) well conditioned and the directions linearly independent.
constexpr double min_gram_eigenvalue = 0.01;

/// Throws std::invalid_argument naming the field and its value unless the options are feasible
/// for make_truth: 1 ≤ s ≤ p, 1 ≤ r ≤ s, B ≥ 1, 0 ≤ bias_bound ≤ B, μ ∈ [0, 1],
/// positive ∈ [0, r] or −1. (r > s is impossible here; for r > s no network at all has
/// coherence below the Welch bound √((r−s)/(s(r−1))), and μ = 0 needs r ≤ s.)
void validate(const TruthOptions& opt);

/// Draws a network with p inputs and r neurons whose weight matrix W (p × r) has support S* of s
/// rows chosen uniformly at random, and
///   ‖w_j‖ ~ U[1, B], b_j ~ U[−bias_bound, bias_bound], exactly `positive` signs a_j = +1 in
///   random order, and max_{j≠k} |cos(w_j, w_k)| ≤ μ by construction:
/// a random correlation matrix C (r × r, normalised Gram of r Gaussian r-vectors) gives the
/// off-diagonal pattern E = C − I; G = I + cE with c = min(μ / max|E|, (1 − δ)/(−λ_min(E))),
/// δ = min_gram_eigenvalue, so |G_jk| ≤ μ and λ_min(G) ≥ δ; then W_S = Q·chol(G)·diag(norms) with
/// Q (s × r) Haar-distributed orthonormal columns (QR of a Gaussian matrix), so cos(w_j, w_k) =
/// G_jk. The achieved coherence equals μ unless the drawn pattern forces c·max|E| < μ (possible
/// for large μ, e.g. μ ≳ 0.6 at r = 20); measure it with theory::coherence. μ = 0 gives
/// orthogonal columns. Draw order from rng: support, norms, C, Q, biases, signs.
theory::Network make_truth(const TruthOptions& opt, theory::Engine& rng);

/// The network of the paper's §4.1.1: r = 16 neurons on p inputs; the first 10 rows of W are
/// i.i.d. U[0, 1] and the others 0; biases i.i.d. U[0, 1]; signs i.i.d. ±1 with probability 1/2.
/// Requires p ≥ 10.
theory::Network paper_network(theory::Engine& rng, int p = 100);

}  // namespace reluid::sim
