/* Reading window geometry keys (A37) and output extents (A38). */
#include "geometry.h"

#include <math.h>

/* The first two of the given forms, for the "mixing" message. */
static n2d2_status mixed(const n2d2_params *p, const char *a, const char *b)
{
    return n2d2_params_error(p, b, N2D2_ERR_INVAL,
                             "cannot be combined with %s (given at %s): give the size in one form "
                             "only (*Dims, the scalar key, or the per-axis keys)",
                             a, n2d2_params_where(p, a));
}

static n2d2_status read_dims(const n2d2_params *p, const char *name, size_t min, size_t neutral,
                             size_t out[2])
{
    double v[3];
    int n = n2d2_params_list(p, name, v, 3);
    if (n < 1)
        return n2d2_params_error(p, name, N2D2_ERR_INVAL, "expected 1 or 2 values (X first)");
    if (n > 2)
        return n2d2_params_error(p, name, N2D2_ERR_NOT_IMPLEMENTED,
                                 "%d dimensions given: kernels of more than 2 dimensions are not "
                                 "implemented yet", n);
    for (int i = 0; i < n; ++i)
        if (v[i] != floor(v[i]) || v[i] < (double)min)
            return n2d2_params_error(p, name, N2D2_ERR_RANGE,
                                     "value %g must be an integer >= %zu", v[i], min);
    out[0] = (size_t)v[0];
    out[1] = n == 2 ? (size_t)v[1] : neutral;
    return N2D2_OK;
}

static n2d2_status check_min(const n2d2_params *p, const char *name, size_t value, size_t min)
{
    if (value < min)
        return n2d2_params_error(p, name, N2D2_ERR_RANGE, "must be at least %zu, got %zu", min,
                                 value);
    return N2D2_OK;
}

n2d2_status n2d2_cells_read_axes(const n2d2_params *p, const n2d2_cells_axis_keys *keys,
                                 int required, size_t min, size_t neutral, size_t out[2])
{
    if (keys->z && n2d2_params_given(p, keys->z))
        return n2d2_params_error(p, keys->z, N2D2_ERR_NOT_IMPLEMENTED,
                                 "3-D windows are not implemented yet");
    int has_dims = n2d2_params_given(p, keys->dims);
    int has_scalar = n2d2_params_given(p, keys->scalar);
    int has_x = n2d2_params_given(p, keys->x), has_y = n2d2_params_given(p, keys->y);
    const char *xy = has_x ? keys->x : keys->y;
    if (has_dims && has_scalar)
        return mixed(p, keys->dims, keys->scalar);
    if (has_dims && (has_x || has_y))
        return mixed(p, keys->dims, xy);
    if (has_scalar && (has_x || has_y))
        return mixed(p, keys->scalar, xy);
    if (has_dims)
        return read_dims(p, keys->dims, min, neutral, out);
    if (has_scalar) {
        out[0] = out[1] = (size_t)n2d2_params_uint(p, keys->scalar);
        return check_min(p, keys->scalar, out[0], min);
    }
    if (required && !(has_x && has_y)) {
        if (has_x || has_y)
            return n2d2_params_error(p, xy, N2D2_ERR_NOT_FOUND, "%s is given but %s is missing",
                                     xy, has_x ? keys->y : keys->x);
        return n2d2_error_at(N2D2_ERR_NOT_FOUND, n2d2_params_where(p, keys->x), 0,
                             "missing window size: give %s and %s, %s, or %s", keys->x, keys->y,
                             keys->scalar, keys->dims);
    }
    out[0] = (size_t)n2d2_params_uint(p, keys->x);
    out[1] = (size_t)n2d2_params_uint(p, keys->y);
    n2d2_status st = check_min(p, keys->x, out[0], min);
    return st == N2D2_OK ? check_min(p, keys->y, out[1], min) : st;
}

n2d2_status n2d2_cells_out_extent(const n2d2_cell *cell, const char *axis, size_t in, size_t kernel,
                                  size_t stride, size_t padding, size_t dilation, size_t *out)
{
    size_t span = dilation * (kernel - 1) + 1;
    size_t padded = in + 2 * padding;
    if (span > padded)
        return n2d2_cell_error(cell, N2D2_ERR_SHAPE,
                               "the %s of the window (%zu, dilated: %zu) exceeds the padded input "
                               "%s (%zu + 2 x %zu = %zu)",
                               axis, kernel, span, axis, in, padding, padded);
    *out = (padded - span) / stride + 1;
    return N2D2_OK;
}
