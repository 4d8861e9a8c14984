/* Softplus (manual 22.4.5): y = ln(1 + e^x), computed as
 * max(x, 0) + ln(1 + e^-|x|) so that large |x| neither overflows nor loses
 * precision; dy/dx = sigmoid(x) = 1 - e^-y, taken from y. */
#include <tgmath.h>

#include "act_util.h"

static n2d2_status softplus_forward(void *state, const n2d2_tensor *x, n2d2_tensor *y)
{
    (void)state;
    n2d2_status st = n2d2_act_check("Softplus", x, y, NULL);
    if (st != N2D2_OK)
        return st;
    N2D2_ACT_MAP1(CALL, y, x, 0.0, 0.0, (a > ZERO ? a : ZERO) + log1p(exp(-fabs(a))));
    return N2D2_OK;
}

static n2d2_status softplus_backward(void *state, const n2d2_tensor *x, const n2d2_tensor *y,
                                     const n2d2_tensor *grad_y, n2d2_tensor *grad_x)
{
    (void)state;
    (void)x;
    n2d2_status st = n2d2_act_check("Softplus", y, grad_y, grad_x);
    if (st != N2D2_OK)
        return st;
    N2D2_ACT_MAP2(CALL, grad_x, y, grad_y, 0.0, 0.0, -expm1(-a) * b);
    return N2D2_OK;
}

static const n2d2_activation_ops softplus_ops = {
    sizeof(n2d2_activation_ops), 0, n2d2_act_create_none, NULL, softplus_forward,
    softplus_backward, n2d2_act_destroy, {0}};

const n2d2_feature n2d2_act_softplus_feature = {
    sizeof(n2d2_feature), N2D2_KIND_ACTIVATION, "Softplus", NULL, "y = ln(1 + exp(x))", NULL, 0,
    &softplus_ops, 0, {0}};
