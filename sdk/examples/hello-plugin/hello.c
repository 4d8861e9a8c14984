/* hello.c — a complete n2d2-c plugin, built outside the n2d2-c tree.
 *
 * It registers one cell type, `Hello` (model Frame), that multiplies its
 * input by the INI parameter `Factor`:
 *
 *     [hello]
 *     Input=sp
 *     Type=Hello
 *     Factor=3.0
 *
 * forward:  y = Factor * x
 * backward: dL/dx = Factor * dL/dy
 */
#include <stdlib.h>

#include <n2d2/n2d2.h>

/* ---- the parameter schema: validation, defaults and --describe ---- */

static const n2d2_param_spec hello_params[] = {
    {"Factor", N2D2_PARAM_FLOAT, "2.0", NULL, -1e6, 1e6, N2D2_PARAM_RANGE,
     "output = Factor * input"},
};

/* ---- the cell ---- */

typedef struct hello_state {
    double factor;
} hello_state;

static n2d2_status hello_create(n2d2_cell *cell, const n2d2_params *params, void **state)
{
    hello_state *s = malloc(sizeof *s);
    if (!s)
        return n2d2_cell_error(cell, N2D2_ERR_NOMEM, "out of memory");
    /* Already validated against hello_params: cannot fail. */
    s->factor = n2d2_params_float(params, "Factor");
    *state = s;
    return N2D2_OK;
}

static n2d2_status hello_infer(n2d2_cell *cell, void *state, const n2d2_shape *inputs,
                               size_t n_inputs, n2d2_shape *output)
{
    (void)state;
    if (n_inputs != 1)
        return n2d2_cell_error(cell, N2D2_ERR_SHAPE, "Hello takes exactly one input");
    *output = inputs[0]; /* element-wise: same shape */
    return N2D2_OK;
}

static n2d2_status hello_initialize(n2d2_cell *cell, void *state)
{
    (void)cell;
    (void)state; /* nothing to learn */
    return N2D2_OK;
}

/* out[i] = factor * in[i] (+ out[i] when accumulating). Float32 gets a
 * direct loop; other types go through the generic accessors. */
static void scale(n2d2_tensor *out, const n2d2_tensor *in, double factor, int accumulate)
{
    size_t n = n2d2_tensor_numel(in);
    if (n2d2_tensor_dtype(in) == N2D2_FLOAT32 && n2d2_tensor_dtype(out) == N2D2_FLOAT32) {
        const float *x = n2d2_tensor_cdata(in);
        float *y = n2d2_tensor_data(out);
        float f = (float)factor;
        for (size_t i = 0; i < n; ++i)
            y[i] = accumulate ? y[i] + f * x[i] : f * x[i];
        return;
    }
    for (size_t i = 0; i < n; ++i) {
        double v = factor * n2d2_tensor_get(in, i);
        n2d2_tensor_set(out, i, accumulate ? n2d2_tensor_get(out, i) + v : v);
    }
}

static n2d2_status hello_forward(n2d2_cell *cell, void *state, const n2d2_tensor *const *inputs,
                                 size_t n_inputs, n2d2_tensor *output, int training)
{
    (void)cell;
    (void)n_inputs;
    (void)training;
    const hello_state *s = state;
    scale(output, inputs[0], s->factor, 0);
    return N2D2_OK;
}

static n2d2_status hello_backward(n2d2_cell *cell, void *state, const n2d2_tensor *const *inputs,
                                  size_t n_inputs, const n2d2_tensor *output,
                                  const n2d2_tensor *grad_output,
                                  n2d2_tensor *const *grad_inputs, const int *accumulate)
{
    (void)cell;
    (void)inputs;
    (void)n_inputs;
    (void)output;
    const hello_state *s = state;
    if (grad_inputs[0]) /* NULL when nobody needs the input gradient */
        scale(grad_inputs[0], grad_output, s->factor, accumulate[0]);
    return N2D2_OK;
}

static void hello_destroy(void *state) { free(state); }

static uint64_t hello_macs(n2d2_cell *cell, void *state)
{
    (void)state;
    return n2d2_shape_numel(n2d2_cell_output_shape(cell));
}

static const n2d2_cell_ops hello_ops = {
    .struct_size = sizeof(n2d2_cell_ops),
    .create = hello_create,
    .infer = hello_infer,
    .initialize = hello_initialize,
    .forward = hello_forward,
    .backward = hello_backward,
    .destroy = hello_destroy,
    .macs = hello_macs,
};

/* ---- registration ---- */

static const n2d2_feature hello_feature = {
    .struct_size = sizeof(n2d2_feature),
    .kind = N2D2_KIND_CELL,
    .name = "Hello",   /* what users write after Type= */
    .model = "Frame",  /* the CPU frame model */
    .help = "multiplies its input by Factor (example plugin)",
    .params = hello_params,
    .n_params = sizeof hello_params / sizeof hello_params[0],
    .ops = &hello_ops,
};

static n2d2_status register_features(n2d2_registry *reg)
{
    return n2d2_registry_add(reg, &hello_feature);
}

/* File n2d2-hello.so -> identifier `hello`. No probe: it runs anywhere. */
N2D2_PLUGIN_DEFINE(hello, "1.0.0", "MIT", "Example out-of-tree plugin: the Hello cell",
                   register_features, NULL)
