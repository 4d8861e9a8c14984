/* MagnitudePhaseTransformation (manual 21.5.18): {2, H, W} (x real,
 * y imaginary) -> {2, H, W} (magnitude sqrt(x^2 + y^2), or log(1 + M) with
 * LogScale=1; phase atan2(y, x) in [-pi, pi]). Output floating point. */
#include <stdlib.h>

#include "ff.h"

#define WHO "MagnitudePhaseTransformation"

static const n2d2_param_spec magnitude_phase_params[] = {
    {"LogScale", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "magnitude as log(1 + M)"},
};

static n2d2_status magnitude_phase_create(const n2d2_params *p, void **state)
{
    int *log_scale = malloc(sizeof *log_scale);
    if (!log_scale)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    *log_scale = n2d2_params_bool(p, "LogScale");
    *state = log_scale;
    return N2D2_OK;
}

static n2d2_status magnitude_phase_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels,
                                         int *label, n2d2_set set, n2d2_rng *rng)
{
    (void)labels;
    (void)label;
    (void)set;
    (void)rng;
    int log_scale = *(const int *)state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    size_t c = n2d2_tensor_dim(*data, 0), h = n2d2_tensor_dim(*data, 1),
           w = n2d2_tensor_dim(*data, 2), plane = h * w;
    if (c != 2)
        return n2d2_error(N2D2_ERR_SHAPE,
                          "%s: expected 2 channels (real, imaginary), got %zu channel(s)", WHO, c);
    double *v = ff_to_double(*data);
    if (!v)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < plane; ++i) {
        double x = v[i], y = v[plane + i], m = hypot(x, y);
        v[i] = log_scale ? log1p(m) : m;
        v[plane + i] = atan2(y, x);
    }
    st = ff_replace(data, tf_float_type(n2d2_tensor_dtype(*data)), 2, h, w, v);
    free(v);
    return st;
}

static const n2d2_transform_ops magnitude_phase_ops = {sizeof(n2d2_transform_ops),
                                                       N2D2_TRANSFORM_CHANGES_RANGE,
                                                       magnitude_phase_create,
                                                       magnitude_phase_apply,
                                                       tf_same_shape,
                                                       free,
                                                       {0}};

const n2d2_feature ff_magnitude_phase_feature = {sizeof(n2d2_feature),
                                                 N2D2_KIND_TRANSFORM,
                                                 "MagnitudePhaseTransformation",
                                                 NULL,
                                                 "(real, imaginary) -> (magnitude, phase)",
                                                 magnitude_phase_params,
                                                 TF_COUNT_OF(magnitude_phase_params),
                                                 &magnitude_phase_ops,
                                                 0,
                                                 {0}};
