/* Shared checks of the basic transformations. */
#include "tf_util.h"

n2d2_status tf_check(const n2d2_tensor *t, const char *who)
{
    if (!t || n2d2_tensor_ndim(t) != 3)
        return n2d2_error(N2D2_ERR_SHAPE, "%s: expected {C, H, W} data, got %u dimension(s)", who,
                          t ? n2d2_tensor_ndim(t) : 0);
    switch (n2d2_tensor_dtype(t)) {
    case N2D2_UINT8:
    case N2D2_INT8:
    case N2D2_INT32:
    case N2D2_FLOAT32:
    case N2D2_FLOAT64:
        return N2D2_OK;
    default:
        return n2d2_error(N2D2_ERR_NOT_IMPLEMENTED, "%s: %s data is not implemented yet", who,
                          n2d2_dtype_name(n2d2_tensor_dtype(t)));
    }
}

n2d2_dtype tf_float_type(n2d2_dtype in) { return in == N2D2_FLOAT64 ? N2D2_FLOAT64 : N2D2_FLOAT32; }

n2d2_status tf_read_list(const n2d2_params *p, const char *key, double *out, size_t *n)
{
    int count = n2d2_params_list(p, key, out, TF_MAX_VALUES);
    if (count < 0) {
        *n = 0;
        return N2D2_OK;
    }
    if (count == 0)
        return n2d2_params_error(p, key, N2D2_ERR_INVAL, "expected at least one value");
    if (count > TF_MAX_VALUES)
        return n2d2_params_error(p, key, N2D2_ERR_RANGE, "at most %d values (one per channel)",
                                 TF_MAX_VALUES);
    *n = (size_t)count;
    return N2D2_OK;
}

n2d2_status tf_check_list(const char *key, size_t n, size_t channels, const char *who)
{
    if (n == 1 || n == channels)
        return N2D2_OK;
    return n2d2_error(N2D2_ERR_SHAPE,
                      "%s: %s has %zu values for %zu-channel data: give one value, or one per "
                      "channel", who, key, n, channels);
}
