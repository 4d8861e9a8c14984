/* State of a Frame Conv cell, shared by conv.c (parameters, shapes,
 * lifecycle) and conv_kernels.c (forward/backward arithmetic). */
#ifndef N2D2_CELL_CONV_H
#define N2D2_CELL_CONV_H

#include <stddef.h>
#include <stdint.h>

#include "n2d2/n2d2.h"

#include "../common/im2col.h"
#include "../common/mapping.h"

/* Geometry of a 3-D convolution ({C, D, H, W} inputs); axes [0] X, [1] Y,
 * [2] Z; strides already multiplied by SubSample. */
typedef struct conv3d_geom {
    size_t channels, in[3], kernel[3], stride[3], pad[3], dil[3], out[3];
} conv3d_geom;

typedef struct conv_state {
    /* from the parameters; [2] (Z) is used by 3-D inputs only */
    size_t nb_outputs;
    size_t kernel[3], stride[3], padding[3], dilation[3], subsample[3]; /* X, Y, Z */
    const char *z_key;    /* first key giving an explicit Z value, NULL if none */
    int no_bias, back_propagate;

    /* from the input shape */
    int vol;                   /* 3-D input: vgeom and the conv3d_* kernels */
    conv3d_geom vgeom;
    n2d2_cells_conv_geom geom; /* 2-D; strides already multiplied by SubSample */
    n2d2_cells_mapping map;
    size_t groups;        /* GEMM groups: weights are {O, C/groups, kh, kw} */
    int masked;           /* irregular map: dense weights with zeroed entries */
    int depthwise;        /* one input channel per group: direct loops, no GEMM */
    unsigned char *mask;  /* masked: per weight, 1 = connected */
    int lowering;         /* CONV_LOWER_* below */
    size_t k_group;       /* rows of col per group: C/groups kh kw */
    size_t out_group;     /* outputs per group */
    size_t positions;     /* OH OW */
    size_t pad_h, pad_w;  /* WIDE: padded input extent Hp, Wp */
    size_t wide_cols;     /* WIDE: GEMM columns OH Wp */
    size_t wide_len;      /* WIDE: meaningful columns (OH - 1) Wp + OW */
    int dw_transposed;    /* weight gradient computed as dW^T = col dY^T */
    int32_t *taps;        /* IM2COL by table: col[i] = x[taps[i]], -1 = padding */
    int taps_padded;      /* some taps are -1 */

    n2d2_tensor *w, *dw, *b, *db;
    int shared_w, shared_b; /* w / b belong to another cell (WeightsSharing...) */

    /* scratch, per thread; sized by reserve, only grown */
    int threads;
    void *col;            /* threads x (C kh kw) x OH OW */
    size_t col_cap;
    void *dcol;
    size_t dcol_cap;
    size_t parts;         /* chunks of a batch with their own partial gradients */
    void *dw_part;        /* parts x weights + parts x outputs (bias) */
    size_t dw_part_cap;
    void *wide;           /* WIDE: per thread padded image + GEMM output */
    size_t wide_cap;
    void *dyt;            /* per thread transposed output gradient */
    size_t dyt_cap;
} conv_state;

/* How an image is lowered to the GEMM operand ("col"):
 *  NONE_BATCH  the kernel covers the whole unpadded input (1x1 output): the
 *              image is its own col; one GEMM over the batch, like Fc;
 *  NONE_SAMPLE 1x1 kernel, stride 1, no padding: col = image, GEMM per sample;
 *  WIDE        stride 1: row (c, ky, kx) of col is one contiguous run of the
 *              (padded) image, col[k][oy Wp + ox] = xp[c][oy + ky dy][ox + kx dx],
 *              so lowering is a few long copies; the Wp - OW extra columns per
 *              output row are computed and dropped (chosen when they add at
 *              most a tenth of the work: im2col copies rows of OW values
 *              nearly as fast, and LeNet's 5x5 layers, +14 % and +40 %
 *              columns, train faster by im2col);
 *  IM2COL      everything else; when the stride is above 1 or the output
 *              rows are short (OW < 8: im2col copies runs of a few values)
 *              and col is at most 64 Ki values, by a table of input
 *              offsets built once
 *              (one load and one store per value: about three times
 *              faster than im2col there, and col2im becomes a scatter-add). */
/* Widest kernel of the direct depthwise forward (wider: GEMM path). */
#define CONV_DEPTHWISE_MAX_KW 32

enum { CONV_LOWER_NONE_BATCH, CONV_LOWER_NONE_SAMPLE, CONV_LOWER_WIDE, CONV_LOWER_IM2COL };

/* Pick the lowering from the geometry (after groups are known). */
void n2d2_conv_plan(conv_state *s);
/* The table of the IM2COL lowering when it takes one (else no-op). */
n2d2_status n2d2_conv_plan_taps(conv_state *s);
/* Columns of the col buffer of one image. */
size_t n2d2_conv_col_cols(const conv_state *s);

/* Arithmetic (conv_kernels.c). Input x is {N, C, H, W}, y {N, O, OH, OW}.
 * backward: dW/db are the batch sums (overwritten); dx may be NULL. */
n2d2_status n2d2_conv_reserve_scratch(conv_state *s, n2d2_dtype dtype);
void n2d2_conv_forward_f32(conv_state *s, const float *x, float *y, size_t batch);
void n2d2_conv_forward_f64(conv_state *s, const double *x, double *y, size_t batch);
void n2d2_conv_backward_f32(conv_state *s, const float *x, const float *dy, float *dx,
                            int accumulate, size_t batch);
void n2d2_conv_backward_f64(conv_state *s, const double *x, const double *dy, double *dx,
                            int accumulate, size_t batch);

/* 3-D ({C, D, H, W}) convolution by vol2col + GEMM per group
 * (conv3d_kernels.c); weights {O, C/groups, kd, kh, kw}. */
n2d2_status n2d2_conv3d_reserve_scratch(conv_state *s, n2d2_dtype dtype);
void n2d2_conv3d_forward_f32(conv_state *s, const float *x, float *y, size_t batch);
void n2d2_conv3d_forward_f64(conv_state *s, const double *x, double *y, size_t batch);
void n2d2_conv3d_backward_f32(conv_state *s, const float *x, const float *dy, float *dx,
                              int accumulate, size_t batch);
void n2d2_conv3d_backward_f64(conv_state *s, const double *x, const double *dy, double *dx,
                              int accumulate, size_t batch);

#endif
