/* Resampling and range-key helpers shared by the geometric
 * transformations. */
#include <stdlib.h>
#include <string.h>

#include "geo_util.h"

n2d2_status geo_map_new(geo_map *m, size_t oh, size_t ow)
{
    m->oh = oh;
    m->ow = ow;
    size_t n = (oh * ow) > 0 ? oh * ow : 1;
    m->sx = malloc(n * sizeof *m->sx);
    m->sy = malloc(n * sizeof *m->sy);
    if (!m->sx || !m->sy) {
        geo_map_free(m);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    return N2D2_OK;
}

void geo_map_free(geo_map *m)
{
    free(m->sx);
    free(m->sy);
    m->sx = m->sy = NULL;
}

n2d2_status geo_check_labels(const n2d2_tensor *labels, size_t h, size_t w, const char *who)
{
    if (!labels)
        return N2D2_OK;
    if (n2d2_tensor_ndim(labels) != 3 || n2d2_tensor_dtype(labels) != N2D2_INT32 ||
        n2d2_tensor_dim(labels, 0) != 1 || n2d2_tensor_dim(labels, 1) != h ||
        n2d2_tensor_dim(labels, 2) != w) {
        char buf[64];
        return n2d2_error(N2D2_ERR_SHAPE,
                          "%s: pixel-wise labels must be a {1, %zu, %zu} Int32 map like the data, "
                          "got %s %s", who, h, w,
                          n2d2_shape_str(n2d2_tensor_dims(labels), n2d2_tensor_ndim(labels), buf,
                                         sizeof buf),
                          n2d2_dtype_name(n2d2_tensor_dtype(labels)));
    }
    return N2D2_OK;
}

/* Value at integer (x, y) of plane `base`, or `fill` outside a constant
 * border. */
static inline double fetch(const void *src, n2d2_dtype dt, size_t base, long x, long y, long w,
                           long h, int type, double fill)
{
    long ix = tf_border_index(x, w, type), iy = tf_border_index(y, h, type);
    if (ix < 0 || iy < 0)
        return fill;
    return tf_get(src, dt, base + (size_t)iy * (size_t)w + (size_t)ix);
}

static void remap_plane(const n2d2_tensor *in, n2d2_tensor *out, const geo_map *m, int type,
                        const double *fills, int nearest)
{
    n2d2_dtype dt = n2d2_tensor_dtype(in);
    size_t c = n2d2_tensor_dim(in, 0);
    long h = (long)n2d2_tensor_dim(in, 1), w = (long)n2d2_tensor_dim(in, 2);
    const void *src = n2d2_tensor_cdata(in);
    void *dst = n2d2_tensor_data(out);
    size_t n = m->oh * m->ow;
    for (size_t k = 0; k < c; ++k) {
        size_t base = k * (size_t)h * (size_t)w;
        double fill = fills[k];
        for (size_t i = 0; i < n; ++i) {
            double sx = m->sx[i], sy = m->sy[i], v;
            if (nearest) {
                v = fetch(src, dt, base, (long)floor(sx + 0.5), (long)floor(sy + 0.5), w, h, type,
                          fill);
            } else {
                double fx = floor(sx), fy = floor(sy), ax = sx - fx, ay = sy - fy;
                long x0 = (long)fx, y0 = (long)fy;
                /* Zero weights do not fetch, so an exact position never
                 * mixes in a border value. */
                double top = fetch(src, dt, base, x0, y0, w, h, type, fill);
                if (ax > 0.0)
                    top =
                        top * (1.0 - ax) + fetch(src, dt, base, x0 + 1, y0, w, h, type, fill) * ax;
                double v1 = top;
                if (ay > 0.0) {
                    double bot = fetch(src, dt, base, x0, y0 + 1, w, h, type, fill);
                    if (ax > 0.0)
                        bot = bot * (1.0 - ax) +
                              fetch(src, dt, base, x0 + 1, y0 + 1, w, h, type, fill) * ax;
                    v1 = top * (1.0 - ay) + bot * ay;
                }
                v = v1;
            }
            tf_set(dst, dt, k * n + i, v);
        }
    }
}

n2d2_status geo_remap(n2d2_tensor **data, n2d2_tensor **labels, const geo_map *m,
                      const tf_border *b, int nearest, const char *who)
{
    n2d2_tensor *in = *data;
    size_t c = n2d2_tensor_dim(in, 0), h = n2d2_tensor_dim(in, 1), w = n2d2_tensor_dim(in, 2);
    n2d2_status st = geo_check_labels(*labels, h, w, who);
    if (st != N2D2_OK)
        return st;
    if (h == 0 || w == 0)
        return n2d2_error(N2D2_ERR_SHAPE, "%s: cannot resample an empty %zux%zu image", who, h, w);
    int type = b ? b->type : TF_BORDER_REPLICATE;
    int constant = type == TF_BORDER_CONSTANT || type == TF_BORDER_MEAN;
    double *fills = calloc(c ? c : 1, sizeof *fills);
    if (!fills)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t k = 0; k < c && b; ++k)
        fills[k] = tf_border_fill(b, in, k);
    size_t dims[3] = {c, m->oh, m->ow};
    n2d2_tensor *out = NULL, *lout = NULL;
    st = n2d2_tensor_new(n2d2_tensor_dtype(in), 3, dims, &out);
    if (st == N2D2_OK)
        remap_plane(in, out, m, constant ? TF_BORDER_CONSTANT : type, fills, nearest);
    if (st == N2D2_OK && *labels) {
        size_t ldims[3] = {1, m->oh, m->ow};
        double minus_one = -1.0;
        st = n2d2_tensor_new(N2D2_INT32, 3, ldims, &lout);
        if (st == N2D2_OK)
            remap_plane(*labels, lout, m, constant ? TF_BORDER_CONSTANT : type, &minus_one, 1);
    }
    free(fills);
    if (st != N2D2_OK) {
        n2d2_tensor_release(out);
        n2d2_tensor_release(lout);
        return st;
    }
    n2d2_tensor_release(in);
    *data = out;
    if (lout) {
        n2d2_tensor_release(*labels);
        *labels = lout;
    }
    return N2D2_OK;
}

n2d2_status geo_gaussian_kernel(size_t size, double sigma, double **kernel)
{
    double *k = malloc((size ? size : 1) * sizeof *k);
    if (!k)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    double centre = ((double)size - 1.0) / 2.0, sum = 0.0;
    for (size_t i = 0; i < size; ++i) {
        double d = (double)i - centre;
        k[i] = sigma > 0.0 ? exp(-d * d / (2.0 * sigma * sigma)) : (fabs(d) < 0.5 ? 1.0 : 0.0);
        sum += k[i];
    }
    for (size_t i = 0; i < size; ++i)
        k[i] = sum > 0.0 ? k[i] / sum : 0.0;
    *kernel = k;
    return N2D2_OK;
}

/* "a b" → two numbers; 1 on success. */
static int parse_pair(const char *text, double *a, double *b)
{
    char *end;
    *a = strtod(text, &end);
    if (end == text)
        return 0;
    const char *p = end;
    while (*p == ' ' || *p == ',' || *p == '\t')
        ++p;
    *b = strtod(p, &end);
    if (end == p)
        return 0;
    while (*end == ' ' || *end == '\t')
        ++end;
    return *end == '\0';
}

n2d2_status geo_read_channel_ranges(const n2d2_params *p, const char *pattern, double *lo,
                                    double *hi, int *given, size_t *found)
{
    size_t n = n2d2_params_match_count(p, pattern);
    size_t stem = strcspn(pattern, "[");
    *found = 0;
    for (size_t i = 0; i < n; ++i) {
        const char *key = n2d2_params_match_key(p, pattern, i);
        const char *value = n2d2_params_match_value(p, pattern, i);
        char *end;
        long ch = strtol(key + stem + 1, &end, 10);
        if (end == key + stem + 1 || strcmp(end, "]") != 0 || ch < 0 || ch >= TF_MAX_VALUES)
            return n2d2_params_error(p, key, N2D2_ERR_INVAL,
                                     "expected %.*s[<channel>] with a channel in 0..%d", (int)stem,
                                     pattern, TF_MAX_VALUES - 1);
        double a, b;
        if (!value || !parse_pair(value, &a, &b))
            return n2d2_params_error(p, key, N2D2_ERR_INVAL, "expected two numbers \"min max\"");
        if (a > b)
            return n2d2_params_error(p, key, N2D2_ERR_RANGE, "min %g is above max %g", a, b);
        lo[ch] = a;
        hi[ch] = b;
        given[ch] = 1;
        ++*found;
    }
    return N2D2_OK;
}

n2d2_status geo_read_range(const n2d2_params *p, const char *key, double *lo, double *hi)
{
    double v[2];
    int n = n2d2_params_list(p, key, v, 2);
    if (n < 0)
        return N2D2_OK;
    if (n != 2)
        return n2d2_params_error(p, key, N2D2_ERR_INVAL, "expected two numbers \"min max\", got %d",
                                 n);
    if (v[0] > v[1])
        return n2d2_params_error(p, key, N2D2_ERR_RANGE, "min %g is above max %g", v[0], v[1]);
    *lo = v[0];
    *hi = v[1];
    return N2D2_OK;
}
