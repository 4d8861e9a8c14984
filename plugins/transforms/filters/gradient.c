/* GradientFilterTransformation (manual 21.5.15), as N2D2 computes it: the
 * data is first scaled to [0, 1] by the type's maximum (255 for UInt8, 127
 * for Int8, 2^31-1 for Int32, 1 for floats), then with OpenCV's derivative
 * kernels (correlation, reflect-101 borders):
 * - Sobel (KernelSize 1, 3, ..., 31; 1 = [-1 0 1] without smoothing) and
 *   Scharr ([-1 0 1] x [3 10 3], KernelSize ignored): with dx = Scale gx +
 *   Delta and dy = Scale gy + Delta, the gradient is (|dx| + |dy|) / 2;
 * - Laplacian: |Scale (d2/dx2 + d2/dy2) + Delta| (KernelSize 1: the
 *   [0 1 0; 1 -4 1; 0 1 0] aperture).
 * Image mode: every channel, Float32 output. ApplyToLabels=1 keeps the
 * image and masks the pixel-wise labels instead: the gradient of the
 * channel mean is computed on the image resized by GradientScale
 * (bilinear), thresholded (1 where above Threshold, or at most Threshold
 * with InvThreshold=1), the mask resized back (bilinear, kept where > 0),
 * and the labels listed in `Label` (all when empty) become -1 (ignored)
 * where the mask is 0: low-gradient areas are ignored by default, high ones
 * with InvThreshold=1 (the manual's InvThreshold line says the reverse; its
 * ApplyToLabels line and N2D2 agree with this). */
#include <stdlib.h>
#include <string.h>

#include "ff.h"

#define WHO "GradientFilterTransformation"
#define MAX_LABELS 256
enum { SOBEL, SCHARR, LAPLACIAN };

static const n2d2_param_spec gradient_params[] = {
    {"Scale", N2D2_PARAM_FLOAT, "1.0", NULL, 0, 0, 0, "scale of the derivatives"},
    {"Delta", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 0, 0, "offset added to the derivatives"},
    {"GradientFilter", N2D2_PARAM_ENUM, "Sobel", "Sobel|Scharr|Laplacian", 0, 0, 0, "operator"},
    {"KernelSize", N2D2_PARAM_UINT, "3", NULL, 1, 31, N2D2_PARAM_RANGE,
     "odd kernel size (not used by Scharr)"},
    {"ApplyToLabels", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "mask the pixel-wise labels by the gradient, keep the image"},
    {"InvThreshold", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "ignore the high-gradient areas instead of the low ones"},
    {"Threshold", N2D2_PARAM_FLOAT, "0.5", NULL, 0, 0, 0, "gradient threshold"},
    {"Label", N2D2_PARAM_LIST, "", NULL, 0, 0, 0, "label IDs concerned (empty: all)"},
    {"GradientScale", N2D2_PARAM_FLOAT, "1.0", NULL, 0, 0, 0,
     "rescale the image by this factor for the gradient"},
};

typedef struct gradient {
    int filter, to_labels, inv;
    double scale, delta, threshold, gscale;
    size_t n;        /* kernels are n x n */
    double *kx, *ky; /* Laplacian: kx only */
    double labels[MAX_LABELS];
    size_t n_labels;
} gradient;

/* Coefficients of (1 + x)^(n-1-order) (x - 1)^order: OpenCV's Sobel
 * kernels (smoothing for order 0). */
static void deriv_kernel(size_t n, int order, double *k)
{
    memset(k, 0, n * sizeof *k);
    k[0] = 1.0;
    size_t len = 1;
    for (; len + (size_t)order < n; ++len) /* times (1 + x) */
        for (size_t j = len; j > 0; --j)
            k[j] += k[j - 1];
    for (int r = 0; r < order; ++r, ++len) { /* times (x - 1) */
        for (size_t j = len; j > 0; --j)
            k[j] = k[j - 1] - k[j];
        k[0] = -k[0];
    }
}

static double *outer(const double *rows, const double *cols, size_t n)
{
    double *k = malloc(n * n * sizeof *k);
    if (k)
        for (size_t i = 0; i < n; ++i)
            for (size_t j = 0; j < n; ++j)
                k[i * n + j] = rows[i] * cols[j];
    return k;
}

static void gradient_destroy(void *state)
{
    gradient *g = state;
    if (!g)
        return;
    free(g->kx);
    free(g->ky);
    free(g);
}

static n2d2_status make_kernels(gradient *g, size_t ksize)
{
    double d[32], s[32];
    if (g->filter == SCHARR) {
        g->n = 3;
        double dd[3] = {-1, 0, 1}, ss[3] = {3, 10, 3};
        g->kx = outer(ss, dd, 3);
        g->ky = outer(dd, ss, 3);
    } else if (g->filter == SOBEL) {
        g->n = ksize == 1 ? 3 : ksize;
        if (ksize == 1) {
            double dd[3] = {-1, 0, 1}, ss[3] = {0, 1, 0};
            g->kx = outer(ss, dd, 3);
            g->ky = outer(dd, ss, 3);
        } else {
            deriv_kernel(ksize, 1, d);
            deriv_kernel(ksize, 0, s);
            g->kx = outer(s, d, ksize);
            g->ky = outer(d, s, ksize);
        }
    } else if (ksize == 1) {
        g->n = 3;
        static const double lap[9] = {0, 1, 0, 1, -4, 1, 0, 1, 0};
        g->kx = malloc(sizeof lap);
        if (g->kx)
            memcpy(g->kx, lap, sizeof lap);
    } else {
        g->n = ksize;
        deriv_kernel(ksize, 2, d);
        deriv_kernel(ksize, 0, s);
        g->kx = outer(s, d, ksize);
        double *t = outer(d, s, ksize);
        if (g->kx && t)
            for (size_t i = 0; i < ksize * ksize; ++i)
                g->kx[i] += t[i];
        free(t);
        if (!t) {
            free(g->kx);
            g->kx = NULL;
        }
    }
    if (!g->kx || (g->filter != LAPLACIAN && !g->ky))
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    return N2D2_OK;
}

static n2d2_status gradient_create(const n2d2_params *p, void **state)
{
    gradient *g = calloc(1, sizeof *g);
    if (!g)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    g->filter = n2d2_params_enum(p, "GradientFilter");
    g->scale = n2d2_params_float(p, "Scale");
    g->delta = n2d2_params_float(p, "Delta");
    g->to_labels = n2d2_params_bool(p, "ApplyToLabels");
    g->inv = n2d2_params_bool(p, "InvThreshold");
    g->threshold = n2d2_params_float(p, "Threshold");
    g->gscale = n2d2_params_float(p, "GradientScale");
    size_t ksize = (size_t)n2d2_params_uint(p, "KernelSize");
    n2d2_status st = N2D2_OK;
    int n = n2d2_params_list(p, "Label", g->labels, MAX_LABELS);
    if (n > MAX_LABELS)
        st = n2d2_params_error(p, "Label", N2D2_ERR_RANGE, "at most %d labels", MAX_LABELS);
    g->n_labels = n > 0 ? (size_t)n : 0;
    if (st == N2D2_OK && ksize % 2 == 0)
        st = n2d2_params_error(p, "KernelSize", N2D2_ERR_INVAL, "must be odd, got %zu", ksize);
    if (st == N2D2_OK && !(g->gscale > 0.0))
        st =
            n2d2_params_error(p, "GradientScale", N2D2_ERR_RANGE, "must be > 0, got %g", g->gscale);
    if (st == N2D2_OK)
        st = make_kernels(g, ksize);
    if (st != N2D2_OK) {
        gradient_destroy(g);
        return st;
    }
    *state = g;
    return N2D2_OK;
}

/* Maximum of an integer type, the data's [0, 1] scale. */
static double type_max(n2d2_dtype dt)
{
    switch (dt) {
    case N2D2_UINT8: return 255.0;
    case N2D2_INT8: return 127.0;
    case N2D2_INT32: return 2147483647.0;
    default: return 1.0;
    }
}

/* Gradient of one plane into out (h x w). */
static n2d2_status plane_gradient(const gradient *g, const double *src, size_t h, size_t w,
                                  double *out)
{
    if (g->filter == LAPLACIAN) {
        ff_correlate(src, h, w, g->kx, g->n, g->n, out);
        for (size_t i = 0; i < h * w; ++i)
            out[i] = fabs(g->scale * out[i] + g->delta);
        return N2D2_OK;
    }
    double *gy = malloc(h * w * sizeof *gy);
    if (!gy)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    ff_correlate(src, h, w, g->kx, g->n, g->n, out);
    ff_correlate(src, h, w, g->ky, g->n, g->n, gy);
    for (size_t i = 0; i < h * w; ++i)
        out[i] = 0.5 * (fabs(g->scale * out[i] + g->delta) + fabs(g->scale * gy[i] + g->delta));
    free(gy);
    return N2D2_OK;
}

/* Bilinear resize (OpenCV INTER_LINEAR sampling: (x + 0.5) * in/out - 0.5,
 * clamped). */
static void resize(const double *src, size_t h, size_t w, double *dst, size_t oh, size_t ow)
{
    for (size_t y = 0; y < oh; ++y) {
        double fy = ((double)y + 0.5) * (double)h / (double)oh - 0.5;
        fy = fy < 0 ? 0 : fy > (double)(h - 1) ? (double)(h - 1) : fy;
        size_t y0 = (size_t)fy, y1 = y0 + 1 < h ? y0 + 1 : y0;
        double b = fy - (double)y0;
        for (size_t x = 0; x < ow; ++x) {
            double fx = ((double)x + 0.5) * (double)w / (double)ow - 0.5;
            fx = fx < 0 ? 0 : fx > (double)(w - 1) ? (double)(w - 1) : fx;
            size_t x0 = (size_t)fx, x1 = x0 + 1 < w ? x0 + 1 : x0;
            double a = fx - (double)x0;
            dst[y * ow + x] = (src[y0 * w + x0] * (1 - a) + src[y0 * w + x1] * a) * (1 - b) +
                              (src[y1 * w + x0] * (1 - a) + src[y1 * w + x1] * a) * b;
        }
    }
}

static int concerned(const gradient *g, int32_t label)
{
    if (g->n_labels == 0)
        return 1;
    for (size_t i = 0; i < g->n_labels; ++i)
        if ((double)label == g->labels[i])
            return 1;
    return 0;
}

static n2d2_status mask_labels(const gradient *g, const n2d2_tensor *img, n2d2_tensor **labels)
{
    size_t c = n2d2_tensor_dim(img, 0), h = n2d2_tensor_dim(img, 1), w = n2d2_tensor_dim(img, 2);
    n2d2_tensor *lab = *labels;
    if (!lab)
        return n2d2_error(N2D2_ERR_INVAL,
                          "%s: ApplyToLabels=1 needs pixel-wise labels, this "
                          "stimulus has none",
                          WHO);
    if (n2d2_tensor_dtype(lab) != N2D2_INT32 || n2d2_tensor_numel(lab) != h * w)
        return n2d2_error(N2D2_ERR_SHAPE, "%s: the pixel-wise labels must be Int32 {1, %zu, %zu}",
                          WHO, h, w);
    size_t oh = (size_t)lround((double)h * g->gscale), ow = (size_t)lround((double)w * g->gscale);
    oh = oh ? oh : 1;
    ow = ow ? ow : 1;
    double *v = ff_to_double(img), *mean = calloc(h * w + 1, sizeof *mean);
    double *small = malloc((oh * ow + 1) * sizeof *small),
           *grad = malloc((oh * ow + 1) * sizeof *grad);
    n2d2_status st = N2D2_OK;
    n2d2_tensor *out = NULL;
    if (!v || !mean || !small || !grad) {
        st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
        goto done;
    }
    double norm = type_max(n2d2_tensor_dtype(img)) * (double)c;
    for (size_t k = 0; k < c; ++k)
        for (size_t i = 0; i < h * w; ++i)
            mean[i] += v[k * h * w + i] / norm;
    resize(mean, h, w, small, oh, ow);
    if ((st = plane_gradient(g, small, oh, ow, grad)) != N2D2_OK)
        goto done;
    for (size_t i = 0; i < oh * ow; ++i) /* 1 = keep the label */
        grad[i] = (grad[i] > g->threshold) != g->inv ? 1.0 : 0.0;
    resize(grad, oh, ow, mean, h, w); /* the mask back to full size */
    if ((st = n2d2_tensor_clone(lab, &out)) != N2D2_OK)
        goto done;
    int32_t *l = n2d2_tensor_data(out);
    for (size_t i = 0; i < h * w; ++i)
        if (!(mean[i] > 0.0) && concerned(g, l[i]))
            l[i] = -1;
    n2d2_tensor_release(lab);
    *labels = out;
done:
    free(v);
    free(mean);
    free(small);
    free(grad);
    return st;
}

static n2d2_status gradient_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                                  n2d2_set set, n2d2_rng *rng)
{
    (void)label;
    (void)set;
    (void)rng;
    const gradient *g = state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    size_t c = n2d2_tensor_dim(*data, 0), h = n2d2_tensor_dim(*data, 1),
           w = n2d2_tensor_dim(*data, 2), plane = h * w;
    if (plane == 0)
        return N2D2_OK;
    if (g->to_labels)
        return mask_labels(g, *data, labels);
    double *v = ff_to_double(*data), *out = malloc(c * plane * sizeof *out);
    if (!v || !out)
        st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    double norm = type_max(n2d2_tensor_dtype(*data));
    for (size_t i = 0; i < c * plane && st == N2D2_OK; ++i)
        v[i] /= norm;
    for (size_t k = 0; k < c && st == N2D2_OK; ++k)
        st = plane_gradient(g, v + k * plane, h, w, out + k * plane);
    if (st == N2D2_OK)
        st = ff_replace(data, N2D2_FLOAT32, c, h, w, out);
    free(v);
    free(out);
    return st;
}

static const n2d2_transform_ops gradient_ops = {sizeof(n2d2_transform_ops),
                                                N2D2_TRANSFORM_CHANGES_RANGE,
                                                gradient_create,
                                                gradient_apply,
                                                tf_same_shape,
                                                gradient_destroy,
                                                {0}};

const n2d2_feature ff_gradient_feature = {
    sizeof(n2d2_feature),
    N2D2_KIND_TRANSFORM,
    "GradientFilterTransformation",
    NULL,
    "Sobel, Scharr or Laplacian gradient (float output), or gradient-based label masking",
    gradient_params,
    TF_COUNT_OF(gradient_params),
    &gradient_ops,
    0,
    {0}};
