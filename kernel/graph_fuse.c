/* -fuse: BatchNorm folded into the Conv/Fc before it, for inference.
 *
 * At inference a BatchNorm is a fixed affine map per channel,
 *   y = scale (x - mean) / sqrt(variance + Epsilon) + bias,
 * so after a cell computing x = W in + b it can be folded into that cell:
 *   W' = a W, b' = a b + (bias - a mean), a = scale / sqrt(variance + Epsilon).
 * The producer does the folding itself through its fold_affine op (it
 * knows its weight layout and may have to gain a bias); the kernel reads the
 * BatchNorm's declared tensors by name, moves its activation onto the
 * producer and drops it from the schedule. */
#include "graph_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "n2d2/log.h"
#include "strutil.h"

static int activation_active(const n2d2_cell *cell)
{
    return cell->activation && !(cell->activation_flags & N2D2_ACTIVATION_IDENTITY);
}

static n2d2_tensor *param_named(const n2d2_cell *cell, const char *name)
{
    for (size_t i = 0; i < cell->n_learnables; ++i)
        if (strcmp(cell->learnables[i].name, name) == 0)
            return cell->learnables[i].value;
    return NULL;
}

static int kept(const n2d2_cell *cell, n2d2_cell *const *keep, size_t n_keep)
{
    for (size_t i = 0; i < n_keep; ++i)
        if (keep[i] == cell)
            return 1;
    return 0;
}

/* Whether a parameter of `cell` is also another cell's (WeightsSharing):
 * folding would change that cell too. */
static int shares_params(const n2d2_graph *g, const n2d2_cell *cell)
{
    for (size_t c = 0; c < g->n_cells; ++c) {
        const n2d2_cell *other = g->cells[c];
        for (size_t i = 0; other != cell && i < other->n_learnables; ++i)
            for (size_t k = 0; k < cell->n_learnables; ++k)
                if (n2d2_tensor_shares_storage(other->learnables[i].value, cell->learnables[k].value))
                    return 1;
    }
    return 0;
}

/* Why the BatchNorm at index b cannot be folded, or NULL when it can. */
static const char *why_not(const n2d2_graph *g, size_t b, n2d2_cell *const *keep, size_t n_keep)
{
    const n2d2_cell *bn = g->cells[b];
    if (bn->n_inputs != 1 || bn->input_index[0] == N2D2_STIMULI_INDEX)
        return "its input is not a single cell";
    const n2d2_cell *prod = g->cells[bn->input_index[0]];
    if (!prod->ops->fold_affine)
        return "its input cell cannot fold a per-channel scale (only Conv and Fc can)";
    if (prod->n_consumers != 1)
        return "its input cell has other consumers";
    if (activation_active(prod))
        return "its input cell has an activation function";
    if (bn->n_consumers == 0 || kept(bn, keep, n_keep))
        return "it is an output of the network (or carries a target)";
    if (prod->dtype != bn->dtype)
        return "its input cell has another data type";
    if (shares_params(g, prod))
        return "its input cell shares its parameters with another cell";
    const n2d2_tensor *t[4] = {param_named(bn, "scales"), param_named(bn, "biases"),
                               param_named(bn, "means"), param_named(bn, "variances")};
    size_t channels = bn->output_shape.ndim ? bn->output_shape.dims[0] : 0;
    for (int i = 0; i < 4; ++i)
        if (!t[i] || n2d2_tensor_numel(t[i]) != channels)
            return "it does not declare scales, biases, means and variances per channel";
    return NULL;
}

/* Remove cell r from the schedule: its consumers read `to` instead. */
static n2d2_status unlink_cell(n2d2_graph *g, size_t r, size_t to)
{
    n2d2_cell *gone = g->cells[r];
    for (size_t c = 0; c < g->n_cells; ++c) {
        n2d2_cell *cell = g->cells[c];
        for (size_t i = 0; i < cell->n_inputs; ++i) {
            if (cell->input_index[i] != r)
                continue;
            char *name = n2d2_strdup(g->cells[to]->name);
            if (!name)
                return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
            free(cell->input_names[i]);
            cell->input_names[i] = name;
            cell->input_index[i] = to;
        }
    }
    g->cells[to]->n_consumers = gone->n_consumers;
    for (size_t c = 0; c < g->n_cells; ++c)
        for (size_t i = 0; i < g->cells[c]->n_inputs; ++i)
            if (g->cells[c]->input_index[i] != N2D2_STIMULI_INDEX && g->cells[c]->input_index[i] > r)
                g->cells[c]->input_index[i]--;
    memmove(&g->cells[r], &g->cells[r + 1], (g->n_cells - r - 1) * sizeof *g->cells);
    g->n_cells--;
    n2d2_cell_free(gone);
    return N2D2_OK;
}

static n2d2_status fold_one(n2d2_graph *g, size_t b)
{
    n2d2_cell *bn = g->cells[b];
    size_t p = bn->input_index[0];
    n2d2_cell *prod = g->cells[p];
    const size_t C = bn->output_shape.dims[0];
    double eps = n2d2_params_float(bn->params, "Epsilon");
    if (!(eps > 0.0))
        eps = 1e-5; /* the BatchNorm's own default for 0 (A42) */
    double *scale = malloc(2 * C * sizeof *scale);
    if (!scale)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    double *shift = scale + C;
    const n2d2_tensor *sc = param_named(bn, "scales"), *bi = param_named(bn, "biases");
    const n2d2_tensor *mu = param_named(bn, "means"), *var = param_named(bn, "variances");
    for (size_t c = 0; c < C; ++c) {
        scale[c] = n2d2_tensor_get(sc, c) / sqrt(n2d2_tensor_get(var, c) + eps);
        shift[c] = n2d2_tensor_get(bi, c) - scale[c] * n2d2_tensor_get(mu, c);
    }
    n2d2_status st = prod->ops->fold_affine(prod, prod->state, scale, shift, C);
    free(scale);
    if (st != N2D2_OK)
        return n2d2_error_prefix("fusing [%s] into [%s]", bn->name, prod->name);
    /* the BatchNorm's activation now ends the producer */
    n2d2_cell_free_activation(prod);
    prod->activation = bn->activation;
    prod->activation_state = bn->activation_state;
    prod->activation_flags = bn->activation_flags;
    prod->activation_params = bn->activation_params;
    bn->activation = NULL;
    bn->activation_state = NULL;
    bn->activation_params = NULL;
    n2d2_log_info("%s: [%s] folded into [%s]", n2d2_ini_section_where(bn->section), bn->name,
                  prod->name);
    return unlink_cell(g, b, p);
}

n2d2_status n2d2_graph_fuse_batchnorm(n2d2_graph *g, n2d2_cell *const *keep, size_t n_keep,
                                      size_t *n_fused)
{
    size_t fused = 0;
    if (n_fused)
        *n_fused = 0;
    n2d2_graph_release_buffers(g); /* the schedule changes: allocate again */
    n2d2_status st = N2D2_OK;
    for (size_t c = 0; st == N2D2_OK && c < g->n_cells;) {
        n2d2_cell *cell = g->cells[c];
        if (strcmp(cell->type, "BatchNorm") != 0) {
            ++c;
            continue;
        }
        const char *why = why_not(g, c, keep, n_keep);
        if (why) {
            n2d2_log_info("%s: [%s] not fused: %s", n2d2_ini_section_where(cell->section),
                          cell->name, why);
            ++c;
            continue;
        }
        st = fold_one(g, c); /* the producer comes first: c now holds the next cell */
        fused += st == N2D2_OK;
    }
    /* outputs: cells nobody consumes (unchanged cells, fewer positions) */
    g->n_outputs = 0;
    for (size_t c = 0; c < g->n_cells; ++c)
        if (g->cells[c]->n_consumers == 0)
            g->outputs[g->n_outputs++] = g->cells[c];
    if (n_fused)
        *n_fused = fused;
    return st;
}
