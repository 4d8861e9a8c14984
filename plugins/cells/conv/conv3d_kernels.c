/* 3-D convolution arithmetic ({C, D, H, W} inputs) for float and double
 * (bodies in conv3d_kernels_impl.h) and its scratch memory. The 2-D paths
 * (conv_kernels.c) are separate: their lowerings are tuned for images and
 * gain nothing from a depth loop. */
#include <stdlib.h>

#include "conv.h"

#include "../common/blas.h"
#include "../common/cells_common.h"
#include "../common/im2col.h"

n2d2_status n2d2_conv3d_reserve_scratch(conv_state *s, n2d2_dtype dtype)
{
    const size_t elem = dtype == N2D2_FLOAT64 ? sizeof(double) : sizeof(float);
    s->threads = n2d2_cells_max_threads();
    const size_t t = (size_t)s->threads;
    const size_t col = s->k_group * s->groups * s->positions;
    /* per thread: col and dcol; per batch chunk (one per thread): partial
     * weight and bias gradients */
    s->parts = t;
    n2d2_status st = n2d2_cells_scratch(&s->col, &s->col_cap, t * col * elem);
    if (st == N2D2_OK)
        st = n2d2_cells_scratch(&s->dcol, &s->dcol_cap, t * col * elem);
    if (st == N2D2_OK)
        st = n2d2_cells_scratch(&s->dw_part, &s->dw_part_cap,
                                t * (n2d2_tensor_numel(s->w) + s->nb_outputs) * elem);
    return st;
}

#define REAL float
#define SUFFIX _f32
#define GEMM n2d2_cells_gemm_f32
#include "conv3d_kernels_impl.h"
#undef REAL
#undef SUFFIX
#undef GEMM

#define REAL double
#define SUFFIX _f64
#define GEMM n2d2_cells_gemm_f64
#include "conv3d_kernels_impl.h"
