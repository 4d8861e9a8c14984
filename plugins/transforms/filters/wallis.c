/* WallisFilterTransformation (manual 21.5.33): v -> (v - m) * StdDev / s +
 * Mean, where m and s are the mean and (population) standard deviation of
 * a Size x Size window centred on the pixel (replicated borders and s at
 * least 1e-3, as N2D2; each channel on its own), or with Size=0 of the
 * whole image: all channels together, or each channel with PerChannel=1
 * (a constant image then gives Mean). Output floating point. N2D2 itself
 * ignores Mean and StdDev with Size > 0 and computes (v - m + Mean) *
 * StdDev / s with Size=0; the manual's "target mean / standard deviation"
 * is followed here (identical for the defaults 0 and 1). */
#include <stdlib.h>

#include "ff.h"

#define WHO "WallisFilterTransformation"

static const n2d2_param_spec wallis_params[] = {
    {"Size", N2D2_PARAM_UINT, NULL, NULL, 0, 4097, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "window size (0: the whole image)"},
    {"Mean", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 0, 0, "target mean"},
    {"StdDev", N2D2_PARAM_FLOAT, "1.0", NULL, 0, 0, 0, "target standard deviation"},
    {"PerChannel", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "with Size=0: statistics of each channel on its own"},
};

typedef struct wallis {
    size_t size;
    double mean, std;
    int per_channel;
} wallis;

static n2d2_status wallis_create(const n2d2_params *p, void **state)
{
    wallis *f = calloc(1, sizeof *f);
    if (!f)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    f->size = (size_t)n2d2_params_uint(p, "Size");
    f->mean = n2d2_params_float(p, "Mean");
    f->std = n2d2_params_float(p, "StdDev");
    f->per_channel = n2d2_params_bool(p, "PerChannel");
    *state = f;
    return N2D2_OK;
}

static double map(const wallis *f, double v, double m, double s)
{
    return s > 0.0 ? (v - m) * f->std / s + f->mean : f->mean;
}

static size_t clamp(ptrdiff_t i, size_t n)
{
    return i < 0 ? 0 : (size_t)i >= n ? n - 1 : (size_t)i;
}

static void global(const wallis *f, double *v, size_t n)
{
    double sum = 0.0, sq = 0.0;
    for (size_t i = 0; i < n; ++i)
        sum += v[i];
    double m = sum / (double)n;
    for (size_t i = 0; i < n; ++i)
        sq += (v[i] - m) * (v[i] - m);
    for (size_t i = 0; i < n; ++i)
        v[i] = map(f, v[i], m, sqrt(sq / (double)n));
}

static void local(const wallis *f, const double *src, size_t h, size_t w, double *dst)
{
    ptrdiff_t a = (ptrdiff_t)(f->size / 2);
    double n = (double)(f->size * f->size);
    for (size_t y = 0; y < h; ++y)
        for (size_t x = 0; x < w; ++x) {
            double sum = 0.0, sq = 0.0;
            for (size_t i = 0; i < f->size; ++i) {
                const double *row = src + clamp((ptrdiff_t)(y + i) - a, h) * w;
                for (size_t j = 0; j < f->size; ++j) {
                    double v = row[clamp((ptrdiff_t)(x + j) - a, w)];
                    sum += v;
                    sq += v * v;
                }
            }
            double m = sum / n;
            double var = sq / n - m * m;
            dst[y * w + x] = map(f, src[y * w + x], m, sqrt(var > 1e-6 ? var : 1e-6));
        }
}

static n2d2_status wallis_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                                n2d2_set set, n2d2_rng *rng)
{
    (void)labels;
    (void)label;
    (void)set;
    (void)rng;
    const wallis *f = state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    size_t c = n2d2_tensor_dim(*data, 0), h = n2d2_tensor_dim(*data, 1),
           w = n2d2_tensor_dim(*data, 2), plane = h * w;
    if (plane == 0)
        return N2D2_OK;
    double *v = ff_to_double(*data), *out = malloc(c * plane * sizeof *out);
    if (!v || !out) {
        free(v);
        free(out);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    if (f->size == 0 && !f->per_channel) {
        global(f, v, c * plane);
    } else {
        for (size_t k = 0; k < c; ++k) {
            if (f->size == 0) {
                global(f, v + k * plane, plane);
            } else {
                local(f, v + k * plane, h, w, out + k * plane);
                for (size_t i = 0; i < plane; ++i)
                    v[k * plane + i] = out[k * plane + i];
            }
        }
    }
    st = ff_replace(data, tf_float_type(n2d2_tensor_dtype(*data)), c, h, w, v);
    free(v);
    free(out);
    return st;
}

static const n2d2_transform_ops wallis_ops = {sizeof(n2d2_transform_ops),
                                              N2D2_TRANSFORM_CHANGES_RANGE,
                                              wallis_create,
                                              wallis_apply,
                                              tf_same_shape,
                                              free,
                                              {0}};

const n2d2_feature ff_wallis_feature = {
    sizeof(n2d2_feature),
    N2D2_KIND_TRANSFORM,
    "WallisFilterTransformation",
    NULL,
    "Wallis local (or global) mean / standard deviation normalisation (float output)",
    wallis_params,
    TF_COUNT_OF(wallis_params),
    &wallis_ops,
    0,
    {0}};
