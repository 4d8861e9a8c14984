/* HeFiller and XavierFiller (manual 22.2.2, 22.2.5): distributions whose
 * variance is normalised by the fan-in and/or fan-out the cell passes.
 * Scaling multiplies the standard deviation / the bound (decision A29). */
#include <math.h>

#include "filler_util.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

#define VARIANCE_NORM_SPEC                                                                     \
    {"VarianceNorm", N2D2_PARAM_ENUM, "FanIn", "FanIn|Average|FanOut", 0, 0, 0,               \
     "n = fan-in, (fan-in + fan-out) / 2, or fan-out"}
#define SCALING_SPEC                                                                           \
    {"Scaling", N2D2_PARAM_FLOAT, "1.0", NULL, 0, INFINITY, N2D2_PARAM_RANGE,                   \
     "factor (>= 0) on the standard deviation (He, Xavier Normal) or the bound (Xavier Uniform)"}

/* ---- HeFiller: Normal(0, Scaling * sqrt(2 / n)) ---- */

static const n2d2_param_spec he_params[] = {VARIANCE_NORM_SPEC, SCALING_SPEC};

static n2d2_status he_fill(const n2d2_params *p, n2d2_tensor *t, size_t fan_in, size_t fan_out,
                           n2d2_rng *rng)
{
    double n;
    n2d2_status st = n2d2_filler_norm(p, fan_in, fan_out, &n);
    if (st != N2D2_OK)
        return st;
    double stddev = n2d2_params_float(p, "Scaling") * sqrt(2.0 / n);
    n2d2_filler_draw(t, rng, N2D2_FILLER_NORMAL, 0.0, stddev);
    return N2D2_OK;
}

static const n2d2_filler_ops he_ops = {sizeof(n2d2_filler_ops), he_fill, {0}};

const n2d2_feature n2d2_filler_he_feature = {
    sizeof(n2d2_feature), N2D2_KIND_FILLER, "HeFiller", NULL,
    "Normal(0, sqrt(2/n)) for rectifiers (MSRA)", he_params, COUNT_OF(he_params), &he_ops, 0, {0}};

/* ---- XavierFiller: Uniform[-s, s], s = Scaling * sqrt(3 / n), or
 * Normal(0, Scaling * sqrt(1 / n)) — both of variance Scaling^2 / n ---- */

static const n2d2_param_spec xavier_params[] = {
    VARIANCE_NORM_SPEC,
    {"Distribution", N2D2_PARAM_ENUM, "Uniform", "Uniform|Normal", 0, 0, 0,
     "Uniform[-sqrt(3/n), sqrt(3/n)] or Normal(0, sqrt(1/n))"},
    SCALING_SPEC,
};

static n2d2_status xavier_fill(const n2d2_params *p, n2d2_tensor *t, size_t fan_in,
                               size_t fan_out, n2d2_rng *rng)
{
    double n;
    n2d2_status st = n2d2_filler_norm(p, fan_in, fan_out, &n);
    if (st != N2D2_OK)
        return st;
    double scaling = n2d2_params_float(p, "Scaling");
    if (n2d2_params_enum(p, "Distribution") == 1) {
        n2d2_filler_draw(t, rng, N2D2_FILLER_NORMAL, 0.0, scaling * sqrt(1.0 / n));
    } else {
        double bound = scaling * sqrt(3.0 / n);
        n2d2_filler_draw(t, rng, N2D2_FILLER_UNIFORM, -bound, bound);
    }
    return N2D2_OK;
}

static const n2d2_filler_ops xavier_ops = {sizeof(n2d2_filler_ops), xavier_fill, {0}};

const n2d2_feature n2d2_filler_xavier_feature = {
    sizeof(n2d2_feature), N2D2_KIND_FILLER, "XavierFiller", NULL,
    "Uniform[-sqrt(3/n), sqrt(3/n)] or Normal(0, sqrt(1/n)) (Glorot)", xavier_params,
    COUNT_OF(xavier_params), &xavier_ops, 0, {0}};
