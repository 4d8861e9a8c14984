/* RescaleTransformation (manual 21.5.27): bilinear resize.
 *
 * Pixel centres are aligned (the OpenCV INTER_LINEAR convention): output
 * pixel x samples the input at (x + 0.5) * w_in / w_out - 0.5, clamped to
 * the image. The data type is kept (8-bit results are rounded). Pixel-wise
 * labels are resized with the nearest neighbour. */
#include <stdlib.h>
#include <string.h>

#include "basic.h"

#define WHO "RescaleTransformation"

static const n2d2_param_spec rescale_params[] = {
    {"Width", N2D2_PARAM_UINT, NULL, NULL, 1, 1e6, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "width of the rescaled image"},
    {"Height", N2D2_PARAM_UINT, NULL, NULL, 1, 1e6, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "height of the rescaled image"},
    {"KeepAspectRatio", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "keep the aspect ratio of the image"},
    {"ResizeToFit", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "with KeepAspectRatio: fit inside Width x Height (0: cover it, e.g. before a crop)"},
};

typedef struct rescale {
    size_t width, height;
    int keep_ratio, fit;
} rescale;

static n2d2_status rescale_create(const n2d2_params *p, void **state)
{
    rescale *r = calloc(1, sizeof *r);
    if (!r)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    r->width = (size_t)n2d2_params_uint(p, "Width");
    r->height = (size_t)n2d2_params_uint(p, "Height");
    r->keep_ratio = n2d2_params_bool(p, "KeepAspectRatio");
    r->fit = n2d2_params_bool(p, "ResizeToFit");
    *state = r;
    return N2D2_OK;
}

static void output_size(const rescale *r, size_t h, size_t w, size_t *oh, size_t *ow)
{
    if (!r->keep_ratio) {
        *oh = r->height;
        *ow = r->width;
        return;
    }
    double sx = (double)r->width / (double)w, sy = (double)r->height / (double)h;
    double s = r->fit ? (sx < sy ? sx : sy) : (sx > sy ? sx : sy);
    *ow = (size_t)lround((double)w * s);
    *oh = (size_t)lround((double)h * s);
    if (*ow < 1)
        *ow = 1;
    if (*oh < 1)
        *oh = 1;
}

/* Source index and weight of the next pixel for each output coordinate. */
static void axis_weights(size_t in, size_t out, size_t *i0, double *frac)
{
    double scale = (double)in / (double)out;
    for (size_t o = 0; o < out; ++o) {
        double f = ((double)o + 0.5) * scale - 0.5;
        double fl = floor(f);
        long i = (long)fl;
        double a = f - fl;
        if (i < 0) {
            i = 0;
            a = 0.0;
        }
        if ((size_t)i >= in - 1) {
            i = (long)in - 1;
            a = 0.0;
        }
        i0[o] = (size_t)i;
        frac[o] = a;
    }
}

static n2d2_status resize_labels(n2d2_tensor **labels, size_t oh, size_t ow)
{
    n2d2_tensor *in = *labels;
    if (!in || n2d2_tensor_ndim(in) != 3 || n2d2_tensor_dtype(in) != N2D2_INT32)
        return N2D2_OK;
    size_t h = n2d2_tensor_dim(in, 1), w = n2d2_tensor_dim(in, 2);
    size_t dims[3] = {1, oh, ow};
    n2d2_tensor *out;
    n2d2_status st = n2d2_tensor_new(N2D2_INT32, 3, dims, &out);
    if (st != N2D2_OK)
        return st;
    const int32_t *s = n2d2_tensor_cdata(in);
    int32_t *d = n2d2_tensor_data(out);
    for (size_t y = 0; y < oh; ++y) {
        size_t sy = (size_t)(((double)y + 0.5) * (double)h / (double)oh);
        sy = sy < h ? sy : h - 1;
        for (size_t x = 0; x < ow; ++x) {
            size_t sx = (size_t)(((double)x + 0.5) * (double)w / (double)ow);
            d[y * ow + x] = s[sy * w + (sx < w ? sx : w - 1)];
        }
    }
    n2d2_tensor_release(in);
    *labels = out;
    return N2D2_OK;
}

static n2d2_status rescale_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                                 n2d2_set set, n2d2_rng *rng)
{
    (void)label;
    (void)set;
    (void)rng;
    const rescale *r = state;
    n2d2_tensor *in = *data;
    n2d2_status st = tf_check(in, WHO);
    if (st != N2D2_OK)
        return st;
    size_t c = n2d2_tensor_dim(in, 0), h = n2d2_tensor_dim(in, 1), w = n2d2_tensor_dim(in, 2);
    if (h == 0 || w == 0)
        return n2d2_error(N2D2_ERR_SHAPE, WHO ": cannot rescale an empty %zux%zu image", h, w);
    size_t oh, ow;
    output_size(r, h, w, &oh, &ow);
    if (oh == h && ow == w)
        return N2D2_OK;
    n2d2_dtype dt = n2d2_tensor_dtype(in);
    size_t dims[3] = {c, oh, ow};
    n2d2_tensor *out;
    st = n2d2_tensor_new(dt, 3, dims, &out);
    if (st != N2D2_OK)
        return st;
    size_t *x0 = malloc(ow * sizeof *x0), *y0 = malloc(oh * sizeof *y0);
    double *ax = malloc(ow * sizeof *ax), *ay = malloc(oh * sizeof *ay);
    if (!x0 || !y0 || !ax || !ay) {
        st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    } else {
        axis_weights(w, ow, x0, ax);
        axis_weights(h, oh, y0, ay);
        const void *src = n2d2_tensor_cdata(in);
        void *dst = n2d2_tensor_data(out);
        for (size_t k = 0; k < c; ++k) {
            size_t base = k * h * w;
            for (size_t y = 0; y < oh; ++y) {
                size_t r0 = base + y0[y] * w, r1 = base + (y0[y] + (ay[y] > 0.0)) * w;
                for (size_t x = 0; x < ow; ++x) {
                    size_t a = x0[x], b = x0[x] + (ax[x] > 0.0);
                    double top = tf_get(src, dt, r0 + a) * (1.0 - ax[x]) + tf_get(src, dt, r0 + b) * ax[x];
                    double bot = tf_get(src, dt, r1 + a) * (1.0 - ax[x]) + tf_get(src, dt, r1 + b) * ax[x];
                    tf_set(dst, dt, (k * oh + y) * ow + x, top * (1.0 - ay[y]) + bot * ay[y]);
                }
            }
        }
    }
    free(x0);
    free(y0);
    free(ax);
    free(ay);
    if (st == N2D2_OK)
        st = resize_labels(labels, oh, ow);
    if (st != N2D2_OK) {
        n2d2_tensor_release(out);
        return st;
    }
    n2d2_tensor_release(in);
    *data = out;
    return N2D2_OK;
}

static n2d2_status rescale_shape(void *state, const n2d2_shape *in, n2d2_shape *out)
{
    const rescale *r = state;
    if (in->ndim != 3 || r->keep_ratio)
        return N2D2_ERR_UNSUPPORTED;
    *out = *in;
    out->dims[1] = r->height;
    out->dims[2] = r->width;
    return N2D2_OK;
}

static const n2d2_transform_ops rescale_ops = {
    sizeof(n2d2_transform_ops), 0, rescale_create, rescale_apply, rescale_shape, free, {0}};

const n2d2_feature tf_rescale_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "RescaleTransformation", NULL,
    "bilinear resize to Width x Height (optionally keeping the aspect ratio)", rescale_params,
    TF_COUNT_OF(rescale_params), &rescale_ops, 0, {0}};
