// Outer solver of issue 3: the constrained ℓ1 fit (paper eq. 4)
//   min ‖W‖₁  s.t.  (1/n) Σ_i (y_i − Σ_j a_j relu(w_jᵀx_i + b_j))² ≤ σ²,  a ∈ {±1}^r,
// by a λ search over the penalized problem (eq. 10) and an enumeration of the sign count k with
// several starts per k (spectral, random, and screened: a fit restricted to a few screened inputs,
// embedded in R^p).
#pragma once

#include <armadillo>
#include <cstddef>
#include <string_view>
#include <vector>

#include "solvers/penalized.hpp"
#include "theory/model.hpp"
#include "theory/random.hpp"

namespace reluid::solvers {

/// How the λ search of fit_constrained ended.
enum class ConstraintStop {
  on_target,  ///< loss within [(1 − band)·target, target]
  bracketed,  ///< feasible, but the root search narrowed the log λ bracket (or ran out of steps)
              ///< without reaching the band: the loss jumps across it (non-unique local fits)
  infeasible  ///< no λ on the path reached loss ≤ target
};

/// "on_target", "bracketed" or "infeasible".
std::string_view to_string(ConstraintStop stop);

/// Options of fit_constrained.
struct ConstrainedOptions {
  double sigma = 0.0;  ///< the constraint level σ ≥ 0 of eq. (4); target loss σ²
  /// σ = 0: the target is noiseless_tol · Var(y) (Var with divisor n), and any loss in
  /// [0.1, 1] × target is accepted.
  double noiseless_tol = 1e-6;
  double band = 0.02;  ///< σ > 0: accept loss in [(1 − band)σ², σ²]
  double lambda_start = 0.1;  ///< first λ = lambda_start · λ_lin with λ_lin = ‖(2/n)Xᵀ(y − ȳ)‖_∞
  /// If > 0, the first λ itself (lambda_start is then unused): a warm start from a fit at a
  /// known λ continues from that λ.
  double lambda_first = 0.0;
  double path_ratio = 0.5;    ///< geometric factor between consecutive λ of the path, in (0, 1)
  std::size_t max_path = 60;  ///< λ values on the path at most
  /// Stagnation stop of the downward path: it ends (infeasible) when the loss of a stage is above
  /// (1 − stagnation_drop) × the loss stagnation_window stages earlier, i.e. when λ fell by
  /// path_ratio^window without moving the fit; 0 turns the stop off. Such a path has reached a
  /// local fit of the unpenalized loss that does not meet the target (a wrong sign count, or a
  /// spurious local minimum); the stages left would only re-solve it (measured in README).
  std::size_t stagnation_window = 4;
  double stagnation_drop = 0.01;
  std::size_t max_root = 25;  ///< root-search solves at most
  /// Inner options on the continuation path (λ is overwritten): loose, as intermediate λ stages
  /// only have to warm-start the next one.
  PenalizedOptions path_inner{.max_iter = 1500, .rel_tol = 1e-5, .abs_tol = 1e-7};
  /// Inner options in the root search, whose solutions are candidates for the answer.
  PenalizedOptions root_inner{.max_iter = 5000, .rel_tol = 1e-8, .abs_tol = 1e-10};
};

/// Result of fit_constrained.
struct ConstrainedResult {
  PenalizedResult fit{};  ///< the chosen penalized solution (W, b, a, λ, loss, ‖W‖₁, stop, …)
  double target = 0;      ///< the loss level aimed at (σ², or the noiseless tolerance)
  double slack = 0;       ///< target − loss: ≥ 0 iff feasible
  bool feasible = false;  ///< loss ≤ target
  ConstraintStop stop = ConstraintStop::infeasible;
  std::size_t solves = 0;            ///< penalized problems solved
  std::size_t total_iterations = 0;  ///< summed inner iterations
};

/// The λ search for fixed signs start.a, from `start` (p × r):
///  1. continuation: λ_k = λ₀·ratio^k, each penalized fit warm-started from the previous one,
///     until the loss drops to the target or stagnates (stagnation_window; the start is then
///     infeasible) (if the first stage is already feasible, λ is raised by 1/ratio instead until
///     it is not, or W = 0);
///  2. a safeguarded root search on u = log λ for log(loss) = log(target) inside the bracket
///     [feasible λ, infeasible λ]: secant (regula falsi, Illinois-modified) steps that fall
///     outside the middle 90% of the bracket are replaced by bisection (SPGL1's Pareto-curve root
///     finding, van den Berg & Friedlander 2008, bracketed because here the curve may jump).
/// The answer is the feasible solution with the smallest ‖W‖₁ among all solved; if none is
/// feasible, the one with the smallest loss. X: n × p, one observation per row; y: n values.
ConstrainedResult fit_constrained(const arma::mat& X, const arma::vec& y,
                                  const theory::Network& start, const ConstrainedOptions& options,
                                  theory::Engine& rng);

/// Kind of start in the multi-start search.
///  spectral  spectral_start from the Stein matrix of all p inputs
///  random    random columns, see fit_l1_constrained
///  screened  the best fit of the problem restricted to the screened inputs (solvers/screen.hpp),
///            zero rows elsewhere, refitted on all p inputs from its λ
///  pruned    the best fit of a sign count cut to its largest rows, refitted on those rows,
///            then on all p inputs from its λ
///  split     the best fit of a sign count with one opposite-sign pair of neurons replaced by
///            relu(L) − relu(−L), L the pair's least-squares linear part (split_starts)
///  polished  the best feasible fit of a sign count over all other starts, improved by the
///            activation-pattern LP descent (solvers/pattern_lp.hpp); σ = 0 only
///  restored  the best fit of a sign count when no start of it met the target, taken to the
///            target by the elastic LP over all p inputs (restore_rounds)
enum class StartKind {
  spectral,
  random,
  screened,
  pruned,
  split,
  polished,
  restored,
  late,
  rescue
};
std::string_view to_string(StartKind kind);

/// Outcome of one start of fit_l1_constrained.
struct StartRecord {
  arma::uword k = 0;  ///< number of +1 signs
  StartKind kind = StartKind::random;
  std::size_t index = 0;  ///< index among starts of this kind for this k
  double lambda = 0, loss = 0, l1 = 0, slack = 0, stationarity = 0;
  bool feasible = false;
  ConstraintStop stop = ConstraintStop::infeasible;
  StopReason inner_stop = StopReason::max_iter;
  /// Penalized solves and inner iterations of this start; a screened start includes those of
  /// its restricted fits (all its restricted starts), so the sums over starts are the whole cost.
  /// A polished start counts its LP solves as solves and its simplex iterations as iterations.
  std::size_t solves = 0, iterations = 0;
};

/// Options of fit_l1_constrained.
struct L1FitOptions {
  arma::uword r = 3;                ///< hidden neurons, ≥ 1
  std::size_t spectral_starts = 1;  ///< 0 or 1 spectral start per k (spectral_start)
  std::size_t random_starts = 2;    ///< random starts per k
  /// Random starts per k of the restricted problem behind the screened start (plus its spectral
  /// start when spectral_starts = 1); 0 (the default) turns screened starts off. Measured on the
  /// noiseless sweep n ∈ {50, 100, 200, 400}, p = 100, r = 3, s = 6, 20 trials per n (README,
  /// "Measured"): with pruned starts on, 3 screened starts cut optimizer failures from 8 to 5 of
  /// 80 at 1.3–1.7× the time per fit; without pruned starts they did little (6 → 5 of 16).
  std::size_t screened_starts = 0;
  /// Inputs kept by the screen, m; 0 means default_screen_size(n, p, r) (solvers/screen.hpp),
  /// i.e. min(p, max(20, 2r, ⌈n / (4 log p)⌉)). Clamped to p.
  arma::uword screen_size = 0;
  /// One pruned start per sign count after all others (see fit_l1_constrained).
  bool pruned_starts = true;
  /// Fresh starts of each restricted problem of a pruned start, besides the cut fit: its
  /// spectral start (when spectral_starts = 1 and r ≤ m) and this many random starts in R^m;
  /// 0 keeps only the cut fit. The restricted problems are small (a few ms per start at m ≤ 20,
  /// n = 100) and their fits often stall in a wrong basin even on the true rows alone (at n =
  /// 100, p = 100 from 3 to 100% of random starts on the 6 true rows reach the truth, by
  /// instance), so restarts there are cheap and pay. 4 (was 2) with pruned_grow = 6 (was 2): on
  /// the noiseless certificate sweep at n = 100 (p = 100, r = 3, s = 6, 14 seeds × 20 trials;
  /// session 11, README "Measured") optimizer failures 12 → 6 of 280 at 1.12× the time.
  std::size_t pruned_restarts = 4;
  /// Rows a restricted problem of a pruned start may grow by while its best fit is infeasible:
  /// each time the row with the largest loss gradient at the embedded fit is added and the
  /// problem refitted (stops early when that does not improve the fit); 0 = no growth. The
  /// dense fits a pruned start cuts often rank a weak true row far down (rank 50–97 of 100 at
  /// n = 100), so one cut misses it and the growth has to find it.
  std::size_t pruned_grow = 6;
  /// Fits of each sign count a pruned start is run from: the best (1, the default) and then the
  /// next-best feasible fits with distinct ‖W‖₁ recorded up to the end of the first pruned
  /// starts (theirs included), up to this many in all; ≥ 1. The extra ones run after every
  /// first pruned start. At n ≤ p + 1 small_n_boost makes 1 mean 5. Measured (README): at n > p + 1
  /// no class changed on the six-seed certificate sweep; at n = p = 100 see small_n_boost.
  std::size_t pruned_parents = 1;
  /// σ = 0 only: LP budget (PatternLpOptions::max_rounds) of the polished starts; 0 (the
  /// default) turns them off. See fit_l1_constrained. Measured on the noiseless sweep n ∈ {50,
  /// 100, 200, 400}, p = 100, r = 3, s = 6, 20 trials per n, seeds 7 and 11 (README,
  /// "Measured"): with 40 they lower ‖Ŵ‖₁ a little in most trials but change no certificate
  /// class, at 1.5–2.5× the time per fit.
  std::size_t lp_rounds = 0;
  /// Polished starts over all p rows (the LP can then fill zero rows too), not only the parent's
  /// non-zero rows; the LP has 2pr + r columns, so meant for p up to a few hundred. Measured
  /// (README, "Measured"): on the 8 optimizer failures at n = 100 of the noiseless sweep (p = 100,
  /// r = 3, s = 6, seeds 7, 11, 13, 17) it removes 1; the descent is local.
  bool lp_all_rows = false;
  /// At n ≤ p + 1 only: 3 screened starts when screened_starts = 0, polished starts over all
  /// p rows (40 LPs when lp_rounds = 0), and 5 pruned parents when pruned_parents = 1. There a
  /// fit costs about a second at p = 100, the LPs are small, and most optimizer failures happen.
  /// Measured on the noiseless sweep n ∈ {50, 100, 200, 400}, p = 100, r = 3, s = 6, 20 trials
  /// per n, seeds 7, 11, 13, 17, 19, 23 (README, "Measured"): optimizer failures at n = 100 6 of
  /// 120 against 10 without it, at 1.5× (n = 50) and 1.8× (n = 100) the time per fit; n > p + 1
  /// is untouched. The 5 parents (session 12; 14 seeds × 20 trials): at n = 100 optimizer
  /// failures 8 → 4 of 280 (at most 1 in every seed's 20) at 1.22× the time per fit (n = 50:
  /// none before or after, 1.93×).
  bool small_n_boost = true;
  /// Split starts (off by default; see fit_l1_constrained): for each sign count's best fit so
  /// far and each pair of neurons j (a_j = +1), k (a_k = −1), the pair's output is replaced by its
  /// least-squares linear part L(x) = vᵀx + β on the data, written as relu(L) − relu(−L) (neuron
  /// j gets (v, β), neuron k (−v, −β)), and the λ search continues from the fit's λ. Measured
  /// (README, "Measured"): on the μ sweep 2 of 32 optimizer failures recovered (r = 3,
  /// μ = 0.95), nothing else changed, 1.0–2.1× the time per fit; off by default for that cost.
  bool split_starts = false;
  /// LPs a restored start may take to meet the box (its PatternLpOptions::max_rounds and
  /// patience); 0 turns restored starts off. 2: at n ≤ p + 1 the second LP always meets the box,
  /// and where it was met at n > p + 1 (restore_any_n; seed 17, n = 200) the second did too. See
  /// fit_l1_constrained and README, "Measured" (noiseless sweep n ∈ {50, 100, 200, 400}, p = 100, r
  /// = 3, s = 6, 20 trials per n, seeds 7, 11, 13, 17).
  std::size_t restore_rounds = 2;
  /// Restored starts also at n > p + 1 (off: there nothing guarantees they meet the target, and
  /// their LPs are large — on the μ sweep, n = 400, they met it on 1 of 10 trials tried, that one
  /// still an optimizer failure, at 3.4–9.2× the fit's time for r = 3 and 7.3× for r = 6; on the
  /// certificate sweep they recover seed 17's n = 200 trial 16). README, "Measured".
  bool restore_any_n = false;
  /// Residual bounds of the polished starts: residual_bounds(…, target, lp_fill) of the parent
  /// fit, in (0, 1]; the headroom 1 − lp_fill absorbs GLPK's feasibility tolerance.
  double lp_fill = 0.98;
  /// Late starts: random starts per sign count (same law as random_starts) in a last round after
  /// every other start, drawn from a stream split off rng (whose state is restored afterwards);
  /// a sign count whose best fit they improve then gets a pruned start (when pruned_starts) and a
  /// polished start (when the polished starts run) from that new best. Since they come last and
  /// draw from their own stream, every earlier start is bit for bit what it is without them, and
  /// the chosen fit can only get lighter (or feasible): they can turn an optimizer failure into
  /// a success, never the reverse; 0 = off. 4 by default: on the noiseless certificate sweep
  /// (p = 100, r = 3, s = 6, seeds 7, 11, 13, 17, 19, 23, 20 trials per n; README, "Measured")
  /// optimizer failures at n = 100 fell from 5 to 4 of 120 and at n = 200 from 4 to 3, leaving
  /// at most 1 of 20 in every seed's cell, at 1.39× (n = 100) and 1.44× (n = 200) the time per fit.
  std::size_t late_starts = 4;
  /// Rescue starts: only when no start (late ones included) met the target, a last round of
  /// screened starts (screened_starts' law, this many random starts per sign count) from a
  /// stream of its own, recorded as StartKind::rescue, then a pruned start from each sign count's
  /// rescue fit and a polished start for each sign count whose best fit improves. A feasible answer
  /// is untouched, so they can only turn an infeasible answer into a lighter or feasible one; 0 =
  /// off. 3 by default: on 14 seeds of the noiseless certificate sweep (p = 100, r = 3, s = 6,
  /// 20 trials per seed and n; session 10, README "Measured") 8 of the 10 optimizer failures at
  /// n = 200 and 400 had no feasible fit at all, and the rescue recovers 6 of those 8 (at n = 400
  /// about +1.5 s on a 4.4 s fit, on those trials only). The failures at n ≤ 100 are feasible
  /// fits heavier than the truth, which it does not touch.
  std::size_t rescue_starts = 3;
  /// Skip the sign counts that provably cannot meet the target (sign_count_loss_bound above
  /// it): k = r when y has too much negative mass, k = 0 when it has too much positive mass.
  /// Exact: no start of a skipped sign count could be feasible. On a mixed-sign truth it removes
  /// two of the r + 1 sign counts: 0.64× the time per fit on the noiseless certificate sweep at
  /// n = 100 (p = 100, r = 3, s = 6, 14 seeds × 20 trials; session 11, README "Measured"). It
  /// changes the draws of every later start (the skipped starts drew from rng), so fits differ
  /// from a run without it. Never skips every sign count (an answer must exist).
  bool skip_bounded_signs = true;
  ConstrainedOptions constrained{};  ///< σ and the λ search
};

/// A lower bound on the training loss (1/n) Σ (y_i − f(x_i))² of every network with k of its r
/// output signs +1: for k = r the network is ≥ 0 everywhere, so the loss is at least
/// (1/n) Σ min(y_i, 0)²; for k = 0 it is ≤ 0, so at least (1/n) Σ max(y_i, 0)²; for 0 < k < r
/// the bound is 0 (relu(L) − relu(−L) = L: any affine function, so nothing is excluded). Both
/// bounds are attained in the limit (f = max(y, 0), resp. min(y, 0), is the closest sign-
/// constrained vector). Throws std::invalid_argument for k > r or empty y.
double sign_count_loss_bound(const arma::vec& y, arma::uword r, arma::uword k);

/// Result of fit_l1_constrained.
struct L1FitResult {
  ConstrainedResult best{};         ///< the chosen fit
  arma::uword k = 0;                ///< its number of +1 signs
  std::size_t best_start = 0;       ///< index into `starts`
  std::vector<StartRecord> starts;  ///< every start, in the order run
  /// Sign counts not tried because sign_count_loss_bound exceeds the target
  /// (L1FitOptions::skip_bounded_signs), increasing.
  std::vector<arma::uword> skipped;
};

/// The constrained fit of eq. (4). The signs are fixed up to a permutation by k, the number of
/// +1 neurons; every k = 0..r (except those skip_bounded_signs excludes) is tried with the
/// spectral start (if requested; needs r ≤ p) and `random_starts` random starts (columns N(0,
/// I_p)/√p scaled to norm 1, b ~ U[−0.5, 0.5]), each through fit_constrained. Then, if
/// screened_starts > 0, one screened start per k: the m inputs with the largest screen_scores are
/// kept, the constrained problem on those m columns is solved for this k from its spectral start
/// (if requested and r ≤ m) and `screened_starts` random starts (same law, in R^m), and its best
/// fit, embedded with zero rows elsewhere, is refitted by fit_constrained on all p inputs with the
/// continuation starting at the restricted fit's λ (if m = p the restricted fit is itself the
/// answer of the start). The screened starts run after the spectral and random ones, so those draw
/// exactly what they would without them: adding them can only lower the ‖W‖₁ of the answer; they
/// draw from a stream split off rng and restore rng's state afterwards, so the starts after them
/// draw the same numbers as without them (and differ only where they start from a better fit).
/// Last, if pruned_starts, one pruned start per k whose best fit so far (over all its starts) has
/// nnz non-zero rows: for m = ⌈nnz/2⌉, ⌈m/2⌉, … down to 2 the problem restricted to the m largest
/// rows (ℓ2 row norm) is solved from the fit cut to those rows, with the continuation starting at
/// the fit's λ, and from `pruned_restarts` fresh starts in R^m (the restricted spectral start and
/// random starts); while its best fit is infeasible, the row set grows (at most `pruned_grow`
/// times) by the row with the largest loss gradient at the embedded fit. The best feasible
/// restricted fit over all m, embedded with zero rows elsewhere, is refitted on all p inputs from
/// its λ. Then, if split_starts, for each sign count's best fit so far (feasible or not) and each
/// pair of neurons (j, k) with a_j = +1, a_k = −1: with g_i = relu(z_ij) − relu(z_ik) the pair's
/// output on sample i, (v, β) = argmin Σ_i (vᵀx_i + β − g_i)² (least squares; minimum norm when
/// n ≤ p), the start sets w_j = v, b_j = β, w_k = −v, b_k = −β — so that the pair computes
/// relu(L) − relu(−L) = L, the pair's linear part, exactly, with both kinks on L = 0 inside the
/// data — and fit_constrained continues from the fit's λ (`split` starts, index = pair number).
/// Near the transition and at high μ the other starts end with such a pair nearly linear (both
/// neurons active on most samples, their kinks outside the data, no gradient to move them), a
/// local minimum of the loss above the target; the split puts the kinks back where the
/// optimizer can move them (README, "Measured").
/// Then, if restore_rounds > 0 and n ≤ p + 1 (or restore_any_n), each sign count whose best fit
/// so far is infeasible, leaves at
/// most 1% of Var(y) unexplained and is lighter than the best feasible fit (if any) gets a
/// `restored` start: polish_pattern_lp from that fit over all p inputs, its residuals boxed by
/// √(lp_fill · target), the box elastic (PatternLpOptions::elastic), at most restore_rounds LPs,
/// stopping at the first that meets the box. The penalized path can stall above the target with
/// samples no neuron of the needed sign covers (no gradient reaches them); the repair flips cover
/// them, and at n ≤ p + 1, where every activation pattern is realisable, the second LP always meets
/// the box exactly (at n > p + 1 it may not: the start then ends infeasible). A feasible restored
/// fit is then pruned like the others (a pruned start with it as parent). Last, at σ = 0 and if
/// lp_rounds > 0 (off by default), each sign count's best feasible fit is
/// polished by polish_pattern_lp over its non-zero rows (over all p rows with lp_all_rows;
/// otherwise the others stay 0; residual bounds
/// of residual_bounds with lp_fill) and recorded as a `polished` start (feasible if the network,
/// evaluated through the ReLU, meets the target). Being last and drawing nothing from rng, the
/// polished starts leave every other start as it would be without them: they can only lower the
/// ‖W‖₁ of the answer. At σ = 0 and n near the transition the other starts tend to end at dense
/// interpolating fits that hold the support among many small rows; pruning finds the sparse fit
/// behind them (the restarts when the cut fit sits in a wrong basin, the growth when a weak true
/// row ranks far down). Returns the feasible fit with the smallest ‖W‖₁ (ties: smaller loss); if
/// none is feasible, the fit with the smallest loss. All randomness comes from rng (the caller
/// passes sim::Stream::solver). Throws std::invalid_argument for σ < 0 or non-finite, r < 1, bad
/// data (n < 2, NaN, n mismatch), and bad options.
L1FitResult fit_l1_constrained(const arma::mat& X, const arma::vec& y, const L1FitOptions& options,
                               theory::Engine& rng);

}  // namespace reluid::solvers
