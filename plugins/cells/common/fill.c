/* Default and plugin-driven filling of learnable tensors (see fill.h). */
#include "fill.h"

#include <stdio.h>

n2d2_status n2d2_cells_fill(n2d2_cell *cell, const char *key, n2d2_tensor *tensor, size_t fan_in,
                            size_t fan_out)
{
    const n2d2_params *params = n2d2_cell_params(cell);
    if (n2d2_params_given(params, key))
        return n2d2_cell_fill(cell, key, "NormalFiller", tensor, fan_in, fan_out);
    static const n2d2_param_spec normal[] = {
        {"Mean", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 0, 0, "mean of the default normal filler"},
        {"StdDev", N2D2_PARAM_FLOAT, "0.05", NULL, 0, 1e300, N2D2_PARAM_RANGE,
         "standard deviation of the default normal filler"},
    };
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s.", key);
    const char *prefixes[] = {prefix};
    n2d2_params *opts;
    n2d2_status st = n2d2_params_sub(params, prefixes, 1, normal, 2, &opts);
    if (st != N2D2_OK)
        return st;
    double mean = n2d2_params_float(opts, "Mean"), stddev = n2d2_params_float(opts, "StdDev");
    n2d2_params_free(opts);
    n2d2_rng *rng = n2d2_cell_rng(cell, N2D2_RNG_FILLER);
    size_t n = n2d2_tensor_numel(tensor);
    if (n2d2_tensor_dtype(tensor) == N2D2_FLOAT64) {
        double *d = n2d2_tensor_data(tensor);
        for (size_t i = 0; i < n; ++i)
            d[i] = n2d2_rng_normal(rng, mean, stddev);
    } else {
        float *f = n2d2_tensor_data(tensor);
        for (size_t i = 0; i < n; ++i)
            f[i] = (float)n2d2_rng_normal(rng, mean, stddev);
    }
    return N2D2_OK;
}

n2d2_status n2d2_cells_new_bias(n2d2_cell *cell, n2d2_dtype dtype, size_t n, size_t fan_in,
                                size_t fan_out, n2d2_tensor **bias, n2d2_tensor **grad)
{
    n2d2_status st = n2d2_tensor_new(dtype, 1, &n, bias);
    if (st == N2D2_OK)
        st = n2d2_tensor_new(dtype, 1, &n, grad);
    if (st == N2D2_OK)
        st = n2d2_cells_fill(cell, "BiasFiller", *bias, fan_in, fan_out);
    if (st == N2D2_OK)
        st = n2d2_cell_declare_param(cell, "biases", *bias, *grad, "BiasSolver");
    return st;
}

n2d2_status n2d2_cells_borrow_param(n2d2_cell *cell, const char *key, const char *param,
                                    n2d2_dtype dtype, uint32_t ndim, const size_t *dims,
                                    n2d2_tensor **out)
{
    const n2d2_params *p = n2d2_cell_params(cell);
    const char *other = n2d2_params_string(p, key);
    n2d2_tensor *t;
    n2d2_status st = n2d2_cell_shared_param(cell, key, other, param, &t, NULL);
    if (st != N2D2_OK)
        return st;
    int same = n2d2_tensor_dtype(t) == dtype && n2d2_tensor_ndim(t) == ndim;
    for (uint32_t d = 0; same && d < ndim; ++d)
        same = n2d2_tensor_dim(t, d) == dims[d];
    if (!same) {
        char a[128], b[128];
        return n2d2_params_error(p, key, N2D2_ERR_SHAPE,
                                 "the %s of [%s] are %s %s but [%s] needs %s %s", param, other,
                                 n2d2_dtype_name(n2d2_tensor_dtype(t)),
                                 n2d2_shape_str(n2d2_tensor_dims(t), n2d2_tensor_ndim(t), a, sizeof a),
                                 n2d2_cell_name(cell), n2d2_dtype_name(dtype),
                                 n2d2_shape_str(dims, ndim, b, sizeof b));
    }
    *out = n2d2_tensor_retain(t);
    return N2D2_OK;
}

n2d2_status n2d2_cells_new_or_shared_bias(n2d2_cell *cell, n2d2_dtype dtype, size_t n,
                                          size_t fan_in, size_t fan_out, n2d2_tensor **bias,
                                          n2d2_tensor **grad, int *shared)
{
    *shared = 0;
    if (!n2d2_params_string(n2d2_cell_params(cell), "BiasesSharing")[0])
        return n2d2_cells_new_bias(cell, dtype, n, fan_in, fan_out, bias, grad);
    n2d2_status st = n2d2_cells_borrow_param(cell, "BiasesSharing", "biases", dtype, 1, &n, bias);
    if (st == N2D2_OK)
        st = n2d2_tensor_new(dtype, 1, &n, grad);
    *shared = st == N2D2_OK;
    if (st == N2D2_OK)
        st = n2d2_cell_declare_param(cell, "biases", *bias, *grad, "BiasSolver");
    return st;
}
