// Constrained ℓ1 fit: λ continuation + bracketed root search on log λ, sign counts and starts.
#include "solvers/constrained.hpp"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "solvers/gmm_split.hpp"
#include "solvers/pattern_lp.hpp"
#include "solvers/screen.hpp"
#include "solvers/spectral.hpp"
#include "theory/check.hpp"

namespace reluid::solvers {

std::string_view to_string(ConstraintStop stop) {
  switch (stop) {
    case ConstraintStop::on_target:
      return "on_target";
    case ConstraintStop::bracketed:
      return "bracketed";
    case ConstraintStop::infeasible:
      return "infeasible";
  }
  return "unknown";
}

std::string_view to_string(StartKind kind) {
  switch (kind) {
    case StartKind::spectral:
      return "spectral";
    case StartKind::random:
      return "random";
    case StartKind::screened:
      return "screened";
    case StartKind::pruned:
      return "pruned";
    case StartKind::split:
      return "split";
    case StartKind::polished:
      return "polished";
    case StartKind::restored:
      return "restored";
    case StartKind::late:
      return "late";
    case StartKind::rescue:
      return "rescue";
  }
  return "unknown";
}

namespace {

void validate_options(const ConstrainedOptions& o, std::string_view where) {
  const std::string w(where);
  theory::require(std::isfinite(o.sigma) && o.sigma >= 0.0, w, "sigma must be finite and >= 0",
                  o.sigma);
  theory::require(o.noiseless_tol > 0.0 && o.noiseless_tol < 1.0, w,
                  "noiseless_tol must be in (0, 1)", o.noiseless_tol);
  theory::require(o.band >= 0.0 && o.band < 1.0, w, "band must be in [0, 1)", o.band);
  theory::require(o.lambda_start > 0.0 && std::isfinite(o.lambda_start), w,
                  "lambda_start must be finite and > 0", o.lambda_start);
  theory::require(o.lambda_first >= 0.0 && std::isfinite(o.lambda_first), w,
                  "lambda_first must be finite and >= 0", o.lambda_first);
  theory::require(o.path_ratio > 0.0 && o.path_ratio < 1.0, w, "path_ratio must be in (0, 1)",
                  o.path_ratio);
  theory::require(o.max_path >= 1, w, "max_path must be >= 1", o.max_path);
  theory::require(o.stagnation_drop >= 0.0 && o.stagnation_drop < 1.0, w,
                  "stagnation_drop must be in [0, 1)", o.stagnation_drop);
}

/// PatternLpOptions::elastic of the restored starts: a unit of residual-box violation costs
/// 10⁴ (1 + ‖W‖₁) / max|y|, far above what ‖W‖₁ gains from it (an exact penalty).
constexpr double kRestoreElastic = 1e4;
/// A sign count is restored only if its best fit leaves at most this share of Var(y)
/// unexplained: far from the target the repair flips (one pattern entry per violated sample and
/// round) would need more rounds than the budget, and k = 0 or r on a mixed-sign truth (loss
/// ~ Var(y)) would pay an LP on nearly every trial for nothing.
constexpr double kRestoreLoss = 0.01;
/// small_n_boost: screened starts per sign count and the polished starts' LP budget at n ≤ p + 1
/// when the options leave them at 0 (the values of the measured sweeps, README "Measured").
constexpr std::size_t kSmallNScreened = 3;
constexpr std::size_t kSmallNLpRounds = 40;
/// small_n_boost: fits of each sign count a pruned start is run from at n ≤ p + 1 when the
/// options leave pruned_parents at 1.
constexpr std::size_t kSmallNParents = 5;

/// The loss level fit_constrained aims at: σ², or at σ = 0 noiseless_tol · Var(y) (divisor n).
double target_loss(const arma::vec& y, const ConstrainedOptions& o) {
  if (o.sigma > 0.0) return o.sigma * o.sigma;
  const arma::vec yc = y - arma::mean(y);
  return o.noiseless_tol * (arma::dot(yc, yc) / static_cast<double>(y.n_elem));
}

/// Sets slack, feasible and stop of c from c.fit.loss and c.target; `lower` is the bottom of the
/// accepted band.
void set_constraint_status(ConstrainedResult& c, double lower) {
  c.slack = c.target - c.fit.loss;
  c.feasible = c.fit.loss <= c.target;
  c.stop = !c.feasible           ? ConstraintStop::infeasible
           : c.fit.loss >= lower ? ConstraintStop::on_target
                                 : ConstraintStop::bracketed;
}

}  // namespace

ConstrainedResult fit_constrained(const arma::mat& X, const arma::vec& y,
                                  const theory::Network& start, const ConstrainedOptions& options,
                                  theory::Engine& rng) {
  constexpr std::string_view where = "fit_constrained";
  validate_data(X, y, where);
  validate_options(options, where);
  theory::validate(start, std::string(where) + ": start");
  theory::require(start.p() == X.n_cols, where,
                  "start network must have p = " + std::to_string(X.n_cols) + " rows in W",
                  start.p());

  const double n = static_cast<double>(X.n_rows);
  const arma::vec yc = y - arma::mean(y);
  const bool noiseless = options.sigma == 0.0;
  const double target = target_loss(y, options);
  const double lower = noiseless ? 0.1 * target : (1.0 - options.band) * target;
  double lambda_lin = arma::abs(X.t() * yc).max() * 2.0 / n;
  if (!(lambda_lin > 0.0)) lambda_lin = 1.0;
  const double lipschitz = lipschitz_bound(X, start.r());

  ConstrainedResult out;
  out.target = target;
  bool have_best = false;
  auto consider = [&](const PenalizedResult& f) {
    const bool feas = f.loss <= target;
    const bool better = !have_best ||
                        (feas && (!out.feasible || f.l1 < out.fit.l1 ||
                                  (f.l1 == out.fit.l1 && f.loss < out.fit.loss))) ||
                        (!feas && !out.feasible && f.loss < out.fit.loss);
    if (better) {
      out.fit = f;
      out.feasible = feas;
      have_best = true;
    }
  };
  auto solve = [&](double lambda, const theory::Network& warm, PenalizedOptions opt) {
    opt.lambda = lambda;
    opt.lipschitz = lipschitz;
    PenalizedResult f = fit_penalized(X, y, warm, opt, rng);
    ++out.solves;
    out.total_iterations += f.iterations;
    consider(f);
    return f;
  };

  // 1. Continuation. lo: feasible end (smaller λ), hi: infeasible end (larger λ).
  double lam =
      options.lambda_first > 0.0 ? options.lambda_first : options.lambda_start * lambda_lin;
  PenalizedResult cur = solve(lam, start, options.path_inner);
  bool have_lo = false, have_hi = false;
  PenalizedResult lo, hi;
  if (cur.loss <= target) {
    lo = cur;
    have_lo = true;
    for (std::size_t k = 0; k < options.max_path && cur.l1 > 0.0; ++k) {
      lam /= options.path_ratio;
      PenalizedResult f = solve(lam, cur.net, options.path_inner);
      if (f.loss > target) {
        hi = f;
        have_hi = true;
        break;
      }
      lo = f;
      cur = f;
    }
  } else {
    hi = cur;
    have_hi = true;
    // Losses of the infeasible stages, for the stagnation stop.
    std::vector<double> losses{cur.loss};
    for (std::size_t k = 1; k < options.max_path; ++k) {
      lam *= options.path_ratio;
      PenalizedResult f = solve(lam, cur.net, options.path_inner);
      if (f.loss <= target) {
        lo = f;
        have_lo = true;
        break;
      }
      hi = f;
      cur = f;
      losses.push_back(f.loss);
      const std::size_t w = options.stagnation_window;
      if (w > 0 && losses.size() > w &&
          f.loss > (1.0 - options.stagnation_drop) * losses[losses.size() - 1 - w]) {
        break;  // the penalty no longer matters: smaller λ only re-solves the same local fit
      }
    }
  }

  // 2. Root search on u = log λ for h(u) = log(loss / target) = 0 inside [lo, hi].
  if (have_lo && have_hi) {
    constexpr double tiny = 1e-300;
    auto h = [&](const PenalizedResult& f) { return std::log(std::max(f.loss, tiny) / target); };
    double h_lo = h(lo), h_hi = h(hi);
    int side = 0;  // Illinois: which end was kept last (−1 lo, +1 hi)
    for (std::size_t it = 0; it < options.max_root && lo.loss < lower; ++it) {
      const double u_lo = std::log(lo.lambda), u_hi = std::log(hi.lambda);
      const double width = u_hi - u_lo;
      if (!(width > 1e-4)) break;
      double u = u_lo - h_lo * width / (h_hi - h_lo);
      if (!std::isfinite(u) || u < u_lo + 0.05 * width || u > u_hi - 0.05 * width) {
        u = 0.5 * (u_lo + u_hi);
      }
      // Warm start from the sparser (larger λ) end, as continuation would.
      PenalizedResult f = solve(std::exp(u), hi.net, options.root_inner);
      if (f.loss <= target) {
        lo = f;
        h_lo = h(f);
        if (side == -1) h_hi *= 0.5;
        side = -1;
      } else {
        hi = f;
        h_hi = h(f);
        if (side == +1) h_lo *= 0.5;
        side = +1;
      }
    }
  }

  // 3. Polish the chosen point at its λ with the tight inner options; keep it if still feasible.
  if (out.fit.stop != StopReason::converged && out.feasible) {
    PenalizedOptions opt = options.root_inner;
    opt.lambda = out.fit.lambda;
    opt.lipschitz = lipschitz;
    PenalizedResult f = fit_penalized(X, y, out.fit.net, opt, rng);
    ++out.solves;
    out.total_iterations += f.iterations;
    if (f.loss <= target && f.l1 <= out.fit.l1 * (1.0 + 1e-9)) out.fit = f;
  }

  set_constraint_status(out, lower);
  return out;
}

double sign_count_loss_bound(const arma::vec& y, arma::uword r, arma::uword k) {
  constexpr std::string_view where = "sign_count_loss_bound";
  theory::require(y.n_elem >= 1, where, "y must not be empty", y.n_elem);
  theory::require(k <= r, where, "k must be <= r = " + std::to_string(r), k);
  if (k == r) return arma::mean(arma::square(arma::clamp(y, -arma::datum::inf, 0.0)));
  if (k == 0) return arma::mean(arma::square(arma::clamp(y, 0.0, arma::datum::inf)));
  return 0.0;
}

L1FitResult fit_l1_constrained(const arma::mat& X, const arma::vec& y, const L1FitOptions& options,
                               theory::Engine& rng) {
  constexpr std::string_view where = "fit_l1_constrained";
  validate_data(X, y, where);
  validate_options(options.constrained, where);
  theory::require(options.r >= 1, where, "r must be >= 1", options.r);
  theory::require(options.lp_fill > 0.0 && options.lp_fill <= 1.0, where,
                  "lp_fill must be in (0, 1]", options.lp_fill);
  theory::require(options.pruned_parents >= 1, where, "pruned_parents must be >= 1",
                  options.pruned_parents);
  theory::require(options.spectral_starts <= 1, where, "spectral_starts must be 0 or 1",
                  options.spectral_starts);
  theory::require(options.spectral_starts + options.random_starts + options.screened_starts >= 1,
                  where,
                  "need at least one start per sign count, spectral_starts + random_starts + "
                  "screened_starts",
                  options.spectral_starts + options.random_starts + options.screened_starts);
  const arma::uword p = X.n_cols, r = options.r;
  const bool spectral = options.spectral_starts == 1 && r <= p;
  // At n ≤ p + 1 (small_n_boost): screened starts, polished starts over all p rows and extra
  // pruned parents even when the options leave them off — there the fits are cheap, the LPs small,
  // and the optimizer misses the most (README, "Measured").
  const bool small_n = options.small_n_boost && X.n_rows <= p + 1;
  const std::size_t screened_starts =
      options.screened_starts > 0 ? options.screened_starts : (small_n ? kSmallNScreened : 0);
  const std::size_t lp_rounds =
      options.lp_rounds > 0 ? options.lp_rounds : (small_n ? kSmallNLpRounds : 0);
  const bool lp_all_rows = options.lp_all_rows || small_n;
  const std::size_t pruned_parents =
      options.pruned_parents > 1 ? options.pruned_parents : (small_n ? kSmallNParents : 1);
  SteinSpectrum spectrum;
  if (spectral) spectrum = stein_spectrum(X, y);

  auto random_start = [&](arma::uword dim, const arma::vec& a) {
    theory::Network start;
    start.W = theory::standard_normal(dim, r, rng);
    for (arma::uword j = 0; j < r; ++j) start.W.col(j) /= arma::norm(start.W.col(j));
    start.b = theory::uniform(r, 1, -0.5, 0.5, rng);
    start.a = a;
    return start;
  };
  // The better of two constrained fits: feasible first, then smaller ‖W‖₁, then smaller loss.
  auto better = [](const ConstrainedResult& c, const ConstrainedResult& best) {
    return (c.feasible && (!best.feasible || c.fit.l1 < best.fit.l1 ||
                           (c.fit.l1 == best.fit.l1 && c.fit.loss < best.fit.loss))) ||
           (!c.feasible && !best.feasible && c.fit.loss < best.fit.loss);
  };

  L1FitResult result;
  // The sign counts tried: those whose loss bound does not exclude the target (all of them if
  // it would exclude every one, so that an answer exists). Sign counts never tried have no fit
  // (have_k stays 0), so the loops over fits below need no check of their own.
  std::vector<arma::uword> counts;
  const double target = target_loss(y, options.constrained);
  for (arma::uword k = 0; k <= r; ++k) {
    if (options.skip_bounded_signs && sign_count_loss_bound(y, r, k) > target)
      result.skipped.push_back(k);
    else
      counts.push_back(k);
  }
  if (counts.empty()) {
    counts = std::move(result.skipped);
    result.skipped.clear();
  }
  bool have = false;
  std::vector<ConstrainedResult> best_k(r + 1);  // the best fit of each sign count so far
  std::vector<char> have_k(r + 1, 0);
  std::vector<std::size_t> best_k_start(r + 1, 0);  // index into result.starts of best_k[k]
  // Feasible fits of each sign count recorded up to the end of the first pruned starts
  // (more than one pruned parent only): the parents of the extra pruned starts.
  std::vector<std::vector<ConstrainedResult>> feasible_k(r + 1);
  bool keep_feasible = pruned_parents > 1;
  auto record = [&](ConstrainedResult c, arma::uword k, StartKind kind, std::size_t index,
                    std::size_t extra_solves, std::size_t extra_iterations) {
    StartRecord rec{.k = k,
                    .kind = kind,
                    .index = index,
                    .lambda = c.fit.lambda,
                    .loss = c.fit.loss,
                    .l1 = c.fit.l1,
                    .slack = c.slack,
                    .stationarity = c.fit.stationarity,
                    .feasible = c.feasible,
                    .stop = c.stop,
                    .inner_stop = c.fit.stop,
                    .solves = c.solves + extra_solves,
                    .iterations = c.total_iterations + extra_iterations};
    result.starts.push_back(rec);
    if (keep_feasible && c.feasible) feasible_k[k].push_back(c);
    if (!have_k[k] || better(c, best_k[k])) {
      best_k[k] = c;
      have_k[k] = 1;
      best_k_start[k] = result.starts.size() - 1;
    }
    if (!have || better(c, result.best)) {
      result.best = std::move(c);
      result.k = k;
      result.best_start = result.starts.size() - 1;
      have = true;
    }
  };
  auto run = [&](const theory::Network& start, arma::uword k, StartKind kind, std::size_t index) {
    record(fit_constrained(X, y, start, options.constrained, rng), k, kind, index, 0, 0);
  };

  for (const arma::uword k : counts) {
    const arma::vec a = sign_pattern(r, k);
    if (spectral) run(spectral_start(spectrum, r, k), k, StartKind::spectral, 0);
    for (std::size_t i = 0; i < options.random_starts; ++i) {
      run(random_start(p, a), k, StartKind::random, i);
    }
  }

  // The λ search continuing from a fit at λ (its path starts there).
  const auto continuing = [&](double lambda) {
    ConstrainedOptions o = options.constrained;
    o.lambda_first = lambda;
    return o;
  };
  // Refits on all p inputs a fit of the columns `keep`, embedded with zero rows elsewhere, with
  // the continuation starting at its λ; records it as a start of `kind` and returns it.
  const auto embed_and_refit = [&](const ConstrainedResult& sub, const arma::uvec& keep,
                                   arma::uword k, StartKind kind, std::size_t solves,
                                   std::size_t iterations) {
    theory::Network start = sub.fit.net;
    start.W.zeros(p, r);
    start.W.rows(keep) = sub.fit.net.W;
    ConstrainedResult c = fit_constrained(X, y, start, continuing(sub.fit.lambda), rng);
    record(c, k, kind, 0, solves, iterations);
    return c;
  };

  // Reseeds rng from its own next draw xor `salt`: a stream of its own for a round of starts
  // (the caller saves rng before and restores it after, so later starts draw as without it).
  const auto own_stream = [&](std::uint64_t salt) {
    theory::Engine split = rng;
    rng.seed(split() ^ salt);
  };
  // One round of screened starts: per sign count, `count` random starts (and a spectral one) on
  // the m inputs of largest screen score, the best refitted on all p inputs and recorded as
  // `kind`; returns those recorded fits, indexed by k. Draws from rng as it is; the callers give
  // it a stream of its own.
  const auto screened_round = [&](std::size_t count, StartKind kind) {
    std::vector<ConstrainedResult> round(r + 1);
    const arma::uword m = std::min(
        p, options.screen_size > 0 ? options.screen_size : default_screen_size(X.n_rows, p, r));
    const arma::uvec keep = largest(screen_scores(X, y), m);
    const arma::mat Xs = X.cols(keep);
    const bool spectral_s = options.spectral_starts == 1 && r <= m;
    SteinSpectrum spectrum_s;
    if (spectral_s) spectrum_s = stein_spectrum(Xs, y);
    for (const arma::uword k : counts) {
      const arma::vec a = sign_pattern(r, k);
      ConstrainedResult best_s;
      bool have_s = false;
      std::size_t solves = 0, iterations = 0;
      auto run_s = [&](const theory::Network& start) {
        ConstrainedResult c = fit_constrained(Xs, y, start, options.constrained, rng);
        solves += c.solves;
        iterations += c.total_iterations;
        if (!have_s || better(c, best_s)) {
          best_s = std::move(c);
          have_s = true;
        }
      };
      if (spectral_s) run_s(spectral_start(spectrum_s, r, k));
      for (std::size_t i = 0; i < count; ++i) run_s(random_start(m, a));
      if (m == p) {
        // Screening kept every input: keep[i] permutes the rows.
        const std::size_t own_solves = best_s.solves, own_iterations = best_s.total_iterations;
        best_s.fit.net.W.rows(keep) = arma::mat(best_s.fit.net.W);
        round[k] = best_s;
        record(std::move(best_s), k, kind, 0, solves - own_solves, iterations - own_iterations);
        continue;
      }
      round[k] = embed_and_refit(best_s, keep, k, kind, solves, iterations);
    }
    return round;
  };
  if (screened_starts > 0) {
    // The screened starts draw from a stream of their own and leave rng's state as it was, so
    // the starts after them (pruned, split, restored) draw what they would without them: adding
    // screened starts changes those only through a better fit to start from.
    const theory::Engine resume = rng;
    own_stream(0x5c4ee7ed5ca77e55ULL);
    screened_round(screened_starts, StartKind::screened);
    rng = resume;
  }

  // Prunes sign count k's best fit so far to its largest rows: halves the number of non-zero
  // rows m = ⌈nnz/2⌉, ⌈nnz/4⌉, … down to 2, refits each restricted problem from the pruned fit
  // (continuation from its λ), and refits the best restricted fit on all p inputs.
  const auto pruned_start = [&](arma::uword k, const ConstrainedResult parent) {
    const arma::vec norms = arma::sqrt(arma::sum(arma::square(parent.fit.net.W), 1));
    const auto nnz = static_cast<arma::uword>(arma::accu(norms > 0.0));
    ConstrainedResult best_p;
    bool have_p = false;
    arma::uvec best_keep;
    std::size_t solves = 0, iterations = 0;
    for (arma::uword m = (nnz + 1) / 2; m >= 2 && m < nnz; m = (m + 1) / 2) {
      arma::uvec keep = largest(norms, m);
      ConstrainedResult best_m;
      bool have_m = false;
      auto run_m = [&](const arma::mat& Xs, const theory::Network& start,
                       const ConstrainedOptions& sub) {
        ConstrainedResult c = fit_constrained(Xs, y, start, sub, rng);
        solves += c.solves;
        iterations += c.total_iterations;
        if (!have_m || better(c, best_m)) {
          best_m = std::move(c);
          have_m = true;
          return true;
        }
        return false;
      };
      {
        const arma::mat Xs = X.cols(keep);
        theory::Network cut = parent.fit.net;
        cut.W = parent.fit.net.W.rows(keep);
        run_m(Xs, cut, continuing(parent.fit.lambda));
        // Fresh starts in R^m: the cut fit can sit in a wrong basin even when the m rows hold
        // the support, and these small problems are cheap.
        if (options.pruned_restarts > 0) {
          const arma::vec a = sign_pattern(r, k);
          if (options.spectral_starts == 1 && r <= m) {
            run_m(Xs, spectral_start(stein_spectrum(Xs, y), r, k), options.constrained);
          }
          for (std::size_t i = 0; i < options.pruned_restarts; ++i) {
            run_m(Xs, random_start(m, a), options.constrained);
          }
        }
      }
      // Grow: while infeasible, add the row outside `keep` with the largest gradient of the
      // loss (ℓ2 over neurons) at the embedded fit — a true row the cut missed — and refit.
      for (std::size_t g = 0; g < options.pruned_grow && !best_m.feasible && keep.n_elem < p; ++g) {
        arma::mat W(p, r, arma::fill::zeros);
        W.rows(keep) = best_m.fit.net.W;
        arma::mat gW;
        arma::vec gb;
        LeastSquaresLoss{X, y, best_m.fit.net.a}.gradient(W, best_m.fit.net.b, gW, gb);
        arma::vec score = arma::sum(arma::square(gW), 1);
        score.elem(keep).fill(-1.0);
        const arma::uword add = score.index_max();
        const arma::uvec grown = arma::join_cols(keep, arma::uvec{add});
        theory::Network start = best_m.fit.net;
        start.W = W.rows(grown);
        if (run_m(X.cols(grown), start, continuing(best_m.fit.lambda)))
          keep = grown;
        else
          break;
      }
      if (!have_p || better(best_m, best_p)) {  // best_m is set: the cut fit always runs
        best_p = std::move(best_m);
        best_keep = keep;
        have_p = true;
      }
      if (m == 2) break;
    }
    if (have_p && best_p.feasible) {
      embed_and_refit(best_p, best_keep, k, StartKind::pruned, solves, iterations);
    }
  };
  for (arma::uword k = 0; k <= r && options.pruned_starts; ++k) {
    if (have_k[k]) pruned_start(k, best_k[k]);
  }
  // Extra parents: the next-best feasible fits of each sign count (distinct ‖W‖₁), after every
  // first-parent pruned start, so those are as without them. Pruning only the best fit is
  // greedy: a lighter fit can sit in a basin whose largest rows miss a true row that a heavier
  // fit ranks high.
  keep_feasible = false;
  for (arma::uword k = 0; k <= r && options.pruned_starts && pruned_parents > 1; ++k) {
    std::vector<ConstrainedResult>& fits = feasible_k[k];
    std::stable_sort(
        fits.begin(), fits.end(),
        [&](const ConstrainedResult& u, const ConstrainedResult& v) { return better(u, v); });
    std::size_t used = 1;  // the best fit was pruned above
    double last_l1 = fits.empty() ? 0.0 : fits.front().fit.l1;
    for (std::size_t i = 1; i < fits.size() && used < pruned_parents; ++i) {
      if (fits[i].fit.l1 == last_l1) continue;
      last_l1 = fits[i].fit.l1;
      pruned_start(k, fits[i]);
      ++used;
    }
    fits.clear();
  }
  if (options.split_starts) {
    const arma::mat A = arma::join_rows(X, arma::ones(X.n_rows));
    for (arma::uword k = 0; k <= r; ++k) {
      if (!have_k[k] || k == 0 || k == r) continue;
      const ConstrainedResult parent = best_k[k];  // a copy: record() may replace best_k[k]
      const theory::Network& net = parent.fit.net;
      const arma::mat H = arma::clamp(theory::preactivation(net, X), 0.0, arma::datum::inf);
      std::size_t index = 0;
      for (arma::uword j = 0; j < r; ++j) {
        if (net.a(j) <= 0.0) continue;
        for (arma::uword m = 0; m < r; ++m) {
          if (net.a(m) >= 0.0) continue;
          arma::vec c;
          if (!arma::solve(c, A, arma::vec(H.col(j) - H.col(m)))) continue;
          theory::Network start = net;
          start.W.col(j) = c.head(p);
          start.b(j) = c(p);
          start.W.col(m) = -c.head(p);
          start.b(m) = -c(p);
          record(fit_constrained(X, y, start, continuing(parent.fit.lambda), rng), k,
                 StartKind::split, index++, 0, 0);
        }
      }
    }
  }
  // LP starts come after every other start, so those are what they would be without them (the
  // LP draws nothing from rng; the pruned start after a restored one does, after all others).
  // The LP descent (solvers/pattern_lp.hpp) from `parent`'s activation pattern over the rows
  // `keep` (the others stay 0) with residual bounds delta; recorded as `kind`.
  double lipschitz = 0.0;  // for the stationarity of LP points; computed on first use
  const auto lp_start = [&](const ConstrainedResult& parent, const arma::uvec& keep,
                            const arma::vec& delta, const PatternLpOptions& lp_options,
                            double lower, arma::uword k, StartKind kind) {
    theory::Network sub = parent.fit.net;
    sub.W = parent.fit.net.W.rows(keep);
    const arma::mat Xs = X.cols(keep);
    const PatternLpResult lp = polish_pattern_lp(Xs, y, sub, delta, lp_options);
    if (lp.stop == PatternLpStop::lp_failed) return false;
    ConstrainedResult c;
    c.fit.net = lp.net;
    c.fit.net.W.zeros(p, r);
    c.fit.net.W.rows(keep) = lp.net.W;
    c.fit.loss = lp.loss;
    c.fit.l1 = lp.l1;
    c.fit.lambda = parent.fit.lambda;
    c.fit.objective = lp.loss + parent.fit.lambda * lp.l1;
    c.fit.iterations = lp.simplex_iterations;
    c.fit.stop =
        lp.stop == PatternLpStop::max_rounds ? StopReason::max_iter : StopReason::converged;
    if (lipschitz == 0.0) lipschitz = lipschitz_bound(X, r);
    c.fit.stationarity = prox_gradient_norm(LeastSquaresLoss{X, y, lp.net.a}, c.fit.net.W, lp.net.b,
                                            parent.fit.lambda, 1.0 / lipschitz);
    c.target = parent.target;
    set_constraint_status(c, lower);
    c.solves = lp.rounds;
    c.total_iterations = lp.simplex_iterations;
    record(std::move(c), k, kind, 0, 0, 0);
    return true;
  };
  // Restored starts: a sign count whose best fit misses the target gets the elastic LP over all
  // p rows with every residual boxed by √(lp_fill · target), until its solution meets the box:
  // the repair flips cover the samples the fit leaves dead; the pruned start that follows (not
  // the LP descent, which costs an LP per round) then lowers ‖W‖₁.
  const double sigma = options.constrained.sigma;
  // At n ≤ p + 1, n points in general position in R^p can be split every way by a hyperplane,
  // so each neuron's pattern is free and (w_j, b_j) ↦ (w_jᵀx_i + b_j)_i is onto R^n: a pattern
  // meets the target as soon as every sample is covered by an active neuron of the sign its
  // response needs, which is what the repair flips arrange. For n > p + 1 nothing guarantees a
  // point in the box near the fit, and each LP of n + nr rows costs seconds at n = 400 (up to
  // 7× a whole fit at r = 6): tried there only with restore_any_n (README, "Measured").
  const bool restore = options.restore_rounds > 0 && (X.n_rows <= p + 1 || options.restore_any_n);
  const double var_y = arma::var(y, 1);
  for (arma::uword k = 0; k <= r && restore; ++k) {
    if (!have_k[k] || best_k[k].feasible || best_k[k].fit.loss > kRestoreLoss * var_y) continue;
    // Only where it can change the answer: no feasible fit yet, or one heavier than this fit.
    if (result.best.feasible && !(best_k[k].fit.l1 < result.best.fit.l1)) continue;
    const ConstrainedResult parent = best_k[k];  // a copy: record() may replace best_k[k]
    const arma::vec delta(X.n_rows, arma::fill::value(std::sqrt(options.lp_fill * parent.target)));
    const double lower =
        sigma == 0.0 ? 0.1 * parent.target : (1.0 - options.constrained.band) * parent.target;
    const bool ran = lp_start(parent, arma::regspace<arma::uvec>(0, p - 1), delta,
                              {.max_rounds = options.restore_rounds,
                               .elastic = kRestoreElastic,
                               .patience = options.restore_rounds,
                               .stop_when_met = true},
                              lower, k, StartKind::restored);
    // The restored fit is typically dense like the fits it came from; a pruned start now has a
    // feasible parent to prune (it ran before on the infeasible one).
    if (ran && best_k[k].feasible && options.pruned_starts) pruned_start(k, best_k[k]);
  }
  // Polished starts (σ = 0): the LP descent from each sign count's best feasible fit.
  const auto polished_start = [&](arma::uword k) {
    if (!have_k[k] || !best_k[k].feasible) return;
    const ConstrainedResult parent = best_k[k];
    // Over the parent's non-zero rows only (the LP can empty rows, not fill new ones): the LP of
    // a sparse fit at large p is then small.
    const arma::uvec keep = lp_all_rows
                                ? arma::regspace<arma::uvec>(0, p - 1)
                                : arma::uvec(arma::find(arma::any(parent.fit.net.W != 0.0, 1)));
    if (keep.n_elem == 0) return;
    // The zero rows add nothing to the residuals, so the bounds come from the whole network.
    lp_start(parent, keep, residual_bounds(X, y, parent.fit.net, parent.target, options.lp_fill),
             {.max_rounds = lp_rounds}, 0.1 * parent.target, k, StartKind::polished);
  };
  const bool polish = lp_rounds > 0 && sigma == 0.0;
  for (arma::uword k = 0; k <= r && polish; ++k) polished_start(k);

  // Late starts: a last round from a stream of their own, so everything above is as without
  // them; a sign count they improve is pruned and polished again from its new best.
  if (options.late_starts > 0) {
    const theory::Engine resume = rng;
    own_stream(0x1a7e57a2751a7e51ULL);
    for (const arma::uword k : counts) {
      const arma::vec a = sign_pattern(r, k);
      const std::size_t before = result.starts.size();
      for (std::size_t i = 0; i < options.late_starts; ++i)
        run(random_start(p, a), k, StartKind::late, i);
      if (!have_k[k] || best_k_start[k] < before) continue;  // no late start became the best
      if (options.pruned_starts) pruned_start(k, best_k[k]);
      if (polish) polished_start(k);
    }
    rng = resume;
  }

  // Rescue: when no start met the target, a round of screened starts from a stream of its own
  // (rng restored afterwards), a pruned start from each sign count's rescue fit (even when that
  // fit's loss is above the best's: a heavy dense fit of lower loss prunes badly), and a
  // polished start for each sign count whose best they improve. It runs only when the answer is
  // infeasible, so a feasible answer is bit for bit what it is without it.
  if (options.rescue_starts > 0 && !result.best.feasible) {
    const theory::Engine resume = rng;
    own_stream(0x7e5c0e5c7ee7ed11ULL);
    const std::size_t before = result.starts.size();
    const std::vector<ConstrainedResult> rescued =
        screened_round(options.rescue_starts, StartKind::rescue);
    for (const arma::uword k : counts) {
      if (options.pruned_starts) pruned_start(k, rescued[k]);
      if (polish && have_k[k] && best_k_start[k] >= before) polished_start(k);
    }
    rng = resume;
  }
  return result;
}

}  // namespace reluid::solvers
