/* Logistic (manual 22.4.1): y = 1 / (1 + e^-x), dy/dx = y (1 - y).
 * LogisticWithLoss (22.4.2): the same forward; backward passes the output
 * gradient through unchanged, because the loss above it (cross-entropy on
 * a sigmoid) already gave d(loss)/d(x) = y - target. */
#include <tgmath.h>

#include "act_fastmath.h"
#include "act_util.h"

static N2D2_ACT_CLONES void logistic_span(float *out, const float *in, size_t n, float p0, float p1)
{
    (void)p0;
    (void)p1;
#ifdef _OPENMP
#pragma omp simd
#endif
    for (size_t i = 0; i < n; ++i)
        out[i] = n2d2_fast_logisticf(in[i]);
}

static n2d2_status logistic_forward(void *state, const n2d2_tensor *x, n2d2_tensor *y)
{
    (void)state;
    n2d2_status st = n2d2_act_check("Logistic", x, y, NULL);
    if (st != N2D2_OK)
        return st;
    if (n2d2_tensor_dtype(y) == N2D2_FLOAT32)
        n2d2_act_spans_f32(logistic_span, n2d2_tensor_data(y), n2d2_tensor_cdata(x),
                           n2d2_tensor_numel(y), 0.0f, 0.0f);
    else
        N2D2_ACT_LOOP1(CALL, double, n2d2_tensor_numel(y), n2d2_tensor_data(y),
                       n2d2_tensor_cdata(x), 0.0, 0.0, ONE / (ONE + exp(-a)));
    return N2D2_OK;
}

static n2d2_status logistic_backward(void *state, const n2d2_tensor *x, const n2d2_tensor *y,
                                     const n2d2_tensor *grad_y, n2d2_tensor *grad_x)
{
    (void)state;
    (void)x;
    n2d2_status st = n2d2_act_check("Logistic", y, grad_y, grad_x);
    if (st != N2D2_OK)
        return st;
    N2D2_ACT_MAP2(SIMD, grad_x, y, grad_y, 0.0, 0.0, a * (ONE - a) * b);
    return N2D2_OK;
}

static n2d2_status pass_through_backward(void *state, const n2d2_tensor *x, const n2d2_tensor *y,
                                         const n2d2_tensor *grad_y, n2d2_tensor *grad_x)
{
    (void)state;
    (void)x;
    n2d2_status st = n2d2_act_check("LogisticWithLoss", y, grad_y, grad_x);
    if (st != N2D2_OK)
        return st;
    return n2d2_act_copy(grad_x, grad_y);
}

static const n2d2_activation_ops logistic_ops = {
    sizeof(n2d2_activation_ops), 0, n2d2_act_create_none, NULL, logistic_forward,
    logistic_backward, n2d2_act_destroy, {0}};

static const n2d2_activation_ops logistic_loss_ops = {
    sizeof(n2d2_activation_ops), N2D2_ACTIVATION_LOGISTIC_LOSS, n2d2_act_create_none, NULL, logistic_forward,
    pass_through_backward, n2d2_act_destroy, {0}};

const n2d2_feature n2d2_act_logistic_feature = {
    sizeof(n2d2_feature), N2D2_KIND_ACTIVATION, "Logistic", NULL, "y = 1 / (1 + exp(-x))", NULL, 0,
    &logistic_ops, 0, {0}};

const n2d2_feature n2d2_act_logistic_loss_feature = {
    sizeof(n2d2_feature), N2D2_KIND_ACTIVATION, "LogisticWithLoss", NULL,
    "logistic whose backward passes the loss gradient (y - target) through", NULL, 0,
    &logistic_loss_ops, 0, {0}};
