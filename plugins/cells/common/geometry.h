/* Window geometry keys of Conv and Pool (manual 22.7 / 22.17, checklist
 * §11.2): kernel or pool size, stride, padding, dilation, subsampling, each
 * given as `*Dims` (space-separated, X first), a scalar for both axes, or
 * per axis (X/Y, Width/Height). Decisions: A37 — one form per quantity,
 * mixing two forms is an error (`*Dims` > scalar > X/Y is the order in
 * which they are looked for); Z/Depth (3-D) through n2d2_cells_read_axes3
 * only (Conv, Pool). A38 —
 * out = floor((in + 2p - d(k-1) - 1) / s) + 1. */
#ifndef N2D2_CELLS_GEOMETRY_H
#define N2D2_CELLS_GEOMETRY_H

#include <stddef.h>

#include "n2d2/n2d2.h"

typedef struct n2d2_cells_axis_keys {
    const char *x, *y, *z, *scalar, *dims; /* e.g. KernelWidth ... KernelDims */
} n2d2_cells_axis_keys;

/* Read one quantity into out[0] (X) and out[1] (Y). `required`: no form
 * has a default (kernel/pool size). `min` is the smallest allowed value;
 * `neutral` fills Y when `*Dims` has a single (X) value. */
n2d2_status n2d2_cells_read_axes(const n2d2_params *p, const n2d2_cells_axis_keys *keys,
                                 int required, size_t min, size_t neutral, size_t out[2]);

/* The same for three axes, out[2] = Z: from the Z key (KernelDepth,
 * StrideZ..., which may accompany the scalar key or X/Y), the third `*Dims`
 * value, else the scalar key (every axis), else `neutral`. *has_z: a Z
 * value was given explicitly (Z key or three `*Dims` values), i.e. the
 * window is 3-D. */
n2d2_status n2d2_cells_read_axes3(const n2d2_params *p, const n2d2_cells_axis_keys *keys,
                                  int required, size_t min, size_t neutral, size_t out[3],
                                  int *has_z);

/* Output extent of one axis (A38); errors name the cell when the dilated
 * kernel does not fit in the padded input. `axis` is "width"/"height"/"depth". */
n2d2_status n2d2_cells_out_extent(const n2d2_cell *cell, const char *axis, size_t in, size_t kernel,
                                  size_t stride, size_t padding, size_t dilation, size_t *out);

/* Schema rows of the geometry keys (defaults as in the manual). */
#define N2D2_CELLS_UINT(name, dflt, lo, help) \
    {name, N2D2_PARAM_UINT, dflt, NULL, lo, 1e9, N2D2_PARAM_RANGE, help}
#define N2D2_CELLS_DIMS(name, help) {name, N2D2_PARAM_LIST, NULL, NULL, 0, 1e9, N2D2_PARAM_RANGE, help}

#define N2D2_CELLS_STRIDE_SPECS                                                                \
    N2D2_CELLS_UINT("StrideX", "1", 1, "X-axis stride of the window"),                         \
    N2D2_CELLS_UINT("StrideY", "1", 1, "Y-axis stride of the window"),                         \
    N2D2_CELLS_UINT("StrideZ", NULL, 1, "Z-axis stride (3-D inputs: Conv and Pool)"),           \
    N2D2_CELLS_UINT("Stride", "1", 1, "stride on every axis (exclusive with StrideX/Y, A37)"), \
    N2D2_CELLS_DIMS("StrideDims", "space-separated strides, X first (exclusive, A37)")

#define N2D2_CELLS_PADDING_SPECS                                                               \
    N2D2_CELLS_UINT("PaddingX", "0", 0, "X-axis zero padding of the input (both sides)"),      \
    N2D2_CELLS_UINT("PaddingY", "0", 0, "Y-axis zero padding of the input (both sides)"),      \
    N2D2_CELLS_UINT("PaddingZ", NULL, 0, "Z-axis padding (3-D inputs: Conv and Pool)"),         \
    N2D2_CELLS_UINT("Padding", "0", 0, "padding on every axis (exclusive with PaddingX/Y, A37)"), \
    N2D2_CELLS_DIMS("PaddingDims", "space-separated paddings, X first (exclusive, A37)")

#define N2D2_CELLS_DILATION_SPECS                                                              \
    N2D2_CELLS_UINT("DilationX", "1", 1, "X-axis dilation of the kernel"),                     \
    N2D2_CELLS_UINT("DilationY", "1", 1, "Y-axis dilation of the kernel"),                     \
    N2D2_CELLS_UINT("DilationZ", NULL, 1, "Z-axis dilation (3-D inputs: Conv)"),       \
    N2D2_CELLS_UINT("Dilation", "1", 1, "dilation on every axis (exclusive with DilationX/Y, A37)"), \
    N2D2_CELLS_DIMS("DilationDims", "space-separated dilations, X first (exclusive, A37)")

#define N2D2_CELLS_SUBSAMPLE_SPECS                                                             \
    N2D2_CELLS_UINT("SubSampleX", "1", 1, "X-axis subsampling of the output maps"),            \
    N2D2_CELLS_UINT("SubSampleY", "1", 1, "Y-axis subsampling of the output maps"),            \
    N2D2_CELLS_UINT("SubSampleZ", NULL, 1, "Z-axis subsampling (3-D inputs: Conv)"),   \
    N2D2_CELLS_UINT("SubSample", "1", 1, "subsampling on every axis (exclusive with X/Y, A37)"), \
    N2D2_CELLS_DIMS("SubSampleDims", "space-separated subsampling factors, X first (exclusive, A37)")

#endif
