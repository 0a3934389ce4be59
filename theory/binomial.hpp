// Exact (Clopper–Pearson) confidence intervals for a binomial success probability.
#pragma once

#include <cstdint>

namespace reluid::theory {

/// A two-sided confidence interval [lower, upper] for a probability.
struct ProbabilityInterval {
  double lower = 0.0;
  double upper = 1.0;
};

/// Clopper & Pearson (1934) exact interval for p from `successes` out of `trials` Bernoulli
/// draws: lower solves P(X ≥ k | p) = α/2, upper solves P(X ≤ k | p) = α/2 with α = 1 − confidence
/// (lower = 0 when k = 0, upper = 1 when k = n). Computed with Boost.Math's
/// binomial_distribution::find_{lower,upper}_bound_on_p (beta quantiles).
/// Requires trials ≥ 1, successes ≤ trials and confidence in (0, 1).
ProbabilityInterval clopper_pearson(std::uint64_t successes, std::uint64_t trials,
                                    double confidence = 0.95);

}  // namespace reluid::theory
