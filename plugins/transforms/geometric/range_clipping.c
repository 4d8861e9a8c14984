/* RangeClippingTransformation (manual 21.5.26): clamp values to
 * [RangeMin, RangeMax] (A27: the manual's "clipped to 0 / to 1" read as
 * clamping). A bound not given defaults to the data's own min or max, i.e.
 * no clipping on that side. Type kept; labels untouched. */
#include <stdlib.h>

#include "geo_util.h"

#define WHO "RangeClippingTransformation"

static const n2d2_param_spec clipping_params[] = {
    {"RangeMin", N2D2_PARAM_FLOAT, NULL, NULL, 0, 0, 0, "lower bound (default: min of the data)"},
    {"RangeMax", N2D2_PARAM_FLOAT, NULL, NULL, 0, 0, 0, "upper bound (default: max of the data)"},
};

typedef struct clipping {
    int has_min, has_max;
    double min, max;
} clipping;

static n2d2_status clipping_create(const n2d2_params *p, void **state)
{
    clipping c = {n2d2_params_given(p, "RangeMin"), n2d2_params_given(p, "RangeMax"),
                  n2d2_params_float(p, "RangeMin"), n2d2_params_float(p, "RangeMax")};
    if (c.has_min && c.has_max && c.min > c.max)
        return n2d2_params_error(p, "RangeMin", N2D2_ERR_RANGE, "RangeMin %g is above RangeMax %g",
                                 c.min, c.max);
    clipping *s = malloc(sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    *s = c;
    *state = s;
    return N2D2_OK;
}

static n2d2_status clipping_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels,
                                  int *label, n2d2_set set, n2d2_rng *rng)
{
    (void)labels;
    (void)label;
    (void)set;
    (void)rng;
    const clipping *c = state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    n2d2_dtype dt = n2d2_tensor_dtype(*data);
    void *d = n2d2_tensor_data(*data);
    size_t n = n2d2_tensor_numel(*data);
    for (size_t i = 0; i < n; ++i) {
        double v = tf_get(d, dt, i);
        if (c->has_min && v < c->min)
            tf_set(d, dt, i, c->min);
        else if (c->has_max && v > c->max)
            tf_set(d, dt, i, c->max);
    }
    return N2D2_OK;
}

static const n2d2_transform_ops clipping_ops = {
    sizeof(n2d2_transform_ops), 0, clipping_create, clipping_apply, tf_same_shape, free, {0}};

const n2d2_feature geo_range_clipping_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "RangeClippingTransformation", NULL,
    "clamp the values to [RangeMin, RangeMax]", clipping_params, TF_COUNT_OF(clipping_params),
    &clipping_ops, 0, {0}};
