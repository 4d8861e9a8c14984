/* State of a Frame LRN cell, shared by lrn.c (parameters, shapes) and
 * lrn_kernels.c (arithmetic). */
#ifndef N2D2_CELL_LRN_H
#define N2D2_CELL_LRN_H

#include <stddef.h>

#include "n2d2/n2d2.h"

typedef struct lrn_state {
    size_t n;                  /* window N: channels i - N/2 .. i + N/2 */
    double alpha, beta, k;
    size_t channels, positions; /* C, H W */
    int threads;
    void *scratch;             /* per thread: 2 C H W values */
    size_t scratch_cap;
} lrn_state;

n2d2_status n2d2_lrn_reserve_scratch(lrn_state *s, n2d2_dtype dtype);
void n2d2_lrn_forward_f32(lrn_state *s, const float *x, float *y, size_t batch);
void n2d2_lrn_forward_f64(lrn_state *s, const double *x, double *y, size_t batch);
void n2d2_lrn_backward_f32(lrn_state *s, const float *x, const float *dy, float *dx, int accumulate,
                           size_t batch);
void n2d2_lrn_backward_f64(lrn_state *s, const double *x, const double *dy, double *dx,
                           int accumulate, size_t batch);

#endif
