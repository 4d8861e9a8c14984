/* RandomAffineTransformation (manual 21.5.24): random gain (contrast), bias
 * (brightness) and gamma (exposure) per image:
 *     v = saturate(alpha (v / S)^gamma S + beta S),
 * S = the type's maximum for integer data (255 for UInt8), 1 for floats.
 * Negative values keep their sign under the gamma (odd extension).
 *
 * Draws (A9, A26, uniform ranges): for each of gain, bias, gamma in that
 * order, either one variation for all channels (a single `XRange` and a
 * single `XVar` probability: one Bernoulli, one uniform) or one per channel
 * (`XRange[<ch>]` keys or several `XVar` values; channels without their own
 * range use `XRange`, else no change). `XVarProb` is accepted for `XVar`
 * (the manual's text uses both). With Disjoint=1 a first Bernoulli of
 * probability GammaVar picks a gamma-only variation, otherwise gain/bias
 * only. ChannelsMask (1/0 per channel) limits the channels changed;
 * channels beyond the mask are left alone. Labels are untouched. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "geo_util.h"

#define WHO "RandomAffineTransformation"

#define RANGE_KEYS(Name, lo, hi, what)                                                            \
    {Name "Range", N2D2_PARAM_LIST, lo " " hi, NULL, 0, 0, 0,                                     \
     "random " what " range, same for all channels"},                                             \
        {Name "Range[*]", N2D2_PARAM_LIST, NULL, NULL, 0, 0, N2D2_PARAM_PATTERN,                  \
         "random " what " range of one channel (e.g. " Name "Range[0]=" lo " " hi ")"},           \
        {Name "Var", N2D2_PARAM_LIST, "1.0", NULL, 0, 0, 0,                                       \
         "probability of a " what " variation: one value, or one per channel"},                   \
        {Name "VarProb", N2D2_PARAM_LIST, NULL, NULL, 0, 0, 0, "same as " Name "Var"}

static const n2d2_param_spec affine_params[] = {
    RANGE_KEYS("Gain", "1.0", "1.0", "gain"),
    RANGE_KEYS("Bias", "0.0", "0.0", "bias"),
    RANGE_KEYS("Gamma", "1.0", "1.0", "gamma"),
    {"Disjoint", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "gamma variation (probability GammaVar) or gain/bias variation, never both"},
    {"ChannelsMask", N2D2_PARAM_LIST, NULL, NULL, 0, 0, 0,
     "channels to change, e.g. 1 0 1 (default: all)"},
};

/* One of gain, bias, gamma. */
typedef struct variation {
    double lo, hi, neutral;
    double ch_lo[TF_MAX_VALUES], ch_hi[TF_MAX_VALUES];
    int ch_given[TF_MAX_VALUES];
    size_t n_ch;
    double prob[TF_MAX_VALUES];
    size_t n_prob;
} variation;

typedef struct affine {
    variation var[3]; /* gain, bias, gamma */
    int disjoint;
    double mask[TF_MAX_VALUES];
    size_t n_mask;
} affine;

static n2d2_status read_variation(const n2d2_params *p, const char *name, double neutral,
                                  variation *v)
{
    char key[32], pattern[32], prob_key[32];
    snprintf(key, sizeof key, "%sRange", name);
    snprintf(pattern, sizeof pattern, "%sRange[*]", name);
    v->neutral = v->lo = v->hi = neutral;
    for (size_t c = 0; c < TF_MAX_VALUES; ++c)
        v->ch_lo[c] = v->ch_hi[c] = neutral;
    n2d2_status st = geo_read_range(p, key, &v->lo, &v->hi);
    if (st == N2D2_OK)
        st = geo_read_channel_ranges(p, pattern, v->ch_lo, v->ch_hi, v->ch_given, &v->n_ch);
    if (st != N2D2_OK)
        return st;
    if (v->n_ch && n2d2_params_given(p, key))
        return n2d2_params_error(p, key, N2D2_ERR_INVAL,
                                 "%s and %s[<channel>] are mutually exclusive", key, key);
    snprintf(key, sizeof key, "%sVar", name);
    snprintf(prob_key, sizeof prob_key, "%sVarProb", name);
    if (n2d2_params_given(p, key) && n2d2_params_given(p, prob_key))
        return n2d2_params_error(p, prob_key, N2D2_ERR_INVAL, "%s is an alias of %s: give one",
                                 prob_key, key);
    st = tf_read_list(p, n2d2_params_given(p, prob_key) ? prob_key : key, v->prob, &v->n_prob);
    if (st != N2D2_OK)
        return st;
    for (size_t i = 0; i < v->n_prob; ++i)
        if (v->prob[i] < 0.0 || v->prob[i] > 1.0)
            return n2d2_params_error(p, key, N2D2_ERR_RANGE, "probability %g is not in [0, 1]",
                                     v->prob[i]);
    return N2D2_OK;
}

static n2d2_status affine_create(const n2d2_params *p, void **state)
{
    affine *a = calloc(1, sizeof *a);
    if (!a)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    n2d2_status st = read_variation(p, "Gain", 1.0, &a->var[0]);
    if (st == N2D2_OK)
        st = read_variation(p, "Bias", 0.0, &a->var[1]);
    if (st == N2D2_OK)
        st = read_variation(p, "Gamma", 1.0, &a->var[2]);
    a->disjoint = n2d2_params_bool(p, "Disjoint");
    if (st == N2D2_OK && a->disjoint && a->var[2].n_prob != 1)
        st = n2d2_params_error(p, "Disjoint", N2D2_ERR_INVAL,
                               "Disjoint=1 needs a single GammaVar probability");
    if (st == N2D2_OK)
        st = tf_read_list(p, "ChannelsMask", a->mask, &a->n_mask);
    if (st != N2D2_OK) {
        free(a);
        return st;
    }
    *state = a;
    return N2D2_OK;
}

/* Values of one variation for channels 0..c-1 (`active`: may vary at all). */
static void draw(const variation *v, size_t c, int active, n2d2_rng *rng, double *out)
{
    if (v->n_ch == 0 && v->n_prob == 1) {
        int on = n2d2_rng_bernoulli(rng, v->prob[0]);
        double x = n2d2_rng_uniform_range(rng, v->lo, v->hi);
        for (size_t k = 0; k < c; ++k)
            out[k] = active && on ? x : v->neutral;
        return;
    }
    for (size_t k = 0; k < c; ++k) {
        double p = v->n_prob == 1 ? v->prob[0] : v->prob[k];
        double lo = v->n_ch ? v->ch_lo[k] : v->lo, hi = v->n_ch ? v->ch_hi[k] : v->hi;
        int on = n2d2_rng_bernoulli(rng, p);
        double x = n2d2_rng_uniform_range(rng, lo, hi);
        out[k] = active && on ? x : v->neutral;
    }
}

static double type_max(n2d2_dtype dt)
{
    switch (dt) {
    case N2D2_UINT8: return 255.0;
    case N2D2_INT8: return 127.0;
    case N2D2_INT32: return 2147483647.0;
    default: return 1.0;
    }
}

static n2d2_status affine_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                                n2d2_set set, n2d2_rng *rng)
{
    (void)labels;
    (void)label;
    (void)set;
    const affine *a = state;
    n2d2_tensor *t = *data;
    n2d2_status st = tf_check(t, WHO);
    if (st != N2D2_OK)
        return st;
    size_t c = n2d2_tensor_dim(t, 0), hw = n2d2_tensor_dim(t, 1) * n2d2_tensor_dim(t, 2);
    if (c > TF_MAX_VALUES)
        return n2d2_error(N2D2_ERR_SHAPE, WHO ": at most %d channels, got %zu", TF_MAX_VALUES, c);
    for (int i = 0; i < 3; ++i)
        if (a->var[i].n_prob > 1 && (st = tf_check_list(i == 0 ? "GainVar" : i == 1 ? "BiasVar"
                                                                                    : "GammaVar",
                                                        a->var[i].n_prob, c, WHO)) != N2D2_OK)
            return st;
    int gamma_only = a->disjoint ? n2d2_rng_bernoulli(rng, a->var[2].prob[0]) : -1;
    double gain[TF_MAX_VALUES], bias[TF_MAX_VALUES], gamma[TF_MAX_VALUES];
    if (gamma_only == 1) {
        variation always = a->var[2];
        always.prob[0] = 1.0;
        draw(&a->var[0], c, 0, rng, gain);
        draw(&a->var[1], c, 0, rng, bias);
        draw(&always, c, 1, rng, gamma);
    } else {
        draw(&a->var[0], c, 1, rng, gain);
        draw(&a->var[1], c, 1, rng, bias);
        draw(&a->var[2], c, gamma_only == -1, rng, gamma);
    }
    n2d2_dtype dt = n2d2_tensor_dtype(t);
    double s = type_max(dt);
    void *d = n2d2_tensor_data(t);
    for (size_t k = 0; k < c; ++k) {
        if (a->n_mask && (k >= a->n_mask || a->mask[k] == 0.0))
            continue;
        for (size_t i = k * hw; i < (k + 1) * hw; ++i) {
            double v = tf_get(d, dt, i) / s;
            if (gamma[k] != 1.0)
                v = v < 0.0 ? -pow(-v, gamma[k]) : pow(v, gamma[k]);
            tf_set(d, dt, i, gain[k] * v * s + bias[k] * s);
        }
    }
    return N2D2_OK;
}

static const n2d2_transform_ops affine_ops = {
    sizeof(n2d2_transform_ops), N2D2_TRANSFORM_RANDOM, affine_create, affine_apply,
    tf_same_shape, free, {0}};

const n2d2_feature geo_random_affine_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "RandomAffineTransformation", NULL,
    "random gain, bias and gamma of the values", affine_params, TF_COUNT_OF(affine_params),
    &affine_ops, 0, {0}};
