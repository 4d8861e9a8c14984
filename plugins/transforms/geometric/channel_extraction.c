/* ChannelExtractionTransformation (manual 21.5.6, key CSChannel, A24): keep
 * one channel. Blue, Green, Red: the 1st, 2nd, 3rd channel of any colour
 * space (no conversion); Hue, Saturation, Value: from BGR via HSV; Gray:
 * 0.299 R + 0.587 G + 0.114 B; Y, Cb, Cr: from BGR via YCrCb. 8-bit and
 * float scales as ColorSpaceTransformation. A 1-channel (gray) image counts
 * as B = G = R. Labels are untouched. */
#include <stdlib.h>

#include "color.h"
#include "geo_util.h"

#define WHO "ChannelExtractionTransformation"

enum { BLUE, GREEN, RED, HUE, SATURATION, VALUE, GRAY, Y, CB, CR };

static const n2d2_param_spec extraction_params[] = {
    {"CSChannel", N2D2_PARAM_ENUM, NULL, "Blue|Green|Red|Hue|Saturation|Value|Gray|Y|Cb|Cr", 0, 0,
     N2D2_PARAM_REQUIRED,
     "channel: Blue/Green/Red (1st/2nd/3rd of any space), Hue/Saturation/Value (HSV), Gray, "
     "Y/Cb/Cr (YCbCr)"},
};

static n2d2_status extraction_create(const n2d2_params *p, void **state)
{
    int *which = malloc(sizeof *which);
    if (!which)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    *which = n2d2_params_enum(p, "CSChannel");
    *state = which;
    return N2D2_OK;
}

static n2d2_status extraction_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels,
                                    int *label, n2d2_set set, n2d2_rng *rng)
{
    (void)labels;
    (void)label;
    (void)set;
    (void)rng;
    int which = *(const int *)state;
    n2d2_tensor *in = *data;
    n2d2_status st = tf_check(in, WHO);
    if (st != N2D2_OK)
        return st;
    n2d2_dtype dt = n2d2_tensor_dtype(in);
    size_t c = n2d2_tensor_dim(in, 0), hw = n2d2_tensor_dim(in, 1) * n2d2_tensor_dim(in, 2);
    if (which <= RED && c > 1 && (size_t)which >= c)
        return n2d2_error(N2D2_ERR_SHAPE, WHO ": channel %d of %zu-channel data", which + 1, c);
    if (which > RED && c != 1 && c != 3 && c != 4)
        return n2d2_error(N2D2_ERR_SHAPE, WHO ": expected gray, BGR or BGRA data, got %zu channels",
                          c);
    if (which > RED && which != GRAY && dt != N2D2_UINT8 && dt != N2D2_FLOAT32 &&
        dt != N2D2_FLOAT64)
        return n2d2_error(N2D2_ERR_NOT_IMPLEMENTED,
                          WHO ": %s data is not implemented yet (UInt8, Float32, Float64)",
                          n2d2_dtype_name(dt));
    size_t dims[3] = {1, n2d2_tensor_dim(in, 1), n2d2_tensor_dim(in, 2)};
    n2d2_tensor *out;
    st = n2d2_tensor_new(dt, 3, dims, &out);
    if (st != N2D2_OK)
        return st;
    const void *src = n2d2_tensor_cdata(in);
    void *dst = n2d2_tensor_data(out);
    int eight = dt == N2D2_UINT8;
    double scale = eight ? 255.0 : 1.0;
    for (size_t i = 0; i < hw; ++i) {
        double bgr[3], rgb[3], res[3], v;
        for (size_t k = 0; k < 3; ++k)
            bgr[k] = tf_get(src, dt, (c == 1 ? 0 : k < c ? k : 0) * hw + i);
        rgb[0] = bgr[2] / scale, rgb[1] = bgr[1] / scale, rgb[2] = bgr[0] / scale;
        if (which <= RED) {
            v = bgr[which];
        } else if (which == GRAY) {
            v = 0.299 * bgr[2] + 0.587 * bgr[1] + 0.114 * bgr[0];
        } else {
            geo_space space = which <= VALUE ? GEO_HSV : GEO_YCRCB;
            geo_from_rgb(space, rgb, res);
            if (eight) {
                double packed[3];
                geo_pack8(space, res, packed);
                res[0] = packed[0], res[1] = packed[1], res[2] = packed[2];
            }
            /* YCrCb stores Y, Cr, Cb. */
            v = which <= VALUE ? res[which - HUE]
                : which == Y   ? res[0]
                : which == CR  ? res[1]
                               : res[2];
        }
        tf_set(dst, dt, i, v);
    }
    n2d2_tensor_release(in);
    *data = out;
    return N2D2_OK;
}

static n2d2_status extraction_shape(void *state, const n2d2_shape *in, n2d2_shape *out)
{
    (void)state;
    if (in->ndim != 3)
        return N2D2_ERR_UNSUPPORTED;
    *out = *in;
    out->dims[0] = 1;
    return N2D2_OK;
}

static const n2d2_transform_ops extraction_ops = {
    sizeof(n2d2_transform_ops), 0, extraction_create, extraction_apply, extraction_shape, free,
    {0}};

const n2d2_feature geo_channel_extraction_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "ChannelExtractionTransformation", NULL,
    "keep one colour channel", extraction_params, TF_COUNT_OF(extraction_params),
    &extraction_ops, 0, {0}};
