// Inner solver: monotone FISTA with backtracking and a step floor for the penalized fit (eq. 10).
#include "solvers/penalized.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "theory/check.hpp"

namespace reluid::solvers {

std::string_view to_string(StopReason stop) {
  switch (stop) {
    case StopReason::converged:
      return "converged";
    case StopReason::max_iter:
      return "max_iter";
    case StopReason::stalled:
      return "stalled";
    case StopReason::diverged:
      return "diverged";
  }
  return "unknown";
}

double LeastSquaresLoss::evaluate(const arma::mat& W, const arma::vec& b) const {
  arma::mat Z = X * W;
  Z.each_row() += b.t();
  const arma::vec e = arma::clamp(Z, 0.0, arma::datum::inf) * a - y;
  return arma::dot(e, e) / static_cast<double>(X.n_rows);
}

double LeastSquaresLoss::gradient(const arma::mat& W, const arma::vec& b, arma::mat& gW,
                                  arma::vec& gb) const {
  arma::mat Z = X * W;
  Z.each_row() += b.t();
  const arma::vec e = arma::clamp(Z, 0.0, arma::datum::inf) * a - y;
  const double n = static_cast<double>(X.n_rows);
  arma::mat G = (2.0 / n) * (e * a.t());
  G %= arma::conv_to<arma::mat>::from(Z > 0.0);
  gW = X.t() * G;
  gb = arma::sum(G, 0).t();
  return arma::dot(e, e) / n;
}

void validate_data(const arma::mat& X, const arma::vec& y, std::string_view where) {
  const std::string w(where);
  theory::require(X.n_rows >= 2, w, "need at least 2 observations, n", X.n_rows);
  theory::require(X.n_cols >= 1, w, "need at least 1 input column, p", X.n_cols);
  theory::require(y.n_elem == X.n_rows, w,
                  "y must have n = " + std::to_string(X.n_rows) + " entries (rows of X)", y.n_elem);
  theory::require_finite(X, w, "X");
  theory::require_finite(y, w, "y");
}

double lipschitz_bound(const arma::mat& X, arma::uword r) {
  // Power iteration on [X 1]ᵀ[X 1] without forming it; deterministic positive start, which has a
  // positive component on the leading eigenvector unless that is orthogonal to every positive
  // vector (impossible for the Perron vector of a matrix containing the all-ones column).
  const arma::uword p = X.n_cols;
  arma::vec v = arma::linspace(1.0, 2.0, p + 1);
  v /= arma::norm(v);
  double eig = 0.0;
  for (int it = 0; it < 50; ++it) {
    arma::vec u = X * v.head(p) + v(p);
    arma::vec w(p + 1);
    w.head(p) = X.t() * u;
    w(p) = arma::accu(u);
    const double nw = arma::norm(w);
    if (!(nw > 0.0)) break;
    eig = nw;
    v = w / nw;
  }
  return 1.01 * 2.0 * static_cast<double>(r) * eig / static_cast<double>(X.n_rows);
}

namespace {

/// Working state of one point (W, b) with its pre-activations Z = XW + 1bᵀ.
struct Point {
  arma::mat W;
  arma::vec b;
  arma::mat Z;
  double loss = 0, l1 = 0, obj = 0;
};

/// Z = XW + 1bᵀ using only the non-zero rows of W when W is sparse.
void forward(const arma::mat& X, const arma::mat& W, const arma::vec& b, arma::mat& Z) {
  const arma::uword p = W.n_rows, r = W.n_cols, n = X.n_rows;
  arma::uword active = 0;
  for (arma::uword i = 0; i < p; ++i) {
    if (arma::any(W.row(i) != 0.0)) ++active;
  }
  if (4 * active > p) {
    Z = X * W;
  } else {
    Z.zeros(n, r);
    for (arma::uword i = 0; i < p; ++i) {
      for (arma::uword j = 0; j < r; ++j) {
        const double w = W(i, j);
        if (w != 0.0) Z.col(j) += w * X.col(i);
      }
    }
  }
  Z.each_row() += b.t();
}

/// Loss from pre-activations; e receives the residual f − y.
double loss_from_z(const arma::mat& Z, const arma::vec& a, const arma::vec& y, arma::vec& e) {
  const arma::uword n = Z.n_rows, r = Z.n_cols;
  e = -y;
  for (arma::uword j = 0; j < r; ++j) {
    const double aj = a(j);
    const double* z = Z.colptr(j);
    double* ep = e.memptr();
    for (arma::uword i = 0; i < n; ++i) {
      if (z[i] > 0.0) ep[i] += aj * z[i];
    }
  }
  return arma::dot(e, e) / static_cast<double>(n);
}

/// ‖W‖₁, or Σ_i w_i ‖W_i,·‖₁ for non-empty row weights w.
double penalty(const arma::mat& W, const arma::vec& weights) {
  if (weights.is_empty()) return theory::l1_norm(W);
  return arma::dot(weights, arma::sum(arma::abs(W), 1));
}

void evaluate(const arma::mat& X, const arma::vec& y, const arma::vec& a, double lambda,
              const arma::vec& weights, Point& pt, arma::vec& e) {
  forward(X, pt.W, pt.b, pt.Z);
  pt.loss = loss_from_z(pt.Z, a, y, e);
  pt.l1 = penalty(pt.W, weights);
  pt.obj = pt.loss + lambda * pt.l1;
}

/// Soft-thresholding prox step from (Wy, by) with gradient (gW, gb) and step t; threshold t λ,
/// times w_i on row i for non-empty row weights w.
void prox_step(const arma::mat& Wy, const arma::vec& by, const arma::mat& gW, const arma::vec& gb,
               double t, double lambda, const arma::vec& weights, Point& out) {
  out.W.set_size(Wy.n_rows, Wy.n_cols);
  const double* wy = Wy.memptr();
  const double* g = gW.memptr();
  double* w = out.W.memptr();
  if (weights.is_empty()) {
    const double thr = t * lambda;
    for (arma::uword k = 0; k < Wy.n_elem; ++k) {
      const double v = wy[k] - t * g[k];
      w[k] = v > thr ? v - thr : (v < -thr ? v + thr : 0.0);
    }
  } else {
    const arma::uword p = Wy.n_rows;
    for (arma::uword k = 0; k < Wy.n_elem; ++k) {
      const double thr = t * lambda * weights[k % p];  // column-major: row k mod p
      const double v = wy[k] - t * g[k];
      w[k] = v > thr ? v - thr : (v < -thr ? v + thr : 0.0);
    }
  }
  out.b = by - t * gb;
}

double max_abs_diff(const Point& u, const Point& v) {
  return std::max(arma::abs(u.W - v.W).max(), arma::abs(u.b - v.b).max());
}

double max_abs(const Point& u) {
  return std::max(u.W.n_elem ? arma::abs(u.W).max() : 0.0, arma::abs(u.b).max());
}

/// Re-initialises dead neuron j (see fit_penalized's documentation).
void reseed(const arma::mat& X, const arma::vec& e, const arma::vec& a, arma::uword j, Point& pt,
            theory::Engine& rng) {
  const arma::uword p = X.n_cols;
  const arma::vec c = X.t() * e;  // ∝ −∂L/∂(linear output) direction per input
  const arma::uword m = std::min<arma::uword>(5, p);
  const arma::uvec order = arma::sort_index(arma::abs(c), "descend");
  const arma::mat g = theory::standard_normal(m, 1, rng);
  double live_norm = 0.0;
  arma::uword live = 0;
  for (arma::uword k = 0; k < pt.W.n_cols; ++k) {
    if (k == j) continue;
    const double nk = arma::norm(pt.W.col(k));
    if (nk > 0.0) {
      live_norm += nk;
      ++live;
    }
  }
  const double target = live ? live_norm / static_cast<double>(live) : 1.0;
  pt.W.col(j).zeros();
  for (arma::uword k = 0; k < m; ++k) {
    const arma::uword i = order(k);
    // Moving the output against the residual: a_j w_ji c_i < 0.
    const double s = c(i) == 0.0 ? 1.0 : -a(j) * (c(i) > 0.0 ? 1.0 : -1.0);
    pt.W(i, j) = s * (std::abs(g(k)) + 0.1);
  }
  pt.W.col(j) *= target / arma::norm(pt.W.col(j));
  pt.b(j) = 0.0;
}

std::size_t count_dead(const arma::mat& Z) {
  std::size_t dead = 0;
  for (arma::uword j = 0; j < Z.n_cols; ++j) {
    if (Z.col(j).max() <= 0.0) ++dead;
  }
  return dead;
}

}  // namespace

PenalizedResult fit_penalized(const arma::mat& X, const arma::vec& y, const theory::Network& start,
                              const PenalizedOptions& options, theory::Engine& rng) {
  constexpr std::string_view where = "fit_penalized";
  validate_data(X, y, where);
  theory::validate(start, std::string(where) + ": start");
  theory::require(start.p() == X.n_cols, where,
                  "start network must have p = " + std::to_string(X.n_cols) + " rows in W",
                  start.p());
  theory::require(std::isfinite(options.lambda) && options.lambda >= 0.0, where,
                  "lambda must be finite and >= 0", options.lambda);
  theory::require(options.rel_tol >= 0.0 && options.abs_tol >= 0.0, where,
                  "tolerances must be >= 0, rel_tol", options.rel_tol);
  theory::require(std::isfinite(options.lipschitz) && options.lipschitz >= 0.0, where,
                  "lipschitz must be finite and >= 0", options.lipschitz);
  theory::require(options.step_floor > 0.0 && options.step_floor <= 1.0, where,
                  "step_floor must be in (0, 1]", options.step_floor);
  const arma::vec& weights = options.row_weights;
  theory::require(weights.is_empty() || weights.n_elem == X.n_cols, where,
                  "row_weights must be empty or have p = " + std::to_string(X.n_cols) + " values",
                  weights.n_elem);
  theory::require(weights.is_empty() || (weights.is_finite() && weights.min() >= 0.0), where,
                  "row_weights must be finite and >= 0, min",
                  weights.is_empty() ? 0.0 : weights.min());

  const double lambda = options.lambda;
  const arma::vec& a = start.a;
  const double n = static_cast<double>(X.n_rows);
  const double L = options.lipschitz > 0.0 ? options.lipschitz : lipschitz_bound(X, start.r());
  const double t_floor = options.step_floor / L;
  const double t_min = t_floor * 1e-8;  // plain steps may backtrack this far before "stalled"
  double t = 1.0 / L;

  arma::vec e, e_try;
  Point x{start.W, start.b, {}, 0, 0, 0};
  evaluate(X, y, a, lambda, weights, x, e);
  Point prev = x, trial, best = x;
  Point yp = x;  // extrapolated point (W, b, Z); its loss fields are unused
  arma::mat G, gW;
  arma::vec gb;
  double theta = 1.0;
  bool momentum = false;  // yp differs from x
  PenalizedResult result;

  auto finish = [&](StopReason stop, std::size_t iters) {
    const Point& out = best.obj <= x.obj ? best : x;
    result.net = {out.W, a, out.b};
    result.loss = out.loss;
    result.l1 = out.l1;
    result.objective = out.obj;
    result.lambda = lambda;
    result.iterations = iters;
    result.stop = stop;
    result.dead_neurons = count_dead(out.Z);
    const LeastSquaresLoss f{X, y, a};
    result.stationarity = prox_gradient_norm(f, out.W, out.b, lambda, 1.0 / L, weights);
    return result;
  };

  if (!std::isfinite(x.obj)) return finish(StopReason::diverged, 0);

  std::size_t it = 0;
  while (it < options.max_iter) {
    // Gradient at the extrapolated point yp (its Z is kept up to date by linearity).
    const double loss_y = momentum ? loss_from_z(yp.Z, a, y, e) : x.loss;
    if (!momentum) {
      loss_from_z(x.Z, a, y, e);
      yp.W = x.W;
      yp.b = x.b;
      yp.Z = x.Z;
    }
    G.set_size(X.n_rows, start.r());
    for (arma::uword j = 0; j < start.r(); ++j) {
      const double s = 2.0 * a(j) / n;
      const double* z = yp.Z.colptr(j);
      double* g = G.colptr(j);
      for (arma::uword i = 0; i < X.n_rows; ++i) g[i] = z[i] > 0.0 ? s * e[i] : 0.0;
    }
    gW = X.t() * G;
    gb = arma::sum(G, 0).t();
    if (!gW.is_finite() || !gb.is_finite()) {
      if (momentum) {
        momentum = false;
        theta = 1.0;
        continue;
      }
      return finish(StopReason::diverged, it);
    }

    // Backtracking: sufficient decrease of the quadratic model; at the floor, plain descent.
    bool accepted = false;
    while (true) {
      prox_step(yp.W, yp.b, gW, gb, t, lambda, weights, trial);
      evaluate(X, y, a, lambda, weights, trial, e_try);
      if (std::isfinite(trial.obj)) {
        const double lin = arma::accu(gW % (trial.W - yp.W)) + arma::dot(gb, trial.b - yp.b);
        const double quad =
            (arma::accu(arma::square(trial.W - yp.W)) + arma::accu(arma::square(trial.b - yp.b))) /
            (2.0 * t);
        if (trial.loss <= loss_y + lin + quad + 1e-12 * std::abs(loss_y)) {
          accepted = true;
          break;
        }
        if (t <= t_floor && trial.obj < x.obj) {
          accepted = true;  // kink: the model bound fails but the objective still decreases
          break;
        }
      }
      if (t > t_floor) {
        t = std::max(0.5 * t, t_floor);
      } else if (momentum) {
        break;  // drop the momentum and retry from x
      } else if (t > t_min) {
        t *= 0.5;
      } else {
        break;
      }
    }
    if (!accepted) {
      if (momentum) {
        momentum = false;
        theta = 1.0;
        t = std::max(t, t_floor);
        continue;
      }
      return finish(std::isfinite(trial.obj) ? StopReason::stalled : StopReason::diverged, it);
    }
    ++it;

    // Function-value restart keeps the iterates monotone.
    if (trial.obj > x.obj) {
      momentum = false;
      theta = 1.0;
      continue;
    }
    const double dx = max_abs_diff(trial, x);
    const double dF = x.obj - trial.obj;
    // Gradient restart: the step points against the last displacement.
    const bool restart = momentum && (arma::accu((yp.W - trial.W) % (trial.W - x.W)) +
                                      arma::dot(yp.b - trial.b, trial.b - x.b)) > 0.0;
    const bool was_momentum = momentum;
    std::swap(prev, x);
    std::swap(x, trial);
    if (x.obj < best.obj) best = x;

    if (dx <= options.abs_tol + options.rel_tol * max_abs(x) &&
        dF <= options.rel_tol * std::abs(x.obj) + options.abs_tol * options.abs_tol) {
      // A small move from an extrapolated point can be a coincidence: certify with a plain step
      // from x (then dx/t is the prox-gradient mapping at x itself).
      // A tiny move forced by a step below the floor is a kink, not stationarity.
      if (!was_momentum)
        return finish(t >= t_floor ? StopReason::converged : StopReason::stalled, it);
      momentum = false;
      theta = 1.0;
      continue;
    }

    // Dead neurons: re-seed (from x, without momentum) while the budget lasts.
    if (options.dead == DeadNeurons::reseed && result.reseeds < options.max_reseeds &&
        count_dead(x.Z) > 0) {
      loss_from_z(x.Z, a, y, e);
      for (arma::uword j = 0; j < x.Z.n_cols && result.reseeds < options.max_reseeds; ++j) {
        if (x.Z.col(j).max() <= 0.0) {
          reseed(X, e, a, j, x, rng);
          ++result.reseeds;
        }
      }
      evaluate(X, y, a, lambda, weights, x, e);
      best = x;  // the caller asked for revival: compare only against points after it
      momentum = false;
      theta = 1.0;
      t = std::max(t, 1.0 / L);
      continue;
    }

    // Next extrapolation (FISTA), Z by linearity.
    if (restart) {
      theta = 1.0;
      momentum = false;
    } else {
      const double theta_next = 0.5 * (1.0 + std::sqrt(1.0 + 4.0 * theta * theta));
      const double beta = (theta - 1.0) / theta_next;
      theta = theta_next;
      if (beta > 0.0) {
        yp.W = x.W + beta * (x.W - prev.W);
        yp.b = x.b + beta * (x.b - prev.b);
        yp.Z = x.Z + beta * (x.Z - prev.Z);
        momentum = true;
      } else {
        momentum = false;
      }
    }
    t = std::min(1.25 * t, 64.0 / L);  // let the step grow again after kinks
  }
  return finish(StopReason::max_iter, it);
}

}  // namespace reluid::solvers
