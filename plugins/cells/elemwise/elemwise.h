/* State of a Frame ElemWise cell, shared by elemwise.c (parameters,
 * shapes) and elemwise_kernels.c (arithmetic). */
#ifndef N2D2_CELL_ELEMWISE_H
#define N2D2_CELL_ELEMWISE_H

#include <stddef.h>

#include "n2d2/n2d2.h"

/* Order of the Operation enum. */
enum { ELEMWISE_SUM = 0, ELEMWISE_ABS_SUM, ELEMWISE_EUCLIDEAN_SUM, ELEMWISE_PROD, ELEMWISE_MAX };
/* Order of the CoeffMode enum. */
enum { ELEMWISE_PER_LAYER = 0, ELEMWISE_PER_INPUT, ELEMWISE_PER_CHANNEL };

typedef struct elemwise_state {
    int op, coeff_mode;
    size_t n_inputs, channels, positions; /* every input is {channels, positions...} */
    double *weights, *shifts; /* n_inputs x channels: coefficient of input i, channel c */
    void *sum;                /* EuclideanSum: pre-activation output of the last learning forward */
    size_t sum_cap;           /* bytes */
    int learned;              /* the last forward was a learning one */
} elemwise_state;

void n2d2_elemwise_forward_f32(const elemwise_state *s, const float *const *x, float *y,
                               float *sum, size_t batch);
void n2d2_elemwise_forward_f64(const elemwise_state *s, const double *const *x, double *y,
                               double *sum, size_t batch);
/* dx[i] may be NULL (no gradient wanted for input i); accumulate[i] adds. */
void n2d2_elemwise_backward_f32(const elemwise_state *s, const float *const *x, const float *sum,
                                const float *dy, float *const *dx, const int *accumulate,
                                size_t batch);
void n2d2_elemwise_backward_f64(const elemwise_state *s, const double *const *x, const double *sum,
                                const double *dy, double *const *dx, const int *accumulate,
                                size_t batch);

#endif
