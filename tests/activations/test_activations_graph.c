/* Activations through a real graph (FamDense test cell): the kernel reads
 * `ActivationFunction=` and `ActivationFunction.*` (also from a
 * ConfigSection), applies the activation after forward and before
 * backward, keeps the input for Swish, skips Linear, and reports errors at
 * the INI line. Expected values are worked out by hand in the comments. */
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

/* 2 inputs, 2 outputs, weights all 1, no bias, batch 2. */
#define NET_HEAD                                                                               \
    "[sp]\nSizeX=2\nSizeY=1\nNbChannels=1\nBatchSize=2\n"                                      \
    "[fc]\nInput=sp\nType=FamDense\nNbOutputs=2\nNoBias=1\nWeightsFiller.Value=1\n"

typedef struct net {
    n2d2_ini *ini;
    n2d2_graph *g;
} net;

/* `global`: keys of the unnamed top section (e.g. DefaultDataType). */
static n2d2_status net_build_with(const char *global, const char *extra, net *n)
{
    char text[2048];
    snprintf(text, sizeof text, "%s%s%s", global, NET_HEAD, extra);
    n->g = NULL;
    ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "net.ini", &n->ini), N2D2_OK);
    n2d2_graph_options opt = N2D2_GRAPH_OPTIONS_INIT;
    opt.strict = 1;
    return n2d2_graph_build(n->ini, reg, &opt, &n->g);
}

static n2d2_status net_build(const char *extra, net *n) { return net_build_with("", extra, n); }

static void net_free(net *n)
{
    n2d2_graph_free(n->g);
    n2d2_ini_free(n->ini);
}

/* x = {{1, -3}, {2, 1}}: pre-activations {{-2, -2}, {3, 3}}. Output
 * gradient {{1, 2}, {1, -1}}. Runs forward + backward. */
static void net_run(net *n)
{
    static const double x[4] = {1, -3, 2, 1};
    static const double gy[4] = {1, 2, 1, -1};
    n2d2_graph_request_input_grad(n->g);
    ck_assert_int_eq(n2d2_graph_allocate(n->g, 2, 1), N2D2_OK);
    for (size_t i = 0; i < 4; ++i)
        n2d2_tensor_set(n2d2_graph_input(n->g), i, x[i]);
    ck_assert_msg(n2d2_graph_forward(n->g, 1) == N2D2_OK, "%s", n2d2_error_message());
    for (size_t i = 0; i < 4; ++i)
        n2d2_tensor_set(n2d2_graph_output_grad(n->g, 0), i, gy[i]);
    ck_assert_msg(n2d2_graph_backward(n->g) == N2D2_OK, "%s", n2d2_error_message());
}

static void expect(const n2d2_tensor *t, const double *want, size_t n, double tol, const char *what)
{
    ck_assert_uint_eq(n2d2_tensor_numel(t), n);
    for (size_t i = 0; i < n; ++i)
        ck_assert_msg(fabs(n2d2_tensor_get(t, i) - want[i]) <= tol, "%s[%zu] = %.12g, expected %.12g",
                      what, i, n2d2_tensor_get(t, i), want[i]);
}

static n2d2_cell *fc(net *n) { return n2d2_graph_find_cell(n->g, "fc"); }

START_TEST(leaky_rectifier)
{
    net n;
    ck_assert_msg(net_build("ActivationFunction=Rectifier\nActivationFunction.LeakSlope=0.1\n", &n) == N2D2_OK,
                  "%s", n2d2_error_message());
    ck_assert_int_eq(n2d2_graph_check_unused(n.g), N2D2_OK);
    net_run(&n);
    /* y = {{-0.2, -0.2}, {3, 3}} */
    static const double y[4] = {-0.2, -0.2, 3, 3};
    expect(n2d2_graph_cell_output(n.g, 0), y, 4, 1e-6, "y");
    /* d/dpre = {{0.1 x 1, 0.1 x 2}, {1, -1}};
     * dW[o] = sum_n dpre[n][o] x[n]: o=0: 0.1 {1,-3} + {2,1} = {2.1, 0.7};
     * o=1: 0.2 {1,-3} - {2,1} = {-1.8, -1.6} */
    static const double dw[4] = {2.1, 0.7, -1.8, -1.6};
    expect(n2d2_cell_param_grad(fc(&n), 0), dw, 4, 1e-6, "dW");
    /* dx[n] = W^T dpre[n]: {0.3, 0.3}, {0, 0} */
    static const double dx[4] = {0.3, 0.3, 0, 0};
    expect(n2d2_graph_input_grad(n.g), dx, 4, 1e-6, "dx");
    net_free(&n);
}
END_TEST

START_TEST(options_from_config_section)
{
    net n;
    ck_assert_msg(net_build("ConfigSection=act\n[act]\nActivationFunction=Tanh\nActivationFunction.Alpha=0.5\n", &n) ==
                      N2D2_OK,
                  "%s", n2d2_error_message());
    ck_assert_int_eq(n2d2_graph_check_unused(n.g), N2D2_OK);
    net_run(&n);
    double t1 = tanh(-1.0), t15 = tanh(1.5);
    double y[4] = {t1, t1, t15, t15};
    expect(n2d2_graph_cell_output(n.g, 0), y, 4, 1e-6, "y");
    /* d/dpre = 0.5 (1 - y^2) g */
    double d0 = 0.5 * (1 - t1 * t1), d1 = 0.5 * (1 - t15 * t15);
    double dw[4] = {d0 * 1 + d1 * 2, d0 * -3 + d1 * 1, 2 * d0 * 1 - d1 * 2, 2 * d0 * -3 - d1 * 1};
    expect(n2d2_cell_param_grad(fc(&n), 0), dw, 4, 1e-6, "dW");
    net_free(&n);
}
END_TEST

START_TEST(swish_keeps_the_input)
{
    net n;
    ck_assert_int_eq(net_build("DataType=Float64\nActivationFunction=Swish\n", &n), N2D2_OK);
    net_run(&n);
    double s2 = 1 / (1 + exp(2.0)), s3 = 1 / (1 + exp(-3.0));
    double y[4] = {-2 * s2, -2 * s2, 3 * s3, 3 * s3};
    expect(n2d2_graph_cell_output(n.g, 0), y, 4, 1e-12, "y");
    double d0 = s2 * (1 + -2 * (1 - s2)), d1 = s3 * (1 + 3 * (1 - s3));
    double dw[4] = {d0 * 1 + d1 * 2, d0 * -3 + d1 * 1, 2 * d0 * 1 - d1 * 2, 2 * d0 * -3 - d1 * 1};
    expect(n2d2_cell_param_grad(fc(&n), 0), dw, 4, 1e-12, "dW");
    net_free(&n);
}
END_TEST

START_TEST(linear_is_skipped_and_clipping_applies)
{
    net n;
    ck_assert_int_eq(net_build("ActivationFunction=Linear\n", &n), N2D2_OK);
    net_run(&n);
    static const double y[4] = {-2, -2, 3, 3};
    expect(n2d2_graph_cell_output(n.g, 0), y, 4, 0, "y");
    /* dW[0] = {1,-3} + {2,1}; dW[1] = 2 {1,-3} - {2,1} */
    static const double dw[4] = {3, -2, 0, -7};
    expect(n2d2_cell_param_grad(fc(&n), 0), dw, 4, 1e-6, "dW");
    net_free(&n);
    ck_assert_int_eq(net_build("ActivationFunction=Linear\nActivationFunction.Clipping=2.5\n", &n), N2D2_OK);
    net_run(&n);
    static const double yc[4] = {-2, -2, 2.5, 2.5};
    expect(n2d2_graph_cell_output(n.g, 0), yc, 4, 0, "y");
    static const double dwc[4] = {1, -3, 2, -6}; /* only sample 0 passes */
    expect(n2d2_cell_param_grad(fc(&n), 0), dwc, 4, 1e-6, "dW");
    net_free(&n);
}
END_TEST

/* d(sum c y)/dx through FamDense + Softplus against central differences
 * of the whole graph, in Float64. */
START_TEST(graph_finite_differences)
{
    net n;
    ck_assert_int_eq(net_build_with("DefaultDataType=Float64\n", "ActivationFunction=Softplus\n", &n), N2D2_OK);
    static const double c[4] = {0.3, -1.2, 0.7, 2.0};
    double x[4] = {0.4, -1.1, 2.2, 0.9};
    n2d2_graph_request_input_grad(n.g);
    ck_assert_int_eq(n2d2_graph_allocate(n.g, 2, 1), N2D2_OK);
    n2d2_tensor *in = n2d2_graph_input(n.g);
    ck_assert_int_eq(n2d2_tensor_dtype(in), N2D2_FLOAT64);
    double loss[2], dx[4];
    for (size_t i = 0; i < 4; ++i)
        n2d2_tensor_set(in, i, x[i]);
    ck_assert_int_eq(n2d2_graph_forward(n.g, 1), N2D2_OK);
    for (size_t i = 0; i < 4; ++i)
        n2d2_tensor_set(n2d2_graph_output_grad(n.g, 0), i, c[i]);
    ck_assert_int_eq(n2d2_graph_backward(n.g), N2D2_OK);
    for (size_t i = 0; i < 4; ++i)
        dx[i] = n2d2_tensor_get(n2d2_graph_input_grad(n.g), i);
    const double h = 1e-6;
    for (size_t k = 0; k < 4; ++k) {
        for (int s = 0; s < 2; ++s) {
            for (size_t i = 0; i < 4; ++i)
                n2d2_tensor_set(in, i, x[i] + (i == k ? (s ? -h : h) : 0.0));
            ck_assert_int_eq(n2d2_graph_forward(n.g, 0), N2D2_OK);
            loss[s] = 0;
            for (size_t i = 0; i < 4; ++i)
                loss[s] += c[i] * n2d2_tensor_get(n2d2_graph_cell_output(n.g, 0), i);
        }
        double fd = (loss[0] - loss[1]) / (2 * h);
        ck_assert_msg(fabs(fd - dx[k]) < 1e-7, "dx[%zu]: fd %.10g vs backward %.10g", k, fd, dx[k]);
    }
    net_free(&n);
}
END_TEST

static void expect_error(const char *extra, n2d2_status code, const char *needle)
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
    expect_error("ActivationFunction=Rectifer\n", N2D2_ERR_NOT_FOUND, "net.ini:12");
    expect_error("ActivationFunction=Rectifer\n", N2D2_ERR_NOT_FOUND, "Rectifier");
    expect_error("ActivationFunction=Rectifier\nActivationFunction.LeakSlope=-1\n", N2D2_ERR_RANGE, "net.ini:13");
    expect_error("ActivationFunction=Saturation\nActivationFunction.Threshold=0\n", N2D2_ERR_RANGE, "net.ini:13");
    net n;
    ck_assert_int_eq(net_build("ActivationFunction=Rectifier\nActivationFunction.Leakslope=0.1\n", &n), N2D2_OK);
    ck_assert_int_ne(n2d2_graph_check_unused(n.g), N2D2_OK);
    ck_assert_msg(strstr(n2d2_error_message(), "LeakSlope"), "%s", n2d2_error_message());
    net_free(&n);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("activations_graph");
    TCase *tc = tcase_create("graph");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, leaky_rectifier);
    tcase_add_test(tc, options_from_config_section);
    tcase_add_test(tc, swish_keeps_the_input);
    tcase_add_test(tc, linear_is_skipped_and_clipping_applies);
    tcase_add_test(tc, graph_finite_differences);
    tcase_add_test(tc, errors_point_at_the_ini);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
