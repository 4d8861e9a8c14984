/* Scaling, model Frame. The manual names the layer only (compatibility
 * tables, Python API chapter 27.2.14) and gives no keys; its role there is
 * the rescaling of activations (-act-rescaling-mode Floating-point). This
 * cell implements that floating-point form: y = Scaling_c x, with one
 * factor for every channel or one per channel. The fixed-point and shift
 * modes of the export belong to the exporter, not to this cell. Not
 * learnable. */
#include <stdlib.h>

#include "n2d2/n2d2.h"

#include "../common/cells_common.h"
#include "../common/copy.h"

static const n2d2_param_spec scaling_params[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_RANGE,
     "number of output channels: must equal the input channels when given"},
    {"Scaling", N2D2_PARAM_LIST, "1.0", NULL, 0, 0, 0,
     "floating-point factor(s): one for every channel, or one per channel"},
};

typedef struct scaling_state {
    size_t channels, positions;
    double *factor; /* per channel */
} scaling_state;

static void scaling_destroy(void *state)
{
    scaling_state *s = state;
    if (s)
        free(s->factor);
    free(s);
}

static n2d2_status scaling_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    (void)p;
    n2d2_status st = n2d2_cells_check_dtype(cell);
    if (st != N2D2_OK)
        return st;
    scaling_state *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    *state = s;
    return N2D2_OK;
}

static n2d2_status scaling_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                                 n2d2_shape *out)
{
    (void)n_in;
    scaling_state *s = state;
    const n2d2_params *p = n2d2_cell_params(cell);
    n2d2_status st = n2d2_cells_check_nb_outputs(cell, in->dims[0]);
    if (st != N2D2_OK)
        return st;
    s->channels = in->dims[0];
    s->positions = n2d2_shape_numel(in) / s->channels;
    int n = n2d2_params_list(p, "Scaling", NULL, 0);
    if (n != 1 && (size_t)n != s->channels)
        return n2d2_params_error(p, "Scaling", N2D2_ERR_INVAL,
                                 "%d values for %zu channels: give 1 (every channel) or %zu (one "
                                 "per channel)",
                                 n, s->channels, s->channels);
    double *grown = realloc(s->factor, s->channels * sizeof *grown);
    if (!grown)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->factor = grown;
    n2d2_params_list(p, "Scaling", s->factor, s->channels);
    for (size_t c = 1; n == 1 && c < s->channels; ++c)
        s->factor[c] = s->factor[0];
    *out = *in;
    return N2D2_OK;
}

/* dst = f_c src (or dst += f_c src): forward and backward alike. */
#define SCALE(REAL)                                                                               \
    do {                                                                                          \
        const REAL *a = src;                                                                      \
        REAL *b = dst;                                                                            \
        N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(blocks * P >= 65536))              \
        for (size_t nc = 0; nc < blocks; ++nc) {                                                  \
            const REAL f = (REAL)s->factor[nc % s->channels];                                     \
            for (size_t p = 0; p < P; ++p)                                                        \
                b[nc * P + p] = add ? b[nc * P + p] + f * a[nc * P + p] : f * a[nc * P + p];      \
        }                                                                                         \
    } while (0)

static void scale(const scaling_state *s, n2d2_dtype dt, const void *src, void *dst, size_t batch,
                  int add)
{
    const size_t blocks = batch * s->channels, P = s->positions;
    if (dt == N2D2_FLOAT64)
        SCALE(double);
    else
        SCALE(float);
}

static n2d2_status scaling_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                   size_t n_in, n2d2_tensor *out, int training)
{
    (void)training;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK)
        scale(state, n2d2_tensor_dtype(out), n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out),
              n2d2_tensor_dim(out, 0), 0);
    return st;
}

static n2d2_status scaling_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                    size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                    n2d2_tensor *const *gin, const int *accumulate)
{
    (void)cell;
    (void)in;
    (void)n_in;
    if (gin[0])
        scale(state, n2d2_tensor_dtype(out), n2d2_tensor_cdata(gout), n2d2_tensor_data(gin[0]),
              n2d2_tensor_dim(out, 0), accumulate[0]);
    return N2D2_OK;
}

/* One multiplication per value. */
static uint64_t scaling_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    const scaling_state *s = state;
    return (uint64_t)s->channels * s->positions;
}

static const n2d2_cell_ops scaling_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = scaling_create,
    .infer = scaling_infer,
    .forward = scaling_forward,
    .backward = scaling_backward,
    .destroy = scaling_destroy,
    .macs = scaling_macs,
};

static const n2d2_feature scaling_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "Scaling",
    .model = "Frame",
    .help = "multiplies each channel by a fixed floating-point factor",
    .params = scaling_params,
    .n_params = N2D2_CELLS_COUNT_OF(scaling_params),
    .ops = &scaling_ops,
};

static n2d2_status register_scaling(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &scaling_feature);
}

N2D2_PLUGIN_DEFINE(cell_scaling, "1.0.0", "CECILL-C", "Scaling cell, model Frame (CPU)",
                   register_scaling, NULL)
