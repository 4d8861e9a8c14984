/* Transpose, model Frame (manual 7.2.2, checklist §16: `Perm`, e.g.
 * `Perm=1 0 2 3`). Axes are numbered in N2D2 order, X first, the batch
 * last; as in the ONNX Transpose operator, output axis i is input axis
 * Perm[i] (manual: Size=8000 1 1 with Perm=1 0 2 3 gives 1 8000 1 batch).
 * Perm lists every per-sample axis, optionally followed by the batch axis,
 * which must stay last: moving the batch is not implemented yet. */
#include <math.h>
#include <stdlib.h>

#include "n2d2/n2d2.h"

#include "../common/cells_common.h"
#include "../common/copy.h"

static const n2d2_param_spec transpose_params[] = {
    {"NbOutputs", N2D2_PARAM_UINT, NULL, NULL, 1, 1e9, N2D2_PARAM_RANGE,
     "number of output channels: checked when given"},
    {"Perm", N2D2_PARAM_LIST, NULL, NULL, 0, 64, N2D2_PARAM_REQUIRED | N2D2_PARAM_RANGE,
     "permutation, X first: output axis i is input axis Perm[i] (the batch axis, if listed, "
     "stays last)"},
};

typedef struct transpose_state {
    uint32_t ndim;
    size_t out_dims[N2D2_MAX_DIMS];     /* per sample, outermost first */
    size_t in_strides[N2D2_MAX_DIMS];   /* input stride of each output axis */
    size_t sample;                      /* values per sample */
} transpose_state;

static n2d2_status transpose_create(n2d2_cell *cell, const n2d2_params *p, void **state)
{
    (void)p;
    n2d2_status st = n2d2_cells_check_dtype(cell);
    if (st != N2D2_OK)
        return st;
    transpose_state *s = calloc(1, sizeof *s);
    if (!s)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    *state = s;
    return N2D2_OK;
}

static n2d2_status transpose_infer(n2d2_cell *cell, void *state, const n2d2_shape *in, size_t n_in,
                                   n2d2_shape *out)
{
    (void)n_in;
    transpose_state *s = state;
    const n2d2_params *p = n2d2_cell_params(cell);
    const uint32_t D = in->ndim;
    double perm[N2D2_MAX_DIMS + 1];
    int n = n2d2_params_list(p, "Perm", perm, N2D2_MAX_DIMS + 1);
    char buf[128];
    if (n != (int)D && n != (int)D + 1)
        return n2d2_params_error(p, "Perm", N2D2_ERR_SHAPE,
                                 "%d values, but the input of [%s] (%s) has %u axes per sample: "
                                 "give %u (or %u with the batch axis last)",
                                 n, n2d2_cell_name(cell),
                                 n2d2_shape_str(in->dims, D, buf, sizeof buf), D, D, D + 1);
    int seen[N2D2_MAX_DIMS + 1] = {0};
    for (int i = 0; i < n; ++i) {
        if (perm[i] != floor(perm[i]) || perm[i] >= n || seen[(int)perm[i]]++)
            return n2d2_params_error(p, "Perm", N2D2_ERR_INVAL,
                                     "not a permutation of 0..%d (each axis exactly once)", n - 1);
    }
    if (n == (int)D + 1 && perm[D] != D)
        return n2d2_params_error(p, "Perm", N2D2_ERR_NOT_IMPLEMENTED,
                                 "moving the batch axis (%u, last) is not implemented yet", D);
    /* X-first axis a is shape axis D - 1 - a */
    size_t in_strides[N2D2_MAX_DIMS];
    size_t stride = 1;
    for (uint32_t k = D; k-- > 0;) {
        in_strides[k] = stride;
        stride *= in->dims[k];
    }
    s->ndim = D;
    s->sample = stride;
    out->ndim = D;
    for (uint32_t i = 0; i < D; ++i) {
        uint32_t out_axis = D - 1 - i, in_axis = D - 1 - (uint32_t)perm[i];
        out->dims[out_axis] = in->dims[in_axis];
        s->out_dims[out_axis] = in->dims[in_axis];
        s->in_strides[out_axis] = in_strides[in_axis];
    }
    return n2d2_cells_check_nb_outputs(cell, out->dims[0]);
}

/* Walk the output row by row (its innermost axis, read from the input
 * with a fixed stride) with an odometer over the outer axes. Forward
 * gathers input values into the output; backward scatters output
 * gradients back (a bijection: no conflicts). */
#define TRANSPOSE(REAL)                                                                           \
    do {                                                                                          \
        const size_t S = s->sample;                                                               \
        const uint32_t D = s->ndim;                                                               \
        const size_t L = s->out_dims[D - 1], step = s->in_strides[D - 1];                         \
        N2D2_CELLS_PRAGMA(omp parallel for schedule(static) if(batch * S >= 65536))               \
        for (size_t n = 0; n < batch; ++n) {                                                      \
            size_t idx[N2D2_MAX_DIMS] = {0}, offset = 0;                                          \
            const REAL *a = (const REAL *)src + n * S;                                            \
            REAL *b = (REAL *)dst + n * S;                                                        \
            for (size_t i = 0; i < S; i += L) {                                                   \
                if (gather)                                                                       \
                    for (size_t j = 0; j < L; ++j)                                                \
                        b[i + j] = a[offset + j * step];                                          \
                else if (add)                                                                     \
                    for (size_t j = 0; j < L; ++j)                                                \
                        b[offset + j * step] += a[i + j];                                         \
                else                                                                              \
                    for (size_t j = 0; j < L; ++j)                                                \
                        b[offset + j * step] = a[i + j];                                          \
                for (uint32_t k = D - 1; k-- > 0;) { /* next output row */                        \
                    offset += s->in_strides[k];                                                   \
                    if (++idx[k] < s->out_dims[k])                                                \
                        break;                                                                    \
                    offset -= idx[k] * s->in_strides[k];                                          \
                    idx[k] = 0;                                                                   \
                }                                                                                 \
            }                                                                                     \
        }                                                                                         \
    } while (0)

static void transpose(const transpose_state *s, n2d2_dtype dt, const void *src, void *dst,
                      size_t batch, int gather, int add)
{
    if (dt == N2D2_FLOAT64)
        TRANSPOSE(double);
    else
        TRANSPOSE(float);
}

static n2d2_status transpose_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                     size_t n_in, n2d2_tensor *out, int training)
{
    (void)training;
    n2d2_status st = n2d2_cells_check_inputs(cell, in, n_in, out);
    if (st == N2D2_OK)
        transpose(state, n2d2_tensor_dtype(out), n2d2_tensor_cdata(in[0]), n2d2_tensor_data(out),
                  n2d2_tensor_dim(out, 0), 1, 0);
    return st;
}

static n2d2_status transpose_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *in,
                                      size_t n_in, const n2d2_tensor *out, const n2d2_tensor *gout,
                                      n2d2_tensor *const *gin, const int *accumulate)
{
    (void)cell;
    (void)in;
    (void)n_in;
    if (gin[0])
        transpose(state, n2d2_tensor_dtype(out), n2d2_tensor_cdata(gout), n2d2_tensor_data(gin[0]),
                  n2d2_tensor_dim(out, 0), 0, accumulate[0]);
    return N2D2_OK;
}

static void transpose_destroy(void *state) { free(state); }

static uint64_t transpose_macs(n2d2_cell *cell, void *state)
{
    (void)cell;
    (void)state;
    return 0;
}

static const n2d2_cell_ops transpose_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = transpose_create,
    .infer = transpose_infer,
    .forward = transpose_forward,
    .backward = transpose_backward,
    .destroy = transpose_destroy,
    .macs = transpose_macs,
};

static const n2d2_feature transpose_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "Transpose",
    .model = "Frame",
    .help = "permutes the per-sample axes (Perm, X first)",
    .params = transpose_params,
    .n_params = N2D2_CELLS_COUNT_OF(transpose_params),
    .ops = &transpose_ops,
};

static n2d2_status register_transpose(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &transpose_feature);
}

N2D2_PLUGIN_DEFINE(cell_transpose, "1.0.0", "CECILL-C", "Transpose cell, model Frame (CPU)",
                   register_transpose, NULL)
