/* Tanh (manual 22.4.6): y = tanh(Alpha x), dy/dx = Alpha (1 - y^2).
 * TanhLeCun (22.4.7): the same with Alpha = 1.7159 x 2/3, as the manual
 * words it (decision A34), not LeCun's 1.7159 tanh(2x/3). */
#include <tgmath.h>

#include "act_fastmath.h"
#include "act_util.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

#define N2D2_TANH_LECUN_ALPHA (1.7159 * (2.0 / 3.0))

static const n2d2_param_spec tanh_params[] = {
    {"Alpha", N2D2_PARAM_FLOAT, "1.0", NULL, 0, 0, 0, "y = tanh(Alpha * x)"},
};

static n2d2_status tanh_create(const n2d2_params *p, void **state)
{
    return n2d2_act_new_state(n2d2_params_float(p, "Alpha"), 0.0, state);
}

static n2d2_status tanh_lecun_create(const n2d2_params *p, void **state)
{
    (void)p;
    return n2d2_act_new_state(N2D2_TANH_LECUN_ALPHA, 0.0, state);
}

static N2D2_ACT_CLONES void tanh_span(float *out, const float *in, size_t n, float alpha, float unused)
{
    (void)unused;
#ifdef _OPENMP
#pragma omp simd
#endif
    for (size_t i = 0; i < n; ++i)
        out[i] = n2d2_fast_tanhf(alpha * in[i]);
}

static n2d2_status tanh_forward(void *state, const n2d2_tensor *x, n2d2_tensor *y)
{
    const n2d2_act_state *s = state;
    n2d2_status st = n2d2_act_check("Tanh", x, y, NULL);
    if (st != N2D2_OK)
        return st;
    if (n2d2_tensor_dtype(y) == N2D2_FLOAT32)
        n2d2_act_spans_f32(tanh_span, n2d2_tensor_data(y), n2d2_tensor_cdata(x), n2d2_tensor_numel(y),
                           (float)s->p0, 0.0f);
    else
        N2D2_ACT_LOOP1(CALL, double, n2d2_tensor_numel(y), n2d2_tensor_data(y),
                       n2d2_tensor_cdata(x), s->p0, 0.0, tanh(P0 * a));
    return N2D2_OK;
}

static n2d2_status tanh_backward(void *state, const n2d2_tensor *x, const n2d2_tensor *y,
                                 const n2d2_tensor *grad_y, n2d2_tensor *grad_x)
{
    (void)x;
    const n2d2_act_state *s = state;
    n2d2_status st = n2d2_act_check("Tanh", y, grad_y, grad_x);
    if (st != N2D2_OK)
        return st;
    N2D2_ACT_MAP2(SIMD, grad_x, y, grad_y, s->p0, 0.0, P0 * (ONE - a * a) * b);
    return N2D2_OK;
}

static const n2d2_activation_ops tanh_ops = {
    sizeof(n2d2_activation_ops), 0, tanh_create, NULL, tanh_forward, tanh_backward,
    n2d2_act_destroy, {0}};

static const n2d2_activation_ops tanh_lecun_ops = {
    sizeof(n2d2_activation_ops), 0, tanh_lecun_create, NULL, tanh_forward, tanh_backward,
    n2d2_act_destroy, {0}};

const n2d2_feature n2d2_act_tanh_feature = {
    sizeof(n2d2_feature), N2D2_KIND_ACTIVATION, "Tanh", NULL, "y = tanh(Alpha * x)",
    tanh_params, COUNT_OF(tanh_params), &tanh_ops, 0, {0}};

const n2d2_feature n2d2_act_tanh_lecun_feature = {
    sizeof(n2d2_feature), N2D2_KIND_ACTIVATION, "TanhLeCun", NULL,
    "y = tanh(1.7159 * 2/3 * x)", NULL, 0, &tanh_lecun_ops, 0, {0}};
