/* ChannelDropTransformation (manual 21.5.5, N2D2-IP only there; written
 * from the documented behaviour): each channel c is replaced by DropValue
 * with probability DropProb[c] (one value applies to every channel). One
 * Bernoulli draw per channel, in channel order. Labels are untouched. */
#include <stdlib.h>

#include "geo_util.h"

#define WHO "ChannelDropTransformation"

static const n2d2_param_spec drop_params[] = {
    {"DropProb", N2D2_PARAM_LIST, NULL, NULL, 0, 0, N2D2_PARAM_REQUIRED,
     "drop probability of each channel (one value: all channels)"},
    {"DropValue", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 0, 0, "value of dropped channels"},
};

typedef struct drop {
    double prob[TF_MAX_VALUES];
    size_t n_prob;
    double value;
} drop;

static n2d2_status drop_create(const n2d2_params *p, void **state)
{
    drop *d = calloc(1, sizeof *d);
    if (!d)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    n2d2_status st = tf_read_list(p, "DropProb", d->prob, &d->n_prob);
    for (size_t i = 0; st == N2D2_OK && i < d->n_prob; ++i)
        if (d->prob[i] < 0.0 || d->prob[i] > 1.0)
            st = n2d2_params_error(p, "DropProb", N2D2_ERR_RANGE,
                                   "probability %g is not in [0, 1]", d->prob[i]);
    if (st != N2D2_OK) {
        free(d);
        return st;
    }
    d->value = n2d2_params_float(p, "DropValue");
    *state = d;
    return N2D2_OK;
}

static n2d2_status drop_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                              n2d2_set set, n2d2_rng *rng)
{
    (void)labels;
    (void)label;
    (void)set;
    const drop *d = state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    size_t c = n2d2_tensor_dim(*data, 0),
           hw = n2d2_tensor_dim(*data, 1) * n2d2_tensor_dim(*data, 2);
    st = tf_check_list("DropProb", d->n_prob, c, WHO);
    if (st != N2D2_OK)
        return st;
    n2d2_dtype dt = n2d2_tensor_dtype(*data);
    void *p = n2d2_tensor_data(*data);
    for (size_t k = 0; k < c; ++k)
        if (n2d2_rng_bernoulli(rng, tf_channel_value(d->prob, d->n_prob, k)))
            for (size_t i = k * hw; i < (k + 1) * hw; ++i)
                tf_set(p, dt, i, d->value);
    return N2D2_OK;
}

static const n2d2_transform_ops drop_ops = {
    sizeof(n2d2_transform_ops), N2D2_TRANSFORM_RANDOM, drop_create, drop_apply, tf_same_shape,
    free, {0}};

const n2d2_feature geo_channel_drop_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "ChannelDropTransformation", NULL,
    "randomly replace whole channels by a constant", drop_params, TF_COUNT_OF(drop_params),
    &drop_ops, 0, {0}};
