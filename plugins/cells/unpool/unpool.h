/* State of a Frame Unpool cell, shared by unpool.c (parameters, shapes)
 * and unpool_kernels.c (arithmetic).
 *
 * Unpool inverts a Pool: its input has the pooled size {C, PH, PW}, its
 * output the size of the pool's input {NbOutputs, H, W}. Its map has rows
 * = its input channels (the pool's outputs) and columns = its outputs (the
 * pool's input channels): the transpose of the pool's map. */
#ifndef N2D2_CELL_UNPOOL_H
#define N2D2_CELL_UNPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "n2d2/n2d2.h"

#include "../common/mapping.h"

enum { UNPOOL_MAX = 0, UNPOOL_AVERAGE = 1 }; /* order of the Pooling enum */

typedef struct unpool_state {
    int pooling;
    size_t nb_outputs;
    size_t pool[2], stride[2], padding[2]; /* X, Y */
    int has_ref;                           /* second input: the pool's input */
    size_t channels, in_h, in_w;           /* data input (pooled size) */
    size_t out_h, out_w;
    n2d2_cells_mapping map;
    size_t *out_start; /* CSR of the map by input channel: outputs of i are */
    size_t *outs;      /* outs[out_start[i] .. out_start[i + 1]) */
    int32_t *argmax;   /* Max: per input element, flat output index or -1 */
    size_t argmax_cap; /* elements */
    int argmax_valid;  /* a forward pass filled it for the current batch */
} unpool_state;

/* Max: positions of the maxima of the pool's input `ref` {N, O, H, W},
 * with the pool's window rules (first largest value, channels then rows
 * then columns), into s->argmax. */
void n2d2_unpool_argmax_f32(unpool_state *s, const float *ref, size_t batch);
void n2d2_unpool_argmax_f64(unpool_state *s, const double *ref, size_t batch);
/* x {N, C, PH, PW} -> y {N, O, H, W}; dx overwritten unless accumulate. */
void n2d2_unpool_forward_f32(const unpool_state *s, const float *x, float *y, size_t batch);
void n2d2_unpool_forward_f64(const unpool_state *s, const double *x, double *y, size_t batch);
void n2d2_unpool_backward_f32(const unpool_state *s, const float *dy, float *dx, int accumulate,
                              size_t batch);
void n2d2_unpool_backward_f64(const unpool_state *s, const double *dy, double *dx, int accumulate,
                              size_t batch);

#endif
