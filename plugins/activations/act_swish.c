/* Swish (SwishActivation of the manual's Python API, ch. 32.5): y = x s(x)
 * with s the logistic; dy/dx = s(x) (1 + x (1 - s(x))). y alone does not
 * give x back, so the kernel keeps the input for backward. */
#include <tgmath.h>

#include "act_util.h"

static n2d2_status swish_forward(void *state, const n2d2_tensor *x, n2d2_tensor *y)
{
    (void)state;
    n2d2_status st = n2d2_act_check("Swish", x, y, NULL);
    if (st != N2D2_OK)
        return st;
    N2D2_ACT_MAP1(CALL, y, x, 0.0, 0.0, a / (ONE + exp(-a)));
    return N2D2_OK;
}

static n2d2_status swish_backward(void *state, const n2d2_tensor *x, const n2d2_tensor *y,
                                  const n2d2_tensor *grad_y, n2d2_tensor *grad_x)
{
    (void)state;
    (void)y;
    if (!x)
        return n2d2_error(N2D2_ERR_INVAL, "Swish: backward needs the pre-activation input");
    n2d2_status st = n2d2_act_check("Swish", x, grad_y, grad_x);
    if (st != N2D2_OK)
        return st;
    N2D2_ACT_MAP2(CALL, grad_x, x, grad_y, 0.0, 0.0,
                  (ONE / (ONE + exp(-a))) * (ONE + a * (ONE - ONE / (ONE + exp(-a)))) * b);
    return N2D2_OK;
}

static const n2d2_activation_ops swish_ops = {
    sizeof(n2d2_activation_ops), N2D2_ACTIVATION_NEEDS_INPUT, n2d2_act_create_none, NULL,
    swish_forward, swish_backward, n2d2_act_destroy, {0}};

const n2d2_feature n2d2_act_swish_feature = {
    sizeof(n2d2_feature), N2D2_KIND_ACTIVATION, "Swish", NULL, "y = x / (1 + exp(-x))", NULL, 0,
    &swish_ops, 0, {0}};
