/* State of a Frame Pool cell, shared by pool.c (parameters, shapes) and
 * pool_kernels.c (arithmetic). */
#ifndef N2D2_CELL_POOL_H
#define N2D2_CELL_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "n2d2/n2d2.h"

#include "../common/mapping.h"

enum { POOL_MAX = 0, POOL_AVERAGE = 1 }; /* order of the Pooling enum */

typedef struct pool_state {
    int pooling;
    size_t nb_outputs;
    size_t pool[3], stride[3], padding[3]; /* X, Y, Z (Z: 3-D inputs only) */
    const char *z_key;  /* first key giving an explicit Z value, NULL if none */
    int vol;            /* 3-D input {C, D, H, W}: the pool3d kernels */
    size_t channels, height, width, out_h, out_w;
    size_t depth, out_d; /* 3-D only */
    n2d2_cells_mapping map;
    size_t *chan_start; /* CSR of the map by output: channels of o are */
    size_t *chans;      /* chans[chan_start[o] .. chan_start[o + 1]) */
    int one_to_one;     /* each output reads one channel, each channel feeds one output */
    int32_t *argmax;    /* Max: per output element, flat input index or -1 */
    size_t argmax_cap;  /* elements */
    int argmax_valid;   /* a training forward filled it */
} pool_state;

void n2d2_pool_forward_f32(pool_state *s, const float *x, float *y, size_t batch, int store);
void n2d2_pool_forward_f64(pool_state *s, const double *x, double *y, size_t batch, int store);
void n2d2_pool_backward_f32(const pool_state *s, const float *dy, float *dx, int accumulate,
                            size_t batch);
void n2d2_pool_backward_f64(const pool_state *s, const double *dy, double *dx, int accumulate,
                            size_t batch);
/* 3-D windows over {C, D, H, W} inputs (same rules: first largest value in
 * (channel, z, y, x) order, Average excludes padding). */
void n2d2_pool3d_forward_f32(pool_state *s, const float *x, float *y, size_t batch, int store);
void n2d2_pool3d_forward_f64(pool_state *s, const double *x, double *y, size_t batch, int store);
void n2d2_pool3d_backward_f32(const pool_state *s, const float *dy, float *dx, int accumulate,
                              size_t batch);
void n2d2_pool3d_backward_f64(const pool_state *s, const double *dy, double *dx, int accumulate,
                              size_t batch);

#endif
