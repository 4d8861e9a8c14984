/* Resize, model Frame: bilinear or nearest-neighbour resizing of every
 * channel on the CPU (manual 22.19, checklist §12.15, A55).
 *
 * For output coordinate d of an axis resized from `in` to `out`:
 *  Bilinear         half-pixel centres (OpenCV INTER_LINEAR, PyTorch
 *                   align_corners=False): s = (d + 0.5) in / out - 0.5,
 *                   clamped to [0, in - 1];
 *  BilinearTF       TensorFlow 1 resize_bilinear: s = d (in - 1) / (out - 1)
 *                   with AlignCorners (out > 1), else s = d in / out;
 *  NearestNeighbor  in[floor(d in / out)] (TensorFlow without corner
 *                   alignment, PyTorch "nearest").
 * Bilinear modes interpolate between floor(s) and floor(s) + 1 (clamped
 * to the last row/column). AlignCorners applies to BilinearTF only, as the
 * manual says; it is accepted (and has no effect) with the other modes,
 * as in the manual's NearestNeighbor example. Backward is the exact
 * adjoint (every output gradient goes back to the inputs it was made of,
 * with the same weights). */
#include <math.h>
#include <stdlib.h>

#include "resize.h"

#include "../common/cells_common.h"
#include "../common/channels.h"

static const n2d2_param_spec resize_params[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "number of output channels (must equal the input channels)"},
    {"OutputWidth", N2D2_PARAM_UINT, NULL, NULL, 0, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "output width (at least 1)"},
    {"OutputHeight", N2D2_PARAM_UINT, NULL, NULL, 0, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "output height (at least 1)"},
    {"Mode", N2D2_PARAM_ENUM, NULL, "Bilinear|BilinearTF|NearestNeighbor", 0, 0,
     N2D2_PARAM_REQUIRED,
     "interpolation: Bilinear (half-pixel centres), BilinearTF (TensorFlow), NearestNeighbor (A55)"},
    {"AlignCorners", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "BilinearTF: map corner to corner, scale (in - 1) / (out - 1) (no effect in other modes)"},
};

static void resize_destroy(void *state)
{
    resize_state *s = state;
    if (!s)
        return;
    free(s->ty);
    free(s->tx);
    free(s);
}

static n2d2_status resize_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    n2d2_status st = n2d2_cells_check_dtype(cell);
    if (st != N2D2_OK)
        return st;
    static const char *const sizes[2] = {"OutputWidth", "OutputHeight"};
    for (int a = 0; a < 2; ++a)
        if (n2d2_params_uint(p, sizes[a]) == 0)
            return n2d2_params_error(p, sizes[a], N2D2_ERR_RANGE,
                                     "must be at least 1: [%s] cannot resize to an empty map",
                                     n2d2_cell_name(cell));
    resize_state *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->mode = n2d2_params_enum(p, "Mode");
    s->align_corners = n2d2_params_bool(p, "AlignCorners");
    s->out_w = (size_t)n2d2_params_uint(p, "OutputWidth");
    s->out_h = (size_t)n2d2_params_uint(p, "OutputHeight");
    *state = s;
    return N2D2_OK;
}

static void make_taps(const resize_state *s, size_t in, size_t out, resize_tap *taps)
{
    const size_t last = in - 1;
    for (size_t d = 0; d < out; ++d) {
        resize_tap *t = &taps[d];
        if (s->mode == RESIZE_NEAREST) {
            size_t i = d * in / out; /* exact floor(d in / out) */
            t->lo = t->hi = i < last ? i : last;
            t->frac = 0;
            continue;
        }
        double src;
        if (s->mode == RESIZE_BILINEAR)
            src = ((double)d + 0.5) * (double)in / (double)out - 0.5;
        else if (s->align_corners && out > 1)
            src = (double)d * (double)last / (double)(out - 1);
        else
            src = (double)d * (double)in / (double)out;
        if (src < 0)
            src = 0;
        size_t lo = (size_t)floor(src);
        if (lo >= last) {
            t->lo = t->hi = last;
            t->frac = 0;
            continue;
        }
        t->lo = lo;
        t->hi = lo + 1;
        t->frac = src - (double)lo;
    }
}

static n2d2_status resize_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                                n2d2_shape *out)
{
    (void)n_in;
    resize_state *s = state;
    if (in->ndim != 3) {
        char buf[128];
        return n2d2_cell_error(cell, N2D2_ERR_NOT_IMPLEMENTED,
                               "input of shape %s: only {channels, height, width} inputs are "
                               "implemented yet",
                               n2d2_shape_str(in->dims, in->ndim, buf, sizeof buf));
    }
    n2d2_status st = n2d2_cells_check_same_channels(cell, in->dims[0]);
    if (st != N2D2_OK)
        return st;
    s->channels = in->dims[0];
    s->in_h = in->dims[1];
    s->in_w = in->dims[2];
    free(s->ty);
    free(s->tx);
    s->ty = malloc(s->out_h * sizeof *s->ty);
    s->tx = malloc(s->out_w * sizeof *s->tx);
    if (!s->ty || !s->tx)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    make_taps(s, s->in_h, s->out_h, s->ty);
    make_taps(s, s->in_w, s->out_w, s->tx);
    out->ndim = 3;
    out->dims[0] = s->channels;
    out->dims[1] = s->out_h;
    out->dims[2] = s->out_w;
    return N2D2_OK;
}

static n2d2_status resize_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                  size_t n_in, n2d2_tensor *out, int training)
{
    (void)training;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st != N2D2_OK)
        return st;
    const size_t batch = n2d2_tensor_dim(out, 0);
    if (n2d2_tensor_dtype(out) == N2D2_FLOAT64)
        n2d2_resize_forward_f64(state, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    else
        n2d2_resize_forward_f32(state, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    return N2D2_OK;
}

static n2d2_status resize_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                   size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                   n2d2_tensor *const *gin, const int *accumulate)
{
    (void)cell;
    (void)in;
    (void)n_in;
    if (!gin[0])
        return N2D2_OK;
    const size_t batch = n2d2_tensor_dim(out, 0);
    if (n2d2_tensor_dtype(out) == N2D2_FLOAT64)
        n2d2_resize_backward_f64(state, n2d2_tensor_cdata(gout), n2d2_tensor_data(gin[0]),
                                 accumulate[0], batch);
    else
        n2d2_resize_backward_f32(state, n2d2_tensor_cdata(gout), n2d2_tensor_data(gin[0]),
                                 accumulate[0], batch);
    return N2D2_OK;
}

/* Multiply-adds per sample: 4 per output value when bilinear, 0 (copies)
 * for the nearest neighbour. */
static uint64_t resize_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    const resize_state *s = state;
    if (s->mode == RESIZE_NEAREST)
        return 0;
    return 4 * (uint64_t)s->channels * s->out_h * s->out_w;
}

static const n2d2_cell_ops resize_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = resize_create,
    .infer = resize_infer,
    .forward = resize_forward,
    .backward = resize_backward,
    .destroy = resize_destroy,
    .macs = resize_macs,
};

static const n2d2_feature resize_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "Resize",
    .model = "Frame",
    .help = "bilinear or nearest-neighbour resizing of the feature maps",
    .params = resize_params,
    .n_params = N2D2_CELLS_COUNT_OF(resize_params),
    .ops = &resize_ops,
};

static n2d2_status register_resize(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &resize_feature);
}

N2D2_PLUGIN_DEFINE(cell_resize, "1.0.0", "CECILL-C", "Resize cell, model Frame (CPU)",
                   register_resize, NULL)
