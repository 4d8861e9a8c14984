/* LRN arithmetic for float and double (bodies in lrn_kernels_impl.h). */
#include <math.h>

#include "lrn.h"

#include "../common/cells_common.h"

n2d2_status n2d2_lrn_reserve_scratch(lrn_state *s, n2d2_dtype dtype)
{
    const size_t elem = dtype == N2D2_FLOAT64 ? sizeof(double) : sizeof(float);
    s->threads = n2d2_cells_max_threads();
    return n2d2_cells_scratch(&s->scratch, &s->scratch_cap,
                              (size_t)s->threads * 2 * s->channels * s->positions * elem);
}

#define REAL float
#define SUFFIX _f32
#define POW powf
#define SQRT sqrtf
#include "lrn_kernels_impl.h"
#undef REAL
#undef SUFFIX
#undef POW
#undef SQRT

#define REAL double
#define SUFFIX _f64
#define POW pow
#define SQRT sqrt
#include "lrn_kernels_impl.h"
