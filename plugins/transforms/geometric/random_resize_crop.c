/* RandomResizeCropTransformation (used by the manual at line 2598 but not
 * documented, A19): the torchvision RandomResizedCrop. Up to 10 tries draw
 * an area fraction U(ScaleMin, ScaleMax) of the image and a log-uniform
 * aspect ratio (width / height) in [RatioMin, RatioMax]; the first crop that
 * fits is placed uniformly. Failing that, the largest centred crop with the
 * ratio clamped to the range. The crop is resized to Width x Height
 * (bilinear, half-pixel centres, inside the crop only); pixel-wise labels
 * follow with the nearest neighbour. */
#include <stdlib.h>

#include "geo_util.h"

#define WHO "RandomResizeCropTransformation"

static const n2d2_param_spec rrc_params[] = {
    {"Width", N2D2_PARAM_UINT, NULL, NULL, 1, 1e6, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "output width"},
    {"Height", N2D2_PARAM_UINT, NULL, NULL, 1, 1e6, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "output height"},
    {"ScaleMin", N2D2_PARAM_FLOAT, "0.08", NULL, 1e-6, 1.0, N2D2_PARAM_RANGE,
     "minimum crop area, as a fraction of the image"},
    {"ScaleMax", N2D2_PARAM_FLOAT, "1.0", NULL, 1e-6, 1.0, N2D2_PARAM_RANGE,
     "maximum crop area, as a fraction of the image"},
    {"RatioMin", N2D2_PARAM_FLOAT, "0.75", NULL, 1e-6, 1e6, N2D2_PARAM_RANGE,
     "minimum crop aspect ratio (width / height)"},
    {"RatioMax", N2D2_PARAM_FLOAT, "1.3333333333333333", NULL, 1e-6, 1e6, N2D2_PARAM_RANGE,
     "maximum crop aspect ratio (width / height)"},
};

typedef struct rrc {
    size_t width, height;
    double scale_min, scale_max, ratio_min, ratio_max;
} rrc;

static n2d2_status rrc_create(const n2d2_params *p, void **state)
{
    rrc r = {(size_t)n2d2_params_uint(p, "Width"), (size_t)n2d2_params_uint(p, "Height"),
             n2d2_params_float(p, "ScaleMin"), n2d2_params_float(p, "ScaleMax"),
             n2d2_params_float(p, "RatioMin"), n2d2_params_float(p, "RatioMax")};
    if (r.scale_min > r.scale_max)
        return n2d2_params_error(p, "ScaleMin", N2D2_ERR_RANGE, "ScaleMin %g is above ScaleMax %g",
                                 r.scale_min, r.scale_max);
    if (r.ratio_min > r.ratio_max)
        return n2d2_params_error(p, "RatioMin", N2D2_ERR_RANGE, "RatioMin %g is above RatioMax %g",
                                 r.ratio_min, r.ratio_max);
    rrc *s = malloc(sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    *s = r;
    *state = s;
    return N2D2_OK;
}

/* The crop (x, y, cw, ch) of a w x h image. */
static void pick_crop(const rrc *r, size_t w, size_t h, n2d2_rng *rng, size_t *x, size_t *y,
                      size_t *cw, size_t *ch)
{
    double area = (double)w * (double)h;
    for (int attempt = 0; attempt < 10; ++attempt) {
        double target = area * n2d2_rng_uniform_range(rng, r->scale_min, r->scale_max);
        double ratio = exp(n2d2_rng_uniform_range(rng, log(r->ratio_min), log(r->ratio_max)));
        long tw = lround(sqrt(target * ratio)), th = lround(sqrt(target / ratio));
        if (tw > 0 && th > 0 && (size_t)tw <= w && (size_t)th <= h) {
            *cw = (size_t)tw;
            *ch = (size_t)th;
            *y = (size_t)n2d2_rng_below(rng, h - *ch + 1);
            *x = (size_t)n2d2_rng_below(rng, w - *cw + 1);
            return;
        }
    }
    double in_ratio = (double)w / (double)h;
    if (in_ratio < r->ratio_min) {
        *cw = w;
        *ch = (size_t)lround((double)w / r->ratio_min);
    } else if (in_ratio > r->ratio_max) {
        *ch = h;
        *cw = (size_t)lround((double)h * r->ratio_max);
    } else {
        *cw = w;
        *ch = h;
    }
    *cw = *cw < 1 ? 1 : *cw > w ? w : *cw;
    *ch = *ch < 1 ? 1 : *ch > h ? h : *ch;
    *x = (w - *cw) / 2;
    *y = (h - *ch) / 2;
}

/* Source coordinate of output o along one axis of the crop [start, start + len). */
static double axis_source(size_t o, size_t out, size_t start, size_t len)
{
    double f = ((double)o + 0.5) * (double)len / (double)out - 0.5;
    if (f < 0.0)
        f = 0.0;
    if (f > (double)len - 1.0)
        f = (double)len - 1.0;
    return (double)start + f;
}

static n2d2_status rrc_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                             n2d2_set set, n2d2_rng *rng)
{
    (void)label;
    (void)set;
    const rrc *r = state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    size_t h = n2d2_tensor_dim(*data, 1), w = n2d2_tensor_dim(*data, 2);
    if (h == 0 || w == 0)
        return n2d2_error(N2D2_ERR_SHAPE, WHO ": cannot crop an empty %zux%zu image", w, h);
    size_t x, y, cw, ch;
    pick_crop(r, w, h, rng, &x, &y, &cw, &ch);
    geo_map m;
    st = geo_map_new(&m, r->height, r->width);
    if (st != N2D2_OK)
        return st;
    for (size_t oy = 0; oy < r->height; ++oy)
        for (size_t ox = 0; ox < r->width; ++ox) {
            m.sx[oy * r->width + ox] = axis_source(ox, r->width, x, cw);
            m.sy[oy * r->width + ox] = axis_source(oy, r->height, y, ch);
        }
    st = geo_remap(data, labels, &m, NULL, 0, WHO);
    geo_map_free(&m);
    return st;
}

static n2d2_status rrc_shape(void *state, const n2d2_shape *in, n2d2_shape *out)
{
    const rrc *r = state;
    if (in->ndim != 3)
        return N2D2_ERR_UNSUPPORTED;
    *out = *in;
    out->dims[1] = r->height;
    out->dims[2] = r->width;
    return N2D2_OK;
}

static const n2d2_transform_ops rrc_ops = {
    sizeof(n2d2_transform_ops), N2D2_TRANSFORM_RANDOM, rrc_create, rrc_apply, rrc_shape, free,
    {0}};

const n2d2_feature geo_rrc_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "RandomResizeCropTransformation", NULL,
    "random crop (area and aspect ratio ranges) resized to Width x Height", rrc_params,
    TF_COUNT_OF(rrc_params), &rrc_ops, 0, {0}};
