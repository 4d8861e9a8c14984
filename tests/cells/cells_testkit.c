/* Fixture and helpers of the cell plugin suites (see cells_testkit.h). */
#include "cells_testkit.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "check_run.h"

N2D2_STATIC_PLUGIN_DECLARE(cell_conv);
N2D2_STATIC_PLUGIN_DECLARE(cell_fc);
N2D2_STATIC_PLUGIN_DECLARE(cell_pool);
N2D2_STATIC_PLUGIN_DECLARE(cell_softmax);
N2D2_STATIC_PLUGIN_DECLARE(cell_dropout);
N2D2_STATIC_PLUGIN_DECLARE(cell_batchnorm);
N2D2_STATIC_PLUGIN_DECLARE(cell_elemwise);
N2D2_STATIC_PLUGIN_DECLARE(cell_padding);
N2D2_STATIC_PLUGIN_DECLARE(cell_activation);
N2D2_STATIC_PLUGIN_DECLARE(cell_scaling);
N2D2_STATIC_PLUGIN_DECLARE(cell_reshape);
N2D2_STATIC_PLUGIN_DECLARE(cell_transpose);
N2D2_STATIC_PLUGIN_DECLARE(cells_testkit);
N2D2_STATIC_PLUGIN_DECLARE(cell_deconv);
N2D2_STATIC_PLUGIN_DECLARE(cell_unpool);
N2D2_STATIC_PLUGIN_DECLARE(cell_resize);
N2D2_STATIC_PLUGIN_DECLARE(cell_lrn);
N2D2_STATIC_PLUGIN_DECLARE(cell_normalize);
N2D2_STATIC_PLUGIN_DECLARE(cell_threshold);
N2D2_STATIC_PLUGIN_DECLARE(cell_rbf);

/* ---- the test-only plugin ---- */

static const n2d2_param_spec constant_params[] = {
    {"Value", N2D2_PARAM_FLOAT, "0.0", NULL, 0, 0, 0, "every value"},
};

static n2d2_status constant_fill(const n2d2_params *p, n2d2_tensor *t, size_t fan_in,
                                 size_t fan_out, n2d2_rng *rng)
{
    (void)fan_in;
    (void)fan_out;
    (void)rng;
    return n2d2_tensor_fill(t, n2d2_params_float(p, "Value"));
}

static const n2d2_filler_ops constant_ops = {sizeof(n2d2_filler_ops), constant_fill, {0}};

static const n2d2_param_spec sgd_params[] = {
    {"LearningRate", N2D2_PARAM_FLOAT, "0.01", NULL, 0, 0, 0, "step"},
};

static n2d2_status sgd_create(const n2d2_params *p, const n2d2_tensor *value, void **state)
{
    (void)value;
    double *lr = malloc(sizeof *lr);
    if (!lr)
        return n2d2_error(N2D2_ERR_NOMEM, "out of memory");
    *lr = n2d2_params_float(p, "LearningRate");
    *state = lr;
    return N2D2_OK;
}

/* w -= lr * mean gradient */
static n2d2_status sgd_update(void *state, n2d2_tensor *value, const n2d2_tensor *grad,
                              const n2d2_solver_context *ctx)
{
    double step = *(double *)state / (double)(ctx->batch_size ? ctx->batch_size : 1);
    for (size_t i = 0; i < n2d2_tensor_numel(value); ++i)
        n2d2_tensor_set(value, i, n2d2_tensor_get(value, i) - step * n2d2_tensor_get(grad, i));
    return N2D2_OK;
}

static const n2d2_solver_ops sgd_ops = {.struct_size = sizeof(n2d2_solver_ops),
                                        .create = sgd_create,
                                        .update = sgd_update,
                                        .destroy = free};

static const n2d2_feature kit_features[] = {
    {sizeof(n2d2_feature), N2D2_KIND_FILLER, "TestConstantFiller", NULL, "constant (tests)",
     constant_params, 1, &constant_ops, 0, {0}},
    {sizeof(n2d2_feature), N2D2_KIND_SOLVER, "SGD", "Frame", "plain SGD (tests)", sgd_params, 1,
     &sgd_ops, 0, {0}},
};

static n2d2_status register_kit(n2d2_registry *reg)
{
    for (size_t i = 0; i < sizeof kit_features / sizeof kit_features[0]; ++i) {
        n2d2_status st = n2d2_registry_add(reg, &kit_features[i]);
        if (st != N2D2_OK)
            return st;
    }
    return N2D2_OK;
}

N2D2_PLUGIN_DEFINE(cells_testkit, "1.0.0", "CECILL-C", "test filler and solver", register_kit, NULL)

/* ---- fixture ---- */

static n2d2_registry *reg;
static n2d2_loader *loader;
static n2d2_ini *inis[64];
static size_t n_inis;

void kit_setup(void) { kit_setup_with(NULL, 0); }

void kit_setup_with(const n2d2_static_plugin *extra, size_t n_extra)
{
    static const n2d2_static_plugin table[] = {
        N2D2_STATIC_PLUGIN(cell_conv),    N2D2_STATIC_PLUGIN(cell_fc),
        N2D2_STATIC_PLUGIN(cell_pool),    N2D2_STATIC_PLUGIN(cell_softmax),
        N2D2_STATIC_PLUGIN(cell_dropout), N2D2_STATIC_PLUGIN(cells_testkit),
        N2D2_STATIC_PLUGIN(cell_batchnorm), N2D2_STATIC_PLUGIN(cell_elemwise),
        N2D2_STATIC_PLUGIN(cell_padding), N2D2_STATIC_PLUGIN(cell_activation),
        N2D2_STATIC_PLUGIN(cell_scaling), N2D2_STATIC_PLUGIN(cell_reshape),
        N2D2_STATIC_PLUGIN(cell_transpose),
        N2D2_STATIC_PLUGIN(cell_deconv),  N2D2_STATIC_PLUGIN(cell_unpool),
        N2D2_STATIC_PLUGIN(cell_resize),  N2D2_STATIC_PLUGIN(cell_lrn),
        N2D2_STATIC_PLUGIN(cell_normalize), N2D2_STATIC_PLUGIN(cell_threshold),
        N2D2_STATIC_PLUGIN(cell_rbf),
    };
    ck_assert_int_eq(n2d2_registry_new(&reg), N2D2_OK);
    ck_assert_int_eq(n2d2_loader_new(reg, &loader), N2D2_OK);
    ck_assert_msg(n2d2_loader_preload(loader, table, sizeof table / sizeof table[0]) == N2D2_OK,
                  "%s", n2d2_error_message());
    if (n_extra)
        ck_assert_msg(n2d2_loader_preload(loader, extra, n_extra) == N2D2_OK, "%s",
                      n2d2_error_message());
    n_inis = 0;
}

void kit_teardown(void)
{
    for (size_t i = 0; i < n_inis; ++i)
        n2d2_ini_free(inis[i]);
    n_inis = 0;
    n2d2_loader_free(loader);
    n2d2_registry_free(reg);
}

n2d2_status kit_build(const char *text, n2d2_graph **g)
{
    *g = NULL;
    n2d2_ini *ini = NULL;
    n2d2_status st = n2d2_ini_load_string(text, strlen(text), "net.ini", &ini);
    if (st != N2D2_OK)
        return st;
    ck_assert_uint_lt(n_inis, sizeof inis / sizeof inis[0]);
    inis[n_inis++] = ini; /* the graph keeps pointing into it */
    n2d2_graph_options opt = N2D2_GRAPH_OPTIONS_INIT;
    opt.seed = 1;
    return n2d2_graph_build(ini, reg, &opt, g);
}

n2d2_graph *kit_build_ok(const char *text)
{
    n2d2_graph *g;
    n2d2_status st = kit_build(text, &g);
    ck_assert_msg(st == N2D2_OK, "build failed: %s", n2d2_error_message());
    return g;
}

void kit_expect_error(const char *text, n2d2_status code, const char *needle)
{
    n2d2_graph *g;
    n2d2_status st = kit_build(text, &g);
    ck_assert_msg(st == code, "expected %s, got %s (%s)", n2d2_status_str(code), n2d2_status_str(st),
                  n2d2_error_message());
    ck_assert_ptr_null(g);
    ck_assert_msg(strstr(n2d2_error_message(), needle), "message '%s' lacks '%s'",
                  n2d2_error_message(), needle);
}

void kit_free(n2d2_graph *g) { n2d2_graph_free(g); }

n2d2_tensor *kit_param(n2d2_graph *g, const char *cell_name, const char *name, int grad)
{
    n2d2_cell *cell = n2d2_graph_find_cell(g, cell_name);
    ck_assert_ptr_nonnull(cell);
    for (size_t i = 0; i < n2d2_cell_param_count(cell); ++i)
        if (strcmp(n2d2_cell_param_name(cell, i), name) == 0)
            return grad ? n2d2_cell_param_grad(cell, i) : n2d2_cell_param_value(cell, i);
    return NULL;
}

void kit_set(n2d2_tensor *t, const double *values, size_t n)
{
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(n2d2_tensor_numel(t), n);
    for (size_t i = 0; i < n; ++i)
        n2d2_tensor_set(t, i, values[i]);
}

void kit_set_random(n2d2_tensor *t, unsigned seed, double lo, double hi)
{
    n2d2_rng rng;
    n2d2_rng_seed(&rng, seed, 7);
    for (size_t i = 0; i < n2d2_tensor_numel(t); ++i)
        n2d2_tensor_set(t, i, n2d2_rng_uniform_range(&rng, lo, hi));
}

void kit_expect(const n2d2_tensor *t, const double *values, size_t n, double tol)
{
    ck_assert_ptr_nonnull(t);
    ck_assert_uint_eq(n2d2_tensor_numel(t), n);
    for (size_t i = 0; i < n; ++i)
        ck_assert_msg(fabs(n2d2_tensor_get(t, i) - values[i]) <= tol, "element %zu: got %.9g, want %.9g",
                      i, n2d2_tensor_get(t, i), values[i]);
}

/* ---- finite differences ---- */

static double loss_of(n2d2_graph *g, const double *r)
{
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    const n2d2_tensor *y = n2d2_graph_cell_output(g, n2d2_graph_cell_count(g) - 1);
    double loss = 0.0;
    for (size_t i = 0; i < n2d2_tensor_numel(y); ++i)
        loss += n2d2_tensor_get(y, i) * r[i];
    return loss;
}

static double compare(double analytic, double numeric)
{
    double scale = fabs(numeric) > 1.0 ? fabs(numeric) : 1.0;
    return fabs(analytic - numeric) / scale;
}

/* Central difference of the loss in element i of t. */
static double numeric_at(n2d2_graph *g, const double *r, n2d2_tensor *t, size_t i)
{
    const double eps = 1e-6;
    double saved = n2d2_tensor_get(t, i);
    n2d2_tensor_set(t, i, saved + eps);
    double up = loss_of(g, r);
    n2d2_tensor_set(t, i, saved - eps);
    double down = loss_of(g, r);
    n2d2_tensor_set(t, i, saved);
    return (up - down) / (2 * eps);
}

double kit_gradient_error(n2d2_graph *g, size_t batch, unsigned seed)
{
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    n2d2_tensor *x = n2d2_graph_input(g);
    ck_assert_int_eq(n2d2_tensor_dtype(x), N2D2_FLOAT64);
    kit_set_random(x, seed, -1, 1);
    const n2d2_tensor *y = n2d2_graph_cell_output(g, n2d2_graph_cell_count(g) - 1);
    size_t n_out = n2d2_tensor_numel(y);
    double *r = calloc(n_out ? n_out : 1, sizeof *r);
    ck_assert_ptr_nonnull(r);
    n2d2_rng rng;
    n2d2_rng_seed(&rng, seed, 3);
    for (size_t i = 0; i < n_out; ++i)
        r[i] = n2d2_rng_uniform_range(&rng, -1, 1);
    loss_of(g, r);
    n2d2_tensor *gy = n2d2_graph_output_grad(g, 0);
    for (size_t i = 0; i < n_out; ++i)
        n2d2_tensor_set(gy, i, r[i]);
    ck_assert_msg(n2d2_graph_backward(g) == N2D2_OK, "%s", n2d2_error_message());

    double worst = 0.0;
    if (n2d2_graph_input_grad(g)) { /* only when requested */
        n2d2_tensor *gx;
        ck_assert_int_eq(n2d2_tensor_clone(n2d2_graph_input_grad(g), &gx), N2D2_OK);
        for (size_t i = 0; i < n2d2_tensor_numel(x); ++i) {
            double e = compare(n2d2_tensor_get(gx, i), numeric_at(g, r, x, i));
            worst = e > worst ? e : worst;
        }
        n2d2_tensor_release(gx);
    }
    for (size_t c = 0; c < n2d2_graph_cell_count(g); ++c) {
        n2d2_cell *cell = n2d2_graph_cell_at(g, c);
        for (size_t p = 0; p < n2d2_cell_param_count(cell); ++p) {
            if (!n2d2_cell_param_grad(cell, p))
                continue; /* state such as running statistics: not learned */
            n2d2_tensor *w = n2d2_cell_param_value(cell, p), *analytic;
            ck_assert_int_eq(n2d2_tensor_clone(n2d2_cell_param_grad(cell, p), &analytic), N2D2_OK);
            for (size_t i = 0; i < n2d2_tensor_numel(w); ++i) {
                double e = compare(n2d2_tensor_get(analytic, i), numeric_at(g, r, w, i));
                worst = e > worst ? e : worst;
            }
            n2d2_tensor_release(analytic);
        }
    }
    free(r);
    return worst;
}

int kit_run(Suite *s)
{
    return n2d2_check_run(s);
}
