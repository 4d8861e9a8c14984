/* Rectifier (manual 22.4.3): y = x for x > 0, LeakSlope * x otherwise;
 * with Clipping > 0 the positive outputs are capped at Clipping. LeakSlope
 * is kept >= 0 so that the sign of y tells the branch in backward. */
#include <tgmath.h>

#include "act_util.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static const n2d2_param_spec rectifier_params[] = {
    {"LeakSlope", N2D2_PARAM_FLOAT, "0.0", NULL, 0, INFINITY, N2D2_PARAM_RANGE,
     "slope for negative inputs (>= 0; 0 = ReLU)"},
    {"Clipping", N2D2_PARAM_FLOAT, "0.0", NULL, 0, INFINITY, N2D2_PARAM_RANGE,
     "cap on positive outputs (0 = none)"},
};

/* p0 = LeakSlope, p1 = Clipping. */
static n2d2_status rectifier_create(const n2d2_params *p, void **state)
{
    return n2d2_act_new_state(n2d2_params_float(p, "LeakSlope"), n2d2_params_float(p, "Clipping"),
                              state);
}

static n2d2_status rectifier_forward(void *state, const n2d2_tensor *x, n2d2_tensor *y)
{
    const n2d2_act_state *s = state;
    n2d2_status st = n2d2_act_check("Rectifier", x, y, NULL);
    if (st != N2D2_OK)
        return st;
    if (s->p1 > 0.0)
        N2D2_ACT_MAP1(SIMD, y, x, s->p0, s->p1, a > ZERO ? (a < P1 ? a : P1) : P0 * a);
    else
        N2D2_ACT_MAP1(SIMD, y, x, s->p0, 0.0, a > ZERO ? a : P0 * a);
    return N2D2_OK;
}

/* From y: y > 0 means x > 0 (slope 1, or 0 once clipped); y <= 0 means
 * x <= 0 (slope LeakSlope). */
static n2d2_status rectifier_backward(void *state, const n2d2_tensor *x, const n2d2_tensor *y,
                                      const n2d2_tensor *grad_y, n2d2_tensor *grad_x)
{
    (void)x;
    const n2d2_act_state *s = state;
    n2d2_status st = n2d2_act_check("Rectifier", y, grad_y, grad_x);
    if (st != N2D2_OK)
        return st;
    if (s->p1 > 0.0)
        N2D2_ACT_MAP2(SIMD, grad_x, y, grad_y, s->p0, s->p1, a > ZERO ? (a < P1 ? b : ZERO) : P0 * b);
    else
        N2D2_ACT_MAP2(SIMD, grad_x, y, grad_y, s->p0, 0.0, a > ZERO ? b : P0 * b);
    return N2D2_OK;
}

static const n2d2_activation_ops rectifier_ops = {
    sizeof(n2d2_activation_ops), 0, rectifier_create, NULL, rectifier_forward, rectifier_backward,
    n2d2_act_destroy, {0}};

const n2d2_feature n2d2_act_rectifier_feature = {
    sizeof(n2d2_feature), N2D2_KIND_ACTIVATION, "Rectifier", NULL,
    "ReLU / leaky ReLU with optional clipping", rectifier_params, COUNT_OF(rectifier_params),
    &rectifier_ops, 0, {0}};
