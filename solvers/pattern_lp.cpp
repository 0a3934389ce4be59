// LP descent over activation patterns (GLPK's simplex) for the ℓ1 fit under a residual box.
#include "solvers/pattern_lp.hpp"

#include <glpk.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "solvers/penalized.hpp"
#include "theory/check.hpp"

namespace reluid::solvers {

std::string_view to_string(PatternLpStop stop) {
  switch (stop) {
    case PatternLpStop::no_binding_kink:
      return "no_binding_kink";
    case PatternLpStop::no_descent:
      return "no_descent";
    case PatternLpStop::max_rounds:
      return "max_rounds";
    case PatternLpStop::lp_failed:
      return "lp_failed";
    case PatternLpStop::violated:
      return "violated";
    case PatternLpStop::box_met:
      return "box_met";
  }
  return "unknown";
}

namespace {

/// Owns one GLPK problem and the calling thread's GLPK environment (GLPK keeps one per thread;
/// freeing it here leaves nothing allocated between calls, e.g. after a sweep's worker exits).
class Lp {
 public:
  Lp() : prob_(glp_create_prob()) {}
  ~Lp() {
    glp_delete_prob(prob_);
    glp_free_env();
  }
  Lp(const Lp&) = delete;
  Lp& operator=(const Lp&) = delete;
  glp_prob* get() const { return prob_; }

 private:
  glp_prob* prob_;
};

/// A sample's residual-box violation counts (for the repair flips of the elastic mode) above
/// this multiple of 1 + max|y|.
constexpr double kViolationTol = 1e-9;

/// Solves from the current basis; on a bad or singular basis restarts from an advanced one.
bool solve(glp_prob* lp) {
  glp_smcp parm;
  glp_init_smcp(&parm);
  parm.msg_lev = GLP_MSG_OFF;
  parm.meth = GLP_DUALP;
  int ret = glp_simplex(lp, &parm);
  if (ret == GLP_EBADB || ret == GLP_ESING || ret == GLP_ECOND) {
    glp_adv_basis(lp, 0);
    ret = glp_simplex(lp, &parm);
  }
  return ret == 0 && glp_get_status(lp) == GLP_OPT;
}

}  // namespace

arma::vec residual_bounds(const arma::mat& X, const arma::vec& y, const theory::Network& start,
                          double target, double fill) {
  theory::require(std::isfinite(target) && target >= 0.0, "residual_bounds",
                  "target must be finite and >= 0", target);
  theory::require(fill > 0.0 && fill <= 1.0, "residual_bounds", "fill must be in (0, 1]", fill);
  const arma::vec e = theory::predict(start, X) - y;
  const double loss = arma::dot(e, e) / static_cast<double>(e.n_elem);
  const double level = fill * target;
  const double c = loss > level ? level / loss : 1.0;
  return arma::sqrt(arma::clamp(c * arma::square(e) + (level - c * loss), 0.0, arma::datum::inf));
}

PatternLpResult polish_pattern_lp(const arma::mat& X, const arma::vec& y,
                                  const theory::Network& start, const arma::vec& delta,
                                  const PatternLpOptions& options) {
  constexpr std::string_view where = "polish_pattern_lp";
  validate_data(X, y, where);
  theory::validate(start, std::string(where) + ": start");
  theory::require(start.p() == X.n_cols, where,
                  "start network must have p = " + std::to_string(X.n_cols) + " rows in W",
                  start.p());
  theory::require(delta.n_elem == X.n_rows, where,
                  "delta must have n = " + std::to_string(X.n_rows) + " entries", delta.n_elem);
  theory::require(delta.is_finite() && (delta.n_elem == 0 || delta.min() >= 0.0), where,
                  "delta must be finite and >= 0, min", delta.n_elem ? delta.min() : 0.0);
  theory::require(options.max_rounds >= 1, where, "max_rounds must be >= 1", options.max_rounds);
  theory::require(std::isfinite(options.elastic) && options.elastic >= 0.0, where,
                  "elastic must be finite and >= 0", options.elastic);

  const arma::uword n = X.n_rows, p = X.n_cols, r = start.r();
  const arma::vec& a = start.a;
  // Column indices (1-based): u_kj at 1 + j p + k, v_kj at 1 + p r + j p + k (W = u − v, both
  // ≥ 0, cost 1), b_j at 1 + 2 p r + j (free, cost 0). Rows: sample i at 1 + i, kink (i, j) at
  // 1 + n + j n + i.
  const auto col_u = [&](arma::uword k, arma::uword j) { return static_cast<int>(1 + j * p + k); };
  const auto col_v = [&](arma::uword k, arma::uword j) {
    return static_cast<int>(1 + p * r + j * p + k);
  };
  const auto col_b = [&](arma::uword j) { return static_cast<int>(1 + 2 * p * r + j); };
  const bool elastic = options.elastic > 0.0;
  const auto col_over = [&](arma::uword i) { return static_cast<int>(1 + 2 * p * r + r + i); };
  const auto col_under = [&](arma::uword i) { return static_cast<int>(1 + 2 * p * r + r + n + i); };
  const auto row_kink = [&](arma::uword i, arma::uword j) {
    return static_cast<int>(1 + n + j * n + i);
  };

  arma::mat Z = X * start.W;
  Z.each_row() += start.b.t();
  arma::umat active = Z > 0.0;  // the pattern m

  Lp holder;
  glp_term_out(GLP_OFF);  // after the environment exists: GLPK's scaling report goes to stdout
  glp_prob* lp = holder.get();
  glp_set_obj_dir(lp, GLP_MIN);
  glp_add_cols(lp, static_cast<int>(2 * p * r + r));
  for (arma::uword j = 0; j < r; ++j) {
    for (arma::uword k = 0; k < p; ++k) {
      glp_set_col_bnds(lp, col_u(k, j), GLP_LO, 0.0, 0.0);
      glp_set_col_bnds(lp, col_v(k, j), GLP_LO, 0.0, 0.0);
      glp_set_obj_coef(lp, col_u(k, j), 1.0);
      glp_set_obj_coef(lp, col_v(k, j), 1.0);
    }
    glp_set_col_bnds(lp, col_b(j), GLP_FR, 0.0, 0.0);
  }
  const double y_scale = y.n_elem ? arma::abs(y).max() : 0.0;
  const double violation_tol = kViolationTol * (1.0 + y_scale);  // a violation counts above it
  if (elastic) {
    const double cost = options.elastic * (1.0 + theory::l1_norm(start.W)) / (y_scale + 1e-300);
    glp_add_cols(lp, static_cast<int>(2 * n));
    for (arma::uword i = 0; i < n; ++i) {
      for (const int c : {col_over(i), col_under(i)}) {
        glp_set_col_bnds(lp, c, GLP_LO, 0.0, 0.0);
        glp_set_obj_coef(lp, c, cost);
      }
    }
  }
  glp_add_rows(lp, static_cast<int>(n + n * r));

  std::vector<int> ind(1 + (2 * p + 1) * r + 2);
  std::vector<double> val(ind.size());
  // Sample row i: Σ_j a_j m_ij (x_iᵀ(u_j − v_j) + b_j) (− s⁺_i + s⁻_i) ∈ [y_i − δ, y_i + δ].
  const auto set_sample_row = [&](arma::uword i) {
    int len = 0;
    for (arma::uword j = 0; j < r; ++j) {
      if (!active(i, j)) continue;
      for (arma::uword k = 0; k < p; ++k) {
        ind[++len] = col_u(k, j);
        val[len] = a(j) * X(i, k);
        ind[++len] = col_v(k, j);
        val[len] = -a(j) * X(i, k);
      }
      ind[++len] = col_b(j);
      val[len] = a(j);
    }
    if (elastic) {
      ind[++len] = col_over(i);
      val[len] = -1.0;
      ind[++len] = col_under(i);
      val[len] = 1.0;
    }
    glp_set_mat_row(lp, static_cast<int>(1 + i), len, ind.data(), val.data());
  };
  // Kink row (i, j): x_iᵀ(u_j − v_j) + b_j ≥ 0 if m_ij, ≤ 0 otherwise.
  const auto set_kink_bounds = [&](arma::uword i, arma::uword j) {
    glp_set_row_bnds(lp, row_kink(i, j), active(i, j) ? GLP_LO : GLP_UP, 0.0, 0.0);
  };
  for (arma::uword i = 0; i < n; ++i) {
    if (delta(i) > 0.0) {
      glp_set_row_bnds(lp, static_cast<int>(1 + i), GLP_DB, y(i) - delta(i), y(i) + delta(i));
    } else {
      glp_set_row_bnds(lp, static_cast<int>(1 + i), GLP_FX, y(i), y(i));
    }
    set_sample_row(i);
  }
  for (arma::uword j = 0; j < r; ++j) {
    for (arma::uword i = 0; i < n; ++i) {
      int len = 0;
      for (arma::uword k = 0; k < p; ++k) {
        ind[++len] = col_u(k, j);
        val[len] = X(i, k);
        ind[++len] = col_v(k, j);
        val[len] = -X(i, k);
      }
      ind[++len] = col_b(j);
      val[len] = 1.0;
      glp_set_mat_row(lp, row_kink(i, j), len, ind.data(), val.data());
      set_kink_bounds(i, j);
    }
  }
  glp_scale_prob(lp, GLP_SF_AUTO);
  glp_adv_basis(lp, 0);  // a crash basis: about 30% fewer simplex steps than the slack basis

  PatternLpResult out;
  out.net = start;
  const auto read_solution = [&]() {
    theory::Network net = start;
    for (arma::uword j = 0; j < r; ++j) {
      for (arma::uword k = 0; k < p; ++k) {
        net.W(k, j) = glp_get_col_prim(lp, col_u(k, j)) - glp_get_col_prim(lp, col_v(k, j));
      }
      net.b(j) = glp_get_col_prim(lp, col_b(j));
    }
    return net;
  };
  const auto read_violation = [&]() {
    double v = 0.0;
    for (arma::uword i = 0; elastic && i < n; ++i) {
      v += glp_get_col_prim(lp, col_over(i)) + glp_get_col_prim(lp, col_under(i));
    }
    return v;
  };
  bool have = false;
  double last_objective = arma::datum::inf;
  out.stop = PatternLpStop::max_rounds;
  while (out.rounds < options.max_rounds) {
    const bool ok = solve(lp);
    ++out.rounds;
    if (!ok) {
      out.stop = have ? PatternLpStop::no_descent : PatternLpStop::lp_failed;
      break;
    }
    const theory::Network net = read_solution();
    const double l1 = theory::l1_norm(net.W);
    // The LP's objective: ‖W‖₁, plus M times the violation when elastic.
    const double objective = elastic ? glp_get_obj_val(lp) : l1;
    out.l1_trace.push_back(l1);
    if (have && !(objective < last_objective * (1.0 - options.rel_tol))) {
      if (objective < last_objective) {
        out.net = net;
        out.violation = read_violation();
      }
      out.stop = PatternLpStop::no_descent;
      break;
    }
    out.net = net;
    out.violation = read_violation();
    have = true;
    last_objective = objective;
    if (elastic && options.patience > 0 && out.rounds >= options.patience &&
        out.violation > violation_tol) {
      out.stop = PatternLpStop::violated;
      break;
    }
    if (elastic && options.stop_when_met && out.violation <= violation_tol) {
      out.stop = PatternLpStop::box_met;
      break;
    }
    // Flip every binding kink: non-basic (so exactly on the kink) with a non-zero dual.
    std::size_t flips = 0;
    arma::mat Z_lp;
    if (elastic && out.violation > 0.0) {
      Z_lp = X * net.W;
      Z_lp.each_row() += net.b.t();
    }
    std::vector<char> flipped(r);
    for (arma::uword i = 0; i < n; ++i) {
      bool row_changed = false;
      std::fill(flipped.begin(), flipped.end(), 0);
      for (arma::uword j = 0; j < r; ++j) {
        const int row = row_kink(i, j);
        if (glp_get_row_stat(lp, row) == GLP_BS) continue;
        if (!(std::abs(glp_get_row_dual(lp, row)) > options.dual_tol)) continue;
        active(i, j) = active(i, j) ? 0 : 1;
        set_kink_bounds(i, j);
        flipped[j] = 1;
        row_changed = true;
        ++flips;
      }
      // Repair (elastic only): a violated sample has no dual on its kinks when no neuron of the
      // sign it needs is active there (the pattern does not count the neuron at i, so moving
      // its kink changes nothing locally). Switch on the inactive neuron of that sign nearest
      // its kink, or, failing one, switch off the active neuron of the other sign nearest its
      // (entries not flipped above; the state after those flips counts).
      const double over = elastic ? glp_get_col_prim(lp, col_over(i)) : 0.0;
      const double under = elastic ? glp_get_col_prim(lp, col_under(i)) : 0.0;
      if (over + under > violation_tol) {
        const double need = under > over ? 1.0 : -1.0;  // the sign of the missing output
        arma::uword on = r, off = r;
        for (arma::uword j = 0; j < r; ++j) {
          if (flipped[j]) continue;
          if (a(j) * need > 0.0 && !active(i, j) && (on == r || Z_lp(i, j) > Z_lp(i, on))) on = j;
          if (a(j) * need < 0.0 && active(i, j) && (off == r || Z_lp(i, j) < Z_lp(i, off))) off = j;
        }
        const arma::uword pick = on < r ? on : off;
        if (pick < r) {
          active(i, pick) = active(i, pick) ? 0 : 1;
          set_kink_bounds(i, pick);
          row_changed = true;
          ++flips;
          ++out.repairs;
        }
      }
      if (row_changed) set_sample_row(i);
    }
    if (flips == 0) {
      out.stop = PatternLpStop::no_binding_kink;
      break;
    }
    out.flips += flips;
  }

  out.simplex_iterations = static_cast<std::size_t>(glp_get_it_cnt(lp));
  out.l1 = theory::l1_norm(out.net.W);
  const arma::vec e = theory::predict(out.net, X) - y;
  out.loss = arma::dot(e, e) / static_cast<double>(n);
  out.max_residual = e.n_elem ? arma::abs(e).max() : 0.0;
  return out;
}

}  // namespace reluid::solvers
