/* Linear and Saturation: the identity, optionally clamped to a symmetric
 * range. Linear (no manual section, decision A21) clamps to
 * [-Clipping, Clipping] when Clipping > 0 and is otherwise the identity,
 * which the kernel skips. Saturation clamps to [-Threshold, Threshold]. */
#include <tgmath.h>

#include "act_util.h"

#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* p0 = bound (0 = none). */
static n2d2_status clip_forward(void *state, const n2d2_tensor *x, n2d2_tensor *y)
{
    const n2d2_act_state *s = state;
    n2d2_status st = n2d2_act_check("clipping activation", x, y, NULL);
    if (st != N2D2_OK)
        return st;
    if (s->p0 <= 0.0)
        return n2d2_act_copy(y, x);
    N2D2_ACT_MAP1(SIMD, y, x, s->p0, 0.0, a < -P0 ? -P0 : (a > P0 ? P0 : a));
    return N2D2_OK;
}

/* The slope is 1 strictly inside the range, 0 where the output sits on a
 * bound. */
static n2d2_status clip_backward(void *state, const n2d2_tensor *x, const n2d2_tensor *y,
                                 const n2d2_tensor *grad_y, n2d2_tensor *grad_x)
{
    (void)x;
    const n2d2_act_state *s = state;
    n2d2_status st = n2d2_act_check("clipping activation", y, grad_y, grad_x);
    if (st != N2D2_OK)
        return st;
    if (s->p0 <= 0.0)
        return n2d2_act_copy(grad_x, grad_y);
    N2D2_ACT_MAP2(SIMD, grad_x, y, grad_y, s->p0, 0.0, (a > -P0 && a < P0) ? b : ZERO);
    return N2D2_OK;
}

/* ---- Linear ---- */

static const n2d2_param_spec linear_params[] = {
    {"Clipping", N2D2_PARAM_FLOAT, "0.0", NULL, 0, INFINITY, N2D2_PARAM_RANGE,
     "when > 0, clamp the output to [-Clipping, Clipping]; 0 = plain identity"},
};

static n2d2_status linear_create(const n2d2_params *p, void **state)
{
    return n2d2_act_new_state(n2d2_params_float(p, "Clipping"), 0.0, state);
}

static uint32_t linear_flags(void *state)
{
    const n2d2_act_state *s = state;
    return s->p0 > 0.0 ? 0u : N2D2_ACTIVATION_IDENTITY;
}

static const n2d2_activation_ops linear_ops = {
    sizeof(n2d2_activation_ops), 0, linear_create, linear_flags, clip_forward, clip_backward,
    n2d2_act_destroy, {0}};

const n2d2_feature n2d2_act_linear_feature = {
    sizeof(n2d2_feature), N2D2_KIND_ACTIVATION, "Linear", NULL,
    "identity, optionally clamped to [-Clipping, Clipping]", linear_params,
    COUNT_OF(linear_params), &linear_ops, 0, {0}};

/* ---- Saturation ---- */

static const n2d2_param_spec saturation_params[] = {
    {"Threshold", N2D2_PARAM_FLOAT, "1.0", NULL, 0, INFINITY, N2D2_PARAM_RANGE,
     "clamp the output to [-Threshold, Threshold] (> 0)"},
};

static n2d2_status saturation_create(const n2d2_params *p, void **state)
{
    double threshold = n2d2_params_float(p, "Threshold");
    if (!(threshold > 0.0))
        return n2d2_params_error(p, "Threshold", N2D2_ERR_RANGE,
                                 "must be > 0 (got %g)", threshold);
    return n2d2_act_new_state(threshold, 0.0, state);
}

static const n2d2_activation_ops saturation_ops = {
    sizeof(n2d2_activation_ops), 0, saturation_create, NULL, clip_forward, clip_backward,
    n2d2_act_destroy, {0}};

const n2d2_feature n2d2_act_saturation_feature = {
    sizeof(n2d2_feature), N2D2_KIND_ACTIVATION, "Saturation", NULL,
    "saturating linear: clamp to [-Threshold, Threshold]", saturation_params,
    COUNT_OF(saturation_params), &saturation_ops, 0, {0}};
