/* ConstantFiller, NormalFiller and UniformFiller (manual 22.2.1, 22.2.3,
 * 22.2.4): fixed distributions that ignore fan-in and fan-out. */
#include <math.h>

#include "filler_util.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- ConstantFiller ---- */

/* The manual gives no default for Value; 0.0 (N2D2's) keeps
 * `BiasFiller=ConstantFiller` alone meaningful. */
static const n2d2_param_spec constant_params[] = {
    {"Value", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 0, 0, "value written to every element"},
};

static n2d2_status constant_fill(const n2d2_params *p, n2d2_tensor *t, size_t fan_in,
                                 size_t fan_out, n2d2_rng *rng)
{
    (void)fan_in;
    (void)fan_out;
    n2d2_filler_draw(t, rng, N2D2_FILLER_CONSTANT, n2d2_params_float(p, "Value"), 0.0);
    return N2D2_OK;
}

static const n2d2_filler_ops constant_ops = {sizeof(n2d2_filler_ops), constant_fill, {0}};

const n2d2_feature n2d2_filler_constant_feature = {
    sizeof(n2d2_feature), N2D2_KIND_FILLER, "ConstantFiller", NULL,
    "every element = Value", constant_params, COUNT_OF(constant_params), &constant_ops, 0, {0}};

/* ---- NormalFiller ---- */

static const n2d2_param_spec normal_params[] = {
    {"Mean", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 0, 0, "mean of the distribution"},
    {"StdDev", N2D2_PARAM_FLOAT, "1.0", NULL, 0, INFINITY, N2D2_PARAM_RANGE,
     "standard deviation of the distribution (>= 0)"},
};

static n2d2_status normal_fill(const n2d2_params *p, n2d2_tensor *t, size_t fan_in,
                               size_t fan_out, n2d2_rng *rng)
{
    (void)fan_in;
    (void)fan_out;
    n2d2_filler_draw(t, rng, N2D2_FILLER_NORMAL, n2d2_params_float(p, "Mean"),
                     n2d2_params_float(p, "StdDev"));
    return N2D2_OK;
}

static const n2d2_filler_ops normal_ops = {sizeof(n2d2_filler_ops), normal_fill, {0}};

const n2d2_feature n2d2_filler_normal_feature = {
    sizeof(n2d2_feature), N2D2_KIND_FILLER, "NormalFiller", NULL,
    "Normal(Mean, StdDev)", normal_params, COUNT_OF(normal_params), &normal_ops, 0, {0}};

/* ---- UniformFiller ---- */

static const n2d2_param_spec uniform_params[] = {
    {"Min", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 0, 0, "lower bound (included)"},
    {"Max", N2D2_PARAM_FLOAT, "1.0", NULL, 0, 0, 0, "upper bound (excluded; >= Min)"},
};

static n2d2_status uniform_fill(const n2d2_params *p, n2d2_tensor *t, size_t fan_in,
                                size_t fan_out, n2d2_rng *rng)
{
    (void)fan_in;
    (void)fan_out;
    double lo = n2d2_params_float(p, "Min"), hi = n2d2_params_float(p, "Max");
    if (hi < lo) /* point at the key the user wrote */
        return n2d2_params_error(p, n2d2_params_given(p, "Max") ? "Max" : "Min", N2D2_ERR_RANGE,
                                 "Max=%g is below Min=%g", hi, lo);
    n2d2_filler_draw(t, rng, N2D2_FILLER_UNIFORM, lo, hi);
    return N2D2_OK;
}

static const n2d2_filler_ops uniform_ops = {sizeof(n2d2_filler_ops), uniform_fill, {0}};

const n2d2_feature n2d2_filler_uniform_feature = {
    sizeof(n2d2_feature), N2D2_KIND_FILLER, "UniformFiller", NULL,
    "Uniform[Min, Max)", uniform_params, COUNT_OF(uniform_params), &uniform_ops, 0, {0}};
