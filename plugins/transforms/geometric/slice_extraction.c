/* SliceExtractionTransformation (manual 21.5.29): extract a Width x Height
 * slice at (OffsetX, OffsetY) or at a random offset, optionally randomly
 * rotated (degrees, counter-clockwise) and scaled about the slice centre.
 *
 * Choices the manual leaves open (A9, A28): random offsets are uniform over
 * the positions where the slice fits; rotation and scale are uniform in
 * their ranges; a scale s > 1 magnifies (the slice covers 1/s of the
 * region); RandomScalingRange applies with RandomScaling. Width/Height 0
 * keep the image size (manual line 6040). Pixels outside the image follow
 * BorderType; a slice larger than the image needs AllowPadding=1 unless it
 * is rotated or scaled. Bilinear, half-pixel centres; pixel-wise labels
 * follow with the nearest neighbour. */
#include <stdlib.h>

#include "geo_util.h"

#define WHO "SliceExtractionTransformation"
#define PI 3.14159265358979323846

static const n2d2_param_spec slice_params[] = {
    {"Width", N2D2_PARAM_UINT, NULL, NULL, 0, 1e6, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "slice width (0: image width)"},
    {"Height", N2D2_PARAM_UINT, NULL, NULL, 0, 1e6, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "slice height (0: image height)"},
    {"OffsetX", N2D2_PARAM_UINT, "0", NULL, 0, 1e6, N2D2_PARAM_RANGE, "X offset of the slice"},
    {"OffsetY", N2D2_PARAM_UINT, "0", NULL, 0, 1e6, N2D2_PARAM_RANGE, "Y offset of the slice"},
    {"RandomOffsetX", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "random X offset"},
    {"RandomOffsetY", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "random Y offset"},
    {"RandomRotation", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "randomly rotated slices"},
    {"RandomRotationRange", N2D2_PARAM_LIST, "0.0 360.0", NULL, 0, 0, 0,
     "rotation range in degrees, counter-clockwise"},
    {"RandomScaling", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0, "randomly scaled slices"},
    {"RandomScalingRange", N2D2_PARAM_LIST, "0.8 1.2", NULL, 0, 0, 0, "scale range"},
    {"AllowPadding", N2D2_PARAM_BOOL, "0", NULL, 0, 0, 0,
     "allow a slice larger than the image (padded with BorderType)"},
    TF_BORDER_PARAMS,
};

typedef struct slice {
    size_t width, height, ox, oy;
    int random_x, random_y, rotation, scaling, padding;
    double rot_lo, rot_hi, scale_lo, scale_hi;
    tf_border border;
} slice;

static n2d2_status slice_create(const n2d2_params *p, void **state)
{
    slice *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->width = (size_t)n2d2_params_uint(p, "Width");
    s->height = (size_t)n2d2_params_uint(p, "Height");
    s->ox = (size_t)n2d2_params_uint(p, "OffsetX");
    s->oy = (size_t)n2d2_params_uint(p, "OffsetY");
    s->random_x = n2d2_params_bool(p, "RandomOffsetX");
    s->random_y = n2d2_params_bool(p, "RandomOffsetY");
    s->rotation = n2d2_params_bool(p, "RandomRotation");
    s->scaling = n2d2_params_bool(p, "RandomScaling");
    s->padding = n2d2_params_bool(p, "AllowPadding");
    n2d2_status st = geo_read_range(p, "RandomRotationRange", &s->rot_lo, &s->rot_hi);
    if (st == N2D2_OK)
        st = geo_read_range(p, "RandomScalingRange", &s->scale_lo, &s->scale_hi);
    if (st == N2D2_OK && s->scale_lo <= 0.0)
        st = n2d2_params_error(p, "RandomScalingRange", N2D2_ERR_RANGE,
                               "scales must be positive, got %g", s->scale_lo);
    if (st == N2D2_OK)
        st = tf_border_read(p, &s->border);
    if (st != N2D2_OK) {
        free(s);
        return st;
    }
    *state = s;
    return N2D2_OK;
}

/* Offset on one axis: fixed, or uniform where the slice fits. */
static n2d2_status axis_offset(size_t size, size_t len, size_t fixed, int random, int loose,
                               n2d2_rng *rng, long *off, const char *axis)
{
    if (random) {
        *off = size >= len ? (long)n2d2_rng_below(rng, size - len + 1)
                           : -(long)((len - size) / 2); /* centred padding */
        return N2D2_OK;
    }
    if (!loose && fixed + len > size)
        return n2d2_error(N2D2_ERR_SHAPE,
                          WHO ": the slice (%s offset %zu + size %zu) exceeds the image (%zu); set "
                          "AllowPadding=1 to pad", axis, fixed, len, size);
    *off = (long)fixed;
    return N2D2_OK;
}

static n2d2_status slice_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                               n2d2_set set, n2d2_rng *rng)
{
    (void)label;
    (void)set;
    const slice *s = state;
    n2d2_status st = tf_check(*data, WHO);
    if (st != N2D2_OK)
        return st;
    size_t h = n2d2_tensor_dim(*data, 1), w = n2d2_tensor_dim(*data, 2);
    size_t sw = s->width ? s->width : w, sh = s->height ? s->height : h;
    int loose = s->padding || s->rotation || s->scaling;
    if (!loose && (sw > w || sh > h))
        return n2d2_error(N2D2_ERR_SHAPE,
                          WHO ": the %zux%zu slice is larger than the %zux%zu image; set "
                          "AllowPadding=1 to pad", sw, sh, w, h);
    long ox, oy;
    st = axis_offset(w, sw, s->ox, s->random_x, loose, rng, &ox, "X");
    if (st == N2D2_OK)
        st = axis_offset(h, sh, s->oy, s->random_y, loose, rng, &oy, "Y");
    if (st != N2D2_OK)
        return st;
    double angle = s->rotation ? n2d2_rng_uniform_range(rng, s->rot_lo, s->rot_hi) : 0.0;
    double scale = s->scaling ? n2d2_rng_uniform_range(rng, s->scale_lo, s->scale_hi) : 1.0;
    double c = cos(angle * PI / 180.0) / scale, sn = sin(angle * PI / 180.0) / scale;
    if (!s->rotation)
        c = 1.0 / scale, sn = 0.0;
    geo_map m;
    st = geo_map_new(&m, sh, sw);
    if (st != N2D2_OK)
        return st;
    /* Centre of the slice in continuous coordinates (pixel i spans
     * [i, i + 1)); the content turns counter-clockwise on screen. */
    double cx = (double)ox + (double)sw / 2.0, cy = (double)oy + (double)sh / 2.0;
    for (size_t y = 0; y < sh; ++y)
        for (size_t x = 0; x < sw; ++x) {
            double u = (double)x + 0.5 - (double)sw / 2.0, v = (double)y + 0.5 - (double)sh / 2.0;
            m.sx[y * sw + x] = cx + c * u - sn * v - 0.5;
            m.sy[y * sw + x] = cy + sn * u + c * v - 0.5;
        }
    st = geo_remap(data, labels, &m, &s->border, 0, WHO);
    geo_map_free(&m);
    return st;
}

static n2d2_status slice_shape(void *state, const n2d2_shape *in, n2d2_shape *out)
{
    const slice *s = state;
    if (in->ndim != 3)
        return N2D2_ERR_UNSUPPORTED;
    *out = *in;
    if (s->width)
        out->dims[2] = s->width;
    if (s->height)
        out->dims[1] = s->height;
    return N2D2_OK;
}

static const n2d2_transform_ops slice_ops = {
    sizeof(n2d2_transform_ops), N2D2_TRANSFORM_RANDOM, slice_create, slice_apply, slice_shape,
    free, {0}};

const n2d2_feature geo_slice_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "SliceExtractionTransformation", NULL,
    "extract a (random, rotated, scaled) Width x Height slice", slice_params,
    TF_COUNT_OF(slice_params), &slice_ops, 0, {0}};
