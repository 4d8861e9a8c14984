/* Initial values of learnable tensors (WeightsFiller / BiasFiller).
 *
 * The manual's default for Conv and Fc is NormalFiller(0.0, 0.05), whereas a
 * NormalFiller named in the INI has its own defaults (Mean 0, StdDev 1). So:
 * when `<key>=` is absent the cell draws N(Mean, StdDev) itself from its
 * filler stream, with Mean [0.0] and StdDev [0.05] overridable as
 * `<key>.Mean` / `<key>.StdDev`; when present, the named filler plugin runs
 * (n2d2_cell_fill) with its own options. */
#ifndef N2D2_CELLS_FILL_H
#define N2D2_CELLS_FILL_H

#include <stddef.h>

#include "n2d2/n2d2.h"

n2d2_status n2d2_cells_fill(n2d2_cell *cell, const char *key, n2d2_tensor *tensor, size_t fan_in,
                            size_t fan_out);

/* The bias of Conv, Deconv and Fc: a {n} tensor and its gradient, filled
 * through "BiasFiller" and declared as "biases" for the BiasSolver. */
n2d2_status n2d2_cells_new_bias(n2d2_cell *cell, n2d2_dtype dtype, size_t n, size_t fan_in,
                                size_t fan_out, n2d2_tensor **bias, n2d2_tensor **grad);

/* WeightsSharing / BiasesSharing: a new reference to the tensor `param` of
 * the earlier cell named by key `key`, which must have exactly this data
 * type and shape (error naming both cells and shapes otherwise). */
n2d2_status n2d2_cells_borrow_param(n2d2_cell *cell, const char *key, const char *param,
                                    n2d2_dtype dtype, uint32_t ndim, const size_t *dims,
                                    n2d2_tensor **out);
/* n2d2_cells_new_bias, or with BiasesSharing the named cell's biases (with
 * a gradient of this cell's own); *shared says which. */
n2d2_status n2d2_cells_new_or_shared_bias(n2d2_cell *cell, n2d2_dtype dtype, size_t n,
                                          size_t fan_in, size_t fan_out, n2d2_tensor **bias,
                                          n2d2_tensor **grad, int *shared);

#define N2D2_CELLS_FILLER_SPECS                                                                \
    {"WeightsFiller", N2D2_PARAM_STRING, "NormalFiller", NULL, 0, 0, 0,                       \
     "weights filler type; when absent NormalFiller(0.0, 0.05) (WeightsFiller.Mean/StdDev)"},  \
    {"BiasFiller", N2D2_PARAM_STRING, "NormalFiller", NULL, 0, 0, 0,                          \
     "biases filler type; when absent NormalFiller(0.0, 0.05) (BiasFiller.Mean/StdDev)"}

#endif
