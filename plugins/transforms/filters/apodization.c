/* ApodizationTransformation (manual 21.5.2): multiply every data row by a
 * window w[n], n = 0..N-1, N = Size = number of columns:
 *   Rectangular 1; Hann 0.5 - 0.5 cos(2 pi n/(N-1)); Hamming
 *   0.54 - 0.46 cos(2 pi n/(N-1)); Cosine sin(pi n/(N-1));
 *   Gaussian exp(-0.5 ((n - (N-1)/2) / (sigma (N-1)/2))^2);
 *   Blackman (1-a)/2 - cos(2 pi n/(N-1))/2 + a/2 cos(4 pi n/(N-1));
 *   Kaiser I0(beta sqrt(1 - (2n/(N-1) - 1)^2)) / I0(beta).
 * The window's key is written `WindowName.Sigma` in the manual (checklist
 * A20): both that literal spelling and the window's own name
 * (`Gaussian.Sigma`, `Blackman.Alpha`, `Kaiser.Beta`) are accepted, not
 * both at once. Output floating point. */
#include <stdlib.h>

#include "ff.h"

#define WHO "ApodizationTransformation"
enum { RECT, HANN, HAMMING, COSINE, GAUSSIAN, BLACKMAN, KAISER };

static const n2d2_param_spec apodization_params[] = {
    {"Size", N2D2_PARAM_UINT, NULL, NULL, 1, 1e7, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "window size (must equal the number of data columns)"},
    {"WindowName", N2D2_PARAM_ENUM, "Rectangular",
     "Rectangular|Hann|Hamming|Cosine|Gaussian|Blackman|Kaiser", 0, 0, 0, "window"},
    {"WindowName.Sigma", N2D2_PARAM_FLOAT, NULL, NULL, 0, 0, 0, "Gaussian sigma [0.4]"},
    {"Gaussian.Sigma", N2D2_PARAM_FLOAT, NULL, NULL, 0, 0, 0, "same as WindowName.Sigma"},
    {"WindowName.Alpha", N2D2_PARAM_FLOAT, NULL, NULL, 0, 0, 0, "Blackman alpha [0.16]"},
    {"Blackman.Alpha", N2D2_PARAM_FLOAT, NULL, NULL, 0, 0, 0, "same as WindowName.Alpha"},
    {"WindowName.Beta", N2D2_PARAM_FLOAT, NULL, NULL, 0, 0, 0, "Kaiser beta [5.0]"},
    {"Kaiser.Beta", N2D2_PARAM_FLOAT, NULL, NULL, 0, 0, 0, "same as WindowName.Beta"},
};

typedef struct apodization {
    size_t size;
    double *w;
} apodization;

/* Modified Bessel function of the first kind, order 0 (power series). */
static double bessel_i0(double x)
{
    double sum = 1.0, term = 1.0, q = x * x / 4.0;
    for (int k = 1; k < 500 && term > 1e-17 * sum; ++k) {
        term *= q / ((double)k * (double)k);
        sum += term;
    }
    return sum;
}

/* Value of the window parameter: literal or window-named key, or default. */
static n2d2_status window_param(const n2d2_params *p, const char *literal, const char *named,
                                double def, double *out)
{
    int a = n2d2_params_given(p, literal), b = n2d2_params_given(p, named);
    if (a && b)
        return n2d2_params_error(p, named, N2D2_ERR_INVAL,
                                 "%s and %s are the same parameter: "
                                 "give only one",
                                 literal, named);
    *out = a ? n2d2_params_float(p, literal) : b ? n2d2_params_float(p, named) : def;
    return N2D2_OK;
}

static n2d2_status apodization_create(const n2d2_params *p, void **state)
{
    size_t n = (size_t)n2d2_params_uint(p, "Size");
    int win = n2d2_params_enum(p, "WindowName");
    double sigma = 0.4, alpha = 0.16, beta = 5.0;
    n2d2_status st = window_param(p, "WindowName.Sigma", "Gaussian.Sigma", 0.4, &sigma);
    if (st == N2D2_OK)
        st = window_param(p, "WindowName.Alpha", "Blackman.Alpha", 0.16, &alpha);
    if (st == N2D2_OK)
        st = window_param(p, "WindowName.Beta", "Kaiser.Beta", 5.0, &beta);
    if (st != N2D2_OK)
        return st;
    if (win == GAUSSIAN && !(sigma > 0.0))
        return n2d2_params_error(
            p, n2d2_params_given(p, "Gaussian.Sigma") ? "Gaussian.Sigma" : "WindowName.Sigma",
            N2D2_ERR_RANGE, "sigma must be > 0, got %g", sigma);
    apodization *a = calloc(1, sizeof *a);
    double *w = malloc(n * sizeof *w);
    if (!a || !w) {
        free(a);
        free(w);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    double m = n > 1 ? (double)(n - 1) : 1.0; /* N = 1: every window is w[0] = its centre */
    for (size_t i = 0; i < n; ++i) {
        double x = n > 1 ? (double)i : 0.5 * m, t = 2.0 * M_PI * x / m;
        switch (win) {
        case RECT: w[i] = 1.0; break;
        case HANN: w[i] = 0.5 - 0.5 * cos(t); break;
        case HAMMING: w[i] = 0.54 - 0.46 * cos(t); break;
        case COSINE: w[i] = sin(M_PI * x / m); break;
        case GAUSSIAN: {
            double z = (x - m / 2.0) / (sigma * m / 2.0);
            w[i] = exp(-0.5 * z * z);
            break;
        }
        case BLACKMAN:
            w[i] = (1.0 - alpha) / 2.0 - 0.5 * cos(t) + alpha / 2.0 * cos(2.0 * t);
            break;
        default: {
            double r = 2.0 * x / m - 1.0;
            w[i] = bessel_i0(beta * sqrt(fmax(0.0, 1.0 - r * r))) / bessel_i0(beta);
            break;
        }
        }
    }
    a->size = n;
    a->w = w;
    *state = a;
    return N2D2_OK;
}

static void apodization_destroy(void *state)
{
    apodization *a = state;
    if (a)
        free(a->w);
    free(a);
}

static n2d2_status apodization_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels,
                                     int *label, n2d2_set set, n2d2_rng *rng)
{
    (void)labels;
    (void)label;
    (void)set;
    (void)rng;
    const apodization *a = state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    size_t c = n2d2_tensor_dim(*data, 0), h = n2d2_tensor_dim(*data, 1),
           w = n2d2_tensor_dim(*data, 2);
    if (w != a->size)
        return n2d2_error(N2D2_ERR_SHAPE, "%s: Size=%zu but the data has %zu column(s)", WHO,
                          a->size, w);
    double *v = ff_to_double(*data);
    if (!v)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < c * h * w; ++i)
        v[i] *= a->w[i % w];
    st = ff_replace(data, tf_float_type(n2d2_tensor_dtype(*data)), c, h, w, v);
    free(v);
    return st;
}

static const n2d2_transform_ops apodization_ops = {sizeof(n2d2_transform_ops),
                                                   N2D2_TRANSFORM_CHANGES_RANGE,
                                                   apodization_create,
                                                   apodization_apply,
                                                   tf_same_shape,
                                                   apodization_destroy,
                                                   {0}};

const n2d2_feature ff_apodization_feature = {
    sizeof(n2d2_feature),
    N2D2_KIND_TRANSFORM,
    "ApodizationTransformation",
    NULL,
    "multiply every data row by a window (Hann, Hamming, Kaiser...; float output)",
    apodization_params,
    TF_COUNT_OF(apodization_params),
    &apodization_ops,
    0,
    {0}};
