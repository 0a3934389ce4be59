// OpenBLAS thread control.
#include "sim/blas.hpp"

extern "C" void openblas_set_num_threads(int num_threads);

namespace reluid::sim {

void set_blas_threads(int n) {
  openblas_set_num_threads(n);
}

}  // namespace reluid::sim
