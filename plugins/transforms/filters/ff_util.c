/* Shared helpers of the filter transformations. */
#include <stdlib.h>
#include <string.h>

#include "ff.h"

double *ff_to_double(const n2d2_tensor *t)
{
    size_t n = n2d2_tensor_numel(t);
    double *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return NULL;
    const void *src = n2d2_tensor_cdata(t);
    n2d2_dtype dt = n2d2_tensor_dtype(t);
    for (size_t i = 0; i < n; ++i)
        v[i] = tf_get(src, dt, i);
    return v;
}

n2d2_status ff_replace(n2d2_tensor **data, n2d2_dtype dt, size_t c, size_t h, size_t w,
                       const double *v)
{
    size_t dims[3] = {c, h, w};
    n2d2_tensor *out;
    n2d2_status st = n2d2_tensor_new(dt, 3, dims, &out);
    if (st != N2D2_OK)
        return st;
    void *dst = n2d2_tensor_data(out);
    for (size_t i = 0; i < c * h * w; ++i)
        tf_set(dst, dt, i, v[i]);
    n2d2_tensor_release(*data);
    *data = out;
    return N2D2_OK;
}

void ff_correlate(const double *src, size_t h, size_t w, const double *k, size_t kh, size_t kw,
                  double *dst)
{
    ptrdiff_t ay = (ptrdiff_t)(kh / 2), ax = (ptrdiff_t)(kw / 2);
    for (size_t y = 0; y < h; ++y)
        for (size_t x = 0; x < w; ++x) {
            double s = 0.0;
            for (size_t i = 0; i < kh; ++i) {
                const double *row = src + ff_reflect101((ptrdiff_t)y + (ptrdiff_t)i - ay, h) * w;
                for (size_t j = 0; j < kw; ++j)
                    s += k[i * kw + j] * row[ff_reflect101((ptrdiff_t)x + (ptrdiff_t)j - ax, w)];
            }
            dst[y * w + x] = s;
        }
}

n2d2_status ff_se_make(int shape, size_t size, ff_se *se)
{
    se->size = size;
    se->mask = calloc(size * size, 1);
    if (!se->mask)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    size_t a = size / 2;
    for (size_t i = 0; i < size; ++i) {
        size_t j1 = 0, j2 = size; /* [j1, j2) set on row i */
        if (shape == FF_SHAPE_CROSS) {
            if (i != a)
                j1 = a, j2 = a + 1;
        } else if (shape == FF_SHAPE_ELLIPSE) {
            /* OpenCV's getStructuringElement(MORPH_ELLIPSE) rows. */
            double r = (double)a, dy = (double)i - r;
            double dx = r > 0 ? (double)a * sqrt((r * r - dy * dy) / (r * r)) : 0.0;
            long d = lround(dx);
            long lo = (long)a - d, hi = (long)a + d + 1;
            j1 = lo < 0 ? 0 : (size_t)lo;
            j2 = hi > (long)size ? size : (size_t)hi;
        }
        for (size_t j = j1; j < j2; ++j)
            se->mask[i * size + j] = 1;
    }
    return N2D2_OK;
}

void ff_se_free(ff_se *se)
{
    free(se->mask);
    se->mask = NULL;
}

void ff_morph(const double *src, size_t h, size_t w, const ff_se *se, int dilate, double *dst)
{
    ptrdiff_t a = (ptrdiff_t)(se->size / 2);
    for (size_t y = 0; y < h; ++y)
        for (size_t x = 0; x < w; ++x) {
            double best = dilate ? -INFINITY : INFINITY;
            for (size_t i = 0; i < se->size; ++i) {
                ptrdiff_t di = (ptrdiff_t)i - a, yy = (ptrdiff_t)y + (dilate ? -di : di);
                if (yy < 0 || yy >= (ptrdiff_t)h)
                    continue;
                for (size_t j = 0; j < se->size; ++j) {
                    ptrdiff_t dj = (ptrdiff_t)j - a, xx = (ptrdiff_t)x + (dilate ? -dj : dj);
                    if (!se->mask[i * se->size + j] || xx < 0 || xx >= (ptrdiff_t)w)
                        continue;
                    double v = src[(size_t)yy * w + (size_t)xx];
                    if (dilate ? v > best : v < best)
                        best = v;
                }
            }
            dst[y * w + x] = best; /* the centre is always in the element */
        }
}
