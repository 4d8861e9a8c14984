/* Lowering of one image to columns for convolution by GEMM, and back.
 *
 * col has (C kh kw) rows, row r = (c kh + ky) kw + kx, and OH OW columns:
 * col[r][oy OW + ox] = x[c][oy sy - py + ky dy][ox sx - px + kx dx], zero
 * outside the input. col2im adds a column matrix back into an image. */
#ifndef N2D2_CELLS_IM2COL_H
#define N2D2_CELLS_IM2COL_H

#include <stddef.h>

typedef struct n2d2_cells_conv_geom {
    size_t channels, height, width;       /* input */
    size_t kernel_h, kernel_w;
    size_t stride_h, stride_w;            /* effective (stride x subsampling) */
    size_t pad_h, pad_w;
    size_t dil_h, dil_w;
    size_t out_h, out_w;
} n2d2_cells_conv_geom;

/* Output positions [lo, hi) of one axis whose input index o s + off - pad
 * falls inside [0, in). */
typedef struct n2d2_cells_tap_range {
    size_t lo, hi;
} n2d2_cells_tap_range;

static inline void n2d2_cells_tap(size_t out, size_t stride, size_t pad, size_t off, size_t in,
                                  n2d2_cells_tap_range *r)
{
    /* o s + off >= pad  <=>  o >= ceil((pad - off) / s) */
    size_t lo = off >= pad ? 0 : (pad - off + stride - 1) / stride;
    /* o s + off - pad < in  <=>  o < ceil((in + pad - off) / s) */
    size_t hi = in + pad > off ? (in + pad - off + stride - 1) / stride : 0;
    if (hi > out)
        hi = out;
    if (lo > hi)
        lo = hi;
    r->lo = lo;
    r->hi = hi;
}

/* Kernel extents up to this use per-call tables of tap ranges. */
#define N2D2_CELLS_TAPS 32

void n2d2_cells_im2col_f32(const n2d2_cells_conv_geom *g, const float *x, float *col);
void n2d2_cells_im2col_f64(const n2d2_cells_conv_geom *g, const double *x, double *col);
void n2d2_cells_col2im_f32(const n2d2_cells_conv_geom *g, const float *col, float *x);
void n2d2_cells_col2im_f64(const n2d2_cells_conv_geom *g, const double *col, double *x);

/* 1 when col would equal x (1x1 kernel, stride 1, no padding). */
int n2d2_cells_conv_is_pointwise(const n2d2_cells_conv_geom *g);

#endif
