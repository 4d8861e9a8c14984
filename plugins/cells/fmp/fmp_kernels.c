/* FMP arithmetic in Float32 and Float64 (fmp_kernels_impl.h). */
#include "fmp.h"

#include "../common/cells_common.h"

#define REAL float
#define SUFFIX _f32
#include "fmp_kernels_impl.h"
#undef REAL
#undef SUFFIX

#define REAL double
#define SUFFIX _f64
#include "fmp_kernels_impl.h"
#undef REAL
#undef SUFFIX
