// Exact Gaussian expectations of ReLU units: E[relu(σZ + b)], E[relu(σ1 Z1 + b) relu(σ2 Z2 + c)]
// for a standard bivariate normal (Z1, Z2) with correlation ρ, and the bivariate normal CDF Φ₂.
//
// These are the population quantities the paper's proofs work with under x ~ N(0, I_p): for
// neurons u, v ∈ R^p, uᵀx = ‖u‖ Z1 and vᵀx = ‖v‖ Z2 with ρ = cos(u, v) (issue 5).
//
// Derivation of the cross moment. With h = b/σ1, k = c/σ2 (σ1, σ2 > 0) and s = √(1 − ρ²),
//   E[relu(σ1 Z1 + b) relu(σ2 Z2 + c)] = σ1 σ2 g(h, k; ρ),   g = E[(Z1 + h)₊ (Z2 + k)₊],
// and expanding (Z1 + h)(Z2 + k) on A = {Z1 > −h, Z2 > −k} with the truncated bivariate normal
// moments (Rosenbaum 1961)
//   E[Z1 1_A] = φ(h) Φ((k − ρh)/s) + ρ φ(k) Φ((h − ρk)/s),
//   E[Z1 Z2 1_A] = ρ P(A) − ρh φ(h) Φ((k − ρh)/s) − ρk φ(k) Φ((h − ρk)/s) + s φ(h) φ((k − ρh)/s)
// the ρh, ρk terms cancel and
//   g = (ρ + hk) Φ₂(h, k; ρ) + k φ(h) Φ((k − ρh)/s) + h φ(k) Φ((h − ρk)/s) + s φ(h) φ((k − ρh)/s),
// using P(A) = Φ₂(h, k; ρ) (the pair (−Z1, −Z2) has the same law). At ρ = 0 it factorises into
// (hΦ(h) + φ(h))(kΦ(k) + φ(k)). Branches, in the order they are tried:
//   1. σ1 = 0 (resp. σ2 = 0): the unit is the constant relu(b), so the moment is
//      relu(b) · E[relu(σ2 Z2 + c)].
//   2. h < −38 (resp. k < −38): the unit is non-zero with probability Φ(h) < 1e-316, so 0.
//      h > 38: the unit equals σ1 Z1 + b except with probability < 1e-316, so the moment is
//      σ1 σ2 ρ Φ(k) + b E[relu(σ2 Z2 + c)] (Stein: E[Z1 (Z2 + k)₊] = ρ Φ(k)). This also covers
//      h = ±∞ when σ1 underflows relative to b.
//   3. s = 0 exactly (ρ = ±1): one Gaussian, closed form
//      ρ = +1: g = (1 + hk) Φ(m) + M φ(m), m = min(h, k), M = max(h, k);
//      ρ = −1: g = (hk − 1) (Φ(h) + Φ(k) − 1) + k φ(h) + h φ(k) if h + k > 0, else 0.
//   4. otherwise the general formula above. It has no 1/s blow-up: s only enters through Φ, φ of
//      (k − ρh)/s, which saturate, and the factor s itself. By Price's theorem ∂g/∂ρ = Φ₂(h, k; ρ)
//      and ∂²g/∂ρ² = φ₂(−h, −k; ρ), which grows like 1/s when h = ∓k, so g is C¹ up to ρ = ±1:
//      g(1) − g(1 − ε) = ε Φ(min(h, k)) + O(ε^{3/2}). The terms of the formula are evaluated from
//      (ρ, s); a Correlation built from vectors (make_correlation(u, v)) keeps s accurate for
//      nearly parallel neurons, where √(1 − ρ²) of a rounded ρ would not be.
#pragma once

#include <armadillo>

namespace reluid::theory {

/// Standard normal density φ(x) = exp(−x²/2)/√(2π).
double normal_pdf(double x);
/// Standard normal CDF Φ(x) (erfc-based: full relative accuracy in the lower tail).
double normal_cdf(double x);

/// A correlation ρ ∈ [−1, 1] together with s = √(1 − ρ²), which near |ρ| = 1 must be computed
/// from the geometry (1 ∓ ρ = ‖û ∓ v̂‖²/2), not from a rounded ρ.
struct Correlation {
  double rho = 0.0;
  double s = 1.0;
};
/// From a number: s = √((1 − ρ)(1 + ρ)). Throws unless ρ ∈ [−1, 1].
Correlation make_correlation(double rho);
/// The correlation of uᵀx and vᵀx for x ~ N(0, I), i.e. cos(u, v); u, v non-zero, same length.
/// ρ = ±1 exactly (s = 0) when û = ±v̂ exactly.
Correlation make_correlation(const arma::vec& u, const arma::vec& v);

/// Φ₂(h, k; ρ) = P(Z1 ≤ h, Z2 ≤ k) for standard normals with correlation ρ, via Owen's T
/// (Owen 1956): Φ₂ = ½Φ(h) + ½Φ(k) − T(h, (k − ρh)/(hs)) − T(k, (h − ρk)/(ks)) − β, where
/// β = ½ if hk < 0 or (hk = 0 and h + k < 0), else 0, and T(0, ±∞) = ±¼. Exact branches:
/// ρ = 1: Φ(min(h, k)); ρ = −1: max(0, Φ(h) − Φ(−k)); h = k = 0: ¼ + asin(ρ)/(2π).
/// Infinite h or k are allowed. Absolute accuracy ~1e-15.
double bivariate_normal_cdf(double h, double k, const Correlation& corr);
double bivariate_normal_cdf(double h, double k, double rho);

/// E[relu(σZ + b)] = σ φ(b/σ) + b Φ(b/σ) for Z ~ N(0, 1), σ ≥ 0 (σ = 0 gives relu(b)).
double relu_mean(double sigma, double b);

/// E[relu(σZ + b)²] = σ²[(1 + h²) Φ(h) + h φ(h)], h = b/σ (σ = 0 gives relu(b)²).
double relu_second_moment(double sigma, double b);

/// E[relu(σ1 Z1 + b) relu(σ2 Z2 + c)] for standard normals with correlation corr.rho; σ1, σ2 ≥ 0
/// finite, b, c finite. Branches and derivation in the file comment. Absolute accuracy ~1e-14
/// relative to σ1σ2(1 + |h|)(1 + |k|).
double relu_cross_moment(double sigma1, double b, double sigma2, double c, const Correlation& corr);
double relu_cross_moment(double sigma1, double b, double sigma2, double c, double rho);

/// E[relu(uᵀx + b) relu(vᵀx + c)] for x ~ N(0, I_p); u, v of the same length (either may be 0).
double relu_cross_moment(const arma::vec& u, double b, const arma::vec& v, double c);

}  // namespace reluid::theory
