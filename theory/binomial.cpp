// Clopper–Pearson intervals via Boost.Math's binomial bounds.
#include "theory/binomial.hpp"

#include <boost/math/distributions/binomial.hpp>

#include "theory/check.hpp"

namespace reluid::theory {

ProbabilityInterval clopper_pearson(std::uint64_t successes, std::uint64_t trials,
                                    double confidence) {
  constexpr const char* where = "clopper_pearson";
  require(trials >= 1, where, "trials must be at least 1", trials);
  require(successes <= trials, where, "successes must not exceed trials = " + quote(trials),
          successes);
  require(confidence > 0.0 && confidence < 1.0, where, "confidence must be in (0, 1)", confidence);
  using boost::math::binomial_distribution;
  const double half_alpha = (1.0 - confidence) / 2.0;
  const auto n = static_cast<double>(trials);
  const auto k = static_cast<double>(successes);
  ProbabilityInterval ci;
  ci.lower = successes == 0
                 ? 0.0
                 : binomial_distribution<>::find_lower_bound_on_p(
                       n, k, half_alpha, binomial_distribution<>::clopper_pearson_exact_interval);
  ci.upper = successes == trials
                 ? 1.0
                 : binomial_distribution<>::find_upper_bound_on_p(
                       n, k, half_alpha, binomial_distribution<>::clopper_pearson_exact_interval);
  return ci;
}

}  // namespace reluid::theory
