// Control of the BLAS thread pool: reluid runs BLAS single-threaded inside a computation and
// parallelises across trials instead.
#pragma once

namespace reluid::sim {

/// Sets OpenBLAS's thread count (process-wide).
void set_blas_threads(int n);

}  // namespace reluid::sim
