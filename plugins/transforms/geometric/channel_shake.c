/* ChannelShakeTransformation (manual 21.5.7, N2D2-IP only there; written
 * from the documented behaviour): shift each channel by a random vertical
 * and horizontal offset, to simulate misaligned channel data.
 *
 * Ranges: `VerticalRange[<ch>]=a b` for one channel, or `VerticalRange=a b`
 * for every channel without its own range (same for HorizontalRange); no
 * range: no shift. Draws per channel, vertical then horizontal, only for
 * non-empty ranges: Uniform in [a, b]; Normal of mean (a+b)/2 and standard
 * deviation (b-a)/6; TruncatedNormal: Normal redrawn until inside [a, b]
 * (clamped after 100 tries). Rounded=1 rounds shifts to whole pixels, else
 * bilinear. A shift (dx, dy) moves the content right and down: out(x, y) =
 * in(x - dx, y - dy), with BorderType outside. Pixel-wise labels are not
 * moved: the channels are misaligned among themselves, not with the
 * scene. */
#include <stdlib.h>
#include <string.h>

#include "geo_util.h"

#define WHO "ChannelShakeTransformation"

enum { UNIFORM, NORMAL, TRUNCATED_NORMAL };

static const n2d2_param_spec shake_params[] = {
    {"VerticalRange", N2D2_PARAM_LIST, NULL, NULL, 0, 0, 0,
     "vertical shift range (pixels) of every channel"},
    {"VerticalRange[*]", N2D2_PARAM_LIST, NULL, NULL, 0, 0, N2D2_PARAM_PATTERN,
     "vertical shift range of one channel, e.g. VerticalRange[1]=-5.0 5.0"},
    {"HorizontalRange", N2D2_PARAM_LIST, NULL, NULL, 0, 0, 0,
     "horizontal shift range (pixels) of every channel"},
    {"HorizontalRange[*]", N2D2_PARAM_LIST, NULL, NULL, 0, 0, N2D2_PARAM_PATTERN,
     "horizontal shift range of one channel"},
    {"Distribution", N2D2_PARAM_ENUM, "Uniform", "Uniform|Normal|TruncatedNormal", 0, 0, 0,
     "distribution of the shifts: Uniform in [a, b], Normal(mean (a+b)/2, sd (b-a)/6), "
     "TruncatedNormal (Normal kept in [a, b])"},
    {"Rounded", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0, "whole-pixel shifts (no interpolation)"},
    TF_BORDER_PARAMS,
};

typedef struct axis_ranges {
    double lo[TF_MAX_VALUES], hi[TF_MAX_VALUES];
    int given[TF_MAX_VALUES];
} axis_ranges;

typedef struct shake {
    axis_ranges v, h;
    int distribution, rounded;
    tf_border border;
} shake;

static n2d2_status read_axis(const n2d2_params *p, const char *key, const char *pattern,
                             axis_ranges *r)
{
    double lo = 0.0, hi = 0.0;
    size_t found;
    n2d2_status st = geo_read_range(p, key, &lo, &hi);
    if (st != N2D2_OK)
        return st;
    for (size_t c = 0; c < TF_MAX_VALUES; ++c)
        r->lo[c] = lo, r->hi[c] = hi;
    return geo_read_channel_ranges(p, pattern, r->lo, r->hi, r->given, &found);
}

static n2d2_status shake_create(const n2d2_params *p, void **state)
{
    shake *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    n2d2_status st = read_axis(p, "VerticalRange", "VerticalRange[*]", &s->v);
    if (st == N2D2_OK)
        st = read_axis(p, "HorizontalRange", "HorizontalRange[*]", &s->h);
    if (st == N2D2_OK)
        st = tf_border_read(p, &s->border);
    if (st != N2D2_OK) {
        free(s);
        return st;
    }
    s->distribution = n2d2_params_enum(p, "Distribution");
    s->rounded = n2d2_params_bool(p, "Rounded");
    *state = s;
    return N2D2_OK;
}

static double draw(const shake *s, double lo, double hi, n2d2_rng *rng)
{
    if (lo == hi)
        return lo;
    if (s->distribution == UNIFORM)
        return n2d2_rng_uniform_range(rng, lo, hi);
    double mean = (lo + hi) / 2.0, sd = (hi - lo) / 6.0, x = n2d2_rng_normal(rng, mean, sd);
    for (int i = 0; s->distribution == TRUNCATED_NORMAL && (x < lo || x > hi) && i < 100; ++i)
        x = n2d2_rng_normal(rng, mean, sd);
    if (s->distribution == TRUNCATED_NORMAL)
        x = x < lo ? lo : x > hi ? hi : x;
    return x;
}

/* Shift channel k of t by (dx, dy), through a one-channel view. */
static n2d2_status shift_channel(const shake *s, n2d2_tensor *t, size_t k, double dx, double dy)
{
    size_t h = n2d2_tensor_dim(t, 1), w = n2d2_tensor_dim(t, 2);
    n2d2_tensor *view, *none = NULL;
    n2d2_status st = n2d2_tensor_view(t, k, 1, &view);
    if (st != N2D2_OK)
        return st;
    geo_map m;
    st = geo_map_new(&m, h, w);
    if (st != N2D2_OK) {
        n2d2_tensor_release(view);
        return st;
    }
    for (size_t y = 0; y < h; ++y)
        for (size_t x = 0; x < w; ++x) {
            m.sx[y * w + x] = (double)x - dx;
            m.sy[y * w + x] = (double)y - dy;
        }
    tf_border b = s->border;
    if (b.n_values > 1) { /* the view's channel 0 is channel k */
        b.value[0] = k < b.n_values ? b.value[k] : 0.0;
        b.n_values = 1;
    }
    n2d2_tensor *shifted = view;
    n2d2_tensor_retain(view);
    st = geo_remap(&shifted, &none, &m, &b, 0, WHO);
    geo_map_free(&m);
    if (st == N2D2_OK) {
        memcpy(n2d2_tensor_data(view), n2d2_tensor_cdata(shifted), n2d2_tensor_nbytes(shifted));
        n2d2_tensor_release(shifted);
    } else {
        n2d2_tensor_release(shifted);
    }
    n2d2_tensor_release(view);
    return st;
}

static n2d2_status shake_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                               n2d2_set set, n2d2_rng *rng)
{
    (void)labels;
    (void)label;
    (void)set;
    const shake *s = state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    size_t c = n2d2_tensor_dim(*data, 0);
    if (n2d2_tensor_dim(*data, 1) == 0 || n2d2_tensor_dim(*data, 2) == 0)
        return N2D2_OK;
    for (size_t k = 0; k < c && st == N2D2_OK; ++k) {
        size_t r = k < TF_MAX_VALUES ? k : TF_MAX_VALUES - 1;
        double dy = draw(s, s->v.lo[r], s->v.hi[r], rng);
        double dx = draw(s, s->h.lo[r], s->h.hi[r], rng);
        if (s->rounded)
            dx = (double)lround(dx), dy = (double)lround(dy);
        if (dx != 0.0 || dy != 0.0)
            st = shift_channel(s, *data, k, dx, dy);
    }
    return st;
}

static const n2d2_transform_ops shake_ops = {
    sizeof(n2d2_transform_ops), N2D2_TRANSFORM_RANDOM, shake_create, shake_apply, tf_same_shape,
    free, {0}};

const n2d2_feature geo_channel_shake_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "ChannelShakeTransformation", NULL,
    "random per-channel shifts", shake_params, TF_COUNT_OF(shake_params), &shake_ops, 0, {0}};
