/* State of a Frame BatchNorm cell, shared by batchnorm.c (parameters,
 * shapes) and batchnorm_kernels.c (arithmetic). */
#ifndef N2D2_CELL_BATCHNORM_H
#define N2D2_CELL_BATCHNORM_H

#include <stddef.h>

#include "n2d2/n2d2.h"

typedef struct batchnorm_state {
    double epsilon;  /* > 0 (0 in the INI means 1e-5, A42) */
    double momentum; /* MovingAverageMomentum; 0 = frozen statistics */
    size_t channels; /* C */
    size_t positions; /* values per channel and sample (H x W ...) */
    n2d2_tensor *scale, *bias, *dscale, *dbias; /* learnable, {C} */
    n2d2_tensor *mean, *variance;               /* running statistics, {C}, no gradient */
    double *batch_mean, *batch_inv; /* {C}: statistics of the last learning batch */
    int batch_valid;                /* the last forward normalised with them */
} batchnorm_state;

/* Learning forward with batch statistics: normalise with the batch mean
 * and biased variance, keep them for backward, update the running ones. */
void n2d2_batchnorm_learn_f32(batchnorm_state *s, const float *x, float *y, size_t batch);
void n2d2_batchnorm_learn_f64(batchnorm_state *s, const double *x, double *y, size_t batch);
/* Forward with the running statistics (inference, or momentum 0). */
void n2d2_batchnorm_fixed_f32(const batchnorm_state *s, const float *x, float *y, size_t batch);
void n2d2_batchnorm_fixed_f64(const batchnorm_state *s, const double *x, double *y, size_t batch);
/* Backward: parameter gradients (sums over the batch) and, when dx is not
 * NULL, the input gradient (added when accumulate). `with_batch`: through
 * the batch statistics of the last learning forward; otherwise through the
 * fixed running statistics. */
void n2d2_batchnorm_backward_f32(batchnorm_state *s, const float *x, const float *dy, float *dx,
                                 int accumulate, size_t batch, int with_batch);
void n2d2_batchnorm_backward_f64(batchnorm_state *s, const double *x, const double *dy, double *dx,
                                 int accumulate, size_t batch, int with_batch);

#endif
