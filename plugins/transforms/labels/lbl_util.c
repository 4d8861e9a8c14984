/* Window sampling with borders for the label-aware transformations. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lbl_util.h"

n2d2_status lbl_check_map(const n2d2_tensor *data, const n2d2_tensor *map, const char *who)
{
    if (!map)
        return n2d2_error(N2D2_ERR_INVAL, "%s needs pixel-wise labels: set CompositeStimuli=1 in "
                          "the stimuli provider section", who);
    if (n2d2_tensor_ndim(map) != 3 || n2d2_tensor_dim(map, 0) != 1 ||
        n2d2_tensor_dtype(map) != N2D2_INT32 ||
        n2d2_tensor_dim(map, 1) != n2d2_tensor_dim(data, 1) ||
        n2d2_tensor_dim(map, 2) != n2d2_tensor_dim(data, 2))
        return n2d2_error(N2D2_ERR_SHAPE, "%s: the label map is not {1, %zu, %zu} Int32 like the "
                          "data", who, n2d2_tensor_dim(data, 1), n2d2_tensor_dim(data, 2));
    return N2D2_OK;
}

void lbl_fill(n2d2_tensor *map, int32_t value)
{
    int32_t *m = n2d2_tensor_data(map);
    for (size_t i = 0; i < n2d2_tensor_numel(map); ++i)
        m[i] = value;
}

/* Data value of channel c at integer (x, y), border applied. */
static double pixel(const n2d2_tensor *t, size_t c, long x, long y, const tf_border *b,
                    double fill)
{
    long h = (long)n2d2_tensor_dim(t, 1), w = (long)n2d2_tensor_dim(t, 2);
    long sx = tf_border_index(x, w, b->type), sy = tf_border_index(y, h, b->type);
    if (sx < 0 || sy < 0)
        return fill;
    return tf_get(n2d2_tensor_cdata(t), n2d2_tensor_dtype(t),
                  (c * (size_t)h + (size_t)sy) * (size_t)w + (size_t)sx);
}

n2d2_status lbl_window(const n2d2_tensor *data, const n2d2_tensor *labels, long x0, long y0,
                       size_t ow, size_t oh, double angle, const tf_border *b,
                       n2d2_tensor **data_out, n2d2_tensor **labels_out)
{
    size_t c = n2d2_tensor_dim(data, 0);
    long h = (long)n2d2_tensor_dim(data, 1), w = (long)n2d2_tensor_dim(data, 2);
    size_t dims[3] = {c, oh, ow}, ldims[3] = {1, oh, ow};
    *data_out = NULL;
    if (labels_out)
        *labels_out = NULL;
    n2d2_status st = n2d2_tensor_new(n2d2_tensor_dtype(data), 3, dims, data_out);
    if (st == N2D2_OK && labels && labels_out)
        st = n2d2_tensor_new(N2D2_INT32, 3, ldims, labels_out);
    if (st != N2D2_OK) {
        n2d2_tensor_release(*data_out);
        *data_out = NULL;
        return st;
    }
    n2d2_dtype dt = n2d2_tensor_dtype(data);
    void *dst = n2d2_tensor_data(*data_out);
    double a = angle * 3.14159265358979323846 / 180.0, ca = cos(a), sa = sin(a);
    int rotated = fmod(angle, 360.0) != 0.0;
    double cx = (double)x0 + ((double)ow - 1) / 2, cy = (double)y0 + ((double)oh - 1) / 2;
    const int32_t *lm = labels ? n2d2_tensor_cdata(labels) : NULL;
    int32_t *lo = (labels && labels_out) ? n2d2_tensor_data(*labels_out) : NULL;
    for (size_t k = 0; k < c; ++k) {
        double fill = tf_border_fill(b, data, k);
        for (size_t v = 0; v < oh; ++v)
            for (size_t u = 0; u < ow; ++u) {
                double out;
                size_t o = (k * oh + v) * ow + u;
                if (!rotated) {
                    out = pixel(data, k, x0 + (long)u, y0 + (long)v, b, fill);
                } else {
                    double du = (double)u - ((double)ow - 1) / 2;
                    double dv = (double)v - ((double)oh - 1) / 2;
                    double sx = cx + du * ca + dv * sa, sy = cy - du * sa + dv * ca;
                    long ix = (long)floor(sx), iy = (long)floor(sy);
                    double fx = sx - (double)ix, fy = sy - (double)iy;
                    out = (1 - fy) * ((1 - fx) * pixel(data, k, ix, iy, b, fill) +
                                      fx * pixel(data, k, ix + 1, iy, b, fill)) +
                          fy * ((1 - fx) * pixel(data, k, ix, iy + 1, b, fill) +
                                fx * pixel(data, k, ix + 1, iy + 1, b, fill));
                }
                tf_set(dst, dt, o, out);
                if (k == 0 && lo) {
                    long px = x0 + (long)u, py = y0 + (long)v;
                    if (rotated) {
                        double du = (double)u - ((double)ow - 1) / 2;
                        double dv = (double)v - ((double)oh - 1) / 2;
                        px = lround(cx + du * ca + dv * sa);
                        py = lround(cy - du * sa + dv * ca);
                    }
                    long sx = tf_border_index(px, w, b->type), sy = tf_border_index(py, h, b->type);
                    lo[v * ow + u] = (sx < 0 || sy < 0) ? -1 : lm[sy * w + sx];
                }
            }
    }
    return N2D2_OK;
}
