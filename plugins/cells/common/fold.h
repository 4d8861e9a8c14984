/* Folding a per-output-channel affine map into weights {O, ...} and biases
 * {O} (BatchNorm fusion, the fold_affine op of Conv and Fc). */
#ifndef N2D2_CELLS_FOLD_H
#define N2D2_CELLS_FOLD_H

#include <stddef.h>

#include "n2d2/n2d2.h"

/* w[o, ...] *= scale[o]; b[o] = scale[o] b[o] + shift[o]. When *bias is
 * NULL (NoBias), a zero bias and its gradient are created and declared as
 * "biases" (BiasSolver), so it is saved like any other bias. */
n2d2_status n2d2_cells_fold_affine(n2d2_cell *cell, n2d2_tensor *w, n2d2_tensor **bias,
                                   n2d2_tensor **bias_grad, const double *scale,
                                   const double *shift, size_t n);

#endif
