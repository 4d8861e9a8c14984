/* Convolution arithmetic for float and double (bodies in
 * conv_kernels_impl.h), the choice of lowering and the scratch memory. */
#include <stdlib.h>

#include "conv.h"

#include "../common/blas.h"
#include "../common/cells_common.h"

void n2d2_conv_plan(conv_state *s)
{
    const n2d2_cells_conv_geom *g = &s->geom;
    const int unpadded = g->pad_h == 0 && g->pad_w == 0;
    s->pad_h = g->height + 2 * g->pad_h;
    s->pad_w = g->width + 2 * g->pad_w;
    s->wide_cols = g->out_h * s->pad_w;
    s->wide_len = (g->out_h - 1) * s->pad_w + g->out_w;
    s->dw_transposed = s->out_group >= 12;
    if (g->out_h == 1 && g->out_w == 1 && unpadded && g->dil_h == 1 && g->dil_w == 1 &&
        g->kernel_h == g->height && g->kernel_w == g->width)
        s->lowering = CONV_LOWER_NONE_BATCH;
    else if (n2d2_cells_conv_is_pointwise(g))
        s->lowering = CONV_LOWER_NONE_SAMPLE;
    else if (g->stride_h == 1 && g->stride_w == 1 && 10 * s->wide_cols <= 11 * s->positions)
        s->lowering = CONV_LOWER_WIDE;
    else
        s->lowering = CONV_LOWER_IM2COL;
}

/* Strided or short output rows: im2col runs of a few values, or strided
 * gathers, cost more than the GEMM on small layers; a table is only worth
 * its memory when col is small. */
#define TAPS_SHORT_ROW 8
#define TAPS_MAX ((size_t)1 << 16)

n2d2_status n2d2_conv_plan_taps(conv_state *s)
{
    const n2d2_cells_conv_geom *g = &s->geom;
    free(s->taps);
    s->taps = NULL;
    s->taps_padded = 0;
    const size_t P = s->positions, K = s->k_group * s->groups;
    if (s->lowering != CONV_LOWER_IM2COL || (g->stride_w == 1 && g->out_w >= TAPS_SHORT_ROW) ||
        K * P > TAPS_MAX ||
        g->channels * g->height * g->width > (size_t)INT32_MAX)
        return N2D2_OK;
    s->taps = malloc(K * P * sizeof *s->taps);
    if (!s->taps)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    /* the same order as im2col: row (c, ky, kx), column (oy, ox) */
    int32_t *t = s->taps;
    for (size_t c = 0; c < g->channels; ++c)
        for (size_t ky = 0; ky < g->kernel_h; ++ky)
            for (size_t kx = 0; kx < g->kernel_w; ++kx)
                for (size_t oy = 0; oy < g->out_h; ++oy)
                    for (size_t ox = 0; ox < g->out_w; ++ox) {
                        /* padded coordinates; inside when >= pad and < pad + extent */
                        const size_t iy = oy * g->stride_h + ky * g->dil_h;
                        const size_t ix = ox * g->stride_w + kx * g->dil_w;
                        const int in = iy >= g->pad_h && iy - g->pad_h < g->height && ix >= g->pad_w &&
                                       ix - g->pad_w < g->width;
                        *t++ = in ? (int32_t)((c * g->height + iy - g->pad_h) * g->width + ix - g->pad_w)
                                  : -1;
                        s->taps_padded |= !in;
                    }
    return N2D2_OK;
}

size_t n2d2_conv_col_cols(const conv_state *s)
{
    return s->lowering == CONV_LOWER_WIDE ? s->wide_cols : s->positions;
}

#define CONV_CHUNKS_PER_THREAD 4
#define CONV_PARTS_BYTES ((size_t)32 << 20)

n2d2_status n2d2_conv_reserve_scratch(conv_state *s, n2d2_dtype dtype)
{
    const size_t elem = dtype == N2D2_FLOAT64 ? sizeof(double) : sizeof(float);
    s->threads = n2d2_cells_max_threads();
    const size_t t = (size_t)s->threads;
    const int lowered = s->lowering == CONV_LOWER_WIDE || s->lowering == CONV_LOWER_IM2COL;
    const size_t col = lowered ? s->k_group * s->groups * n2d2_conv_col_cols(s) : 1;
    const size_t weights = n2d2_tensor_numel(s->w);
    size_t wide = 1;
    if (s->lowering == CONV_LOWER_WIDE)
        wide = 2 * s->geom.channels * s->pad_h * s->pad_w + s->nb_outputs * s->wide_cols;
    /* a few chunks per thread balance the load; fewer when the partial
     * gradients would take much memory */
    s->parts = t > 1 && (weights + s->nb_outputs) * t * CONV_CHUNKS_PER_THREAD * elem <= CONV_PARTS_BYTES
                   ? t * CONV_CHUNKS_PER_THREAD
                   : t;
    n2d2_status st = n2d2_cells_scratch(&s->col, &s->col_cap, t * col * elem);
    if (st == N2D2_OK)
        st = n2d2_cells_scratch(&s->dcol, &s->dcol_cap, t * col * elem);
    if (st == N2D2_OK)
        st = n2d2_cells_scratch(&s->wide, &s->wide_cap, t * wide * elem);
    if (st == N2D2_OK)
        st = n2d2_cells_scratch(&s->dw_part, &s->dw_part_cap, s->parts * (weights + s->nb_outputs) * elem);
    if (st == N2D2_OK)
        st = n2d2_cells_scratch(&s->dyt, &s->dyt_cap, t * n2d2_conv_col_cols(s) * s->nb_outputs * elem);
    return st;
}

#define REAL float
#define SUFFIX _f32
#define GEMM n2d2_cells_gemm_f32
#define IM2COL n2d2_cells_im2col_f32
#define COL2IM n2d2_cells_col2im_f32
#include "conv_kernels_impl.h"
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
#include "conv_kernels_impl.h"
