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

/* `*Dims` with at most `max_n` values (X first); the missing axes take
 * `neutral`. *n: how many were given. */
static n2d2_status read_dims(const n2d2_params *p, const char *name, size_t min, size_t neutral,
                             int max_n, size_t out[3], int *n_given)
{
    double v[4];
    int n = n2d2_params_list(p, name, v, 4);
    if (n < 1)
        return n2d2_params_error(p, name, N2D2_ERR_INVAL, "expected 1 to %d values (X first)",
                                 max_n);
    if (n > max_n)
        return n2d2_params_error(p, name, N2D2_ERR_NOT_IMPLEMENTED,
                                 "%d dimensions given: windows of more than %d dimensions are not "
                                 "implemented yet", n, max_n);
    for (int i = 0; i < n; ++i)
        if (v[i] != floor(v[i]) || v[i] < (double)min)
            return n2d2_params_error(p, name, N2D2_ERR_RANGE,
                                     "value %g must be an integer >= %zu", v[i], min);
    for (int i = 0; i < max_n; ++i)
        out[i] = i < n ? (size_t)v[i] : neutral;
    *n_given = n;
    return N2D2_OK;
}

static n2d2_status check_min(const n2d2_params *p, const char *name, size_t value, size_t min)
{
    if (value < min)
        return n2d2_params_error(p, name, N2D2_ERR_RANGE, "must be at least %zu, got %zu", min,
                                 value);
    return N2D2_OK;
}

/* The A37 rules for up to `max_n` axes (2: X, Y; 3: X, Y, Z). */
static n2d2_status read_axes(const n2d2_params *p, const n2d2_cells_axis_keys *keys, int required,
                             size_t min, size_t neutral, int max_n, size_t out[3], int *has_z)
{
    int has_z_key = keys->z && n2d2_params_given(p, keys->z);
    *has_z = 0;
    if (has_z_key && max_n < 3)
        return n2d2_params_error(p, keys->z, N2D2_ERR_NOT_IMPLEMENTED,
                                 "3-D windows are not implemented yet");
    int has_dims = n2d2_params_given(p, keys->dims);
    int has_scalar = n2d2_params_given(p, keys->scalar);
    int has_x = n2d2_params_given(p, keys->x), has_y = n2d2_params_given(p, keys->y);
    const char *xy = has_x ? keys->x : has_y ? keys->y : keys->z;
    if (has_dims && has_scalar)
        return mixed(p, keys->dims, keys->scalar);
    if (has_dims && (has_x || has_y || has_z_key))
        return mixed(p, keys->dims, xy);
    if (has_scalar && (has_x || has_y))
        return mixed(p, keys->scalar, xy);
    if (has_dims) {
        int n = 0;
        n2d2_status st = read_dims(p, keys->dims, min, neutral, max_n, out, &n);
        *has_z = n == 3;
        return st;
    }
    if (has_scalar) { /* every axis; a Z key may still set the depth */
        out[0] = out[1] = (size_t)n2d2_params_uint(p, keys->scalar);
        n2d2_status st = check_min(p, keys->scalar, out[0], min);
        if (max_n > 2) {
            out[2] = has_z_key ? (size_t)n2d2_params_uint(p, keys->z) : out[0];
            *has_z = has_z_key;
            if (st == N2D2_OK && has_z_key)
                st = check_min(p, keys->z, out[2], min);
        }
        return st;
    }
    if (required && !(has_x && has_y)) {
        if (has_x || has_y)
            return n2d2_params_error(p, xy, N2D2_ERR_NOT_FOUND, "%s is given but %s is missing",
                                     xy, has_x ? keys->y : keys->x);
        if (has_z_key)
            return n2d2_params_error(p, keys->z, N2D2_ERR_NOT_FOUND,
                                     "%s is given but %s and %s are missing", keys->z, keys->x,
                                     keys->y);
        return n2d2_error_at(N2D2_ERR_NOT_FOUND, n2d2_params_where(p, keys->x), 0,
                             "missing window size: give %s and %s, %s, or %s", keys->x, keys->y,
                             keys->scalar, keys->dims);
    }
    out[0] = (size_t)n2d2_params_uint(p, keys->x);
    out[1] = (size_t)n2d2_params_uint(p, keys->y);
    n2d2_status st = check_min(p, keys->x, out[0], min);
    if (st == N2D2_OK)
        st = check_min(p, keys->y, out[1], min);
    if (max_n > 2) {
        out[2] = has_z_key ? (size_t)n2d2_params_uint(p, keys->z) : neutral;
        *has_z = has_z_key;
        if (st == N2D2_OK && has_z_key)
            st = check_min(p, keys->z, out[2], min);
    }
    return st;
}

n2d2_status n2d2_cells_read_axes(const n2d2_params *p, const n2d2_cells_axis_keys *keys,
                                 int required, size_t min, size_t neutral, size_t out[2])
{
    size_t v[3];
    int has_z;
    n2d2_status st = read_axes(p, keys, required, min, neutral, 2, v, &has_z);
    if (st == N2D2_OK) {
        out[0] = v[0];
        out[1] = v[1];
    }
    return st;
}

n2d2_status n2d2_cells_read_axes3(const n2d2_params *p, const n2d2_cells_axis_keys *keys,
                                  int required, size_t min, size_t neutral, size_t out[3],
                                  int *has_z)
{
    return read_axes(p, keys, required, min, neutral, 3, out, has_z);
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
