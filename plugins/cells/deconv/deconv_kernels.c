/* Transposed-convolution arithmetic for float and double (bodies in
 * deconv_kernels_impl.h) and the scratch memory. */
#include "deconv.h"

#include "../common/blas.h"
#include "../common/cells_common.h"

n2d2_status n2d2_deconv_reserve_scratch(deconv_state *s, n2d2_dtype dtype)
{
    const size_t elem = dtype == N2D2_FLOAT64 ? sizeof(double) : sizeof(float);
    s->threads = n2d2_cells_max_threads();
    const size_t t = (size_t)s->threads;
    const size_t col = s->pointwise ? 1 : s->k_rows * s->groups * s->positions;
    const size_t weights = n2d2_tensor_numel(s->w);
    n2d2_status st = n2d2_cells_scratch(&s->col, &s->col_cap, t * col * elem);
    if (st == N2D2_OK)
        st = n2d2_cells_scratch(&s->dw_part, &s->dw_part_cap, t * (weights + s->nb_outputs) * elem);
    return st;
}

#define REAL float
#define SUFFIX _f32
#define GEMM n2d2_cells_gemm_f32
#define IM2COL n2d2_cells_im2col_f32
#define COL2IM n2d2_cells_col2im_f32
#include "deconv_kernels_impl.h"
#undef REAL
#undef SUFFIX
#undef GEMM
#undef IM2COL
#undef COL2IM

#define REAL double
#define SUFFIX _f64
#define GEMM n2d2_cells_gemm_f64
#define IM2COL n2d2_cells_im2col_f64
#define COL2IM n2d2_cells_col2im_f64
#include "deconv_kernels_impl.h"
