/* ThresholdTransformation (manual 21.5.31), OpenCV's threshold types with
 * t the threshold and v a value:
 *   Binary v > t ? MaxValue : 0     BinaryInverted v > t ? 0 : MaxValue
 *   Truncate v > t ? t : v          ToZero v > t ? v : 0
 *   ToZeroInverted v > t ? 0 : v
 * OtsuMethod=1 computes t per channel with Otsu's method (maximum
 * between-class variance over the 256-bin histogram; UInt8 data only, as
 * OpenCV) and ignores Threshold. The data type is kept (integer results
 * saturate), and the output keeps the 8-bit convention: with 8-bit data
 * use MaxValue=255 for a [0, 255] binary image. */
#include <stdlib.h>

#include "ff.h"

#define WHO "ThresholdTransformation"
enum { BINARY, BINARY_INV, TRUNCATE, TO_ZERO, TO_ZERO_INV };

static const n2d2_param_spec threshold_params[] = {
    {"Threshold", N2D2_PARAM_FLOAT, NULL, NULL, 0, 0, 0,
     "threshold value (required unless OtsuMethod=1)"},
    {"OtsuMethod", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "compute the threshold with Otsu's method (UInt8 data)"},
    {"Operation", N2D2_PARAM_ENUM, "Binary", "Binary|BinaryInverted|Truncate|ToZero|ToZeroInverted",
     0, 0, 0, "thresholding operation"},
    {"MaxValue", N2D2_PARAM_FLOAT, "1.0", NULL, 0, 0, 0, "value of Binary/BinaryInverted"},
};

typedef struct threshold {
    double t, max_value;
    int otsu, op;
} threshold;

static n2d2_status threshold_create(const n2d2_params *p, void **state)
{
    threshold *t = calloc(1, sizeof *t);
    if (!t)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    t->otsu = n2d2_params_bool(p, "OtsuMethod");
    t->op = n2d2_params_enum(p, "Operation");
    t->max_value = n2d2_params_float(p, "MaxValue");
    if (!t->otsu && !n2d2_params_given(p, "Threshold")) {
        free(t);
        return n2d2_error(N2D2_ERR_NOT_FOUND,
                          "%s: missing required key 'Threshold' (or set OtsuMethod=1)", WHO);
    }
    t->t = n2d2_params_float(p, "Threshold");
    *state = t;
    return N2D2_OK;
}

/* Otsu's threshold of n 8-bit values: the t maximising the between-class
 * variance w0 w1 (m0 - m1)^2 of {v <= t} and {v > t}; the first maximum. */
static double otsu(const double *v, size_t n)
{
    double hist[256] = {0}, total = 0.0;
    for (size_t i = 0; i < n; ++i)
        hist[(int)v[i]] += 1.0;
    for (int i = 0; i < 256; ++i)
        total += i * hist[i];
    double w0 = 0.0, sum0 = 0.0, best = -1.0;
    int t = 0;
    for (int i = 0; i < 256; ++i) {
        w0 += hist[i];
        sum0 += i * hist[i];
        double w1 = (double)n - w0;
        if (w0 == 0.0 || w1 == 0.0)
            continue;
        double m0 = sum0 / w0, m1 = (total - sum0) / w1;
        double var = w0 * w1 * (m0 - m1) * (m0 - m1);
        if (var > best) {
            best = var;
            t = i;
        }
    }
    return t;
}

static n2d2_status threshold_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels,
                                   int *label, n2d2_set set, n2d2_rng *rng)
{
    (void)labels;
    (void)label;
    (void)set;
    (void)rng;
    const threshold *t = state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    n2d2_dtype dt = n2d2_tensor_dtype(*data);
    if (t->otsu && dt != N2D2_UINT8)
        return n2d2_error(N2D2_ERR_NOT_IMPLEMENTED,
                          "%s: OtsuMethod on %s data is not implemented yet (UInt8 only)", WHO,
                          n2d2_dtype_name(dt));
    size_t c = n2d2_tensor_dim(*data, 0), h = n2d2_tensor_dim(*data, 1),
           w = n2d2_tensor_dim(*data, 2), plane = h * w;
    double *v = ff_to_double(*data);
    if (!v)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < c; ++k) {
        double *p = v + k * plane, th = t->otsu ? otsu(p, plane) : t->t;
        for (size_t i = 0; i < plane; ++i) {
            int above = p[i] > th;
            switch (t->op) {
            case BINARY: p[i] = above ? t->max_value : 0.0; break;
            case BINARY_INV: p[i] = above ? 0.0 : t->max_value; break;
            case TRUNCATE: p[i] = above ? th : p[i]; break;
            case TO_ZERO: p[i] = above ? p[i] : 0.0; break;
            default: p[i] = above ? 0.0 : p[i]; break;
            }
        }
    }
    st = ff_replace(data, dt, c, h, w, v);
    free(v);
    return st;
}

static const n2d2_transform_ops threshold_ops = {
    sizeof(n2d2_transform_ops), 0, threshold_create, threshold_apply, tf_same_shape, free, {0}};

const n2d2_feature ff_threshold_feature = {
    sizeof(n2d2_feature),
    N2D2_KIND_TRANSFORM,
    "ThresholdTransformation",
    NULL,
    "thresholding (Binary, Truncate, ToZero..., optional Otsu threshold)",
    threshold_params,
    TF_COUNT_OF(threshold_params),
    &threshold_ops,
    0,
    {0}};
