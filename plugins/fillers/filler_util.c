/* Drawing loops and variance normalisation shared by the fillers. */
#include "filler_util.h"

static double draw_one(n2d2_rng *rng, n2d2_filler_dist dist, double a, double b)
{
    switch (dist) {
    case N2D2_FILLER_NORMAL:
        return n2d2_rng_normal(rng, a, b);
    case N2D2_FILLER_UNIFORM:
        return n2d2_rng_uniform_range(rng, a, b);
    default:
        return a;
    }
}

/* Sequential on purpose: element i always receives the i-th draw of the
 * stream, whatever the thread count. */
void n2d2_filler_draw(n2d2_tensor *t, n2d2_rng *rng, n2d2_filler_dist dist, double a, double b)
{
    size_t n = n2d2_tensor_numel(t);
    switch (n2d2_tensor_dtype(t)) {
    case N2D2_FLOAT32: {
        float *d = n2d2_tensor_data(t);
        for (size_t i = 0; i < n; ++i)
            d[i] = (float)draw_one(rng, dist, a, b);
        break;
    }
    case N2D2_FLOAT64: {
        double *d = n2d2_tensor_data(t);
        for (size_t i = 0; i < n; ++i)
            d[i] = draw_one(rng, dist, a, b);
        break;
    }
    default:
        for (size_t i = 0; i < n; ++i)
            n2d2_tensor_set(t, i, draw_one(rng, dist, a, b));
        break;
    }
}

n2d2_status n2d2_filler_norm(const n2d2_params *p, size_t fan_in, size_t fan_out, double *n)
{
    /* Index in "FanIn|Average|FanOut". */
    switch (n2d2_params_enum(p, "VarianceNorm")) {
    case 1:
        *n = ((double)fan_in + (double)fan_out) / 2.0;
        break;
    case 2:
        *n = (double)fan_out;
        break;
    default:
        *n = (double)fan_in;
        break;
    }
    if (*n <= 0.0)
        return n2d2_params_error(p, "VarianceNorm", N2D2_ERR_INVAL,
                                 "%s with fan-in %zu and fan-out %zu would divide by zero",
                                 n2d2_params_string(p, "VarianceNorm"), fan_in, fan_out);
    return N2D2_OK;
}
