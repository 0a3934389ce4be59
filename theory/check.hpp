// Boundary validation shared by every module: one message format, "where: what (got X)".
#pragma once

#include <armadillo>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace reluid::theory {

/// Formats a value the way error messages quote it (shortest round-trip form for doubles).
template <class T>
std::string quote(const T& value) {
  std::ostringstream os;
  os.precision(17);
  os << value;
  return os.str();
}

/// Throws std::invalid_argument("where: what").
[[noreturn]] void fail(std::string_view where, std::string_view what);

/// Throws std::invalid_argument("where: what (got value)") unless ok.
template <class T>
void require(bool ok, std::string_view where, std::string_view what, const T& value) {
  if (!ok) fail(where, std::string(what) + " (got " + quote(value) + ")");
}
inline void require(bool ok, std::string_view where, std::string_view what) {
  if (!ok) fail(where, what);
}

/// Requires M to be rows × cols; `name` is the quantity's name in the message.
void require_shape(const arma::mat& M, arma::uword rows, arma::uword cols, std::string_view where,
                   std::string_view name);
/// Requires every entry of M to be finite; names the first offending entry.
void require_finite(const arma::mat& M, std::string_view where, std::string_view name);

}  // namespace reluid::theory
