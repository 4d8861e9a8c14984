/* FMP, model Frame: fractional max pooling [Gra14] on the CPU (manual
 * 22.11, checklist §12.7, A47).
 *
 * The output is round(in / ScalingRatio) on each axis. Output (oy, ox) of
 * channel o is the maximum over o's mapped input channels and the region
 * rows ay[oy] x columns ax[ox] (see fmp.h for how regions are drawn).
 * Learning forwards draw new regions from the cell's dropout stream (X then
 * Y, as N2D2) at every batch; inference uses one fixed draw made at
 * initialisation from the filler stream, so that a trained network gives
 * the same answer for the same input (N2D2 draws anew at every pass). The
 * activation is applied by the kernel. */
#include <math.h>
#include <stdlib.h>

#include "fmp.h"

#include "../common/cells_common.h"

static const n2d2_param_spec fmp_params[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "number of output channels"},
    {"ScalingRatio", N2D2_PARAM_FLOAT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "output size = round(input size / ScalingRatio), on each axis"},
    {"ActivationFunction", N2D2_PARAM_STRING, "", NULL, 0, 0, 0,
     "activation of the output; none when empty"},
    {"Overlapping", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "overlapping regions (each shares its last row/column with the next) or disjoint ones"},
    {"PseudoRandom", N2D2_PARAM_BOOL, "1", NULL, 0, 0, 0,
     "pseudo-random region sequences (ceil(alpha (i + u))) or random ones (shuffled steps)"},
    N2D2_CELLS_MAPPING_SPECS,
};

static void axis_free(fmp_axis *a)
{
    free(a->start);
    free(a->stop);
    a->start = a->stop = NULL;
}

static n2d2_status axis_alloc(fmp_axis *a, size_t n)
{
    a->start = malloc(n * sizeof *a->start);
    a->stop = malloc(n * sizeof *a->stop);
    return a->start && a->stop ? N2D2_OK : n2d2_error(N2D2_ERR_NOMEM, "out of memory");
}

static void fmp_destroy(void *state)
{
    fmp_state *s = state;
    if (!s)
        return;
    n2d2_cells_mapping_free(&s->map);
    free(s->chan_start);
    free(s->chans);
    axis_free(&s->fixed_x);
    axis_free(&s->fixed_y);
    axis_free(&s->train_x);
    axis_free(&s->train_y);
    free(s->argmax);
    free(s);
}

static n2d2_status fmp_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    n2d2_status st = n2d2_cells_check_dtype(cell);
    if (st != N2D2_OK)
        return st;
    fmp_state *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->nb_outputs = (size_t)n2d2_params_uint(p, "NbOutputs");
    s->ratio = n2d2_params_float(p, "ScalingRatio");
    s->overlapping = n2d2_params_bool(p, "Overlapping");
    s->pseudo_random = n2d2_params_bool(p, "PseudoRandom");
    *state = s;
    return N2D2_OK;
}

static n2d2_status out_extent(n2d2_cell *cell, const char *axis, size_t in, double ratio,
                              size_t *out)
{
    double o = floor((double)in / ratio + 0.5);
    if (o < 1.0)
        return n2d2_cell_error(cell, N2D2_ERR_INVAL,
                               "input %s %zu / ScalingRatio %g rounds to an empty output", axis, in,
                               ratio);
    *out = (size_t)o;
    return N2D2_OK;
}

static n2d2_status fmp_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                             n2d2_shape *out)
{
    (void)n_in;
    fmp_state *s = state;
    if (in->ndim != 3) {
        char buf[128];
        return n2d2_cell_error(cell, N2D2_ERR_NOT_IMPLEMENTED,
                               "input of shape %s: only {channels, height, width} inputs are "
                               "implemented yet",
                               n2d2_shape_str(in->dims, in->ndim, buf, sizeof buf));
    }
    s->channels = in->dims[0];
    s->height = in->dims[1];
    s->width = in->dims[2];
    if (s->channels * s->height * s->width > (size_t)INT32_MAX)
        return n2d2_cell_error(cell, N2D2_ERR_UNSUPPORTED, "input too large for pooling indices");
    n2d2_status st = out_extent(cell, "width", s->width, s->ratio, &s->out_w);
    if (st == N2D2_OK)
        st = out_extent(cell, "height", s->height, s->ratio, &s->out_h);
    if (st == N2D2_OK)
        st = n2d2_cells_mapping_build(cell, n2d2_cell_params(cell), s->channels, s->nb_outputs,
                                      &s->map);
    if (st == N2D2_OK)
        st = n2d2_cells_mapping_rows(&s->map, &s->chan_start, &s->chans);
    if (st == N2D2_OK && !s->fixed_x.start)
        st = axis_alloc(&s->fixed_x, s->out_w);
    if (st == N2D2_OK && !s->fixed_y.start)
        st = axis_alloc(&s->fixed_y, s->out_h);
    if (st == N2D2_OK && !s->train_x.start)
        st = axis_alloc(&s->train_x, s->out_w);
    if (st == N2D2_OK && !s->train_y.start)
        st = axis_alloc(&s->train_y, s->out_h);
    if (st != N2D2_OK)
        return st;
    out->ndim = 3;
    out->dims[0] = s->nb_outputs;
    out->dims[1] = s->out_h;
    out->dims[2] = s->out_w;
    return N2D2_OK;
}

/* Draw the regions of both axes (X first, as N2D2) into ax / ay. */
static n2d2_status draw(fmp_state *s, n2d2_rng *rng, fmp_axis *ax, fmp_axis *ay)
{
    const size_t n = s->out_w > s->out_h ? s->out_w : s->out_h;
    size_t *grid = malloc(n * sizeof *grid);
    if (!grid)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    n2d2_fmp_draw(s, s->width, s->out_w, rng, grid, ax);
    n2d2_fmp_draw(s, s->height, s->out_h, rng, grid, ay);
    free(grid);
    return N2D2_OK;
}

static n2d2_status fmp_initialize(n2d2_cell *cell, void *state)
{
    fmp_state *s = state;
    n2d2_status st = draw(s, n2d2_cell_rng(cell, N2D2_RNG_FILLER), &s->fixed_x, &s->fixed_y);
    s->fixed_drawn = st == N2D2_OK;
    return st;
}

static n2d2_status reserve_argmax(fmp_state *s, size_t batch)
{
    size_t need = batch * s->nb_outputs * s->out_h * s->out_w;
    return n2d2_cells_reserve_argmax(&s->argmax, &s->argmax_cap, &s->argmax_valid, need);
}

static n2d2_status fmp_reserve(n2d2_cell *cell, void *state, size_t batch)
{
    (void)cell;
    return reserve_argmax(state, batch);
}

static n2d2_status fmp_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                               size_t n_in, n2d2_tensor *out, int training)
{
    fmp_state *s = state;
    const size_t batch = n2d2_tensor_dim(out, 0);
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK && training)
        st = reserve_argmax(s, batch);
    if (st == N2D2_OK && !s->fixed_drawn)
        st = fmp_initialize(cell, s);
    if (st == N2D2_OK && training)
        st = draw(s, n2d2_cell_rng(cell, N2D2_RNG_DROPOUT), &s->train_x, &s->train_y);
    if (st != N2D2_OK)
        return st;
    const fmp_axis *ax = training ? &s->train_x : &s->fixed_x;
    const fmp_axis *ay = training ? &s->train_y : &s->fixed_y;
    int32_t *am = training ? s->argmax : NULL;
    if (n2d2_tensor_dtype(out) == N2D2_FLOAT64)
        n2d2_fmp_forward_f64(s, ax, ay, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch, am);
    else
        n2d2_fmp_forward_f32(s, ax, ay, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch, am);
    s->argmax_valid = training;
    return N2D2_OK;
}

static n2d2_status fmp_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                n2d2_tensor *const *gin, const int *accumulate)
{
    (void)in;
    (void)n_in;
    fmp_state *s = state;
    if (!gin[0])
        return N2D2_OK;
    if (!s->argmax_valid)
        return n2d2_cell_error(cell, N2D2_ERR_INVAL,
                               "backward without a learning forward pass (max positions unknown)");
    const size_t batch = n2d2_tensor_dim(out, 0);
    if (n2d2_tensor_dtype(out) == N2D2_FLOAT64)
        n2d2_fmp_backward_f64(s, n2d2_tensor_cdata(gout), n2d2_tensor_data(gin[0]), accumulate[0],
                              batch);
    else
        n2d2_fmp_backward_f32(s, n2d2_tensor_cdata(gout), n2d2_tensor_data(gin[0]), accumulate[0],
                              batch);
    return N2D2_OK;
}

/* Comparisons per sample, counted with the fixed (inference) regions. */
static uint64_t fmp_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    const fmp_state *s = state;
    if (!s->chan_start || !s->fixed_drawn)
        return 0;
    uint64_t area_x = 0, area_y = 0;
    for (size_t i = 0; i < s->out_w; ++i)
        area_x += s->fixed_x.stop[i] - s->fixed_x.start[i] + 1;
    for (size_t i = 0; i < s->out_h; ++i)
        area_y += s->fixed_y.stop[i] - s->fixed_y.start[i] + 1;
    uint64_t macs = 0;
    for (size_t o = 0; o < s->nb_outputs; ++o)
        macs += (uint64_t)(s->chan_start[o + 1] - s->chan_start[o]) * area_x * area_y;
    return macs;
}

static const n2d2_cell_ops fmp_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = fmp_create,
    .infer = fmp_infer,
    .initialize = fmp_initialize,
    .reserve = fmp_reserve,
    .forward = fmp_forward,
    .backward = fmp_backward,
    .destroy = fmp_destroy,
    .macs = fmp_macs,
};

static const n2d2_feature fmp_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "FMP",
    .model = "Frame",
    .help = "fractional max pooling (random regions while learning, fixed ones in inference)",
    .params = fmp_params,
    .n_params = N2D2_CELLS_COUNT_OF(fmp_params),
    .ops = &fmp_ops,
};

static n2d2_status register_fmp(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &fmp_feature);
}

N2D2_PLUGIN_DEFINE(cell_fmp, "1.0.0", "CECILL-C", "FMP cell, model Frame (CPU)", register_fmp, NULL)
