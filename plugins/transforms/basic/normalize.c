/* NormalizeTransformation (manual 21.5.21): scale the image so that its
 * L1, L2 or Linf norm is NormValue, or (MinMax) its values span
 * [NormMin, NormMax]; over the whole image or per channel. Output is
 * floating point (Float64 stays Float64, the rest becomes Float32).
 * A constant image (max = min) becomes NormMin; a zero-norm image stays 0. */
#include <float.h>
#include <stdlib.h>
#include <string.h>

#include "basic.h"

#define WHO "NormalizeTransformation"
enum { L1, L2, LINF, MINMAX };

static const n2d2_param_spec normalize_params[] = {
    {"Norm", N2D2_PARAM_ENUM, "MinMax", "L1|L2|Linf|MinMax", 0, 0, 0,
     "norm: L1, L2, Linf (the norm becomes NormValue) or MinMax (values span [NormMin, NormMax])"},
    {"NormValue", N2D2_PARAM_FLOAT, "1.0", NULL, 0, 0, 0, "target norm (L1, L2, Linf)"},
    {"NormMin", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 0, 0, "target minimum (MinMax)"},
    {"NormMax", N2D2_PARAM_FLOAT, "1.0", NULL, 0, 0, 0, "target maximum (MinMax)"},
    {"PerChannel", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "normalise each channel on its own"},
};

typedef struct normalize {
    int norm, per_channel;
    double value, min, max;
} normalize;

static n2d2_status normalize_create(const n2d2_params *p, void **state)
{
    normalize *n = calloc(1, sizeof *n);
    if (!n)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    n->norm = n2d2_params_enum(p, "Norm");
    n->per_channel = n2d2_params_bool(p, "PerChannel");
    n->value = n2d2_params_float(p, "NormValue");
    n->min = n2d2_params_float(p, "NormMin");
    n->max = n2d2_params_float(p, "NormMax");
    *state = n;
    return N2D2_OK;
}

/* y = x * scale + shift over [begin, end). */
static void normalize_range(const normalize *n, const void *src, n2d2_dtype dt, void *dst,
                            n2d2_dtype ot, size_t begin, size_t end)
{
    double scale = 1.0, shift = 0.0;
    if (n->norm == MINMAX) {
        double lo = DBL_MAX, hi = -DBL_MAX;
        for (size_t i = begin; i < end; ++i) {
            double v = tf_get(src, dt, i);
            lo = v < lo ? v : lo;
            hi = v > hi ? v : hi;
        }
        scale = hi - lo > DBL_EPSILON ? (n->max - n->min) / (hi - lo) : 0.0;
        shift = n->min - lo * scale;
    } else {
        double norm = 0.0;
        for (size_t i = begin; i < end; ++i) {
            double v = fabs(tf_get(src, dt, i));
            if (n->norm == L1)
                norm += v;
            else if (n->norm == L2)
                norm += v * v;
            else
                norm = v > norm ? v : norm;
        }
        if (n->norm == L2)
            norm = sqrt(norm);
        scale = norm > DBL_EPSILON ? n->value / norm : 0.0;
    }
    for (size_t i = begin; i < end; ++i)
        tf_set(dst, ot, i, tf_get(src, dt, i) * scale + shift);
}

static n2d2_status normalize_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels,
                                   int *label, n2d2_set set, n2d2_rng *rng)
{
    (void)labels;
    (void)label;
    (void)set;
    (void)rng;
    const normalize *n = state;
    n2d2_tensor *in = *data;
    n2d2_status st = tf_check(in, WHO);
    if (st != N2D2_OK)
        return st;
    n2d2_dtype dt = n2d2_tensor_dtype(in), ot = tf_float_type(dt);
    n2d2_tensor *out = in;
    if (ot != dt) {
        st = n2d2_tensor_new(ot, 3, n2d2_tensor_dims(in), &out);
        if (st != N2D2_OK)
            return st;
    }
    size_t c = n2d2_tensor_dim(in, 0), total = n2d2_tensor_numel(in);
    size_t parts = n->per_channel ? c : 1, size = parts ? total / parts : 0;
    for (size_t k = 0; k < parts; ++k)
        normalize_range(n, n2d2_tensor_cdata(in), dt, n2d2_tensor_data(out), ot, k * size,
                        (k + 1) * size);
    if (out != in) {
        n2d2_tensor_release(in);
        *data = out;
    }
    return N2D2_OK;
}

static n2d2_status same_shape(void *state, const n2d2_shape *in, n2d2_shape *out)
{
    (void)state;
    *out = *in;
    return N2D2_OK;
}

static const n2d2_transform_ops normalize_ops = {
    sizeof(n2d2_transform_ops), N2D2_TRANSFORM_CHANGES_RANGE, normalize_create, normalize_apply,
    same_shape, free, {0}};

const n2d2_feature tf_normalize_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "NormalizeTransformation", NULL,
    "L1/L2/Linf or min-max normalisation, whole image or per channel", normalize_params,
    TF_COUNT_OF(normalize_params), &normalize_ops, 0, {0}};
