/* StripeRemoveTransformation (manual 21.5.30): delete NbIterations stripes
 * of Length columns (Axis=0) or rows (Axis=1).
 *
 * Stripe k starts at Offset + k * StepOffset counted in the data left after
 * removing the previous stripes (the step does not include the stripe
 * length, manual line 6751), so the data shrinks by Length * NbIterations.
 * StepOffset defaults to Offset. RandomOffset draws the first offset
 * uniformly among those where every stripe fits. Pixel-wise labels lose
 * the same stripes. */
#include <stdlib.h>
#include <string.h>

#include "geo_util.h"

#define WHO "StripeRemoveTransformation"

static const n2d2_param_spec stripe_params[] = {
    {"Axis", N2D2_PARAM_UINT, NULL, NULL, 0, 1, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "0: remove columns, 1: remove rows"},
    {"Offset", N2D2_PARAM_UINT, NULL, NULL, 0, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "start of the first stripe"},
    {"Length", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "rows or columns per stripe"},
    {"RandomOffset", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "random offset of the first stripe"},
    {"NbIterations", N2D2_PARAM_UINT, "1", NULL, 1, 1e9, N2D2_PARAM_RANGE,
     "number of stripes"},
    {"StepOffset", N2D2_PARAM_UINT, NULL, NULL, 0, 1e9, N2D2_PARAM_RANGE,
     "gap kept between successive stripes (default: Offset)"},
};

typedef struct stripe {
    int rows, random;
    size_t offset, length, count, step;
} stripe;

static n2d2_status stripe_create(const n2d2_params *p, void **state)
{
    stripe *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->rows = n2d2_params_uint(p, "Axis") == 1;
    s->offset = (size_t)n2d2_params_uint(p, "Offset");
    s->length = (size_t)n2d2_params_uint(p, "Length");
    s->random = n2d2_params_bool(p, "RandomOffset");
    s->count = (size_t)n2d2_params_uint(p, "NbIterations");
    s->step = n2d2_params_given(p, "StepOffset") ? (size_t)n2d2_params_uint(p, "StepOffset")
                                                 : s->offset;
    *state = s;
    return N2D2_OK;
}

/* Copy `t` without the removed indices along the axis (keep[i] != 0). */
static n2d2_status strip(n2d2_tensor **t, const unsigned char *keep, size_t kept, int rows)
{
    n2d2_tensor *in = *t;
    size_t c = n2d2_tensor_dim(in, 0), h = n2d2_tensor_dim(in, 1), w = n2d2_tensor_dim(in, 2);
    size_t e = n2d2_dtype_size(n2d2_tensor_dtype(in));
    size_t dims[3] = {c, rows ? kept : h, rows ? w : kept};
    n2d2_tensor *out;
    n2d2_status st = n2d2_tensor_new(n2d2_tensor_dtype(in), 3, dims, &out);
    if (st != N2D2_OK)
        return st;
    const unsigned char *s = n2d2_tensor_cdata(in);
    unsigned char *d = n2d2_tensor_data(out);
    for (size_t k = 0; k < c; ++k)
        for (size_t y = 0; y < h; ++y) {
            if (rows && !keep[y])
                continue;
            for (size_t x = 0; x < w; ++x)
                if (rows || keep[x]) {
                    memcpy(d, s + ((k * h + y) * w + x) * e, e);
                    d += e;
                }
        }
    n2d2_tensor_release(in);
    *t = out;
    return N2D2_OK;
}

static n2d2_status stripe_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                                n2d2_set set, n2d2_rng *rng)
{
    (void)label;
    (void)set;
    const stripe *s = state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    size_t h = n2d2_tensor_dim(*data, 1), w = n2d2_tensor_dim(*data, 2);
    st = geo_check_labels(*labels, h, w, WHO);
    if (st != N2D2_OK)
        return st;
    size_t size = s->rows ? h : w;
    /* Stripe k ends at offset + k (step + length) + length in the original
     * data: the last one must fit. */
    double span =
        (double)s->length + (double)(s->count - 1) * ((double)s->step + (double)s->length);
    if (span > (double)size || (!s->random && (double)s->offset + span > (double)size))
        return n2d2_error(N2D2_ERR_SHAPE,
                          WHO ": %zu stripe(s) of %zu at offset %zu, step %zu do not fit in %zu %s",
                          s->count, s->length, s->offset, s->step, size,
                          s->rows ? "rows" : "columns");
    size_t offset = s->random ? (size_t)n2d2_rng_below(rng, size - (size_t)span + 1) : s->offset;
    unsigned char *keep = malloc(size);
    if (!keep)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    memset(keep, 1, size);
    for (size_t k = 0; k < s->count; ++k) {
        size_t start = offset + k * (s->step + s->length);
        memset(keep + start, 0, s->length);
    }
    size_t kept = size - s->count * s->length;
    st = strip(data, keep, kept, s->rows);
    if (st == N2D2_OK && *labels)
        st = strip(labels, keep, kept, s->rows);
    free(keep);
    return st;
}

static n2d2_status stripe_shape(void *state, const n2d2_shape *in, n2d2_shape *out)
{
    const stripe *s = state;
    size_t axis = s->rows ? 1 : 2;
    if (in->ndim != 3 || in->dims[axis] < s->count * s->length)
        return N2D2_ERR_UNSUPPORTED;
    *out = *in;
    out->dims[axis] -= s->count * s->length;
    return N2D2_OK;
}

static const n2d2_transform_ops stripe_ops = {
    sizeof(n2d2_transform_ops), N2D2_TRANSFORM_RANDOM, stripe_create, stripe_apply, stripe_shape,
    free, {0}};

const n2d2_feature geo_stripe_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "StripeRemoveTransformation", NULL,
    "remove row or column stripes", stripe_params, TF_COUNT_OF(stripe_params), &stripe_ops, 0,
    {0}};
