// Tests of the Clopper–Pearson interval against closed forms, tabulated values and its definition.
#include <catch2/catch.hpp>
#include <cmath>

#include "theory/binomial.hpp"

using reluid::theory::clopper_pearson;

namespace {

/// P(X ≥ k) and P(X ≤ k) for X ~ Binomial(n, p), summed term by term (independent of Boost).
double upper_tail(int k, int n, double p) {
  double sum = 0.0;
  for (int i = k; i <= n; ++i) {
    sum += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) +
                    i * std::log(p) + (n - i) * std::log1p(-p));
  }
  return sum;
}
double lower_tail(int k, int n, double p) {
  return 1.0 - upper_tail(k + 1, n, p);
}

}  // namespace

TEST_CASE("clopper_pearson: k = 0 and k = n match the closed form (alpha/2)^(1/n)", "[binomial]") {
  const int n = GENERATE(1, 2, 10, 57, 1000);
  CAPTURE(n);
  const double edge = std::pow(0.025, 1.0 / n);
  const auto none = clopper_pearson(0, n);
  REQUIRE(none.lower == 0.0);
  REQUIRE(none.upper == Approx(1.0 - edge).epsilon(1e-10));
  const auto all = clopper_pearson(n, n);
  REQUIRE(all.upper == 1.0);
  REQUIRE(all.lower == Approx(edge).epsilon(1e-10));
}

TEST_CASE("clopper_pearson: tabulated values (R binom.test)", "[binomial]") {
  // R 4.x: binom.test(k, n)$conf.int, printed to 7 significant digits.
  struct Row {
    int k, n;
    double lower, upper;
  };
  const Row row = GENERATE(Row{5, 10, 0.1870860, 0.8129140}, Row{3, 10, 0.06673951, 0.6524529},
                           Row{1, 10, 0.002528579, 0.4450161}, Row{0, 10, 0.0, 0.3084971});
  CAPTURE(row.k, row.n);
  const auto ci = clopper_pearson(row.k, row.n);
  REQUIRE(ci.lower == Approx(row.lower).margin(5e-7));
  REQUIRE(ci.upper == Approx(row.upper).margin(5e-7));
}

TEST_CASE("clopper_pearson: bounds solve the defining tail equations", "[binomial]") {
  const int n = GENERATE(7, 40, 300);
  const double confidence = GENERATE(0.9, 0.95, 0.99);
  for (int k = 1; k < n; k += std::max(1, n / 7)) {
    CAPTURE(n, k, confidence);
    const auto ci = clopper_pearson(k, n, confidence);
    const double half_alpha = (1.0 - confidence) / 2.0;
    REQUIRE(ci.lower < static_cast<double>(k) / n);
    REQUIRE(ci.upper > static_cast<double>(k) / n);
    REQUIRE(upper_tail(k, n, ci.lower) == Approx(half_alpha).epsilon(1e-8));
    REQUIRE(lower_tail(k, n, ci.upper) == Approx(half_alpha).epsilon(1e-8));
  }
}

TEST_CASE("clopper_pearson: rejects impossible counts", "[binomial]") {
  REQUIRE_THROWS_WITH(clopper_pearson(0, 0), Catch::Contains("trials must be at least 1 (got 0)"));
  REQUIRE_THROWS_WITH(clopper_pearson(6, 5), Catch::Contains("must not exceed trials = 5 (got 6)"));
  REQUIRE_THROWS_AS(clopper_pearson(1, 5, 1.0), std::invalid_argument);
}
