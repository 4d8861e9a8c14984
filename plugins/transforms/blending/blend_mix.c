/* Pixel arithmetic of BlendingTransformation (see blend_mix.h). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "blend_mix.h"

void blend_gaussian(unsigned size, double *k)
{
    /* OpenCV's sigma for a given kernel size (getGaussianKernel, sigma <= 0). */
    double sigma = 0.3 * ((size - 1) * 0.5 - 1) + 0.8, sum = 0;
    int r = (int)size / 2;
    for (int i = -r; i <= r; ++i)
        sum += k[i + r] = exp(-(double)(i * i) / (2 * sigma * sigma));
    for (unsigned i = 0; i < size; ++i)
        k[i] /= sum;
}

static int is_integer(n2d2_dtype t)
{
    return t == N2D2_UINT8 || t == N2D2_INT8 || t == N2D2_INT32;
}

static void put(n2d2_tensor *t, size_t i, double v)
{
    n2d2_tensor_set(t, i, is_integer(n2d2_tensor_dtype(t)) ? floor(v + 0.5) : v);
}

/* Separable blur of a[oh * ow] in place, zero outside. */
static n2d2_status blur(double *a, size_t oh, size_t ow, unsigned size)
{
    double *k = malloc(size * sizeof *k), *tmp = malloc(oh * ow * sizeof *tmp);
    if (!k || !tmp) {
        free(k);
        free(tmp);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    blend_gaussian(size, k);
    long r = (long)size / 2;
    for (size_t y = 0; y < oh; ++y)
        for (size_t x = 0; x < ow; ++x) {
            double s = 0;
            for (long d = -r; d <= r; ++d) {
                long xx = (long)x + d;
                if (xx >= 0 && xx < (long)ow)
                    s += k[d + r] * a[y * ow + (size_t)xx];
            }
            tmp[y * ow + x] = s;
        }
    for (size_t y = 0; y < oh; ++y)
        for (size_t x = 0; x < ow; ++x) {
            double s = 0;
            for (long d = -r; d <= r; ++d) {
                long yy = (long)y + d;
                if (yy >= 0 && yy < (long)oh)
                    s += k[d + r] * tmp[(size_t)yy * ow + x];
            }
            a[y * ow + x] = s;
        }
    free(k);
    free(tmp);
    return N2D2_OK;
}

n2d2_status blend_paste(n2d2_tensor *img, const n2d2_tensor *obj, const uint8_t *mask, size_t x0,
                        size_t y0, const blend_params *p)
{
    size_t C = n2d2_tensor_dim(img, 0), H = n2d2_tensor_dim(img, 1), W = n2d2_tensor_dim(img, 2);
    size_t oc = n2d2_tensor_dim(obj, 0), oh = n2d2_tensor_dim(obj, 1), ow = n2d2_tensor_dim(obj, 2);
    if ((oc != C && oc != 1) || x0 + ow > W || y0 + oh > H)
        return n2d2_error(N2D2_ERR_SHAPE, "blend: object %zux%zux%zu at (%zu, %zu) does not fit "
                                          "image %zux%zux%zu",
                          oc, oh, ow, x0, y0, C, H, W);
    size_t n = oh * ow;
    double *a = calloc(n ? n : 1, sizeof *a);
    if (!a)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
#define O(c, y, x) n2d2_tensor_get(obj, ((oc == 1 ? 0 : (c)) * oh + (y)) * ow + (x))
#define I_AT(c, y, x) ((((c) * H) + y0 + (y)) * W + x0 + (x))
    int by_distance = p->method == BLEND_LINEAR_BY_DISTANCE ||
                      p->method == BLEND_SMOOTH_EDGE_LINEAR_BY_DISTANCE;
    if (by_distance) {
        double lo = INFINITY, hi = -INFINITY;
        for (size_t y = 0; y < oh; ++y)
            for (size_t x = 0; x < ow; ++x) {
                if (!mask[y * ow + x])
                    continue;
                double d2 = 0;
                for (size_t c = 0; c < C; ++c) {
                    double d = O(c, y, x) - n2d2_tensor_get(img, I_AT(c, y, x));
                    d2 += d * d;
                }
                a[y * ow + x] = sqrt(d2);
                lo = fmin(lo, a[y * ow + x]);
                hi = fmax(hi, a[y * ow + x]);
            }
        for (size_t i = 0; i < n; ++i)
            a[i] = mask[i] && hi > lo ? (a[i] - lo) / (hi - lo) : 0.0;
    } else {
        for (size_t i = 0; i < n; ++i)
            a[i] = mask[i] ? 1.0 : 0.0;
    }
    if (p->method == BLEND_SMOOTH_EDGE || p->method == BLEND_SMOOTH_EDGE_LINEAR_BY_DISTANCE) {
        n2d2_status st = blur(a, oh, ow, p->size);
        if (st != N2D2_OK) {
            free(a);
            return st;
        }
    }
    for (size_t c = 0; c < C; ++c)
        for (size_t y = 0; y < oh; ++y)
            for (size_t x = 0; x < ow; ++x) {
                size_t i = y * ow + x, at = I_AT(c, y, x);
                double o = O(c, y, x), v = n2d2_tensor_get(img, at);
                switch (p->method) {
                case BLEND_LINEAR:
                    if (mask[i])
                        put(img, at, p->alpha * o + p->beta * v);
                    break;
                case BLEND_LINEAR_BY_DISTANCE:
                    if (mask[i])
                        put(img, at, p->alpha * o * (1 - a[i]) + p->beta * v * a[i]);
                    break;
                default: /* SmoothEdge* */
                    if (a[i] != 0.0)
                        put(img, at, a[i] * o + (1 - a[i]) * v);
                    break;
                }
            }
#undef O
#undef I_AT
    free(a);
    return N2D2_OK;
}
