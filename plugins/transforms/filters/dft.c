/* DFTTransformation (manual 21.5.9): discrete Fourier transform, output
 * {2, H, W} Float32 (Float64 input: Float64), channel 0 the real part and
 * channel 1 the imaginary part; X[k] = sum_n x[n] exp(-2 i pi k n / N), not
 * scaled (OpenCV's dft). TwoDimensional=1: 2-D DFT of the image; 0: 1-D
 * DFT of every row. Input: one channel (real), or two channels taken as
 * (real, imaginary) — an extension so that a DFT output can be transformed
 * again. As N2D2 (OpenCV's getOptimalDFTSize), the data is first padded
 * with zeros at the bottom and right to the next sizes of the form
 * 2^a 3^b 5^c (in both dimensions, also for TwoDimensional=0), so a 28 x 28
 * image gives 2 x 30 x 30, and a mixed-radix (2, 3, 5) FFT does the rest. */
#include <stdlib.h>
#include <string.h>

#include "ff.h"

#define WHO "DFTTransformation"

static const n2d2_param_spec dft_params[] = {
    {"TwoDimensional", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "1: 2-D DFT of the image; 0: 1-D DFT of every row"},
};

/* Smallest m >= n of the form 2^a 3^b 5^c. */
static size_t optimal_size(size_t n)
{
    for (size_t m = n ? n : 1;; ++m) {
        size_t r = m;
        while (r % 2 == 0)
            r /= 2;
        while (r % 3 == 0)
            r /= 3;
        while (r % 5 == 0)
            r /= 5;
        if (r == 1)
            return m;
    }
}

static n2d2_status dft_create(const n2d2_params *p, void **state)
{
    int *two = malloc(sizeof *two);
    if (!two)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    *two = n2d2_params_bool(p, "TwoDimensional");
    *state = two;
    return N2D2_OK;
}

/* Out-of-place mixed-radix FFT (decimation in time): the n inputs
 * (ir, ii)[j * stride] into the contiguous (or, oi)[0..n). The padded sizes
 * have only the factors 2, 3 and 5; any other length (or leftover factor)
 * gets a direct DFT. */
static void fft(const double *ir, const double *ii, size_t n, size_t stride, double *or_,
                double *oi)
{
    size_t p = n % 2 == 0 ? 2 : n % 3 == 0 ? 3 : n % 5 == 0 ? 5 : n;
    if (n == 1) {
        or_[0] = ir[0];
        oi[0] = ii[0];
        return;
    }
    if (p == n) { /* direct DFT; (k j) mod n keeps the angle exact */
        for (size_t k = 0; k < n; ++k) {
            double sr = 0.0, si = 0.0;
            for (size_t j = 0; j < n; ++j) {
                double ang = -2.0 * M_PI * (double)((k * j) % n) / (double)n;
                double c = cos(ang), s = sin(ang);
                sr += ir[j * stride] * c - ii[j * stride] * s;
                si += ir[j * stride] * s + ii[j * stride] * c;
            }
            or_[k] = sr;
            oi[k] = si;
        }
        return;
    }
    size_t m = n / p;
    for (size_t r = 0; r < p; ++r) /* sub-sequence r: inputs r, r + p, ... */
        fft(ir + r * stride, ii + r * stride, m, stride * p, or_ + r * m, oi + r * m);
    for (size_t k = 0; k < m; ++k) {
        /* X[k + q m] = sum_r W^(r (k + q m)) Y_r[k], W = exp(-2 i pi / n);
         * reads and writes the same p slots k + r m */
        double yr[5], yi[5];
        for (size_t r = 0; r < p; ++r) {
            yr[r] = or_[k + r * m];
            yi[r] = oi[k + r * m];
        }
        for (size_t q = 0; q < p; ++q) {
            double sr = 0.0, si = 0.0;
            for (size_t r = 0; r < p; ++r) {
                double ang = -2.0 * M_PI * (double)((r * (k + q * m)) % n) / (double)n;
                double c = cos(ang), s = sin(ang);
                sr += yr[r] * c - yi[r] * s;
                si += yr[r] * s + yi[r] * c;
            }
            or_[k + q * m] = sr;
            oi[k + q * m] = si;
        }
    }
}

/* In-place DFT of n complex values (re[i*stride], im[i*stride]); tmp holds
 * 4n doubles. */
static void dft_1d(double *re, double *im, size_t n, size_t stride, double *tmp)
{
    double *tr = tmp, *ti = tmp + n, *outr = tmp + 2 * n, *outi = tmp + 3 * n;
    for (size_t i = 0; i < n; ++i) {
        tr[i] = re[i * stride];
        ti[i] = im[i * stride];
    }
    fft(tr, ti, n, 1, outr, outi);
    for (size_t i = 0; i < n; ++i) {
        re[i * stride] = outr[i];
        im[i * stride] = outi[i];
    }
}

static n2d2_status dft_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                             n2d2_set set, n2d2_rng *rng)
{
    (void)labels;
    (void)label;
    (void)set;
    (void)rng;
    int two = *(const int *)state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    size_t c = n2d2_tensor_dim(*data, 0), ih = n2d2_tensor_dim(*data, 1),
           iw = n2d2_tensor_dim(*data, 2);
    size_t h = optimal_size(ih), w = optimal_size(iw), plane = h * w;
    if (c != 1 && c != 2)
        return n2d2_error(N2D2_ERR_SHAPE,
                          "%s: expected single-channel data (or 2 channels: real, "
                          "imaginary), got %zu channels",
                          WHO, c);
    double *v = calloc(2 * plane, sizeof *v);
    double *tmp = malloc(4 * (h > w ? h : w) * sizeof *tmp + 1);
    double *in = ff_to_double(*data);
    if (!v || !tmp || !in) {
        free(v);
        free(tmp);
        free(in);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    for (size_t k = 0; k < c; ++k)
        for (size_t y = 0; y < ih; ++y)
            memcpy(v + k * plane + y * w, in + (k * ih + y) * iw, iw * sizeof *v);
    free(in);
    double *re = v, *im = v + plane;
    for (size_t y = 0; y < h; ++y)
        dft_1d(re + y * w, im + y * w, w, 1, tmp);
    if (two)
        for (size_t x = 0; x < w; ++x)
            dft_1d(re + x, im + x, h, w, tmp);
    free(tmp);
    st = ff_replace(data, tf_float_type(n2d2_tensor_dtype(*data)), 2, h, w, v);
    free(v);
    return st;
}

static n2d2_status dft_shape(void *state, const n2d2_shape *in, n2d2_shape *out)
{
    (void)state;
    *out = *in;
    out->dims[0] = 2;
    out->dims[1] = optimal_size(in->dims[1]);
    out->dims[2] = optimal_size(in->dims[2]);
    return N2D2_OK;
}

static const n2d2_transform_ops dft_ops = {sizeof(n2d2_transform_ops),
                                           N2D2_TRANSFORM_CHANGES_RANGE,
                                           dft_create,
                                           dft_apply,
                                           dft_shape,
                                           free,
                                           {0}};

const n2d2_feature ff_dft_feature = {
    sizeof(n2d2_feature),
    N2D2_KIND_TRANSFORM,
    "DFTTransformation",
    NULL,
    "discrete Fourier transform: 2 channels (real, imaginary), zero-padded to 2^a 3^b 5^c sizes",
    dft_params,
    TF_COUNT_OF(dft_params),
    &dft_ops,
    0,
    {0}};
