/* Shared helpers of the filler plugin: drawing a distribution into a
 * tensor of any dtype, and the variance normalisation of He/Xavier. */
#ifndef N2D2_FILLER_UTIL_H
#define N2D2_FILLER_UTIL_H

#include "n2d2/n2d2.h"

typedef enum n2d2_filler_dist {
    N2D2_FILLER_CONSTANT = 0, /* every element = a */
    N2D2_FILLER_NORMAL = 1,   /* Normal(mean a, std-dev b) */
    N2D2_FILLER_UNIFORM = 2   /* Uniform[a, b) */
} n2d2_filler_dist;

/* Fill `t` element by element in index order, drawing from `rng` only, so a
 * fixed seed reproduces the tensor exactly. Float32/Float64 are written
 * directly; other dtypes go through n2d2_tensor_set. */
void n2d2_filler_draw(n2d2_tensor *t, n2d2_rng *rng, n2d2_filler_dist dist, double a, double b);

/* The `n` of VarianceNorm (FanIn | Average | FanOut) read from `p`;
 * N2D2_ERR_INVAL at the key's file:line when it would be 0. */
n2d2_status n2d2_filler_norm(const n2d2_params *p, size_t fan_in, size_t fan_out, double *n);

extern const n2d2_feature n2d2_filler_constant_feature;
extern const n2d2_feature n2d2_filler_normal_feature;
extern const n2d2_feature n2d2_filler_uniform_feature;
extern const n2d2_feature n2d2_filler_he_feature;
extern const n2d2_feature n2d2_filler_xavier_feature;

#endif
