/* Vectorisable float32 exp, tanh and logistic for the activation loops.
 * libm's expf/tanhf are scalar calls that no compiler vectorises without
 * -ffast-math, and tanh took half of a tanh network's training time. These
 * use only arithmetic, selects and bit moves, so `omp simd` loops vectorise
 * (no fminf/fmaxf: without -ffinite-math-only GCC calls libm for them,
 * which kept the loops scalar). exp and logistic give NaN for NaN; tanh
 * gives +-1 for it (as the earlier fminf-based version did).
 * Accuracy (tests/activations/test_fastmath.c): a few float ulps. */
#ifndef N2D2_ACT_FASTMATH_H
#define N2D2_ACT_FASTMATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/* e^x for x in [-87, 88] (a normal float result): x = n ln2 + r with
 * |r| <= ln2/2, e^r by its Taylor series to degree 7 (truncation below
 * 1e-8 relative), 2^n built in the exponent bits. */
static inline float n2d2_fast_expf_core(float x)
{
    /* n = round(x / ln2) by adding 1.5 2^23, which leaves n in the low
     * mantissa bits: adds and bit moves only (a float-to-int conversion
     * becomes a rounding call that GCC will not if-convert) */
    float k = x * 1.44269504088896341f + 12582912.0f;
    uint32_t kb;
    memcpy(&kb, &k, sizeof kb);
    float n = k - 12582912.0f;
    float r = x - n * 0.693359375f;  /* ln2 split in two parts so that  */
    r = r + n * 2.12194440e-4f;      /* n * ln2 is subtracted exactly  */
    float p = 1.0f / 5040.0f;
    p = p * r + 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    uint32_t bits = (kb - 0x4B400000u + 127u) << 23;
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

/* e^x over all floats: inputs are clamped to the range where the result
 * is a normal float; NaN stays NaN (comparisons with it are false). */
static inline float n2d2_fast_expf(float x)
{
    x = x < -87.0f ? -87.0f : x;
    x = x > 88.0f ? 88.0f : x;
    return n2d2_fast_expf_core(x);
}

/* min(a, b) of two non-negative floats (NaN counts as above +inf) by
 * their bit patterns, which order like the values: an integer min never
 * becomes a branch, whereas a float select with a constant arm can be
 * threaded into control flow by GCC, which then leaves the loop scalar. */
static inline float n2d2_fast_min_nonneg(float a, float b)
{
    int32_t ia, ib;
    memcpy(&ia, &a, sizeof ia);
    memcpy(&ib, &b, sizeof ib);
    ia = ia < ib ? ia : ib;
    memcpy(&a, &ia, sizeof a);
    return a;
}

/* tanh: an odd Taylor polynomial near zero (where 1 - 2/(e^2x + 1) would
 * cancel), the exponential form elsewhere. |x| is capped at 10, where the
 * exponential form already rounds to 1 (a NaN, above every bit pattern of
 * a number, is capped too: +-1). */
static inline float n2d2_fast_tanhf(float x)
{
    float a = n2d2_fast_min_nonneg(fabsf(x), 10.0f);
    float e = n2d2_fast_expf_core(2.0f * a);
    float far = 1.0f - 2.0f / (e + 1.0f);
    float a2 = a * a;
    float near = a * (1.0f + a2 * (-1.0f / 3.0f + a2 * (2.0f / 15.0f +
                 a2 * (-17.0f / 315.0f + a2 * (62.0f / 2835.0f)))));
    return copysignf(a < 0.25f ? near : far, x);
}

static inline float n2d2_fast_logisticf(float x)
{
    return 1.0f / (1.0f + n2d2_fast_expf(-x));
}

#endif
