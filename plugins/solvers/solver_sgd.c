/* SGD for Frame models (manual 22.3.1 and 5.1.2).
 *
 * `grad` is the sum over the batch of d(loss)/d(w). With IterationSize = I
 * the solver adds I such sums before it steps, so one step sees
 * S = N x I stimuli (N the batch size) and uses their mean gradient: this
 * is the manual's alpha_eff = alpha / (N x IterationSize). With alpha from
 * the learning-rate policy, mu = Momentum and lambda = Decay:
 *
 *     v <- mu v - alpha (g / S + lambda w)     w <- w + v
 *
 * (v is not stored when mu = 0), then w is clamped when Clamping asks.
 * LearningRate = 0 freezes the tensor. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "solver_util.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const n2d2_param_spec sgd_params[] = {
    {"LearningRate", N2D2_PARAM_FLOAT, "0.01", NULL, 0, INFINITY, N2D2_PARAM_RANGE,
     "learning rate alpha_0, divided by BatchSize x IterationSize (manual 5.1.2)"},
    {"Momentum", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 1, N2D2_PARAM_RANGE, "momentum"},
    {"Decay", N2D2_PARAM_FLOAT, "0.0", NULL, 0, INFINITY, N2D2_PARAM_RANGE,
     "weight decay (L2): adds Decay x w to the mean gradient"},
    {"LearningRatePolicy", N2D2_PARAM_ENUM, "None", N2D2_LR_POLICIES, 0, 0, 0,
     "learning rate decay policy"},
    {"LearningRateStepSize", N2D2_PARAM_UINT, "1", NULL, 1, INFINITY, N2D2_PARAM_RANGE,
     "learning rate step size, in stimuli (Step/Exponential/InvTDecay)"},
    {"LearningRateDecay", N2D2_PARAM_FLOAT, "0.1", NULL, 0, 0, 0, "learning rate decay k"},
    N2D2_CLAMPING_SPEC,
    {"Power", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 0, 0, "power n of PolyDecay and InvDecay"},
    {"MaxIterations", N2D2_PARAM_UINT, "0", NULL, 0, 0, 0,
     "PolyDecay: number of updates to reach 0; CosineDecay: number of stimuli; "
     "others: updates after which the rate stops changing (0 = never)"},
    {"IterationSize", N2D2_PARAM_UINT, "1", NULL, 1, 1e9, N2D2_PARAM_RANGE,
     "batches whose gradients are summed before one update (global batch = BatchSize x this)"},
    {"WarmUpDuration", N2D2_PARAM_UINT, "0", NULL, 0, 0, 0,
     "CosineDecay: stimuli of linear warm-up (0 = none)"},
    {"WarmUpLRFrac", N2D2_PARAM_FLOAT, "0.25", NULL, 0, 1, N2D2_PARAM_RANGE,
     "learning rate at the start of the warm-up, as a fraction of LearningRate"},
    {"PolyakMomentum", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "heavy-ball (Polyak) momentum; 0 is not implemented yet"},
    {"MinDecay", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 0, 0, "minimum decay; != 0 is not implemented yet"},
};

typedef struct sgd {
    n2d2_lr_schedule schedule;
    double momentum, decay;
    uint64_t iteration_size;
    n2d2_clamp clamp;
    n2d2_dtype dtype;
    size_t n;
    void *velocity;          /* momentum > 0 only */
    void *accum;             /* IterationSize > 1 only */
    uint64_t pass;           /* batches summed into accum */
    uint64_t window_stimuli; /* stimuli behind accum */
} sgd;

static void sgd_destroy(void *state)
{
    sgd *s = state;
    if (!s)
        return;
    free(s->velocity);
    free(s->accum);
    free(s);
}

static n2d2_status sgd_create(const n2d2_params *p, const n2d2_tensor *value, void **state)
{
    n2d2_dtype dt = n2d2_tensor_dtype(value);
    if (dt != N2D2_FLOAT32 && dt != N2D2_FLOAT64)
        return n2d2_error(N2D2_ERR_UNSUPPORTED, "SGD: %s parameters are not supported (Float32, Float64)",
                          n2d2_dtype_name(dt));
    if (!n2d2_params_bool(p, "PolyakMomentum"))
        return n2d2_params_error(p, "PolyakMomentum", N2D2_ERR_NOT_IMPLEMENTED,
                                 "0 (non-Polyak momentum) is not implemented yet");
    sgd *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->dtype = dt;
    s->n = n2d2_tensor_numel(value);
    s->momentum = n2d2_params_float(p, "Momentum");
    s->decay = n2d2_params_float(p, "Decay");
    s->iteration_size = n2d2_params_uint(p, "IterationSize");
    n2d2_status st = n2d2_lr_schedule_from_params(p, &s->schedule);
    if (st == N2D2_OK)
        st = n2d2_clamp_from_params(p, &s->clamp);
    if (st == N2D2_OK && s->iteration_size < 1)
        st = n2d2_params_error(p, "IterationSize", N2D2_ERR_RANGE, "must be >= 1");
    if (st == N2D2_OK && s->momentum > 0.0)
        st = n2d2_solver_buffer(dt, s->n, &s->velocity);
    if (st == N2D2_OK && s->iteration_size > 1)
        st = n2d2_solver_buffer(dt, s->n, &s->accum);
    if (st != N2D2_OK) {
        sgd_destroy(s);
        return st;
    }
    *state = s;
    return N2D2_OK;
}

/* acc += g */
#define SGD_ACCUMULATE(T, acc, g, n)                                                           \
    do {                                                                                       \
        T *const a_ = (T *)(acc);                                                              \
        const T *const g_ = (const T *)(g);                                                    \
        const size_t n_ = (n);                                                                 \
        N2D2_SOLVER_PRAGMA                                                                     \
        for (size_t i_ = 0; i_ < n_; ++i_)                                                     \
            a_[i_] += g_[i_];                                                                  \
    } while (0)

/* One step on w from the summed gradient g. */
#define SGD_STEP(T, w, g, v, n, rate, wdecay, mu, clamp)                                       \
    do {                                                                                       \
        T *const w_ = (T *)(w);                                                                \
        const T *const g_ = (const T *)(g);                                                    \
        T *const v_ = (T *)(v);                                                                \
        const T rate_ = (T)(rate), wd_ = (T)(wdecay), mu_ = (T)(mu);                           \
        const size_t n_ = (n);                                                                 \
        if (v_) {                                                                              \
            N2D2_SOLVER_PRAGMA                                                                 \
            for (size_t i_ = 0; i_ < n_; ++i_) {                                               \
                v_[i_] = mu_ * v_[i_] - (rate_ * g_[i_] + wd_ * w_[i_]);                       \
                w_[i_] += v_[i_];                                                              \
            }                                                                                  \
        } else {                                                                               \
            N2D2_SOLVER_PRAGMA                                                                 \
            for (size_t i_ = 0; i_ < n_; ++i_)                                                 \
                w_[i_] -= rate_ * g_[i_] + wd_ * w_[i_];                                       \
        }                                                                                      \
        if ((clamp)->enabled) {                                                                \
            const T lo_ = (T)(clamp)->lo, hi_ = (T)(clamp)->hi;                                \
            N2D2_SOLVER_PRAGMA                                                                 \
            for (size_t i_ = 0; i_ < n_; ++i_)                                                 \
                w_[i_] = w_[i_] < lo_ ? lo_ : (w_[i_] > hi_ ? hi_ : w_[i_]);                   \
        }                                                                                      \
    } while (0)

static double sgd_learning_rate(void *state, const n2d2_solver_context *ctx)
{
    const sgd *s = state;
    return n2d2_lr_schedule_rate(&s->schedule, ctx->iteration / s->iteration_size,
                                 s->iteration_size * ctx->batch_size);
}

static n2d2_status sgd_update(void *state, n2d2_tensor *value, const n2d2_tensor *grad,
                              const n2d2_solver_context *ctx)
{
    sgd *s = state;
    n2d2_status st = n2d2_solver_check("SGD", value, grad, s->dtype, s->n);
    if (st != N2D2_OK)
        return st;
    if (!ctx || ctx->batch_size == 0)
        return n2d2_error(N2D2_ERR_INVAL, "SGD: update without a batch size");
    if (s->schedule.rate == 0.0)
        return N2D2_OK;
    const void *g = n2d2_tensor_cdata(grad);
    uint64_t stimuli = ctx->batch_size;
    if (s->accum) {
        if (s->dtype == N2D2_FLOAT32)
            SGD_ACCUMULATE(float, s->accum, g, s->n);
        else
            SGD_ACCUMULATE(double, s->accum, g, s->n);
        s->window_stimuli += ctx->batch_size;
        if (++s->pass < s->iteration_size)
            return N2D2_OK;
        g = s->accum;
        stimuli = s->window_stimuli;
    }
    double alpha = sgd_learning_rate(s, ctx);
    double rate = alpha / (double)stimuli, wdecay = alpha * s->decay;
    void *w = n2d2_tensor_data(value);
    if (s->dtype == N2D2_FLOAT32)
        SGD_STEP(float, w, g, s->velocity, s->n, rate, wdecay, s->momentum, &s->clamp);
    else
        SGD_STEP(double, w, g, s->velocity, s->n, rate, wdecay, s->momentum, &s->clamp);
    if (s->accum) {
        memset(s->accum, 0, s->n * (s->dtype == N2D2_FLOAT32 ? sizeof(float) : sizeof(double)));
        s->pass = 0;
        s->window_stimuli = 0;
    }
    return N2D2_OK;
}

static size_t sgd_state_fields(void *state, n2d2_state_field *fields, size_t max)
{
    sgd *s = state;
    size_t elem = n2d2_dtype_size(s->dtype), n = 0;
    n2d2_state_field all[4] = {
        {"pass", &s->pass, sizeof s->pass},
        {"window_stimuli", &s->window_stimuli, sizeof s->window_stimuli},
        {"velocity", s->velocity, s->velocity ? s->n * elem : 0},
        {"accum", s->accum, s->accum ? s->n * elem : 0},
    };
    for (size_t i = 0; i < 4; ++i)
        if (all[i].data && n < max)
            fields[n++] = all[i];
    return n;
}

static const n2d2_solver_ops sgd_ops = {
    sizeof(n2d2_solver_ops), sgd_create, sgd_update, sgd_learning_rate, sgd_destroy,
    sgd_state_fields, {0}};

const n2d2_feature n2d2_solver_sgd_feature = {
    sizeof(n2d2_feature), N2D2_KIND_SOLVER, "SGD", "Frame",
    "stochastic gradient descent with momentum, weight decay and learning-rate policies",
    sgd_params, COUNT_OF(sgd_params), &sgd_ops, 0, {0}};
