// Hermite expansion of a biased ReLU (the paper's Lemma 4) and the Gaussian moments it gives in
// closed form: E[f(x) He_k(vᵀx)] and the Stein matrix E[f(x)(xxᵀ − I)] for x ~ N(0, I_p).
//
// Normalisation. He_n are the PROBABILISTS' Hermite polynomials, He_0 = 1, He_1 = t,
// He_{n+1}(t) = t He_n(t) − n He_{n−1}(t), orthogonal under N(0, 1) with E[He_m He_n] = n! δ_mn.
// (Boost's hermite() is the physicists' H_n; He_n(t) = 2^{−n/2} H_n(t/√2).)
// For a bias b the coefficients are the unnormalised moments
//   f_k(b) = E[relu(Z + b) He_k(Z)],  Z ~ N(0, 1),
// so relu(t + b) = Σ_k f_k(b) He_k(t)/k! in L²(N(0, 1)); the coefficients in the orthonormal basis
// He_k/√(k!) are f_k(b)/√(k!). Closed forms (Gaussian integration by parts,
// E[g(Z) He_k(Z)] = E[g^{(k)}(Z)], with g'' = δ(· + b) and E[δ^{(m)}(Z + b)] = He_m(−b) φ(b)):
//   f_0(b) = φ(b) + b Φ(b),  f_1(b) = Φ(b),  f_k(b) = (−1)^k He_{k−2}(b) φ(b) for k ≥ 2.
#pragma once

#include <armadillo>

#include "theory/model.hpp"

namespace reluid::theory {

/// Largest Hermite degree accepted (He_n(b)φ(b) stays well inside double range up to here).
constexpr unsigned max_hermite_degree = 60;

/// Probabilists' He_n(t), computed from Boost's physicists' H_n as 2^{−n/2} H_n(t/√2).
double hermite_he(unsigned n, double t);

/// f_k(b) = E[relu(Z + b) He_k(Z)] for k = 0, …, k_max (closed forms above). Returns k_max + 1
/// values. Throws unless b is finite and k_max ≤ max_hermite_degree.
arma::vec relu_hermite_coefficients(double b, unsigned k_max);

/// E[f(x) He_k(vᵀx)] for x ~ N(0, I_p), f the network (eq. 2) and ‖v‖ = 1 (checked to 1e-10).
/// Mehler: E[He_k(vᵀx) | w_jᵀx] = ρ_j^k He_k(w_jᵀx/‖w_j‖), ρ_j = w_jᵀv/‖w_j‖, hence
///   Σ_j a_j ‖w_j‖ ρ_j^k f_k(b_j/‖w_j‖)   (a neuron with w_j = 0 contributes relu(b_j)·[k = 0]).
double hermite_moment(const Network& net, const arma::vec& v, unsigned k);

/// Stein matrix E[f(x)(xxᵀ − I)] = E[∇²f(x)] = Σ_j a_j φ(b_j/‖w_j‖)/‖w_j‖ · w_j w_jᵀ (p × p),
/// for f the noise-free network; additive zero-mean noise independent of x does not change it.
arma::mat stein_matrix(const Network& net);

/// First-order moment E[f(x) x] = E[∇f(x)] = Σ_j a_j Φ(b_j/‖w_j‖) w_j (p values).
arma::vec stein_vector(const Network& net);

}  // namespace reluid::theory
