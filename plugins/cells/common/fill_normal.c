/* Default normal filling with given mean and deviation (fill_normal.h). */
#include "fill_normal.h"

#include <stdio.h>

n2d2_status n2d2_cells_fill_normal(n2d2_cell *cell, const char *key, n2d2_tensor *tensor,
                                   size_t fan_in, size_t fan_out, double mean, double stddev)
{
    const n2d2_params *params = n2d2_cell_params(cell);
    if (n2d2_params_given(params, key))
        return n2d2_cell_fill(cell, key, "NormalFiller", tensor, fan_in, fan_out);
    /* The schema is built per call because its defaults are the arguments. */
    char mean_text[32], stddev_text[32];
    snprintf(mean_text, sizeof mean_text, "%.17g", mean);
    snprintf(stddev_text, sizeof stddev_text, "%.17g", stddev);
    const n2d2_param_spec normal[] = {
        {"Mean", N2D2_PARAM_FLOAT, mean_text, NULL, 0, 0, 0, "mean of the default normal filler"},
        {"StdDev", N2D2_PARAM_FLOAT, stddev_text, NULL, 0, 1e300, N2D2_PARAM_RANGE,
         "standard deviation of the default normal filler"},
    };
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s.", key);
    const char *prefixes[] = {prefix};
    n2d2_params *opts;
    n2d2_status st = n2d2_params_sub(params, prefixes, 1, normal, 2, &opts);
    if (st != N2D2_OK)
        return st;
    const double m = n2d2_params_float(opts, "Mean"), sd = n2d2_params_float(opts, "StdDev");
    n2d2_params_free(opts);
    n2d2_rng *rng = n2d2_cell_rng(cell, N2D2_RNG_FILLER);
    const size_t n = n2d2_tensor_numel(tensor);
    if (n2d2_tensor_dtype(tensor) == N2D2_FLOAT64) {
        double *d = n2d2_tensor_data(tensor);
        for (size_t i = 0; i < n; ++i)
            d[i] = n2d2_rng_normal(rng, m, sd);
    } else {
        float *f = n2d2_tensor_data(tensor);
        for (size_t i = 0; i < n; ++i)
            f[i] = (float)n2d2_rng_normal(rng, m, sd);
    }
    return N2D2_OK;
}
