/* LabelSliceExtractionTransformation (manual 21.5.17): a Width x Height
 * slice of the image that belongs to one label of the pixel-wise label map.
 *
 * - Label >= 0 is that label; -1 draws one at random among the labels
 *   present in the map (ids >= 0, minus ExcludeLabels).
 * - A slice position is valid when its central region — the slice shrunk
 *   by |SlicesMargin| pixels on each side, at least its centre pixel — is
 *   entirely of that label (SlicesMargin = 0: the whole slice). Among the
 *   valid positions one is drawn uniformly.
 * - No valid position: with IgnoreNoValid=1 a random slice is taken and its
 *   labels are all -1 (ignored), the stimulus label -1; otherwise an error.
 * - RandomRotation: the slice is then sampled rotated by an angle drawn
 *   uniformly in RandomRotationRange (degrees, counterclockwise) about its
 *   centre (bilinear data, nearest labels); validity is checked unrotated.
 * - An image smaller than the slice is an error unless AllowPadding=1: the
 *   slice is then centred on that axis and the border fills the rest
 *   (BorderType, BorderValue; labels -1 there with Constant/Mean borders);
 *   only pixels inside the image count for validity.
 * - KeepComposite=0 reduces the slice's map to the extracted label (patch
 *   classification); 1 keeps the map. The stimulus label becomes the
 *   extracted label either way. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lbl_util.h"

#define WHO "LabelSliceExtractionTransformation"
#define MAX_EXCLUDE 256

static const n2d2_param_spec slice_params[] = {
    {"Width", N2D2_PARAM_UINT, NULL, NULL, 1, 1e6, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "width of the slice"},
    {"Height", N2D2_PARAM_UINT, NULL, NULL, 1, 1e6, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "height of the slice"},
    {"Label", N2D2_PARAM_INT, "-1", NULL, -1, 1e9, N2D2_PARAM_RANGE,
     "label id the slice belongs to (-1: a random label of the image)"},
    {"RandomRotation", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "randomly rotated slices"},
    {"RandomRotationRange", N2D2_PARAM_LIST, "0.0 360.0", NULL, 0, 0, 0,
     "range of the random rotation, degrees counterclockwise"},
    {"SlicesMargin", N2D2_PARAM_INT, "0", NULL, 0, 0, 0,
     "pixels on each side of the slice that need not carry the label (sign ignored)"},
    {"KeepComposite", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "keep the 2-D label map (1), or reduce it to the extracted label (0)"},
    {"AllowPadding", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "pad an image smaller than the slice (BorderType)"},
    TF_BORDER_PARAMS,
    {"IgnoreNoValid", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "no valid slice: take a random one labelled -1 (1), or fail (0)"},
    {"ExcludeLabels", N2D2_PARAM_LIST, "", NULL, 0, 0, 0,
     "label ids never drawn when Label=-1"},
};

typedef struct slice {
    size_t width, height;
    int label;
    int rotate;
    double rot_lo, rot_hi;
    long margin;
    int keep, pad, ignore_no_valid;
    tf_border border;
    int exclude[MAX_EXCLUDE];
    size_t n_exclude;
} slice;

static n2d2_status slice_create(const n2d2_params *p, void **state)
{
    slice *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->width = (size_t)n2d2_params_uint(p, "Width");
    s->height = (size_t)n2d2_params_uint(p, "Height");
    s->label = (int)n2d2_params_int(p, "Label");
    s->rotate = n2d2_params_bool(p, "RandomRotation");
    long m = (long)n2d2_params_int(p, "SlicesMargin");
    s->margin = m < 0 ? -m : m;
    s->keep = n2d2_params_bool(p, "KeepComposite");
    s->pad = n2d2_params_bool(p, "AllowPadding");
    s->ignore_no_valid = n2d2_params_bool(p, "IgnoreNoValid");
    n2d2_status st = tf_border_read(p, &s->border);
    double range[2];
    int n = n2d2_params_list(p, "RandomRotationRange", range, 2);
    if (st == N2D2_OK && n != 2)
        st = n2d2_params_error(p, "RandomRotationRange", N2D2_ERR_INVAL,
                               "expected two angles 'min max' in degrees");
    else if (st == N2D2_OK && range[1] < range[0])
        st = n2d2_params_error(p, "RandomRotationRange", N2D2_ERR_RANGE,
                               "the range %g %g is inverted", range[0], range[1]);
    s->rot_lo = range[0];
    s->rot_hi = range[1];
    double ex[MAX_EXCLUDE];
    n = n2d2_params_list(p, "ExcludeLabels", ex, MAX_EXCLUDE);
    if (st == N2D2_OK && n > MAX_EXCLUDE)
        st = n2d2_params_error(p, "ExcludeLabels", N2D2_ERR_RANGE, "at most %d labels",
                               MAX_EXCLUDE);
    for (int i = 0; st == N2D2_OK && i < n; ++i) {
        if (ex[i] != floor(ex[i]))
            st = n2d2_params_error(p, "ExcludeLabels", N2D2_ERR_INVAL,
                                   "'%g' is not a label id", ex[i]);
        s->exclude[s->n_exclude++] = (int)ex[i];
    }
    if (st != N2D2_OK) {
        free(s);
        return st;
    }
    *state = s;
    return N2D2_OK;
}

static int excluded(const slice *s, int32_t l)
{
    for (size_t i = 0; i < s->n_exclude; ++i)
        if (s->exclude[i] == l)
            return 1;
    return 0;
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

/* Label -1: draw one of the distinct labels present (sorted, so the draw
 * does not depend on pixel order). -1 when none. */
static n2d2_status pick_label(const slice *s, const int32_t *m, size_t n, n2d2_rng *rng,
                              int32_t *out)
{
    int32_t *v = malloc((n ? n : 1) * sizeof *v);
    if (!v)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; ++i)
        if (m[i] >= 0 && !excluded(s, m[i]))
            v[k++] = m[i];
    qsort(v, k, sizeof *v, cmp_i32);
    size_t d = 0;
    for (size_t i = 0; i < k; ++i)
        if (d == 0 || v[i] != v[d - 1])
            v[d++] = v[i];
    *out = d ? v[n2d2_rng_below(rng, d)] : -1;
    free(v);
    return N2D2_OK;
}

static n2d2_status slice_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                               n2d2_set set, n2d2_rng *rng)
{
    (void)set;
    const slice *s = state;
    n2d2_status st = lbl_check_map(*data, *labels, WHO);
    if (st != N2D2_OK)
        return st;
    size_t h = n2d2_tensor_dim(*data, 1), w = n2d2_tensor_dim(*data, 2);
    size_t sw = s->width, sh = s->height;
    if ((w < sw || h < sh) && !s->pad)
        return n2d2_error(N2D2_ERR_SHAPE, "%s: the image (%zux%zu, HxW) is smaller than the "
                          "%zux%zu slice; AllowPadding=1 pads it", WHO, h, w, sh, sw);
    const int32_t *m = n2d2_tensor_cdata(*labels);
    int32_t lab = s->label;
    if (lab < 0 && (st = pick_label(s, m, h * w, rng, &lab)) != N2D2_OK)
        return st;
    /* Top-left positions: [0, w - sw] per axis, or the centred one when
     * the image is smaller (padding). */
    long x_lo = w >= sw ? 0 : -(long)((sw - w) / 2), x_n = w >= sw ? (long)(w - sw) + 1 : 1;
    long y_lo = h >= sh ? 0 : -(long)((sh - h) / 2), y_n = h >= sh ? (long)(h - sh) + 1 : 1;
    long mx = s->margin < (long)(sw - 1) / 2 ? s->margin : (long)(sw - 1) / 2;
    long my = s->margin < (long)(sh - 1) / 2 ? s->margin : (long)(sh - 1) / 2;
    /* Integral image of the label mask: a region is valid when the count
     * of label pixels equals its in-image area. */
    size_t *sum = calloc((h + 1) * (w + 1), sizeof *sum);
    unsigned char *ok = calloc((size_t)(x_n * y_n), 1);
    if (!sum || !ok) {
        free(sum);
        free(ok);
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    }
    for (size_t y = 0; y < h; ++y)
        for (size_t x = 0; x < w; ++x)
            sum[(y + 1) * (w + 1) + x + 1] = (m[y * w + x] == lab && lab >= 0) + sum[y * (w + 1) + x + 1] +
                                             sum[(y + 1) * (w + 1) + x] - sum[y * (w + 1) + x];
    size_t n_ok = 0;
    for (long j = 0; lab >= 0 && j < y_n; ++j)
        for (long i = 0; i < x_n; ++i) {
            long x0 = x_lo + i + mx, x1 = x_lo + i + (long)sw - mx;
            long y0 = y_lo + j + my, y1 = y_lo + j + (long)sh - my;
            x0 = x0 < 0 ? 0 : x0;
            y0 = y0 < 0 ? 0 : y0;
            x1 = x1 > (long)w ? (long)w : x1;
            y1 = y1 > (long)h ? (long)h : y1;
            if (x1 <= x0 || y1 <= y0)
                continue;
            size_t area = (size_t)((x1 - x0) * (y1 - y0));
            size_t c = sum[(size_t)y1 * (w + 1) + (size_t)x1] - sum[(size_t)y0 * (w + 1) + (size_t)x1] -
                       sum[(size_t)y1 * (w + 1) + (size_t)x0] + sum[(size_t)y0 * (w + 1) + (size_t)x0];
            if (c == area) {
                ok[j * x_n + i] = 1;
                ++n_ok;
            }
        }
    long px, py;
    int valid = n_ok > 0;
    if (valid) {
        uint64_t k = n2d2_rng_below(rng, n_ok);
        long idx = 0;
        for (; idx < x_n * y_n; ++idx)
            if (ok[idx] && k-- == 0)
                break;
        px = x_lo + idx % x_n;
        py = y_lo + idx / x_n;
    } else {
        px = x_lo + (long)n2d2_rng_below(rng, (uint64_t)x_n);
        py = y_lo + (long)n2d2_rng_below(rng, (uint64_t)y_n);
    }
    free(sum);
    free(ok);
    if (!valid && !s->ignore_no_valid)
        return n2d2_error(N2D2_ERR_NOT_FOUND, "%s: no %zux%zu slice of label %d in the %zux%zu "
                          "image (IgnoreNoValid=1 takes a random slice marked ignored)",
                          WHO, sh, sw, (int)lab, h, w);
    double angle = s->rotate ? n2d2_rng_uniform_range(rng, s->rot_lo, s->rot_hi) : 0.0;
    n2d2_tensor *out, *lout;
    st = lbl_window(*data, *labels, px, py, sw, sh, angle, &s->border, &out, &lout);
    if (st != N2D2_OK)
        return st;
    if (!valid)
        lbl_fill(lout, -1);
    else if (!s->keep)
        lbl_fill(lout, lab);
    n2d2_tensor_release(*data);
    n2d2_tensor_release(*labels);
    *data = out;
    *labels = lout;
    *label = valid ? (int)lab : -1;
    return N2D2_OK;
}

static n2d2_status slice_output_shape(void *state, const n2d2_shape *in, n2d2_shape *out)
{
    const slice *s = state;
    *out = *in;
    out->dims[1] = s->height;
    out->dims[2] = s->width;
    return N2D2_OK;
}

static const n2d2_transform_ops slice_ops = {sizeof(n2d2_transform_ops), N2D2_TRANSFORM_RANDOM,
                                             slice_create, slice_apply, slice_output_shape, free,
                                             {0}};

const n2d2_feature lbl_slice_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "LabelSliceExtractionTransformation", NULL,
    "a slice of the image belonging to one label of the pixel-wise labels", slice_params,
    TF_COUNT_OF(slice_params), &slice_ops, 0, {0}};
