/* State of a Frame Resize cell, shared by resize.c (parameters, shapes)
 * and resize_kernels.c (arithmetic). */
#ifndef N2D2_CELL_RESIZE_H
#define N2D2_CELL_RESIZE_H

#include <stddef.h>

#include "n2d2/n2d2.h"

enum { RESIZE_BILINEAR = 0, RESIZE_BILINEAR_TF = 1, RESIZE_NEAREST = 2 }; /* Mode enum order */

/* Source of one output coordinate: value = (1 - frac) in[lo] + frac in[hi]
 * (nearest neighbour: lo = hi, frac = 0). */
typedef struct resize_tap {
    size_t lo, hi;
    double frac;
} resize_tap;

typedef struct resize_state {
    int mode, align_corners;
    size_t out_w, out_h; /* from the parameters */
    size_t channels, in_h, in_w;
    resize_tap *ty, *tx; /* per output row / column */
} resize_state;

void n2d2_resize_forward_f32(const resize_state *s, const float *x, float *y, size_t batch);
void n2d2_resize_forward_f64(const resize_state *s, const double *x, double *y, size_t batch);
void n2d2_resize_backward_f32(const resize_state *s, const float *dy, float *dx, int accumulate,
                              size_t batch);
void n2d2_resize_backward_f64(const resize_state *s, const double *dy, double *dx, int accumulate,
                              size_t batch);

#endif
