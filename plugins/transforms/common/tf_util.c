/* Checks, key readers and borders shared by the transformation modules. */
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
    *n = 0;
    if (count < 0)
        return N2D2_OK;
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

n2d2_status tf_same_shape(void *state, const n2d2_shape *in, n2d2_shape *out)
{
    (void)state;
    *out = *in;
    return N2D2_OK;
}

n2d2_status tf_border_read(const n2d2_params *p, tf_border *b)
{
    b->type = n2d2_params_enum(p, "BorderType");
    return tf_read_list(p, "BorderValue", b->value, &b->n_values);
}

long tf_border_index(long p, long n, int type)
{
    if (p >= 0 && p < n)
        return p;
    switch (type) {
    case TF_BORDER_REPLICATE:
        return p < 0 ? 0 : n - 1;
    case TF_BORDER_REFLECT: {
        long period = 2 * n, m = ((p % period) + period) % period;
        return m < n ? m : period - 1 - m;
    }
    case TF_BORDER_WRAP:
        return ((p % n) + n) % n;
    case TF_BORDER_REFLECT_101: {
        if (n == 1)
            return 0;
        long period = 2 * n - 2, m = ((p % period) + period) % period;
        return m < n ? m : period - m;
    }
    default:
        return -1;
    }
}

double tf_border_fill(const tf_border *b, const n2d2_tensor *t, size_t c)
{
    if (b->type == TF_BORDER_MEAN) {
        size_t hw = n2d2_tensor_dim(t, 1) * n2d2_tensor_dim(t, 2);
        const void *data = n2d2_tensor_cdata(t);
        double sum = 0.0;
        for (size_t i = 0; i < hw; ++i)
            sum += tf_get(data, n2d2_tensor_dtype(t), c * hw + i);
        return hw ? sum / (double)hw : 0.0;
    }
    if (b->n_values == 1)
        return b->value[0];
    return c < b->n_values ? b->value[c] : 0.0;
}
