/* CentroidCropTransformation (manual 21.5.3): crop so that the image centre
 * falls on the intensity centroid (all channels summed).
 *
 * Axis (A22, the manual's table and prose disagree): we follow the prose
 * and the numpy axis numbering: Axis=1 crops horizontally (columns removed,
 * the centroid x lands at half the width), Axis=0 vertically, -1 both. The
 * crop keeps the widest window centred on the centroid: with c the
 * centroid in continuous coordinates (pixel i spans [i, i + 1)), the
 * window is [round(c - r), round(c + r)) with r = min(c, size - c).
 * An image whose values sum to zero (or less) is left as is. */
#include <stdlib.h>

#include "geo_util.h"

#define WHO "CentroidCropTransformation"

static const n2d2_param_spec centroid_params[] = {
    {"Axis", N2D2_PARAM_INT, "-1", NULL, -1, 1, N2D2_PARAM_RANGE,
     "-1: both axes, 0: vertical (rows removed), 1: horizontal (columns removed)"},
};

static n2d2_status centroid_create(const n2d2_params *p, void **state)
{
    int *axis = malloc(sizeof *axis);
    if (!axis)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    *axis = (int)n2d2_params_int(p, "Axis");
    *state = axis;
    return N2D2_OK;
}

static void window(double c, size_t size, size_t *start, size_t *len)
{
    /* Mixed-sign data may put the centroid outside the image. */
    c = c < 0.0 ? 0.0 : c > (double)size ? (double)size : c;
    double r = c < (double)size - c ? c : (double)size - c;
    long a = lround(c - r), b = lround(c + r);
    if (a < 0)
        a = 0;
    if (b > (long)size)
        b = (long)size;
    if (b <= a) { /* keep at least the centroid's pixel */
        a = (long)floor(c);
        a = a >= (long)size ? (long)size - 1 : a < 0 ? 0 : a;
        b = a + 1;
    }
    *start = (size_t)a;
    *len = (size_t)(b - a);
}

static n2d2_status centroid_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels,
                                  int *label, n2d2_set set, n2d2_rng *rng)
{
    (void)label;
    (void)set;
    (void)rng;
    int axis = *(const int *)state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    const n2d2_tensor *in = *data;
    size_t c = n2d2_tensor_dim(in, 0), h = n2d2_tensor_dim(in, 1), w = n2d2_tensor_dim(in, 2);
    st = geo_check_labels(*labels, h, w, WHO);
    if (st != N2D2_OK)
        return st;
    n2d2_dtype dt = n2d2_tensor_dtype(in);
    const void *src = n2d2_tensor_cdata(in);
    double sum = 0.0, sx = 0.0, sy = 0.0;
    for (size_t k = 0; k < c; ++k)
        for (size_t y = 0; y < h; ++y)
            for (size_t x = 0; x < w; ++x) {
                double v = tf_get(src, dt, (k * h + y) * w + x);
                sum += v;
                sx += v * ((double)x + 0.5);
                sy += v * ((double)y + 0.5);
            }
    if (!(sum > 0.0))
        return N2D2_OK;
    size_t x0 = 0, y0 = 0, cw = w, ch = h;
    if (axis != 0)
        window(sx / sum, w, &x0, &cw);
    if (axis != 1)
        window(sy / sum, h, &y0, &ch);
    if (cw == w && ch == h)
        return N2D2_OK;
    geo_map m;
    st = geo_map_new(&m, ch, cw);
    if (st != N2D2_OK)
        return st;
    for (size_t y = 0; y < ch; ++y)
        for (size_t x = 0; x < cw; ++x) {
            m.sx[y * cw + x] = (double)(x0 + x);
            m.sy[y * cw + x] = (double)(y0 + y);
        }
    st = geo_remap(data, labels, &m, NULL, 1, WHO);
    geo_map_free(&m);
    return st;
}

static n2d2_status centroid_shape(void *state, const n2d2_shape *in, n2d2_shape *out)
{
    (void)state;
    (void)in;
    (void)out;
    return N2D2_ERR_UNSUPPORTED;
}

static const n2d2_transform_ops centroid_ops = {
    sizeof(n2d2_transform_ops), 0, centroid_create, centroid_apply, centroid_shape, free, {0}};

const n2d2_feature geo_centroid_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "CentroidCropTransformation", NULL,
    "crop so that the image centre is on the intensity centroid", centroid_params,
    TF_COUNT_OF(centroid_params), &centroid_ops, 0, {0}};
