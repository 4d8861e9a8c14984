/* TrimTransformation (manual 21.5.32), as N2D2 does it: the image is
 * turned to gray (1 channel as it is; 3 or 4 channels as BGR(A):
 * 0.114 B + 0.587 G + 0.299 R, in OpenCV's 14-bit fixed point for UInt8),
 * its values reduced to NbLevels levels, and the image cropped to the bounding box of the
 * pixels whose level differs from the most frequent level on the image
 * border (ties: the lowest level). Levels:
 * - Discretize: round((NbLevels - 1) v / 255) for UInt8 data, and
 *   round((NbLevels - 1) (v - min) / (max - min)) for other types (N2D2
 *   accepts 8-bit data only);
 * - Reduce: K-means (Lloyd) of the gray values into NbLevels clusters from
 *   a deterministic start (values at evenly spaced ranks), at most 100
 *   rounds (N2D2 uses OpenCV's randomly started kmeans).
 * NbLevels=0 uses the gray values as they are. An image with nothing off
 * the border level is left as it is. Pixel-wise labels are cropped the same
 * way. The output size depends on the data. */
#include <stdlib.h>
#include <string.h>

#include "ff.h"

#define WHO "TrimTransformation"
enum { REDUCE, DISCRETIZE };

static const n2d2_param_spec trim_params[] = {
    {"NbLevels", N2D2_PARAM_UINT, NULL, NULL, 0, 65536, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "number of levels of the discretisation (0: none)"},
    {"Method", N2D2_PARAM_ENUM, "Discretize", "Reduce|Discretize", 0, 0, 0,
     "Reduce (K-means) or Discretize (uniform levels)"},
};

typedef struct trim {
    size_t levels;
    int method;
} trim;

static n2d2_status trim_create(const n2d2_params *p, void **state)
{
    trim *t = calloc(1, sizeof *t);
    if (!t)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    t->levels = (size_t)n2d2_params_uint(p, "NbLevels");
    t->method = n2d2_params_enum(p, "Method");
    *state = t;
    return N2D2_OK;
}

/* Levels of the gray values g into lv. */
static void discretize(const trim *t, const double *g, size_t n, int is_u8, double *lv)
{
    double lo = 0.0, hi = 255.0;
    if (!is_u8) {
        lo = hi = g[0];
        for (size_t i = 1; i < n; ++i) {
            lo = g[i] < lo ? g[i] : lo;
            hi = g[i] > hi ? g[i] : hi;
        }
    }
    double steps = t->levels > 1 ? (double)(t->levels - 1) : 0.0;
    for (size_t i = 0; i < n; ++i)
        lv[i] = hi > lo ? round(steps * (g[i] - lo) / (hi - lo)) : 0.0;
}

/* K-means of the gray values g: lv gets the cluster index, clusters
 * ordered by value (1-D Lloyd keeps the centres in their start order). */
static n2d2_status reduce(const trim *t, const double *g, size_t n, double *lv)
{
    size_t k_n = t->levels < n ? t->levels : n;
    double *centre = calloc(k_n, sizeof *centre), *sum = calloc(k_n, sizeof *sum);
    size_t *count = calloc(k_n, sizeof *count);
    double *sorted = malloc(n * sizeof *sorted);
    if (!centre || !sum || !count || !sorted) {
        free(centre);
        free(sum);
        free(count);
        free(sorted);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    /* Start: values at evenly spaced ranks (shell sort of a copy). */
    for (size_t i = 0; i < n; ++i)
        sorted[i] = g[i];
    for (size_t gap = n / 2; gap > 0; gap /= 2)
        for (size_t i = gap; i < n; ++i)
            for (size_t j = i; j >= gap && sorted[j - gap] > sorted[j]; j -= gap) {
                double v = sorted[j];
                sorted[j] = sorted[j - gap];
                sorted[j - gap] = v;
            }
    for (size_t q = 0; q < k_n; ++q)
        centre[q] = sorted[(2 * q + 1) * n / (2 * k_n)];
    for (size_t i = 0; i < n; ++i)
        lv[i] = -1.0;
    for (int round_ = 0; round_ < 100; ++round_) {
        int changed = 0;
        memset(sum, 0, k_n * sizeof *sum);
        memset(count, 0, k_n * sizeof *count);
        for (size_t i = 0; i < n; ++i) {
            size_t best = 0;
            for (size_t q = 1; q < k_n; ++q)
                if (fabs(g[i] - centre[q]) < fabs(g[i] - centre[best]))
                    best = q;
            if (lv[i] != (double)best)
                changed = 1;
            lv[i] = (double)best;
            ++count[best];
            sum[best] += g[i];
        }
        if (!changed)
            break;
        for (size_t q = 0; q < k_n; ++q)
            if (count[q])
                centre[q] = sum[q] / (double)count[q];
    }
    free(centre);
    free(sum);
    free(count);
    free(sorted);
    return N2D2_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

/* *out = the most frequent level on the border (ties: the lowest). */
static n2d2_status border_level(const double *lv, size_t h, size_t w, double *out)
{
    double *b = malloc(2 * (h + w) * sizeof *b);
    if (!b)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    size_t n = 0;
    for (size_t y = 0; y < h; ++y)
        for (size_t x = 0; x < w; x += (y == 0 || y == h - 1 || w == 1) ? 1 : w - 1)
            b[n++] = lv[y * w + x];
    qsort(b, n, sizeof *b, cmp_double);
    double best = b[0];
    size_t best_n = 0;
    for (size_t i = 0, j; i < n; i = j) {
        for (j = i; j < n && b[j] == b[i]; ++j)
            ;
        if (j - i > best_n) {
            best_n = j - i;
            best = b[i];
        }
    }
    free(b);
    *out = best;
    return N2D2_OK;
}

static n2d2_status crop(n2d2_tensor **t, size_t x0, size_t y0, size_t ow, size_t oh)
{
    size_t c = n2d2_tensor_dim(*t, 0), w = n2d2_tensor_dim(*t, 2),
           es = n2d2_dtype_size(n2d2_tensor_dtype(*t));
    size_t h = n2d2_tensor_dim(*t, 1), dims[3] = {c, oh, ow};
    n2d2_tensor *out;
    n2d2_status st = n2d2_tensor_new(n2d2_tensor_dtype(*t), 3, dims, &out);
    if (st != N2D2_OK)
        return st;
    const unsigned char *src = n2d2_tensor_cdata(*t);
    unsigned char *dst = n2d2_tensor_data(out);
    for (size_t k = 0; k < c; ++k)
        for (size_t y = 0; y < oh; ++y)
            memcpy(dst + ((k * oh + y) * ow) * es, src + ((k * h + y0 + y) * w + x0) * es, ow * es);
    n2d2_tensor_release(*t);
    *t = out;
    return N2D2_OK;
}

static n2d2_status trim_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                              n2d2_set set, n2d2_rng *rng)
{
    (void)label;
    (void)set;
    (void)rng;
    const trim *t = state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    size_t c = n2d2_tensor_dim(*data, 0), h = n2d2_tensor_dim(*data, 1),
           w = n2d2_tensor_dim(*data, 2), plane = h * w;
    if (plane == 0 || c == 0)
        return N2D2_OK;
    if (*labels && (n2d2_tensor_ndim(*labels) != 3 || n2d2_tensor_dim(*labels, 1) != h ||
                    n2d2_tensor_dim(*labels, 2) != w))
        return n2d2_error(N2D2_ERR_SHAPE, "%s: the pixel-wise labels are not %zu x %zu", WHO, h, w);
    if (c != 1 && c != 3 && c != 4)
        return n2d2_error(N2D2_ERR_NOT_IMPLEMENTED,
                          "%s: %zu-channel data is not implemented yet (1, 3 = BGR or 4 = BGRA)",
                          WHO, c);
    n2d2_dtype dt = n2d2_tensor_dtype(*data);
    double *v = ff_to_double(*data), *gray = malloc(plane * sizeof *gray);
    double *lv = malloc(plane * sizeof *lv);
    if (!v || !gray || !lv) {
        free(v);
        free(gray);
        free(lv);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    for (size_t i = 0; i < plane; ++i) {
        double b = v[i], g = c > 1 ? v[plane + i] : 0.0, r = c > 1 ? v[2 * plane + i] : 0.0;
        if (c == 1)
            gray[i] = b;
        else if (dt == N2D2_UINT8) /* OpenCV's 8-bit fixed point, 14 bits */
            gray[i] = (double)(((long)b * 1868 + (long)g * 9617 + (long)r * 4899 + 8192) >> 14);
        else if (dt == N2D2_FLOAT32 || dt == N2D2_FLOAT64)
            gray[i] = 0.114 * b + 0.587 * g + 0.299 * r;
        else
            gray[i] = round(0.114 * b + 0.587 * g + 0.299 * r);
    }
    if (t->levels == 0)
        memcpy(lv, gray, plane * sizeof *lv);
    else if (t->method == DISCRETIZE)
        discretize(t, gray, plane, dt == N2D2_UINT8, lv);
    else
        st = reduce(t, gray, plane, lv);
    double bg = 0.0;
    if (st == N2D2_OK)
        st = border_level(lv, h, w, &bg);
    size_t x0 = w, y0 = h, x1 = 0, y1 = 0;
    for (size_t y = 0; y < h && st == N2D2_OK; ++y)
        for (size_t x = 0; x < w; ++x)
            if (lv[y * w + x] != bg) {
                x0 = x < x0 ? x : x0;
                y0 = y < y0 ? y : y0;
                x1 = x > x1 ? x : x1;
                y1 = y > y1 ? y : y1;
            }
    free(v);
    free(gray);
    free(lv);
    if (st != N2D2_OK || x0 > x1)
        return st; /* nothing off the border level */
    st = crop(data, x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    if (st == N2D2_OK && *labels)
        st = crop(labels, x0, y0, x1 - x0 + 1, y1 - y0 + 1);
    return st;
}

static n2d2_status trim_shape(void *state, const n2d2_shape *in, n2d2_shape *out)
{
    (void)state;
    (void)in;
    (void)out;
    return N2D2_ERR_UNSUPPORTED;
}

static const n2d2_transform_ops trim_ops = {
    sizeof(n2d2_transform_ops), 0, trim_create, trim_apply, trim_shape, free, {0}};

const n2d2_feature ff_trim_feature = {
    sizeof(n2d2_feature),
    N2D2_KIND_TRANSFORM,
    "TrimTransformation",
    NULL,
    "crop the border (gray levels discretised to NbLevels) to the content",
    trim_params,
    TF_COUNT_OF(trim_params),
    &trim_ops,
    0,
    {0}};
