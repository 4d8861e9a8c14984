/* Adam for Frame models (manual 22.3.3, Kingma & Ba). The summed batch
 * gradient is divided by the batch size, so Adam sees the mean gradient
 * like SGD does. With t the number of Adam steps so far (its own counter,
 * as the moments are its own state):
 *
 *     m <- b1 m + (1 - b1) g          v <- b2 v + (1 - b2) g^2
 *     w <- w - alpha (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 *
 * then w is clamped when Clamping asks. */
#include <tgmath.h> /* sqrt on a float is sqrtf, which vectorises */
#include <stdlib.h>

#include "solver_util.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const n2d2_param_spec adam_params[] = {
    {"LearningRate", N2D2_PARAM_FLOAT, "0.001", NULL, 0, INFINITY, N2D2_PARAM_RANGE,
     "learning rate (step size) alpha"},
    {"Beta1", N2D2_PARAM_FLOAT, "0.9", NULL, 0, 1, N2D2_PARAM_RANGE,
     "exponential decay rate of the first moment estimate (< 1)"},
    {"Beta2", N2D2_PARAM_FLOAT, "0.999", NULL, 0, 1, N2D2_PARAM_RANGE,
     "exponential decay rate of the second moment estimate (< 1)"},
    {"Epsilon", N2D2_PARAM_FLOAT, "1.0e-8", NULL, 0, INFINITY, N2D2_PARAM_RANGE,
     "added to the root of the second moment"},
    N2D2_CLAMPING_SPEC,
};

typedef struct adam {
    double rate, beta1, beta2, epsilon;
    n2d2_clamp clamp;
    n2d2_dtype dtype;
    size_t n;
    void *m, *v;
    uint64_t t;
} adam;

static void adam_destroy(void *state)
{
    adam *s = state;
    if (!s)
        return;
    free(s->m);
    free(s->v);
    free(s);
}

static n2d2_status adam_create(const n2d2_params *p, const n2d2_tensor *value, void **state)
{
    n2d2_dtype dt = n2d2_tensor_dtype(value);
    if (dt != N2D2_FLOAT32 && dt != N2D2_FLOAT64)
        return n2d2_error(N2D2_ERR_UNSUPPORTED, "Adam: %s parameters are not supported (Float32, Float64)",
                          n2d2_dtype_name(dt));
    const char *const betas[] = {"Beta1", "Beta2"};
    for (int i = 0; i < 2; ++i)
        if (!(n2d2_params_float(p, betas[i]) < 1.0))
            return n2d2_params_error(p, betas[i], N2D2_ERR_RANGE, "must be below 1 (got %g)", n2d2_params_float(p, betas[i]));
    adam *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->dtype = dt;
    s->n = n2d2_tensor_numel(value);
    s->rate = n2d2_params_float(p, "LearningRate");
    s->beta1 = n2d2_params_float(p, "Beta1");
    s->beta2 = n2d2_params_float(p, "Beta2");
    s->epsilon = n2d2_params_float(p, "Epsilon");
    n2d2_status st = n2d2_clamp_from_params(p, &s->clamp);
    if (st == N2D2_OK)
        st = n2d2_solver_buffer(dt, s->n, &s->m);
    if (st == N2D2_OK)
        st = n2d2_solver_buffer(dt, s->n, &s->v);
    if (st != N2D2_OK) {
        adam_destroy(s);
        return st;
    }
    *state = s;
    return N2D2_OK;
}

#define ADAM_STEP(T, w, g, m, v, n, scale, b1, b2, c1, c2, rate, eps, clamp)                   \
    do {                                                                                       \
        T *const w_ = (T *)(w);                                                                \
        const T *const g_ = (const T *)(g);                                                    \
        T *const m_ = (T *)(m);                                                                \
        T *const v_ = (T *)(v);                                                                \
        const T scale_ = (T)(scale), b1_ = (T)(b1), b2_ = (T)(b2), c1_ = (T)(c1);              \
        const T c2_ = (T)(c2), rate_ = (T)(rate), eps_ = (T)(eps);                             \
        /* 1 - beta in double: 1.0f - 0.999f loses 4 digits */                                 \
        const T ob1_ = (T)(1.0 - (b1)), ob2_ = (T)(1.0 - (b2));                                \
        const size_t n_ = (n);                                                                 \
        N2D2_SOLVER_PRAGMA                                                                     \
        for (size_t i_ = 0; i_ < n_; ++i_) {                                                   \
            const T gi = scale_ * g_[i_];                                                      \
            m_[i_] = b1_ * m_[i_] + ob1_ * gi;                                                 \
            v_[i_] = b2_ * v_[i_] + ob2_ * gi * gi;                                            \
            w_[i_] -= rate_ * (m_[i_] / c1_) / (sqrt(v_[i_] / c2_) + eps_);                   \
        }                                                                                      \
        if ((clamp)->enabled) {                                                                \
            const T lo_ = (T)(clamp)->lo, hi_ = (T)(clamp)->hi;                                \
            N2D2_SOLVER_PRAGMA                                                                 \
            for (size_t i_ = 0; i_ < n_; ++i_)                                                 \
                w_[i_] = w_[i_] < lo_ ? lo_ : (w_[i_] > hi_ ? hi_ : w_[i_]);                   \
        }                                                                                      \
    } while (0)

static n2d2_status adam_update(void *state, n2d2_tensor *value, const n2d2_tensor *grad,
                               const n2d2_solver_context *ctx)
{
    adam *s = state;
    n2d2_status st = n2d2_solver_check("Adam", value, grad, s->dtype, s->n);
    if (st != N2D2_OK)
        return st;
    if (!ctx || ctx->batch_size == 0)
        return n2d2_error(N2D2_ERR_INVAL, "Adam: update without a batch size");
    if (s->rate == 0.0)
        return N2D2_OK;
    ++s->t;
    double c1 = 1.0 - pow(s->beta1, (double)s->t), c2 = 1.0 - pow(s->beta2, (double)s->t);
    double scale = 1.0 / (double)ctx->batch_size;
    void *w = n2d2_tensor_data(value);
    const void *g = n2d2_tensor_cdata(grad);
    if (s->dtype == N2D2_FLOAT32)
        ADAM_STEP(float, w, g, s->m, s->v, s->n, scale, s->beta1, s->beta2, c1, c2, s->rate,
                  s->epsilon, &s->clamp);
    else
        ADAM_STEP(double, w, g, s->m, s->v, s->n, scale, s->beta1, s->beta2, c1, c2, s->rate,
                  s->epsilon, &s->clamp);
    return N2D2_OK;
}

static double adam_learning_rate(void *state, const n2d2_solver_context *ctx)
{
    (void)ctx;
    return ((const adam *)state)->rate;
}

static size_t adam_state_fields(void *state, n2d2_state_field *fields, size_t max)
{
    adam *s = state;
    size_t bytes = s->n * n2d2_dtype_size(s->dtype);
    n2d2_state_field all[3] = {{"t", &s->t, sizeof s->t}, {"m", s->m, bytes}, {"v", s->v, bytes}};
    size_t n = 0;
    for (size_t i = 0; i < 3 && n < max; ++i)
        fields[n++] = all[i];
    return n;
}

static const n2d2_solver_ops adam_ops = {
    sizeof(n2d2_solver_ops), adam_create, adam_update, adam_learning_rate, adam_destroy,
    adam_state_fields, {0}};

const n2d2_feature n2d2_solver_adam_feature = {
    sizeof(n2d2_feature), N2D2_KIND_SOLVER, "Adam", "Frame", "Adam (Kingma & Ba)", adam_params,
    COUNT_OF(adam_params), &adam_ops, 0, {0}};
