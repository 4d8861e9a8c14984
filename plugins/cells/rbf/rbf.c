/* Rbf, model Frame: radial-basis-function layer, fully connected to its
 * (flattened) input (manual 22.18, checklist §12.14, A54).
 *
 *   y_o = exp(-s_o |x - c_o|^2)
 *
 * with one centre c_o (a point of the input space) and one scaling s_o
 * per output. Gradients, with g_o = dy_o y_o and h_o = 2 s_o g_o:
 *   ds_o = -sum_n g_o |x - c_o|^2,  dc_o = sum_n h_o (x - c_o),
 *   dx   = -sum_o h_o (x - c_o).
 * Distances are summed directly (not as |x|^2 - 2 x.c + |c|^2, which
 * cancels badly in float when x is near c). Defaults: centres
 * N(0.5, 0.05), scalings N(10.0, 0.05) (manual); their solvers are
 * CentersSolver / ScalingSolver (or Solvers). RbfApprox other than None
 * is not implemented (the manual does not define the approximations). */
#include <math.h>
#include <stdlib.h>

#include "n2d2/n2d2.h"

#include "../common/cells_common.h"
#include "../common/fill_normal.h"

typedef struct rbf_state {
    size_t n_out, n_in;
    n2d2_tensor *c, *dc, *s, *ds;
    void *h; /* batch x outputs: 2 s_o dy_o y_o */
    size_t h_cap;
} rbf_state;

static const n2d2_param_spec rbf_params[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "number of outputs (centres)"},
    {"CentersFiller", N2D2_PARAM_STRING, "NormalFiller", NULL, 0, 0, 0,
     "centres filler type; when absent NormalFiller(0.5, 0.05) (CentersFiller.Mean/StdDev)"},
    {"ScalingFiller", N2D2_PARAM_STRING, "NormalFiller", NULL, 0, 0, 0,
     "scalings filler type; when absent NormalFiller(10.0, 0.05) (ScalingFiller.Mean/StdDev)"},
    {"Solvers", N2D2_PARAM_STRING, "SGD", NULL, 0, 0, 0,
     "solver type of every parameter; options as Solvers.<key>"},
    {"CentersSolver", N2D2_PARAM_STRING, NULL, NULL, 0, 0, 0,
     "centres solver type [Solvers]; options as CentersSolver.<key> (take precedence)"},
    {"ScalingSolver", N2D2_PARAM_STRING, NULL, NULL, 0, 0, 0,
     "scalings solver type [Solvers]; options as ScalingSolver.<key> (take precedence)"},
    {"RbfApprox", N2D2_PARAM_ENUM, "None", "None|Rectangular|SemiLinear", 0, 0, 0,
     "approximation of the Gaussian (Rectangular, SemiLinear: not implemented yet)"},
};

#define N2D2_CAT_(a, b) a##b
#define N2D2_CAT(a, b) N2D2_CAT_(a, b)

#define REAL float
#define SUFFIX _f32
#define EXP expf
#include "rbf_impl.h"
#undef REAL
#undef SUFFIX
#undef EXP

#define REAL double
#define SUFFIX _f64
#define EXP exp
#include "rbf_impl.h"
#undef REAL
#undef SUFFIX
#undef EXP

static void rbf_destroy(void *state)
{
    rbf_state *s = state;
    if (!s)
        return;
    n2d2_tensor_release(s->c);
    n2d2_tensor_release(s->dc);
    n2d2_tensor_release(s->s);
    n2d2_tensor_release(s->ds);
    n2d2_cells_scratch_free(&s->h, &s->h_cap);
    free(s);
}

static n2d2_status rbf_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    n2d2_status st = n2d2_cells_check_dtype(cell);
    if (st == N2D2_OK)
        st = n2d2_cells_reject_unimplemented(p, "RbfApprox", "None",
                                             "an approximation of the Gaussian (RbfApprox)");
    if (st != N2D2_OK)
        return st;
    rbf_state *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    s->n_out = (size_t)n2d2_params_uint(p, "NbOutputs");
    *state = s;
    return N2D2_OK;
}

static n2d2_status rbf_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                             n2d2_shape *out)
{
    (void)cell;
    (void)n_in;
    rbf_state *s = state;
    s->n_in = n2d2_shape_numel(in);
    out->ndim = 3;
    out->dims[0] = s->n_out;
    out->dims[1] = out->dims[2] = 1;
    return N2D2_OK;
}

static n2d2_status rbf_initialize(n2d2_cell *cell, void *state)
{
    rbf_state *s = state;
    const n2d2_dtype dt = n2d2_cell_dtype(cell);
    size_t cdims[2] = {s->n_out, s->n_in};
    n2d2_status st = n2d2_tensor_new(dt, 2, cdims, &s->c);
    if (st == N2D2_OK)
        st = n2d2_tensor_new(dt, 2, cdims, &s->dc);
    if (st == N2D2_OK)
        st = n2d2_tensor_new(dt, 1, &s->n_out, &s->s);
    if (st == N2D2_OK)
        st = n2d2_tensor_new(dt, 1, &s->n_out, &s->ds);
    if (st == N2D2_OK)
        st = n2d2_cells_fill_normal(cell, "CentersFiller", s->c, s->n_in, s->n_out, 0.5, 0.05);
    if (st == N2D2_OK)
        st = n2d2_cells_fill_normal(cell, "ScalingFiller", s->s, 1, 1, 10.0, 0.05);
    if (st == N2D2_OK)
        st = n2d2_cell_declare_param(cell, "centers", s->c, s->dc, "CentersSolver");
    if (st == N2D2_OK)
        st = n2d2_cell_declare_param(cell, "scaling", s->s, s->ds, "ScalingSolver");
    return st;
}

static n2d2_status rbf_reserve(n2d2_cell *cell, void *state, size_t batch)
{
    rbf_state *s = state;
    return n2d2_cells_scratch(&s->h, &s->h_cap, batch * s->n_out * n2d2_dtype_size(n2d2_cell_dtype(cell)));
}

static n2d2_status rbf_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                               size_t n_in, n2d2_tensor *out, int training)
{
    (void)training;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st != N2D2_OK)
        return st;
    const size_t batch = n2d2_tensor_dim(out, 0);
    if (n2d2_tensor_dtype(out) == N2D2_FLOAT64)
        rbf_forward_f64(state, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    else
        rbf_forward_f32(state, n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out), batch);
    return N2D2_OK;
}

static n2d2_status rbf_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                n2d2_tensor *const *gin, const int *accumulate)
{
    rbf_state *s = state;
    const size_t batch = n2d2_tensor_dim(out, 0);
    const n2d2_dtype dt = n2d2_tensor_dtype(out);
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK)
        st = n2d2_cells_scratch(&s->h, &s->h_cap, batch * s->n_out * n2d2_dtype_size(dt));
    if (st != N2D2_OK)
        return st;
    void *dx = gin[0] ? n2d2_tensor_data(gin[0]) : NULL;
    if (dt == N2D2_FLOAT64)
        rbf_backward_f64(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_cdata(out), n2d2_tensor_cdata(gout),
                         dx, accumulate[0], batch);
    else
        rbf_backward_f32(s, n2d2_tensor_cdata(in[0]), n2d2_tensor_cdata(out), n2d2_tensor_cdata(gout),
                         dx, accumulate[0], batch);
    return N2D2_OK;
}

/* Per sample: one squared difference per (output, input) pair. */
static uint64_t rbf_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    const rbf_state *s = state;
    return (uint64_t)s->n_out * s->n_in;
}

static const n2d2_cell_ops rbf_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = rbf_create,
    .infer = rbf_infer,
    .initialize = rbf_initialize,
    .reserve = rbf_reserve,
    .forward = rbf_forward,
    .backward = rbf_backward,
    .destroy = rbf_destroy,
    .macs = rbf_macs,
};

static const n2d2_feature rbf_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "Rbf",
    .model = "Frame",
    .help = "Gaussian radial basis functions exp(-s |x - c|^2), fully connected",
    .params = rbf_params,
    .n_params = N2D2_CELLS_COUNT_OF(rbf_params),
    .ops = &rbf_ops,
};

static n2d2_status register_rbf(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &rbf_feature);
}

N2D2_PLUGIN_DEFINE(cell_rbf, "1.0.0", "CECILL-C", "Rbf cell, model Frame (CPU)", register_rbf, NULL)
