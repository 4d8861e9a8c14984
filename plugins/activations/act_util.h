/* Shared helpers of the activation plugin: argument checks, a two-number
 * parameter state, and element-wise loop macros written once for Float32
 * and Float64 (the expression uses <tgmath.h> functions, so a float loop
 * calls expf/tanhf, not exp/tanh). Loops of selects and arithmetic
 * vectorise; large tensors are split over OpenMP threads, and the result
 * does not depend on the thread count. */
#ifndef N2D2_ACT_UTIL_H
#define N2D2_ACT_UTIL_H

#include <stddef.h>

#include "n2d2/n2d2.h"

/* Below this many elements the loop stays on one thread: forking costs
 * more than it saves. */
#define N2D2_ACT_PARALLEL_MIN 16384

/* SIMD: loops of selects and arithmetic. CALL: loops that call libm
 * (exp, tanh...), which compilers cannot vectorise without -ffast-math;
 * asking for simd there only earns a warning. */
#ifdef _OPENMP
#define N2D2_ACT_PRAGMA_SIMD _Pragma("omp parallel for simd if(parallel: n_ >= N2D2_ACT_PARALLEL_MIN) schedule(static)")
#define N2D2_ACT_PRAGMA_CALL _Pragma("omp parallel for if(n_ >= N2D2_ACT_PARALLEL_MIN) schedule(static)")
#else
#define N2D2_ACT_PRAGMA_SIMD
#define N2D2_ACT_PRAGMA_CALL
#endif

/* out[i] = EXPR for every i < n. EXPR may use `a` (= in1[i]), `b`
 * (= in2[i], LOOP2 only), the parameters P0 and P1 and the constants ZERO,
 * ONE, all of the loop's element type. out may alias in1 or in2. KIND is
 * SIMD or CALL (pasted onto N2D2_ACT_PRAGMA_, so the pragma is expanded
 * here and never inside a macro argument). */
#define N2D2_ACT_LOOP1(KIND, T, n, out, in1, p0, p1, EXPR)                                     \
    do {                                                                                       \
        const T *const a_ = (const T *)(in1);                                                  \
        T *const o_ = (T *)(out);                                                              \
        const T P0 = (T)(p0), P1 = (T)(p1), ZERO = (T)0, ONE = (T)1;                           \
        const size_t n_ = (n);                                                                 \
        (void)P0, (void)P1, (void)ZERO, (void)ONE;                                             \
        N2D2_ACT_PRAGMA_##KIND                                                                 \
        for (size_t i_ = 0; i_ < n_; ++i_) {                                                   \
            const T a = a_[i_];                                                                \
            o_[i_] = (T)(EXPR);                                                                \
        }                                                                                      \
    } while (0)

#define N2D2_ACT_LOOP2(KIND, T, n, out, in1, in2, p0, p1, EXPR)                                \
    do {                                                                                       \
        const T *const a_ = (const T *)(in1);                                                  \
        const T *const b_ = (const T *)(in2);                                                  \
        T *const o_ = (T *)(out);                                                              \
        const T P0 = (T)(p0), P1 = (T)(p1), ZERO = (T)0, ONE = (T)1;                           \
        const size_t n_ = (n);                                                                 \
        (void)P0, (void)P1, (void)ZERO, (void)ONE;                                             \
        N2D2_ACT_PRAGMA_##KIND                                                                 \
        for (size_t i_ = 0; i_ < n_; ++i_) {                                                   \
            const T a = a_[i_];                                                                \
            const T b = b_[i_];                                                                \
            o_[i_] = (T)(EXPR);                                                                \
        }                                                                                      \
    } while (0)

/* y = EXPR(a = x) over a checked pair of tensors. */
#define N2D2_ACT_MAP1(KIND, out_t, in_t, p0, p1, EXPR)                                         \
    do {                                                                                       \
        size_t count_ = n2d2_tensor_numel(out_t);                                              \
        void *out_d_ = n2d2_tensor_data(out_t);                                                \
        const void *in_d_ = n2d2_tensor_cdata(in_t);                                           \
        if (n2d2_tensor_dtype(out_t) == N2D2_FLOAT32)                                          \
            N2D2_ACT_LOOP1(KIND, float, count_, out_d_, in_d_, p0, p1, EXPR);                  \
        else                                                                                   \
            N2D2_ACT_LOOP1(KIND, double, count_, out_d_, in_d_, p0, p1, EXPR);                 \
    } while (0)

/* out = EXPR(a = in1, b = in2). */
#define N2D2_ACT_MAP2(KIND, out_t, in1_t, in2_t, p0, p1, EXPR)                                 \
    do {                                                                                       \
        size_t count_ = n2d2_tensor_numel(out_t);                                              \
        void *out_d_ = n2d2_tensor_data(out_t);                                                \
        const void *in1_d_ = n2d2_tensor_cdata(in1_t);                                         \
        const void *in2_d_ = n2d2_tensor_cdata(in2_t);                                         \
        if (n2d2_tensor_dtype(out_t) == N2D2_FLOAT32)                                          \
            N2D2_ACT_LOOP2(KIND, float, count_, out_d_, in1_d_, in2_d_, p0, p1, EXPR);         \
        else                                                                                   \
            N2D2_ACT_LOOP2(KIND, double, count_, out_d_, in1_d_, in2_d_, p0, p1, EXPR);        \
    } while (0)

/* Hot float loops are compiled twice, for the x86-64 baseline and for
 * x86-64-v3 (AVX2 + FMA), and the loader picks the clone the CPU runs
 * (GCC/Clang function multiversioning, an ifunc): binaries still run on any
 * x86-64. Elsewhere the attribute vanishes. A clone rounds differently
 * (FMA), so results are reproducible per machine, not across machines. */
#if defined(__x86_64__) && defined(__has_attribute) && !defined(N2D2_NO_TARGET_CLONES)
#if __has_attribute(target_clones)
#define N2D2_ACT_CLONES __attribute__((target_clones("arch=x86-64-v3", "default")))
#endif
#endif
#ifndef N2D2_ACT_CLONES
#define N2D2_ACT_CLONES
#endif

/* out[i] = f(in[i]) for i < n, one contiguous span (p0, p1: parameters). */
typedef void (*n2d2_act_span_f32)(float *out, const float *in, size_t n, float p0, float p1);
/* Run `span` over n elements, split in contiguous blocks over the OpenMP
 * threads when n >= N2D2_ACT_PARALLEL_MIN (element-wise: the result does
 * not depend on the split). */
void n2d2_act_spans_f32(n2d2_act_span_f32 span, float *out, const float *in, size_t n, float p0,
                        float p1);

/* Parameters of one activation instance (meaning per activation). */
typedef struct n2d2_act_state {
    double p0, p1;
} n2d2_act_state;

/* N2D2_OK when every tensor given (NULLs skipped after the first two) is
 * Float32 or Float64, all of the same dtype and element count. */
n2d2_status n2d2_act_check(const char *who, const n2d2_tensor *a, const n2d2_tensor *b,
                           const n2d2_tensor *c);
/* dst = src unless they already share the same data. */
n2d2_status n2d2_act_copy(n2d2_tensor *dst, const n2d2_tensor *src);
n2d2_status n2d2_act_new_state(double p0, double p1, void **state);
/* create for activations without parameters. */
n2d2_status n2d2_act_create_none(const n2d2_params *params, void **state);
void n2d2_act_destroy(void *state);

extern const n2d2_feature n2d2_act_linear_feature;
extern const n2d2_feature n2d2_act_saturation_feature;
extern const n2d2_feature n2d2_act_rectifier_feature;
extern const n2d2_feature n2d2_act_tanh_feature;
extern const n2d2_feature n2d2_act_tanh_lecun_feature;
extern const n2d2_feature n2d2_act_logistic_feature;
extern const n2d2_feature n2d2_act_logistic_loss_feature;
extern const n2d2_feature n2d2_act_softplus_feature;
extern const n2d2_feature n2d2_act_swish_feature;

#endif
