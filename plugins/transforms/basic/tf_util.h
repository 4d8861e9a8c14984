/* Helpers shared by the basic transformations: element access for any
 * data type, shape checks, per-channel value lists. Internal. */
#ifndef N2D2_TF_UTIL_H
#define N2D2_TF_UTIL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include "n2d2/n2d2.h"

extern const n2d2_feature tf_rescale_feature;
extern const n2d2_feature tf_padcrop_feature;
extern const n2d2_feature tf_range_affine_feature;
extern const n2d2_feature tf_normalize_feature;
extern const n2d2_feature tf_flip_feature;

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
/* Read a per-channel list: 1 value (all channels) or one per channel is
 * checked at apply time with tf_channel_value. Returns the count. */
n2d2_status tf_read_list(const n2d2_params *p, const char *key, double *out, size_t *n);
n2d2_status tf_check_list(const char *key, size_t n, size_t channels, const char *who);
static inline double tf_channel_value(const double *v, size_t n, size_t c)
{
    return n == 1 ? v[0] : v[c];
}

#endif
