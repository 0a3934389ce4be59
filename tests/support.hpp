// Helpers shared by the test files: random networks and running the built program.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>

#include "theory/model.hpp"
#include "theory/random.hpp"

namespace reluid::test {

/// A p × r network with N(0, 1) weights and biases and random ±1 signs.
inline theory::Network random_network(arma::uword p, arma::uword r, theory::Engine& rng) {
  theory::Network net;
  net.W = theory::standard_normal(p, r, rng);
  net.b = theory::standard_normal(r, 1, rng);
  net.a = arma::sign(theory::uniform(r, 1, -1.0, 1.0, rng));
  return net;
}

/// Independent column standardisation (mean 0, sd 1 with divisor n), for checking solvers that
/// standardise their inputs.
inline arma::mat standardized(const arma::mat& X) {
  arma::mat Z = X.each_row() - arma::mean(X, 0);
  Z.each_row() /= arma::sqrt(arma::mean(arma::square(Z), 0));
  return Z;
}

/// A fresh, empty scratch path TMP/reluid_test_<suite>_<pid>/<name> (removed if it exists; its
/// parent created), unique to this process.
inline std::filesystem::path scratch_path(const std::string& suite, const std::string& name) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("reluid_test_" + suite + "_" + std::to_string(::getpid())) /
                                    name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir.parent_path());
  return dir;
}

/// Exit status and standard output of a shell command.
struct Run {
  int status = -1;
  std::string output;
};

/// Runs a shell command (popen); status is −1 if it did not exit normally.
inline Run run(const std::string& command) {
  Run out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.output.append(buffer, n);
  const int raw = ::pclose(pipe);
  out.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return out;
}

}  // namespace reluid::test
