/* Finite-difference check of a whole network's backward pass (-check). */
#include "graph_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct check_run {
    n2d2_graph *g;
    n2d2_rng *saved_rngs;    /* every cell's streams before the first forward */
    n2d2_tensor **projection; /* one per output */
} check_run;

static void restore_rngs(check_run *c)
{
    for (size_t i = 0; i < c->g->n_cells; ++i)
        memcpy(c->g->cells[i]->rng, &c->saved_rngs[i * N2D2_RNG_PURPOSE_COUNT],
               sizeof c->g->cells[i]->rng);
}

/* The loss an output's backward assumes: a built-in cross-entropy for
 * Softmax WithLoss / LogisticWithLoss, else the projection sum(r * y). */
static n2d2_output_loss loss_kind(const n2d2_cell *cell)
{
    if (cell->activation && (cell->activation_flags & N2D2_ACTIVATION_LOGISTIC_LOSS))
        return N2D2_LOSS_LOGISTIC_CROSS_ENTROPY;
    return cell->output_loss;
}

static double output_loss(const n2d2_cell *cell, const n2d2_tensor *t)
{
    const n2d2_tensor *y = cell->output;
    double sum = 0.0;
    for (size_t i = 0; i < n2d2_tensor_numel(y); ++i) {
        double yi = n2d2_tensor_get(y, i), ti = n2d2_tensor_get(t, i);
        switch (loss_kind(cell)) {
        case N2D2_LOSS_SOFTMAX_CROSS_ENTROPY: sum -= ti * log(yi); break;
        case N2D2_LOSS_LOGISTIC_CROSS_ENTROPY: sum -= ti * log(yi) + (1 - ti) * log(1 - yi); break;
        default: sum += yi * ti; break;
        }
    }
    return sum;
}

/* d(loss)/dy as the output's backward expects it (y - t for built-in
 * losses). */
static n2d2_status output_gradient(const n2d2_cell *cell, const n2d2_tensor *t)
{
    if (loss_kind(cell) == N2D2_LOSS_NONE)
        return n2d2_tensor_copy(cell->grad, t);
    for (size_t i = 0; i < n2d2_tensor_numel(t); ++i)
        n2d2_tensor_set(cell->grad, i, n2d2_tensor_get(cell->output, i) - n2d2_tensor_get(t, i));
    return N2D2_OK;
}

static n2d2_status loss_of(check_run *c, double *loss)
{
    restore_rngs(c);
    n2d2_status st = n2d2_graph_forward(c->g, 1);
    if (st != N2D2_OK)
        return st;
    double sum = 0.0;
    for (size_t o = 0; o < c->g->n_outputs; ++o)
        sum += output_loss(c->g->outputs[o], c->projection[o]);
    *loss = sum;
    return N2D2_OK;
}

/* Targets for cross-entropy outputs: positive, summing to one over the
 * channels of each item and position (softmax), or in (0, 1) (logistic). */
static void make_targets(const n2d2_cell *cell, n2d2_tensor *t, n2d2_rng *rng)
{
    n2d2_output_loss kind = loss_kind(cell);
    size_t n = n2d2_tensor_numel(t);
    for (size_t i = 0; i < n; ++i)
        n2d2_tensor_set(t, i, kind == N2D2_LOSS_NONE ? n2d2_rng_uniform_range(rng, -1.0, 1.0)
                                                     : n2d2_rng_uniform_range(rng, 0.05, 0.95));
    if (kind != N2D2_LOSS_SOFTMAX_CROSS_ENTROPY)
        return;
    size_t batch = n2d2_tensor_dim(t, 0), channels = n2d2_tensor_dim(t, 1);
    size_t inner = n / (batch * channels);
    for (size_t b = 0; b < batch; ++b)
        for (size_t k = 0; k < inner; ++k) {
            double total = 0.0;
            for (size_t ch = 0; ch < channels; ++ch)
                total += n2d2_tensor_get(t, (b * channels + ch) * inner + k);
            for (size_t ch = 0; ch < channels; ++ch) {
                size_t at = (b * channels + ch) * inner + k;
                n2d2_tensor_set(t, at, n2d2_tensor_get(t, at) / total);
            }
        }
}

/* Relative error with a floor at a thousandth of the tensor's largest
 * gradient: entries far below the tensor's scale are dominated by rounding
 * noise in the finite difference, not by backward errors. */
static double relative_error(double a, double n, double floor)
{
    double scale = fabs(a) + fabs(n);
    return fabs(a - n) / (scale > floor ? scale : floor);
}

/* Compare `analytic` (a copy of the backward's gradient of `value`) with
 * central differences on up to `samples` evenly spread elements. */
static n2d2_status compare(check_run *c, n2d2_tensor *value, const n2d2_tensor *analytic, double eps,
                           size_t samples, const char *cell, const char *name,
                           n2d2_gradcheck_result *r)
{
    size_t n = n2d2_tensor_numel(value);
    size_t step = samples && n > samples ? n / samples : 1;
    double largest = 0.0;
    for (size_t i = 0; i < n; ++i)
        largest = fmax(largest, fabs(n2d2_tensor_get(analytic, i)));
    double floor = fmax(1e-6, 1e-3 * largest);
    for (size_t i = 0; i < n; i += step) {
        double saved = n2d2_tensor_get(value, i), up, down;
        n2d2_tensor_set(value, i, saved + eps);
        n2d2_status st = loss_of(c, &up);
        n2d2_tensor_set(value, i, saved - eps);
        if (st == N2D2_OK)
            st = loss_of(c, &down);
        n2d2_tensor_set(value, i, saved);
        if (st != N2D2_OK)
            return st;
        double numeric = (up - down) / (2 * eps);
        double err = relative_error(n2d2_tensor_get(analytic, i), numeric, floor);
        ++r->checked;
        if (err > r->max_error || !isfinite(err)) {
            r->max_error = isfinite(err) ? err : INFINITY;
            r->worst_cell = cell;
            snprintf(r->worst_param, sizeof r->worst_param, "%s", name);
            r->worst_index = i;
        }
    }
    return N2D2_OK;
}

static n2d2_status prepare(check_run *c, size_t batch, n2d2_rng *rng)
{
    n2d2_graph *g = c->g;
    g->want_input_grad = 1;
    g->allocated_batch = 0;
    n2d2_status st = n2d2_graph_allocate(g, batch, 1);
    if (st != N2D2_OK)
        return st;
    for (size_t i = 0; i < n2d2_tensor_numel(g->input); ++i)
        n2d2_tensor_set(g->input, i, n2d2_rng_uniform_range(rng, -1.0, 1.0));
    c->saved_rngs = malloc(g->n_cells * N2D2_RNG_PURPOSE_COUNT * sizeof *c->saved_rngs);
    c->projection = calloc(g->n_outputs ? g->n_outputs : 1, sizeof *c->projection);
    if (!c->saved_rngs || !c->projection)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < g->n_cells; ++i)
        memcpy(&c->saved_rngs[i * N2D2_RNG_PURPOSE_COUNT], g->cells[i]->rng, sizeof g->cells[i]->rng);
    for (size_t o = 0; o < g->n_outputs && st == N2D2_OK; ++o) {
        st = n2d2_tensor_new_like(g->outputs[o]->output, &c->projection[o]);
        if (st == N2D2_OK)
            make_targets(g->outputs[o], c->projection[o], rng);
    }
    return st;
}

static n2d2_status analytic_pass(check_run *c)
{
    double loss;
    n2d2_status st = loss_of(c, &loss);
    for (size_t o = 0; st == N2D2_OK && o < c->g->n_outputs; ++o)
        st = output_gradient(c->g->outputs[o], c->projection[o]);
    return st == N2D2_OK ? n2d2_graph_backward(c->g) : st;
}

n2d2_status n2d2_graph_check_gradients(n2d2_graph *g, size_t batch, double epsilon, double tolerance,
                                       size_t samples, n2d2_gradcheck_result *result)
{
    memset(result, 0, sizeof *result);
    check_run c = {g, NULL, NULL};
    n2d2_rng rng;
    n2d2_rng_seed(&rng, g->options.seed, 0x6772616463686bull);
    n2d2_status st = prepare(&c, batch ? batch : 1, &rng);
    if (st == N2D2_OK)
        st = analytic_pass(&c);
    /* Copy every analytic gradient before finite differences overwrite them. */
    size_t n_copies = 1;
    for (size_t i = 0; i < g->n_cells; ++i)
        n_copies += g->cells[i]->n_learnables;
    n2d2_tensor **copies = calloc(n_copies, sizeof *copies);
    if (!copies && st == N2D2_OK)
        st = n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    size_t k = 0;
    for (size_t i = 0; st == N2D2_OK && i < g->n_cells; ++i)
        for (size_t p = 0; st == N2D2_OK && p < g->cells[i]->n_learnables; ++p, ++k)
            if (g->cells[i]->learnables[p].grad)
                st = n2d2_tensor_clone(g->cells[i]->learnables[p].grad, &copies[k]);
    if (st == N2D2_OK)
        st = n2d2_tensor_clone(g->input_grad, &copies[k]);
    k = 0;
    for (size_t i = 0; st == N2D2_OK && i < g->n_cells; ++i)
        for (size_t p = 0; st == N2D2_OK && p < g->cells[i]->n_learnables; ++p, ++k)
            if (copies[k])
                st = compare(&c, g->cells[i]->learnables[p].value, copies[k], epsilon, samples,
                             g->cells[i]->name, g->cells[i]->learnables[p].name, result);
    if (st == N2D2_OK)
        st = compare(&c, g->input, copies[k], epsilon, samples, g->input_section, "input", result);
    for (size_t i = 0; copies && i < n_copies; ++i)
        n2d2_tensor_release(copies[i]);
    free(copies);
    for (size_t o = 0; c.projection && o < g->n_outputs; ++o)
        n2d2_tensor_release(c.projection[o]);
    free(c.projection);
    free(c.saved_rngs);
    if (st == N2D2_OK && !(result->max_error <= tolerance))
        st = n2d2_error(N2D2_ERR_RANGE,
                        "gradient check failed: relative error %.3g > %.3g at [%s] %s[%zu] (%zu "
                        "differences checked)",
                        result->max_error, tolerance, result->worst_cell ? result->worst_cell : "?",
                        result->worst_param, result->worst_index, result->checked);
    return st;
}
