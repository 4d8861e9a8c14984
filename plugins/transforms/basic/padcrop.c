/* PadCropTransformation (manual 21.5.22): centre the image in a
 * Width x Height frame, cropping what exceeds and filling what is missing
 * according to BorderType. When the difference is odd, the extra column or
 * row is cropped from / padded on the right and bottom. The data type is
 * kept. Pixel-wise labels follow the same geometry; their constant border
 * is -1 (ignored). */
#include <stdlib.h>
#include <string.h>

#include "basic.h"

#define WHO "PadCropTransformation"


static const n2d2_param_spec padcrop_params[] = {
    {"Width", N2D2_PARAM_UINT, NULL, NULL, 1, 1e6, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "width of the padded/cropped image"},
    {"Height", N2D2_PARAM_UINT, NULL, NULL, 1, 1e6, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "height of the padded/cropped image"},
    TF_BORDER_PARAMS,
};

typedef struct padcrop {
    size_t width, height;
    tf_border border;
} padcrop;

static n2d2_status padcrop_create(const n2d2_params *p, void **state)
{
    padcrop *pc = calloc(1, sizeof *pc);
    if (!pc)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    pc->width = (size_t)n2d2_params_uint(p, "Width");
    pc->height = (size_t)n2d2_params_uint(p, "Height");
    n2d2_status st = tf_border_read(p, &pc->border);
    if (st != N2D2_OK) {
        free(pc);
        return st;
    }
    *state = pc;
    return N2D2_OK;
}

/* First source coordinate of the centred frame (negative when padding). */
static long start_of(size_t in, size_t out)
{
    return in >= out ? (long)((in - out) / 2) : -(long)((out - in) / 2);
}

static n2d2_status padcrop_plane(const padcrop *pc, const n2d2_tensor *in, n2d2_tensor *out,
                                 int labels)
{
    n2d2_dtype dt = n2d2_tensor_dtype(in);
    size_t c = n2d2_tensor_dim(in, 0), h = n2d2_tensor_dim(in, 1), w = n2d2_tensor_dim(in, 2);
    size_t oh = pc->height, ow = pc->width;
    long sy0 = start_of(h, oh), sx0 = start_of(w, ow);
    int border = (h == 0 || w == 0) ? TF_BORDER_CONSTANT : pc->border.type;
    const void *src = n2d2_tensor_cdata(in);
    void *dst = n2d2_tensor_data(out);
    for (size_t k = 0; k < c; ++k) {
        double fill = labels ? -1.0 : tf_border_fill(&pc->border, in, k);
        int constant = border == TF_BORDER_CONSTANT || border == TF_BORDER_MEAN;
        for (size_t y = 0; y < oh; ++y) {
            long sy = constant ? sy0 + (long)y : tf_border_index(sy0 + (long)y, (long)h, border);
            for (size_t x = 0; x < ow; ++x) {
                long sx =
                    constant ? sx0 + (long)x : tf_border_index(sx0 + (long)x, (long)w, border);
                size_t o = (k * oh + y) * ow + x;
                if (sy < 0 || sx < 0 || sy >= (long)h || sx >= (long)w)
                    tf_set(dst, dt, o, fill);
                else
                    tf_set(dst, dt, o, tf_get(src, dt, (k * h + (size_t)sy) * w + (size_t)sx));
            }
        }
    }
    return N2D2_OK;
}

static n2d2_status padcrop_apply(void *state, n2d2_tensor **data, n2d2_tensor **labels, int *label,
                                 n2d2_set set, n2d2_rng *rng)
{
    (void)label;
    (void)set;
    (void)rng;
    const padcrop *pc = state;
    n2d2_tensor *in = *data;
    n2d2_status st = tf_check(in, WHO);
    if (st != N2D2_OK)
        return st;
    size_t c = n2d2_tensor_dim(in, 0);
    if (n2d2_tensor_dim(in, 1) == pc->height && n2d2_tensor_dim(in, 2) == pc->width)
        return N2D2_OK;
    size_t dims[3] = {c, pc->height, pc->width};
    n2d2_tensor *out, *lout = NULL;
    st = n2d2_tensor_new(n2d2_tensor_dtype(in), 3, dims, &out);
    if (st == N2D2_OK)
        st = padcrop_plane(pc, in, out, 0);
    n2d2_tensor *lin = *labels;
    if (st == N2D2_OK && lin && n2d2_tensor_ndim(lin) == 3) {
        size_t ldims[3] = {n2d2_tensor_dim(lin, 0), pc->height, pc->width};
        st = n2d2_tensor_new(n2d2_tensor_dtype(lin), 3, ldims, &lout);
        if (st == N2D2_OK)
            st = padcrop_plane(pc, lin, lout, 1);
    }
    if (st != N2D2_OK) {
        n2d2_tensor_release(out);
        n2d2_tensor_release(lout);
        return st;
    }
    n2d2_tensor_release(in);
    *data = out;
    if (lout) {
        n2d2_tensor_release(lin);
        *labels = lout;
    }
    return N2D2_OK;
}

static n2d2_status padcrop_shape(void *state, const n2d2_shape *in, n2d2_shape *out)
{
    const padcrop *pc = state;
    if (in->ndim != 3)
        return N2D2_ERR_UNSUPPORTED;
    *out = *in;
    out->dims[1] = pc->height;
    out->dims[2] = pc->width;
    return N2D2_OK;
}

static const n2d2_transform_ops padcrop_ops = {
    sizeof(n2d2_transform_ops), 0, padcrop_create, padcrop_apply, padcrop_shape, free, {0}};

const n2d2_feature tf_padcrop_feature = {
    sizeof(n2d2_feature), N2D2_KIND_TRANSFORM, "PadCropTransformation", NULL,
    "centre pad and/or crop to Width x Height", padcrop_params, TF_COUNT_OF(padcrop_params),
    &padcrop_ops, 0, {0}};
