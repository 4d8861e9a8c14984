/* Shared parts of the Frame solvers: the Clamping option, the learning-rate
 * schedule of SGD, argument checks and the loop pragma. */
#ifndef N2D2_SOLVER_UTIL_H
#define N2D2_SOLVER_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "n2d2/n2d2.h"

/* Below this many elements an update stays on one thread. */
#define N2D2_SOLVER_PARALLEL_MIN 32768

#ifdef _OPENMP
#define N2D2_SOLVER_PRAGMA _Pragma("omp parallel for simd if(parallel: n_ >= N2D2_SOLVER_PARALLEL_MIN) schedule(static)")
#else
#define N2D2_SOLVER_PRAGMA
#endif

/* ---- Clamping (decision A32) ----
 * "" / 0 / false: none; 1 / true: [-1, 1]; "min:max", ":max", "min:". */
typedef struct n2d2_clamp {
    int enabled;
    double lo, hi; /* -inf / +inf for an open side */
} n2d2_clamp;

/* Parse the `Clamping` key of `p`; errors name its file:line. */
n2d2_status n2d2_clamp_from_params(const n2d2_params *p, n2d2_clamp *out);
/* Parse a Clamping text (tests, and n2d2_clamp_from_params). 1 on success. */
int n2d2_clamp_parse(const char *text, n2d2_clamp *out);

#define N2D2_CLAMPING_SPEC                                                                     \
    {"Clamping", N2D2_PARAM_STRING, "0", NULL, 0, 0, 0,                                        \
     "clamp the values after each update: 0 = no, 1 = [-1, 1], or min:max (either side may "  \
     "be empty)"}

/* ---- learning-rate schedule (manual 22.3.1, decision A31) ---- */
typedef enum n2d2_lr_policy {
    N2D2_LR_NONE = 0,
    N2D2_LR_STEP_DECAY,
    N2D2_LR_EXPONENTIAL_DECAY,
    N2D2_LR_INVT_DECAY,
    N2D2_LR_POLY_DECAY,
    N2D2_LR_INV_DECAY,
    N2D2_LR_COSINE_DECAY
} n2d2_lr_policy;

#define N2D2_LR_POLICIES "None|StepDecay|ExponentialDecay|InvTDecay|PolyDecay|InvDecay|CosineDecay"

typedef struct n2d2_lr_schedule {
    double rate;             /* LearningRate: alpha_0 */
    n2d2_lr_policy policy;
    uint64_t step_size;      /* LearningRateStepSize, in stimuli */
    double decay;            /* LearningRateDecay: k */
    double power;            /* Power: n */
    uint64_t max_iterations; /* MaxIterations (updates; stimuli for CosineDecay) */
    uint64_t warm_up;        /* WarmUpDuration, in stimuli (CosineDecay) */
    double warm_up_frac;     /* WarmUpLRFrac */
} n2d2_lr_schedule;

/* Read and check the schedule keys of `p` (errors at the key's file:line). */
n2d2_status n2d2_lr_schedule_from_params(const n2d2_params *p, n2d2_lr_schedule *out);
/* alpha for the update that follows `updates` completed updates, each of
 * which consumed `per_update` stimuli (IterationSize x BatchSize). */
double n2d2_lr_schedule_rate(const n2d2_lr_schedule *s, uint64_t updates, uint64_t per_update);

/* value and grad: Float32 or Float64, same dtype, `n` elements. */
n2d2_status n2d2_solver_check(const char *who, const n2d2_tensor *value, const n2d2_tensor *grad,
                              n2d2_dtype dtype, size_t n);
/* A zeroed buffer of n elements of dtype (Float32/Float64). */
n2d2_status n2d2_solver_buffer(n2d2_dtype dtype, size_t n, void **out);

extern const n2d2_feature n2d2_solver_sgd_feature;
extern const n2d2_feature n2d2_solver_adam_feature;

#endif
