# Debian's Armadillo ships no CMake target: wrap headers + library (+ OpenBLAS, so the program
# can pin BLAS to one thread per worker) in an imported target.
find_path(ARMADILLO_INCLUDE_DIR armadillo REQUIRED)
find_library(ARMADILLO_LIBRARY armadillo REQUIRED)
find_library(OPENBLAS_LIBRARY openblas REQUIRED)
add_library(reluid_armadillo INTERFACE IMPORTED)
target_include_directories(reluid_armadillo SYSTEM INTERFACE ${ARMADILLO_INCLUDE_DIR})
target_link_libraries(reluid_armadillo INTERFACE ${ARMADILLO_LIBRARY} ${OPENBLAS_LIBRARY})
# No bounds checks in Release, keep them in Debug/sanitizer builds.
target_compile_definitions(reluid_armadillo INTERFACE $<$<CONFIG:Release>:ARMA_NO_DEBUG>)
