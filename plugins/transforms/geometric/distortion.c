/* DistortionTransformation (manual 21.5.10): random elastic distortion
 * (Simard et al.), scaling and rotation about the image centre.
 *
 * Draws, in this order and only for non-zero amplitudes: the scale
 * s = 1 + U(-Scaling, Scaling) / 100, the angle U(-Rotation, Rotation)
 * degrees (counter-clockwise), then the elastic field: one U(-1, 1) per
 * pixel for x then for y, each smoothed by a separable Gaussian of
 * ElasticGaussianSize taps and ElasticSigma (MinusOneReflect borders) and
 * multiplied by ElasticScaling (pixels). Output pixel p samples the input at
 * centre + R(angle) (p - centre) / s + displacement, bilinear; outside the
 * image is 0 (labels: -1, ignored), as the manual gives no border key.
 * Pixel-wise labels follow with the nearest neighbour. */
#include <stdlib.h>

#include "geo_util.h"

#define WHO "DistortionTransformation"
#define PI 3.14159265358979323846

static const n2d2_param_spec distortion_params[] = {
    {"ElasticGaussianSize", N2D2_PARAM_UINT, "15", NULL, 1, 1001, N2D2_PARAM_RANGE,
     "size of the Gaussian smoothing the elastic field (pixels)"},
    {"ElasticSigma", N2D2_PARAM_FLOAT, "6.0", NULL, 0, 1e6, N2D2_PARAM_RANGE,
     "sigma of the Gaussian smoothing the elastic field"},
    {"ElasticScaling", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 1e6, N2D2_PARAM_RANGE,
     "elastic displacement amplitude (0: no elastic distortion)"},
    {"Scaling", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 99, N2D2_PARAM_RANGE,
     "maximum random scaling, +/- percent"},
    {"Rotation", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 360, N2D2_PARAM_RANGE,
     "maximum random rotation, +/- degrees"},
};

typedef struct distortion {
    size_t gsize;
    double gsigma, elastic, scaling, rotation;
} distortion;

static n2d2_status distortion_create(const n2d2_params *p, void **state)
{
    distortion *d = calloc(1, sizeof *d);
    if (!d)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    d->gsize = (size_t)n2d2_params_uint(p, "ElasticGaussianSize");
    d->gsigma = n2d2_params_float(p, "ElasticSigma");
    d->elastic = n2d2_params_float(p, "ElasticScaling");
    d->scaling = n2d2_params_float(p, "Scaling");
    d->rotation = n2d2_params_float(p, "Rotation");
    *state = d;
    return N2D2_OK;
}

/* Separable smoothing of an h x w field, in place (tmp: h * w). */
static void smooth(double *f, double *tmp, size_t h, size_t w, const double *k, size_t ks)
{
    long half = (long)(ks - 1) / 2;
    for (size_t y = 0; y < h; ++y)
        for (size_t x = 0; x < w; ++x) {
            double acc = 0.0;
            for (size_t i = 0; i < ks; ++i) {
                long sx = tf_border_index((long)x + (long)i - half, (long)w, TF_BORDER_REFLECT_101);
                acc += k[i] * f[y * w + (size_t)sx];
            }
            tmp[y * w + x] = acc;
        }
    for (size_t y = 0; y < h; ++y)
        for (size_t x = 0; x < w; ++x) {
            double acc = 0.0;
            for (size_t i = 0; i < ks; ++i) {
                long sy = tf_border_index((long)y + (long)i - half, (long)h, TF_BORDER_REFLECT_101);
                acc += k[i] * tmp[(size_t)sy * w + x];
            }
            f[y * w + x] = acc;
        }
}

static n2d2_status elastic_field(const distortion *d, size_t h, size_t w, n2d2_rng *rng,
                                 double *dx, double *dy)
{
    double *k, *tmp = malloc(h * w * sizeof *tmp);
    if (!tmp)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    n2d2_status st = geo_gaussian_kernel(d->gsize, d->gsigma, &k);
    if (st != N2D2_OK) {
        free(tmp);
        return st;
    }
    for (size_t i = 0; i < h * w; ++i)
        dx[i] = n2d2_rng_uniform_range(rng, -1.0, 1.0);
    for (size_t i = 0; i < h * w; ++i)
        dy[i] = n2d2_rng_uniform_range(rng, -1.0, 1.0);
    smooth(dx, tmp, h, w, k, d->gsize);
    smooth(dy, tmp, h, w, k, d->gsize);
    for (size_t i = 0; i < h * w; ++i) {
        dx[i] *= d->elastic;
        dy[i] *= d->elastic;
    }
    free(k);
    free(tmp);
    return N2D2_OK;
}

static n2d2_status distortion_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels,
                                    int *label, n2d2_set set, n2d2_rng *rng)
{
    (void)label;
    (void)set;
    const distortion *d = state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    size_t h = n2d2_tensor_dim(*data, 1), w = n2d2_tensor_dim(*data, 2);
    if (d->scaling == 0.0 && d->rotation == 0.0 && d->elastic == 0.0)
        return geo_check_labels(*labels, h, w, WHO);
    double s = d->scaling > 0.0 ? 1.0 + n2d2_rng_uniform_range(rng, -d->scaling, d->scaling) / 100.0
                                : 1.0;
    double a = d->rotation > 0.0 ? n2d2_rng_uniform_range(rng, -d->rotation, d->rotation) : 0.0;
    double c = cos(a * PI / 180.0) / s, sn = sin(a * PI / 180.0) / s;
    geo_map m;
    st = geo_map_new(&m, h, w);
    if (st != N2D2_OK)
        return st;
    for (size_t i = 0; i < h * w; ++i)
        m.sx[i] = m.sy[i] = 0.0;
    if (d->elastic > 0.0)
        st = elastic_field(d, h, w, rng, m.sx, m.sy);
    double cx = (double)w / 2.0, cy = (double)h / 2.0;
    for (size_t y = 0; y < h && st == N2D2_OK; ++y)
        for (size_t x = 0; x < w; ++x) {
            double u = (double)x + 0.5 - cx, v = (double)y + 0.5 - cy;
            m.sx[y * w + x] += cx + c * u - sn * v - 0.5;
            m.sy[y * w + x] += cy + sn * u + c * v - 0.5;
        }
    tf_border zero = {TF_BORDER_CONSTANT, {0.0}, 1};
    if (st == N2D2_OK)
        st = geo_remap(data, labels, &m, &zero, 0, WHO);
    geo_map_free(&m);
    return st;
}

static const n2d2_transform_ops distortion_ops = {
    sizeof(n2d2_transform_ops), N2D2_TRANSFORM_RANDOM, distortion_create, distortion_apply,
    tf_same_shape, free, {0}};

const n2d2_feature geo_distortion_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "DistortionTransformation", NULL,
    "random elastic distortion, scaling and rotation", distortion_params,
    TF_COUNT_OF(distortion_params), &distortion_ops, 0, {0}};
