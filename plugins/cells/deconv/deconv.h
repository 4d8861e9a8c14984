/* State of a Frame Deconv cell, shared by deconv.c (parameters, shapes,
 * lifecycle) and deconv_kernels.c (arithmetic).
 *
 * A transposed convolution is the adjoint of a convolution: the Deconv
 * output {O, OH, OW} plays the role of the convolution's input and the
 * Deconv input {C, H, W} that of its output. So `geom` describes that
 * convolution (channels O, height OH, width OW, out_h H, out_w W) and
 * forward is col = W^T x then col2im(col), backward im2col(dy). */
#ifndef N2D2_CELL_DECONV_H
#define N2D2_CELL_DECONV_H

#include <stddef.h>

#include "n2d2/n2d2.h"

#include "../common/im2col.h"
#include "../common/mapping.h"

typedef struct deconv_state {
    /* from the parameters */
    size_t nb_outputs;
    size_t kernel[2], stride[2], padding[2], dilation[2]; /* X, Y */
    int no_bias, back_propagate;

    /* from the input shape */
    size_t channels, height, width; /* input C, H, W */
    n2d2_cells_conv_geom geom;      /* the adjoint convolution, see above */
    n2d2_cells_mapping map;
    size_t groups;                  /* weights are {C, O/groups, kh, kw} */
    int masked;                     /* irregular map: dense weights, zeroed entries */
    unsigned char *mask;            /* masked: per weight, 1 = connected */
    size_t c_group, o_group;        /* channels and outputs per group */
    size_t k_rows;                  /* rows of col per group: O/groups kh kw */
    size_t positions;               /* H W (columns of col) */
    int pointwise;                  /* 1x1, stride 1, no padding: col is the output */

    n2d2_tensor *w, *dw, *b, *db;
    int shared_w, shared_b;         /* w / b belong to another cell (WeightsSharing...) */

    /* scratch, per thread; only grown */
    int threads;
    void *col;
    size_t col_cap;
    void *dw_part; /* threads x (weights + outputs) */
    size_t dw_part_cap;
} deconv_state;

n2d2_status n2d2_deconv_reserve_scratch(deconv_state *s, n2d2_dtype dtype);
/* x {N, C, H, W} -> y {N, O, OH, OW}; backward writes the batch sums dW/db
 * (overwritten) and dx when non-NULL (added to when accumulate). */
void n2d2_deconv_forward_f32(deconv_state *s, const float *x, float *y, size_t batch);
void n2d2_deconv_forward_f64(deconv_state *s, const double *x, double *y, size_t batch);
void n2d2_deconv_backward_f32(deconv_state *s, const float *x, const float *dy, float *dx,
                              int accumulate, size_t batch);
void n2d2_deconv_backward_f64(deconv_state *s, const double *x, const double *dy, double *dx,
                              int accumulate, size_t batch);

#endif
