// Catch2 entry point: BLAS pinned to one thread (as in the program); banner to stderr, because
// catch_discover_tests reads the test list from stdout.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <iostream>

#include "sim/blas.hpp"

int main(int argc, char* argv[]) {
  reluid::sim::set_blas_threads(1);
  std::cerr << "reluid tests\n";
  return Catch::Session().run(argc, argv);
}
