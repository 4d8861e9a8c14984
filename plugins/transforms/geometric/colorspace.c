/* ColorSpaceTransformation (manual 21.5.8): the 23 conversions the manual
 * lists, with OpenCV's conventions (color.h): BGR and RGB from gray (1
 * channel, replicated), BGR or BGRA (alpha dropped); the others from and to
 * 3-channel BGR or RGB. UInt8 data uses the 8-bit packing, Float32/Float64
 * data the unit scale (RGB in [0, 1], H in degrees, L* in [0, 100]...);
 * other types are refused. The data type is kept; labels are untouched. */
#include <stdlib.h>

#include "color.h"
#include "geo_util.h"

#define WHO "ColorSpaceTransformation"

#define COLOR_SPACES                                                                              \
    "BGR|RGB|HSV|HLS|YCrCb|CIELab|CIELuv|RGB_to_BGR|RGB_to_HSV|RGB_to_HLS|RGB_to_YCrCb|"          \
    "RGB_to_CIELab|RGB_to_CIELuv|HSV_to_BGR|HSV_to_RGB|HLS_to_BGR|HLS_to_RGB|YCrCb_to_BGR|"       \
    "YCrCb_to_RGB|CIELab_to_BGR|CIELab_to_RGB|CIELuv_to_BGR|CIELuv_to_RGB"

/* One conversion: source and destination spaces; *_bgr: the RGB space is
 * stored blue first; any: source may be gray, BGR or BGRA. */
typedef struct conversion {
    geo_space from, to;
    int from_bgr, to_bgr, any;
} conversion;

static const conversion conversions[] = {
    {GEO_RGB, GEO_RGB, 1, 1, 1},   {GEO_RGB, GEO_RGB, 1, 0, 1},   {GEO_RGB, GEO_HSV, 1, 0, 0},
    {GEO_RGB, GEO_HLS, 1, 0, 0},   {GEO_RGB, GEO_YCRCB, 1, 0, 0}, {GEO_RGB, GEO_LAB, 1, 0, 0},
    {GEO_RGB, GEO_LUV, 1, 0, 0},   {GEO_RGB, GEO_RGB, 0, 1, 0},   {GEO_RGB, GEO_HSV, 0, 0, 0},
    {GEO_RGB, GEO_HLS, 0, 0, 0},   {GEO_RGB, GEO_YCRCB, 0, 0, 0}, {GEO_RGB, GEO_LAB, 0, 0, 0},
    {GEO_RGB, GEO_LUV, 0, 0, 0},   {GEO_HSV, GEO_RGB, 0, 1, 0},   {GEO_HSV, GEO_RGB, 0, 0, 0},
    {GEO_HLS, GEO_RGB, 0, 1, 0},   {GEO_HLS, GEO_RGB, 0, 0, 0},   {GEO_YCRCB, GEO_RGB, 0, 1, 0},
    {GEO_YCRCB, GEO_RGB, 0, 0, 0}, {GEO_LAB, GEO_RGB, 0, 1, 0},   {GEO_LAB, GEO_RGB, 0, 0, 0},
    {GEO_LUV, GEO_RGB, 0, 1, 0},   {GEO_LUV, GEO_RGB, 0, 0, 0},
};

static const n2d2_param_spec colorspace_params[] = {
    {"ColorSpace", N2D2_PARAM_ENUM, NULL, COLOR_SPACES, 0, 0, N2D2_PARAM_REQUIRED,
     "conversion: BGR/RGB (from gray, BGR or BGRA), HSV, HLS, YCrCb, CIELab, CIELuv (from BGR), "
     "RGB_to_*, *_to_BGR, *_to_RGB"},
};

static n2d2_status colorspace_create(const n2d2_params *p, void **state)
{
    int *which = malloc(sizeof *which);
    if (!which)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    *which = n2d2_params_enum(p, "ColorSpace");
    *state = which;
    return N2D2_OK;
}

static void swap_rb(double *v)
{
    double t = v[0];
    v[0] = v[2];
    v[2] = t;
}

static n2d2_status colorspace_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels,
                                    int *label, n2d2_set set, n2d2_rng *rng)
{
    (void)labels;
    (void)label;
    (void)set;
    (void)rng;
    const conversion *cv = &conversions[*(const int *)state];
    n2d2_tensor *in = *data;
    n2d2_status st = tf_check(in, WHO);
    if (st != N2D2_OK)
        return st;
    n2d2_dtype dt = n2d2_tensor_dtype(in);
    if (dt != N2D2_UINT8 && dt != N2D2_FLOAT32 && dt != N2D2_FLOAT64)
        return n2d2_error(N2D2_ERR_NOT_IMPLEMENTED,
                          WHO ": %s data is not implemented yet (UInt8, Float32, Float64)",
                          n2d2_dtype_name(dt));
    size_t c = n2d2_tensor_dim(in, 0), hw = n2d2_tensor_dim(in, 1) * n2d2_tensor_dim(in, 2);
    if (!(c == 3 || (cv->any && (c == 1 || c == 4))))
        return n2d2_error(N2D2_ERR_SHAPE, WHO ": %s data must have 3 channels, got %zu",
                          cv->any ? "gray, BGR or BGRA (1, 3 or 4 channels)" : "the input", c);
    size_t dims[3] = {3, n2d2_tensor_dim(in, 1), n2d2_tensor_dim(in, 2)};
    n2d2_tensor *out;
    st = n2d2_tensor_new(dt, 3, dims, &out);
    if (st != N2D2_OK)
        return st;
    const void *src = n2d2_tensor_cdata(in);
    void *dst = n2d2_tensor_data(out);
    int eight = dt == N2D2_UINT8;
    for (size_t i = 0; i < hw; ++i) {
        double p[3], unit[3], rgb[3], res[3];
        for (size_t k = 0; k < 3; ++k)
            p[k] = tf_get(src, dt, (c == 1 ? 0 : k) * hw + i);
        if (eight)
            geo_unpack8(cv->from, p, unit);
        else
            unit[0] = p[0], unit[1] = p[1], unit[2] = p[2];
        if (cv->from == GEO_RGB && cv->from_bgr)
            swap_rb(unit);
        geo_to_rgb(cv->from, unit, rgb);
        geo_from_rgb(cv->to, rgb, res);
        if (cv->to == GEO_RGB && cv->to_bgr)
            swap_rb(res);
        if (eight) {
            double packed[3];
            geo_pack8(cv->to, res, packed);
            res[0] = packed[0], res[1] = packed[1], res[2] = packed[2];
        }
        for (size_t k = 0; k < 3; ++k)
            tf_set(dst, dt, k * hw + i, res[k]);
    }
    n2d2_tensor_release(in);
    *data = out;
    return N2D2_OK;
}

static n2d2_status colorspace_shape(void *state, const n2d2_shape *in, n2d2_shape *out)
{
    (void)state;
    if (in->ndim != 3)
        return N2D2_ERR_UNSUPPORTED;
    *out = *in;
    out->dims[0] = 3;
    return N2D2_OK;
}

static const n2d2_transform_ops colorspace_ops = {
    sizeof(n2d2_transform_ops), 0, colorspace_create, colorspace_apply, colorspace_shape, free,
    {0}};

const n2d2_feature geo_colorspace_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "ColorSpaceTransformation", NULL,
    "colour-space conversion (OpenCV conventions)", colorspace_params,
    TF_COUNT_OF(colorspace_params), &colorspace_ops, 0, {0}};
