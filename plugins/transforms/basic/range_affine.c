/* RangeAffineTransformation (manual 21.5.25): f(x) = (x op1 v1) op2 v2 for
 * every value, with one value for all channels or one per channel. The
 * output is floating point (Float64 stays Float64, the rest becomes
 * Float32) and the provider's implicit [0, 1] conversion no longer applies.
 * Truncate=1 rounds the result toward zero ([upstream] key). */
#include <stdlib.h>
#include <string.h>

#include "basic.h"

#define WHO "RangeAffineTransformation"

static const n2d2_param_spec range_affine_params[] = {
    {"FirstOperator", N2D2_PARAM_ENUM, NULL, TF_OPERATORS, 0, 0, N2D2_PARAM_REQUIRED,
     "first operator: Plus, Minus, Multiplies or Divides"},
    {"FirstValue", N2D2_PARAM_LIST, NULL, NULL, 0, 0, N2D2_PARAM_REQUIRED,
     "first value: one, or one per channel"},
    {"SecondOperator", N2D2_PARAM_ENUM, "Plus", TF_OPERATORS, 0, 0, 0, "second operator"},
    {"SecondValue", N2D2_PARAM_LIST, "0.0", NULL, 0, 0, 0, "second value: one, or one per channel"},
    {"Truncate", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "round the result toward zero"},
};

typedef struct range_affine {
    int op[2];
    double value[2][TF_MAX_VALUES];
    size_t n[2];
    int truncate;
} range_affine;

static n2d2_status range_affine_create(const n2d2_params *p, void **state)
{
    range_affine *r = calloc(1, sizeof *r);
    if (!r)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    static const char *const op_keys[2] = {"FirstOperator", "SecondOperator"};
    static const char *const value_keys[2] = {"FirstValue", "SecondValue"};
    n2d2_status st = N2D2_OK;
    for (int k = 0; k < 2 && st == N2D2_OK; ++k) {
        r->op[k] = n2d2_params_enum(p, op_keys[k]);
        st = tf_read_list(p, value_keys[k], r->value[k], &r->n[k]);
        for (size_t i = 0; st == N2D2_OK && r->op[k] == TF_OP_DIVIDES && i < r->n[k]; ++i)
            if (r->value[k][i] == 0.0)
                st = n2d2_params_error(p, value_keys[k], N2D2_ERR_INVAL,
                                       "division by zero (%s=Divides)", op_keys[k]);
    }
    r->truncate = n2d2_params_bool(p, "Truncate");
    if (st != N2D2_OK) {
        free(r);
        return st;
    }
    *state = r;
    return N2D2_OK;
}

static n2d2_status range_affine_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels,
                                      int *label, n2d2_set set, n2d2_rng *rng)
{
    (void)labels;
    (void)label;
    (void)set;
    (void)rng;
    const range_affine *r = state;
    n2d2_tensor *in = *data;
    n2d2_status st = tf_check(in, WHO);
    if (st != N2D2_OK)
        return st;
    size_t c = n2d2_tensor_dim(in, 0), plane = n2d2_tensor_dim(in, 1) * n2d2_tensor_dim(in, 2);
    st = tf_check_list("FirstValue", r->n[0], c, WHO);
    if (st == N2D2_OK)
        st = tf_check_list("SecondValue", r->n[1], c, WHO);
    if (st != N2D2_OK)
        return st;
    n2d2_dtype dt = n2d2_tensor_dtype(in), ot = tf_float_type(dt);
    n2d2_tensor *out = in;
    if (ot != dt) {
        st = n2d2_tensor_new(ot, 3, n2d2_tensor_dims(in), &out);
        if (st != N2D2_OK)
            return st;
    }
    const void *src = n2d2_tensor_cdata(in);
    void *dst = n2d2_tensor_data(out);
    for (size_t k = 0; k < c; ++k) {
        double v1 = tf_channel_value(r->value[0], r->n[0], k);
        double v2 = tf_channel_value(r->value[1], r->n[1], k);
        for (size_t i = k * plane; i < (k + 1) * plane; ++i) {
            double y = tf_operate(r->op[1], tf_operate(r->op[0], tf_get(src, dt, i), v1), v2);
            tf_set(dst, ot, i, r->truncate ? trunc(y) : y);
        }
    }
    if (out != in) {
        n2d2_tensor_release(in);
        *data = out;
    }
    return N2D2_OK;
}

static n2d2_status same_shape(void *state, const n2d2_shape *in, n2d2_shape *out)
{
    (void)state;
    *out = *in;
    return N2D2_OK;
}

static const n2d2_transform_ops range_affine_ops = {
    sizeof(n2d2_transform_ops), N2D2_TRANSFORM_CHANGES_RANGE, range_affine_create,
    range_affine_apply, same_shape, free, {0}};

const n2d2_feature tf_range_affine_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "RangeAffineTransformation", NULL,
    "f(x) = (x op1 v1) op2 v2 on every value (float output)", range_affine_params,
    TF_COUNT_OF(range_affine_params), &range_affine_ops, 0, {0}};
