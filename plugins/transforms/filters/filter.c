/* FilterTransformation (manual 21.5.13): 2-D correlation of every channel
 * with a kernel (OpenCV filter2D, as N2D2: anchor at the kernel centre,
 * reflect-101 borders, the data type kept, integer results rounded and
 * saturated). Kernels as N2D2 builds them, with (x, y) measured from the
 * kernel centre ((Size-1)/2) and r^2 = x^2 + y^2:
 * - `*`: Kernel.Mat, row-major, not normalised; Kernel.SizeX/SizeY both 0
 *   means a square kernel, one 0 is inferred from the value count.
 * - Gaussian: exp(-r^2 / (2 s^2)) / (2 pi s^2) (not rescaled to sum 1).
 * - LoG: -(1 - r^2 / (2 s^2)) exp(-r^2 / (2 s^2)) / (pi s^4), then
 *   zero-summing (positive coefficients divided by their sum, negative
 *   ones by the absolute sum of the negatives).
 * - DoG: (exp(-r^2 / (2 s1^2)) / s1 - exp(-r^2 / (2 s2^2)) / s2) /
 *   sqrt(2 pi), zero-summing.
 * - Gabor: exp(-(x'^2 + Gamma^2 y'^2) / (2 s^2)) cos(2 pi x' / Lambda + Psi)
 *   / (2 pi s^2 / Gamma) with x' = x cos(Theta) + y sin(Theta),
 *   y' = -x sin(Theta) + y cos(Theta), zero-summing. Theta and Psi are in
 *   degrees (N2D2 converts both); Psi defaults to 90 degrees, the manual's
 *   pi/2 radians.
 * Kernel.Positive=0 negates the Gaussian, LoG and DoG kernels (N2D2's
 * behaviour; note the LoG and DoG formulas have a negative centre, so the
 * manual's "centre positive" holds for the Gaussian). Keys of another
 * kernel are refused. */
#include <stdlib.h>
#include <string.h>

#include "ff.h"

#define WHO "FilterTransformation"
enum { CUSTOM, GAUSSIAN, LOG, DOG, GABOR };

static const n2d2_param_spec filter_params[] = {
    {"Kernel", N2D2_PARAM_ENUM, NULL, "*|Gaussian|LoG|DoG|Gabor", 0, 0, N2D2_PARAM_REQUIRED,
     "kernel: * (custom), Gaussian, LoG, DoG or Gabor"},
    {"Kernel.SizeX", N2D2_PARAM_UINT, "0", NULL, 0, 4096, N2D2_PARAM_RANGE,
     "kernel width (required but for *)"},
    {"Kernel.SizeY", N2D2_PARAM_UINT, "0", NULL, 0, 4096, N2D2_PARAM_RANGE,
     "kernel height (required but for *)"},
    {"Kernel.Mat", N2D2_PARAM_LIST, NULL, NULL, 0, 0, 0, "custom kernel, row-major"},
    {"Kernel.Positive", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "0: negated kernel (Gaussian, LoG, DoG)"},
    {"Kernel.Sigma", N2D2_PARAM_FLOAT, "1.4142135623730951", NULL, 0, 0, 0,
     "sigma (Gaussian, LoG, Gabor)"},
    {"Kernel.Sigma1", N2D2_PARAM_FLOAT, "2.0", NULL, 0, 0, 0, "first sigma (DoG)"},
    {"Kernel.Sigma2", N2D2_PARAM_FLOAT, "1.0", NULL, 0, 0, 0, "second sigma (DoG)"},
    {"Kernel.Theta", N2D2_PARAM_FLOAT, NULL, NULL, 0, 0, 0, "orientation in degrees (Gabor)"},
    {"Kernel.Lambda", N2D2_PARAM_FLOAT, "10.0", NULL, 0, 0, 0, "wavelength (Gabor)"},
    {"Kernel.Psi", N2D2_PARAM_FLOAT, "90.0", NULL, 0, 0, 0, "phase offset in degrees (Gabor)"},
    {"Kernel.Gamma", N2D2_PARAM_FLOAT, "0.5", NULL, 0, 0, 0, "aspect ratio (Gabor)"},
};

typedef struct filter {
    size_t kw, kh;
    double *k;
} filter;

/* Which kernels use each optional key (bit per kernel). */
static const struct {
    const char *key;
    unsigned kernels;
} key_use[] = {
    {"Kernel.Mat", 1u << CUSTOM},
    {"Kernel.Positive", 1u << GAUSSIAN | 1u << LOG | 1u << DOG},
    {"Kernel.Sigma", 1u << GAUSSIAN | 1u << LOG | 1u << GABOR},
    {"Kernel.Sigma1", 1u << DOG},
    {"Kernel.Sigma2", 1u << DOG},
    {"Kernel.Theta", 1u << GABOR},
    {"Kernel.Lambda", 1u << GABOR},
    {"Kernel.Psi", 1u << GABOR},
    {"Kernel.Gamma", 1u << GABOR},
};
static const char *const kernel_names[] = {"*", "Gaussian", "LoG", "DoG", "Gabor"};

/* N2D2's zero-summing normalisation: positives sum to 1, negatives to -1. */
static void zero_summing(double *k, size_t n)
{
    double pos = 0.0, neg = 0.0;
    for (size_t i = 0; i < n; ++i) {
        if (k[i] > 0.0)
            pos += k[i];
        else
            neg -= k[i];
    }
    pos = pos > 0.0 ? pos : 1.0;
    neg = neg > 0.0 ? neg : 1.0;
    for (size_t i = 0; i < n; ++i)
        k[i] /= k[i] > 0.0 ? pos : neg;
}

static n2d2_status positive_sigma(const n2d2_params *p, const char *key, double *out)
{
    *out = n2d2_params_float(p, key);
    if (!(*out > 0.0))
        return n2d2_params_error(p, key, N2D2_ERR_RANGE, "must be > 0, got %g", *out);
    return N2D2_OK;
}

static n2d2_status custom_kernel(const n2d2_params *p, filter *f)
{
    if (!n2d2_params_given(p, "Kernel.Mat"))
        return n2d2_params_error(p, "Kernel", N2D2_ERR_NOT_FOUND,
                                 "Kernel=* needs Kernel.Mat (row-major coefficients)");
    int n = n2d2_params_list(p, "Kernel.Mat", NULL, 0);
    if (n <= 0)
        return n2d2_params_error(p, "Kernel.Mat", N2D2_ERR_INVAL, "expected at least one value");
    size_t kw = f->kw, kh = f->kh, count = (size_t)n;
    if (!kw && !kh) {
        kw = kh = (size_t)lround(sqrt((double)count));
        if (kw * kh != count)
            return n2d2_params_error(p, "Kernel.Mat", N2D2_ERR_SHAPE,
                                     "%zu values do not make a square kernel: give Kernel.SizeX "
                                     "and Kernel.SizeY",
                                     count);
    } else if (!kw || !kh) {
        size_t known = kw ? kw : kh;
        if (count % known)
            return n2d2_params_error(p, "Kernel.Mat", N2D2_ERR_SHAPE,
                                     "%zu values are not a multiple of the kernel %s %zu", count,
                                     kw ? "width" : "height", known);
        kw = kw ? kw : count / known;
        kh = kh ? kh : count / known;
    }
    if (kw * kh != count)
        return n2d2_params_error(p, "Kernel.Mat", N2D2_ERR_SHAPE,
                                 "%zu values for a %zu x %zu kernel (SizeX x SizeY)", count, kw,
                                 kh);
    f->kw = kw;
    f->kh = kh;
    f->k = malloc(count * sizeof *f->k);
    if (!f->k)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    n2d2_params_list(p, "Kernel.Mat", f->k, count);
    return N2D2_OK;
}

static n2d2_status build(const n2d2_params *p, int type, filter *f)
{
    f->kw = (size_t)n2d2_params_uint(p, "Kernel.SizeX");
    f->kh = (size_t)n2d2_params_uint(p, "Kernel.SizeY");
    if (type == CUSTOM)
        return custom_kernel(p, f);
    if (!f->kw || !f->kh)
        return n2d2_params_error(p, f->kw ? "Kernel.SizeY" : "Kernel.SizeX", N2D2_ERR_INVAL,
                                 "Kernel=%s needs Kernel.SizeX and Kernel.SizeY > 0",
                                 kernel_names[type]);
    if (type == GABOR && !n2d2_params_given(p, "Kernel.Theta"))
        return n2d2_params_error(p, "Kernel", N2D2_ERR_NOT_FOUND,
                                 "Kernel=Gabor needs Kernel.Theta (degrees)");
    size_t n = f->kw * f->kh;
    f->k = calloc(n, sizeof *f->k);
    if (!f->k)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    double s1 = 0.0, s2 = 0.0;
    const char *sigma_key = type == DOG ? "Kernel.Sigma1" : "Kernel.Sigma";
    n2d2_status st = positive_sigma(p, sigma_key, &s1);
    if (st == N2D2_OK && type == DOG)
        st = positive_sigma(p, "Kernel.Sigma2", &s2);
    double theta = n2d2_params_float(p, "Kernel.Theta") * M_PI / 180.0;
    double psi = n2d2_params_float(p, "Kernel.Psi") * M_PI / 180.0;
    double lambda = n2d2_params_float(p, "Kernel.Lambda"),
           gamma = n2d2_params_float(p, "Kernel.Gamma");
    if (st == N2D2_OK && type == GABOR && (lambda == 0.0 || gamma == 0.0))
        st = n2d2_params_error(p, lambda == 0.0 ? "Kernel.Lambda" : "Kernel.Gamma", N2D2_ERR_RANGE,
                               "must not be 0");
    for (size_t i = 0; i < f->kh && st == N2D2_OK; ++i)
        for (size_t j = 0; j < f->kw; ++j) {
            double y = (double)i - (double)(f->kh - 1) / 2.0;
            double x = (double)j - (double)(f->kw - 1) / 2.0, r2 = x * x + y * y;
            double q1 = r2 / (2.0 * s1 * s1);
            double *k = &f->k[i * f->kw + j];
            switch (type) {
            case GAUSSIAN: *k = exp(-q1) / (2.0 * M_PI * s1 * s1); break;
            case LOG: *k = -(1.0 - q1) * exp(-q1) / (M_PI * s1 * s1 * s1 * s1); break;
            case DOG:
                *k = (exp(-q1) / s1 - exp(-r2 / (2.0 * s2 * s2)) / s2) / sqrt(2.0 * M_PI);
                break;
            default: {
                double xr = x * cos(theta) + y * sin(theta);
                double yr = -x * sin(theta) + y * cos(theta);
                *k = exp(-(xr * xr + gamma * gamma * yr * yr) / (2.0 * s1 * s1)) *
                     cos(2.0 * M_PI * xr / lambda + psi) * gamma / (2.0 * M_PI * s1 * s1);
                break;
            }
            }
        }
    if (st == N2D2_OK && type != GAUSSIAN)
        zero_summing(f->k, n);
    if (st == N2D2_OK && type != GABOR && !n2d2_params_bool(p, "Kernel.Positive"))
        for (size_t i = 0; i < n; ++i)
            f->k[i] = -f->k[i];
    return st;
}

static void filter_destroy(void *state)
{
    filter *f = state;
    if (f)
        free(f->k);
    free(f);
}

static n2d2_status filter_create(const n2d2_params *p, void **state)
{
    int type = n2d2_params_enum(p, "Kernel");
    for (size_t i = 0; i < TF_COUNT_OF(key_use); ++i)
        if (n2d2_params_given(p, key_use[i].key) && !(key_use[i].kernels & (1u << type)))
            return n2d2_params_error(p, key_use[i].key, N2D2_ERR_INVAL,
                                     "%s is not a parameter of Kernel=%s", key_use[i].key,
                                     kernel_names[type]);
    filter *f = calloc(1, sizeof *f);
    if (!f)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    n2d2_status st = build(p, type, f);
    if (st != N2D2_OK) {
        filter_destroy(f);
        return st;
    }
    *state = f;
    return N2D2_OK;
}

static n2d2_status filter_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                                n2d2_set set, n2d2_rng *rng)
{
    (void)labels;
    (void)label;
    (void)set;
    (void)rng;
    const filter *f = state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    size_t c = n2d2_tensor_dim(*data, 0), h = n2d2_tensor_dim(*data, 1),
           w = n2d2_tensor_dim(*data, 2), plane = h * w;
    double *v = ff_to_double(*data), *out = malloc((c * plane + 1) * sizeof *out);
    if (!v || !out) {
        free(v);
        free(out);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    for (size_t k = 0; k < c && plane; ++k)
        ff_correlate(v + k * plane, h, w, f->k, f->kh, f->kw, out + k * plane);
    st = ff_replace(data, n2d2_tensor_dtype(*data), c, h, w, out);
    free(v);
    free(out);
    return st;
}

static const n2d2_transform_ops filter_ops = {
    sizeof(n2d2_transform_ops), 0, filter_create, filter_apply, tf_same_shape, filter_destroy, {0}};

const n2d2_feature ff_filter_feature = {
    sizeof(n2d2_feature),
    N2D2_KIND_TRANSFORM,
    "FilterTransformation",
    NULL,
    "2-D convolution with a custom, Gaussian, LoG, DoG or Gabor kernel",
    filter_params,
    TF_COUNT_OF(filter_params),
    &filter_ops,
    0,
    {0}};
