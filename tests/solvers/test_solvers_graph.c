/* Solvers through a real graph (FamDense test cell): the kernel picks the
 * solver type from `WeightsSolver=` / `BiasSolver=` / `Solvers=` (default
 * SGD), reads options under `WeightsSolver.` then `Solvers.` in the cell's
 * section and its ConfigSection, hands the batch size and iteration count
 * to the solver, and reports errors at the INI line. Expected values are
 * worked out by hand in the comments. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "family_test_util.h"
#include "check_run.h"

static n2d2_registry *reg;

static void setup(void) { ck_assert_int_eq(fam_registry(&reg), N2D2_OK); }
static void teardown(void) { n2d2_registry_free(reg); }

/* 2 inputs, 1 output, weights 0.5, bias 0, batch 2. */
#define NET_HEAD                                                                               \
    "[sp]\nSizeX=2\nSizeY=1\nNbChannels=1\nBatchSize=2\n"                                      \
    "[fc]\nInput=sp\nType=FamDense\nNbOutputs=1\nWeightsFiller.Value=0.5\n"

typedef struct net {
    n2d2_ini *ini;
    n2d2_graph *g;
} net;

static n2d2_status net_build(const char *extra, net *n)
{
    char text[2048];
    snprintf(text, sizeof text, "%s%s", NET_HEAD, extra);
    n->g = NULL;
    ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "net.ini", &n->ini), N2D2_OK);
    n2d2_ini_set_generated(n->ini, "sp", "_EpochSize", "4");
    n2d2_graph_options opt = N2D2_GRAPH_OPTIONS_INIT;
    opt.strict = 1;
    n2d2_status st = n2d2_graph_build(n->ini, reg, &opt, &n->g);
    if (st == N2D2_OK)
        ck_assert_int_eq(n2d2_graph_allocate(n->g, 2, 1), N2D2_OK);
    return st;
}

static void net_free(net *n)
{
    n2d2_graph_free(n->g);
    n2d2_ini_free(n->ini);
}

/* x = {{1, 2}, {-1, 0}}, d(loss)/dy = {1, 3}: dW = {1,2} + 3 {-1,0} =
 * {-2, 2} (mean over the batch {-1, 1}), db = 4 (mean 2). */
static n2d2_status net_step(net *n)
{
    static const double x[4] = {1, 2, -1, 0};
    static const double gy[2] = {1, 3};
    for (size_t i = 0; i < 4; ++i)
        n2d2_tensor_set(n2d2_graph_input(n->g), i, x[i]);
    ck_assert_int_eq(n2d2_graph_forward(n->g, 1), N2D2_OK);
    for (size_t i = 0; i < 2; ++i)
        n2d2_tensor_set(n2d2_graph_output_grad(n->g, 0), i, gy[i]);
    ck_assert_int_eq(n2d2_graph_backward(n->g), N2D2_OK);
    return n2d2_graph_update(n->g);
}

static double w(net *n, size_t param, size_t i)
{
    return n2d2_tensor_get(n2d2_cell_param_value(n2d2_graph_find_cell(n->g, "fc"), param), i);
}

START_TEST(specific_prefix_overrides_solvers)
{
    net n;
    ck_assert_msg(net_build("WeightsSolver.Momentum=0.9\nConfigSection=common\n"
                            "[common]\nSolvers.LearningRate=0.1\nSolvers.Momentum=0.5\nBiasSolver=Adam\n",
                            &n) == N2D2_OK,
                  "%s", n2d2_error_message());
    /* (Solvers.Momentum is then read by nobody: the weights use their own
     * key and Adam has no Momentum, so check_unused rightly reports it.) */
    /* weights, SGD LR 0.1 momentum 0.9 (not 0.5): v = -0.1 {-1, 1},
     * w = {0.6, 0.4}; bias, Adam LR 0.1: b = -0.1 (first Adam step moves
     * by LR against the sign) */
    ck_assert_int_eq(net_step(&n), N2D2_OK);
    ck_assert_double_eq_tol(w(&n, 0, 0), 0.6, 1e-6);
    ck_assert_double_eq_tol(w(&n, 0, 1), 0.4, 1e-6);
    ck_assert_double_eq_tol(w(&n, 1, 0), -0.1, 1e-6);
    /* v = 0.9 {0.1, -0.1} + {0.1, -0.1} = {0.19, -0.19}: w = {0.79, 0.21}
     * (momentum 0.5 would give {0.75, 0.25}); Adam again -0.1 */
    ck_assert_int_eq(net_step(&n), N2D2_OK);
    ck_assert_double_eq_tol(w(&n, 0, 0), 0.79, 1e-6);
    ck_assert_double_eq_tol(w(&n, 0, 1), 0.21, 1e-6);
    ck_assert_double_eq_tol(w(&n, 1, 0), -0.2, 1e-6);
    net_free(&n);
}
END_TEST

START_TEST(solver_types_and_defaults)
{
    net n;
    /* Solvers=Adam for all, WeightsSolver=SGD for the weights with its own
     * learning rate; the bias Adam keeps its default LR 0.001 */
    ck_assert_msg(net_build("ConfigSection=common\n[common]\nSolvers=Adam\nWeightsSolver=SGD\n"
                            "WeightsSolver.LearningRate=1\n",
                            &n) == N2D2_OK,
                  "%s", n2d2_error_message());
    ck_assert_int_eq(net_step(&n), N2D2_OK);
    /* SGD: w = 0.5 - 1 x {-1, 1} */
    ck_assert_double_eq_tol(w(&n, 0, 0), 1.5, 1e-6);
    ck_assert_double_eq_tol(w(&n, 0, 1), -0.5, 1e-6);
    ck_assert_double_eq_tol(w(&n, 1, 0), -0.001, 1e-7);
    net_free(&n);
    /* nothing given: SGD with LR 0.01 on both: w = 0.5 - 0.01 {-1, 1},
     * b = -0.01 x 2 */
    ck_assert_int_eq(net_build("", &n), N2D2_OK);
    ck_assert_int_eq(net_step(&n), N2D2_OK);
    ck_assert_double_eq_tol(w(&n, 0, 0), 0.51, 1e-6);
    ck_assert_double_eq_tol(w(&n, 0, 1), 0.49, 1e-6);
    ck_assert_double_eq_tol(w(&n, 1, 0), -0.02, 1e-6);
    net_free(&n);
}
END_TEST

START_TEST(step_decay_on_epoch_size)
{
    net n;
    /* The manual's form (line 1512): step = [sp]_EpochSize = 4 stimuli,
     * batch 2: updates 0 and 1 at LR 0.1, 2 and 3 at 0.05. Weight 0 moves
     * by +LR per update (mean gradient -1). */
    ck_assert_msg(net_build("Solvers.LearningRate=0.1\nSolvers.LearningRatePolicy=StepDecay\n"
                            "Solvers.LearningRateStepSize=[sp]_EpochSize\nSolvers.LearningRateDecay=0.5\n",
                            &n) == N2D2_OK,
                  "%s", n2d2_error_message());
    static const double want[4] = {0.6, 0.7, 0.75, 0.8};
    for (int it = 0; it < 4; ++it) {
        ck_assert_int_eq(net_step(&n), N2D2_OK);
        ck_assert_double_eq_tol(w(&n, 0, 0), want[it], 1e-6);
    }
    net_free(&n);
}
END_TEST

START_TEST(iteration_size_and_clamping)
{
    net n;
    ck_assert_int_eq(net_build("Solvers.LearningRate=0.1\nSolvers.IterationSize=2\n"
                               "WeightsSolver.Clamping=-0.55:0.55\n",
                               &n),
                     N2D2_OK);
    ck_assert_int_eq(n2d2_graph_check_unused(n.g), N2D2_OK);
    ck_assert_int_eq(net_step(&n), N2D2_OK);
    ck_assert_double_eq_tol(w(&n, 0, 0), 0.5, 1e-7); /* accumulating */
    ck_assert_double_eq_tol(w(&n, 1, 0), 0.0, 1e-7);
    ck_assert_int_eq(net_step(&n), N2D2_OK);
    /* mean over 4 stimuli {-1, 1}: w = {0.6, 0.4} clamped to {0.55, 0.4};
     * bias (no clamping): -0.1 x 2 */
    ck_assert_double_eq_tol(w(&n, 0, 0), 0.55, 1e-6);
    ck_assert_double_eq_tol(w(&n, 0, 1), 0.4, 1e-6);
    ck_assert_double_eq_tol(w(&n, 1, 0), -0.2, 1e-6);
    net_free(&n);
}
END_TEST

static void expect_build_error(const char *extra, n2d2_status code, const char *needle)
{
    net n;
    n2d2_status st = net_build(extra, &n);
    ck_assert_msg(st == code, "got %s: %s", n2d2_status_str(st), n2d2_error_message());
    ck_assert_ptr_null(n.g);
    ck_assert_msg(strstr(n2d2_error_message(), needle), "message '%s' lacks '%s'",
                  n2d2_error_message(), needle);
    n2d2_ini_free(n.ini);
}

START_TEST(errors_point_at_the_ini)
{
    expect_build_error("WeightsSolver=Adma\n", N2D2_ERR_NOT_FOUND, "net.ini:11");
    expect_build_error("WeightsSolver=Adma\n", N2D2_ERR_NOT_FOUND, "Adam");
    expect_build_error("ConfigSection=c\n[c]\nSolvers.Momentum=2\n", N2D2_ERR_RANGE, "net.ini:13");
    expect_build_error("BiasSolver=Adam\nBiasSolver.Beta1=-1\n", N2D2_ERR_RANGE, "net.ini:12");
    /* checked when the solver is created, which the kernel does at build
     * time unless an option waits for a generated value */
    expect_build_error("Solvers.Clamping=1:0\n", N2D2_ERR_INVAL, "net.ini:11");
    net n;
    ck_assert_int_eq(net_build("Solvers.Momentun=0.9\n", &n), N2D2_OK);
    ck_assert_int_ne(n2d2_graph_check_unused(n.g), N2D2_OK);
    ck_assert_msg(strstr(n2d2_error_message(), "Solvers.Momentum"), "%s", n2d2_error_message());
    net_free(&n);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("solvers_graph");
    TCase *tc = tcase_create("graph");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, specific_prefix_overrides_solvers);
    tcase_add_test(tc, solver_types_and_defaults);
    tcase_add_test(tc, step_decay_on_epoch_size);
    tcase_add_test(tc, iteration_size_and_clamping);
    tcase_add_test(tc, errors_point_at_the_ini);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
