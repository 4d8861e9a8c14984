/* Helpers shared by all transformation modules (n2d2-transforms-common):
 * element access for any data type, shape and key checks, per-channel
 * value lists, borders, the RangeAffine/Affine operators. Internal. */
#ifndef N2D2_TF_UTIL_H
#define N2D2_TF_UTIL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "n2d2/n2d2.h"

#define TF_COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))
#define TF_MAX_VALUES 64

static inline double tf_get(const void *data, n2d2_dtype dt, size_t i)
{
    switch (dt) {
    case N2D2_UINT8: return ((const uint8_t *)data)[i];
    case N2D2_INT8: return ((const int8_t *)data)[i];
    case N2D2_INT32: return ((const int32_t *)data)[i];
    case N2D2_FLOAT32: return ((const float *)data)[i];
    default: return ((const double *)data)[i];
    }
}

/* Integer types round to nearest and saturate, as image libraries do. */
static inline void tf_set(void *data, n2d2_dtype dt, size_t i, double v)
{
    switch (dt) {
    case N2D2_UINT8:
        ((uint8_t *)data)[i] = (uint8_t)(v <= 0.0 ? 0 : v >= 255.0 ? 255 : lround(v));
        break;
    case N2D2_INT8:
        ((int8_t *)data)[i] = (int8_t)(v <= -128.0 ? -128 : v >= 127.0 ? 127 : lround(v));
        break;
    case N2D2_INT32:
        ((int32_t *)data)[i] = (int32_t)(v <= -2147483648.0 ? INT32_MIN
                                         : v >= 2147483647.0 ? INT32_MAX
                                                             : lround(v));
        break;
    case N2D2_FLOAT32: ((float *)data)[i] = (float)v; break;
    default: ((double *)data)[i] = v; break;
    }
}

/* *t must be a {C, H, W} tensor of a type the transformations handle
 * (UInt8, Int8, Int32, Float32, Float64). */
n2d2_status tf_check(const n2d2_tensor *t, const char *who);
/* Float type a value transformation outputs: Float64 stays, the rest
 * becomes Float32. */
n2d2_dtype tf_float_type(n2d2_dtype in);
/* Read a list key of 1..TF_MAX_VALUES numbers; *n = 0 when absent. A
 * per-channel list (1 value for all channels, or one per channel) is
 * checked at apply time with tf_check_list / read with tf_channel_value. */
n2d2_status tf_read_list(const n2d2_params *p, const char *key, double *out, size_t *n);
n2d2_status tf_check_list(const char *key, size_t n, size_t channels, const char *who);
static inline double tf_channel_value(const double *v, size_t n, size_t c)
{
    return n == 1 ? v[0] : v[c];
}
/* Same output shape as input (transformations that keep the size). */
n2d2_status tf_same_shape(void *state, const n2d2_shape *in, n2d2_shape *out);

/* BorderType / BorderValue, same names and order as
 * PadCropTransformation (manual 21.5.22). */
#define TF_BORDER_TYPES \
    "ConstantBorder|ReplicateBorder|ReflectBorder|WrapBorder|MinusOneReflectBorder|MeanBorder"
#define TF_BORDER_HELP \
    "padding: ConstantBorder (BorderValue), ReplicateBorder (aaa|abc), ReflectBorder (cba|abc), " \
    "WrapBorder (abc|abc), MinusOneReflectBorder (dcb|abcd), MeanBorder (mean colour)"
enum {
    TF_BORDER_CONSTANT,
    TF_BORDER_REPLICATE,
    TF_BORDER_REFLECT,
    TF_BORDER_WRAP,
    TF_BORDER_REFLECT_101,
    TF_BORDER_MEAN
};

typedef struct tf_border {
    int type;                    /* TF_BORDER_* */
    double value[TF_MAX_VALUES]; /* ConstantBorder, per channel */
    size_t n_values;
} tf_border;

/* The BorderType and BorderValue parameter specs (default
 * MinusOneReflectBorder), for a module's n2d2_param_spec table. */
#define TF_BORDER_PARAMS                                                                       \
    {"BorderType", N2D2_PARAM_ENUM, "MinusOneReflectBorder", TF_BORDER_TYPES, 0, 0, 0,         \
     TF_BORDER_HELP},                                                                          \
    {"BorderValue", N2D2_PARAM_LIST, "0.0 0.0 0.0", NULL, 0, 0, 0,                             \
     "ConstantBorder colour: one value, or one per channel (missing channels: 0)"}

/* Reads BorderType and BorderValue. */
n2d2_status tf_border_read(const n2d2_params *p, tf_border *b);
/* Map an out-of-range coordinate into [0, n) (n >= 1); -1 for a constant
 * (or mean) border. */
long tf_border_index(long p, long n, int type);
/* Fill value of channel c of {C, H, W} *t outside the image: the channel
 * mean for MeanBorder, else BorderValue (one value for all channels, or
 * one per channel, missing channels 0). */
double tf_border_fill(const tf_border *b, const n2d2_tensor *t, size_t c);

/* Operators of RangeAffine/AffineTransformation (FirstOperator,
 * SecondOperator). */
#define TF_OPERATORS "Plus|Minus|Multiplies|Divides"
enum { TF_OP_PLUS, TF_OP_MINUS, TF_OP_MULTIPLIES, TF_OP_DIVIDES };
static inline double tf_operate(int op, double x, double v)
{
    switch (op) {
    case TF_OP_PLUS: return x + v;
    case TF_OP_MINUS: return x - v;
    case TF_OP_MULTIPLIES: return x * v;
    default: return x / v;
    }
}

#endif
