// Estimating ψ of eq. (15) by searching perturbed networks, and the sample-requirement shapes.
#include "theory/psi.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "theory/check.hpp"
#include "theory/distance.hpp"
#include "theory/risk.hpp"

namespace reluid::theory {

namespace {

constexpr const char* kWhere = "estimate_psi";

// Perturbation state: θ is (|rows| + 1) × r, rows of W first, then b in the last row.
Network apply(const Network& truth, const arma::uvec& rows, const arma::mat& theta) {
  Network net = truth;
  for (arma::uword i = 0; i < rows.n_elem; ++i) net.W.row(rows(i)) += theta.row(i);
  net.b += theta.row(rows.n_elem).t();
  return net;
}

struct Evaluated {
  double ratio = std::numeric_limits<double>::infinity();
  double R = 0.0;
  double D2 = 0.0;
};

Evaluated evaluate(const Network& truth, const Network& candidate) {
  Evaluated e;
  e.D2 = distance_d2(candidate, truth).value;
  if (!(e.D2 > 0.0)) return e;  // the truth itself: the ratio is undefined, skip it
  e.R = population_risk(candidate, truth).R;
  e.ratio = e.R / (e.D2 * e.D2);
  return e;
}

void check_logs(arma::uword s, arma::uword r, arma::uword p, double delta, const char* where) {
  require(s >= 1, where, "s must be >= 1", s);
  require(r >= 1, where, "r must be >= 1", r);
  require(p >= 1, where, "p must be >= 1", p);
  require(std::isfinite(delta) && delta > 0.0 && delta < 1.0, where, "delta must be in (0, 1)",
          delta);
}

}  // namespace

PsiEstimate estimate_psi(const Network& truth, const PsiOptions& options, Engine& rng) {
  validate(truth, kWhere);
  require(options.directions >= 1, kWhere, "options.directions must be >= 1", options.directions);
  require(!options.scales.empty(), kWhere, "options.scales must not be empty");
  require(std::isfinite(options.radius) && options.radius > 0.0, kWhere,
          "options.radius must be finite and > 0", options.radius);
  for (const double t : options.scales) {
    require(std::isfinite(t) && t > 0.0 && t <= options.radius, kWhere,
            "options.scales must be finite, > 0 and <= options.radius", t);
  }
  const arma::uvec in_support = support(truth.W);
  require(in_support.n_elem >= 1, kWhere, "truth.W must have a nonzero row", 0);

  // Two sub-streams, so that the budget of one stage never shifts the draws of the other.
  Engine direction_rng(rng());
  Engine refine_rng(rng());

  // Rows perturbed: the support plus a few off-support rows chosen uniformly.
  arma::uvec off(truth.p() - in_support.n_elem);
  {
    arma::uword k = 0, next = 0;
    for (arma::uword i = 0; i < truth.p(); ++i) {
      if (next < in_support.n_elem && in_support(next) == i) {
        ++next;
      } else {
        off(k++) = i;
      }
    }
  }
  const arma::uword n_extra = std::min<arma::uword>(options.extra_rows, off.n_elem);
  for (arma::uword i = 0; i < n_extra; ++i) {  // partial Fisher–Yates shuffle
    const double u = uniform(1, 1, 0.0, 1.0, direction_rng)(0, 0);
    const arma::uword j =
        i + std::min<arma::uword>(static_cast<arma::uword>(u * static_cast<double>(off.n_elem - i)),
                                  off.n_elem - i - 1);
    std::swap(off(i), off(j));
  }
  const arma::uvec rows = arma::sort(
      arma::join_cols(in_support, n_extra > 0 ? arma::uvec(off.head(n_extra)) : arma::uvec()));

  PsiEstimate best;
  arma::mat best_theta;
  Evaluated best_eval;
  const auto consider = [&](const arma::mat& theta) {
    const Network candidate = apply(truth, rows, theta);
    const Evaluated e = evaluate(truth, candidate);
    ++best.evaluations;
    if (e.ratio < best_eval.ratio) {
      best_eval = e;
      best_theta = theta;
      best.minimiser = candidate;
    }
  };

  for (arma::uword d = 0; d < options.directions; ++d) {
    arma::mat dir = standard_normal(rows.n_elem + 1, truth.r(), direction_rng);
    dir /= arma::norm(dir, "fro");
    for (const double t : options.scales) consider(t * dir);
  }

  // Random-search descent of the ratio from the best candidate: accept-only, with a step that
  // grows on success and shrinks on failure (relative to the current perturbation's size).
  double step = 0.3;
  for (arma::uword it = 0; it < options.refine_iter && std::isfinite(best_eval.ratio); ++it) {
    arma::mat g = standard_normal(rows.n_elem + 1, truth.r(), refine_rng);
    g *= step * arma::norm(best_theta, "fro") / arma::norm(g, "fro");
    const double before = best_eval.ratio;
    const arma::mat proposal = best_theta + g;
    if (arma::norm(proposal, "fro") <= options.radius) consider(proposal);
    step = best_eval.ratio < before ? std::min(step * 1.5, 1.0) : std::max(step * 0.85, 1e-4);
  }
  if (!std::isfinite(best_eval.ratio)) fail(kWhere, "no candidate differs from the truth");

  best.psi = best_eval.ratio;
  best.R = best_eval.R;
  best.D2 = best_eval.D2;
  return best;
}

double requirement_assumption2(arma::uword s, arma::uword r, arma::uword p, double delta,
                               double psi) {
  constexpr const char* where = "requirement_assumption2";
  check_logs(s, r, p, delta, where);
  require(std::isfinite(psi) && psi > 0.0, where, "psi must be finite and > 0", psi);
  const double L = std::log(static_cast<double>(p) / delta);
  const double sd = static_cast<double>(s), rd = static_cast<double>(r);
  return sd * sd * sd * rd * rd * rd * std::pow(L, 4) / psi;
}

double requirement_assumption3(arma::uword s, arma::uword r, arma::uword p, double delta) {
  check_logs(s, r, p, delta, "requirement_assumption3");
  const double L = std::log(static_cast<double>(p) / delta);
  const double sd = static_cast<double>(s);
  return sd * sd * sd * std::pow(static_cast<double>(r), 13) * std::pow(L, 4);
}

}  // namespace reluid::theory
