/* Fillers through a real graph: the kernel reads `WeightsFiller=` and its
 * `WeightsFiller.*` options (also from a ConfigSection), passes the cell's
 * fan-in/fan-out and its own seeded stream, and reports errors at the INI
 * line. Uses the FamDense test cell. */
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

static n2d2_status build(const char *text, uint64_t seed, n2d2_ini **ini, n2d2_graph **g)
{
    *g = NULL;
    ck_assert_int_eq(n2d2_ini_load_string(text, strlen(text), "net.ini", ini), N2D2_OK);
    n2d2_graph_options opt = N2D2_GRAPH_OPTIONS_INIT;
    opt.seed = seed;
    opt.strict = 1;
    return n2d2_graph_build(*ini, reg, &opt, g);
}

/* 10x10 input, 100 outputs: 10000 weights, fan-in 100, fan-out 100. */
#define NET_HEAD "[sp]\nSizeX=10\nSizeY=10\nNbChannels=1\nBatchSize=2\n[fc]\nInput=sp\nType=FamDense\nNbOutputs=100\n"

static void weight_stats(n2d2_graph *g, size_t param, double *mean, double *std)
{
    n2d2_tensor *w = n2d2_cell_param_value(n2d2_graph_find_cell(g, "fc"), param);
    size_t n = n2d2_tensor_numel(w);
    double s = 0.0, s2 = 0.0;
    for (size_t i = 0; i < n; ++i) {
        double v = n2d2_tensor_get(w, i);
        s += v;
        s2 += v * v;
    }
    *mean = s / (double)n;
    *std = sqrt(s2 / (double)n - *mean * *mean);
}

START_TEST(normal_filler_with_stddev_2)
{
    n2d2_ini *ini;
    n2d2_graph *g;
    ck_assert_msg(build(NET_HEAD "WeightsFiller=NormalFiller\nWeightsFiller.StdDev=2\n", 3, &ini, &g) == N2D2_OK,
                  "%s", n2d2_error_message());
    ck_assert_int_eq(n2d2_graph_check_unused(g), N2D2_OK);
    double mean, std;
    weight_stats(g, 0, &mean, &std);
    ck_assert_msg(fabs(mean) < 0.1, "mean %g", mean);      /* 5 standard errors */
    ck_assert_msg(fabs(std - 2.0) < 0.1, "std %g", std);
    /* bias: default ConstantFiller, Value 0 */
    weight_stats(g, 1, &mean, &std);
    ck_assert_double_eq(mean, 0.0);
    ck_assert_double_eq(std, 0.0);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(filler_keys_from_config_section)
{
    n2d2_ini *ini;
    n2d2_graph *g;
    ck_assert_msg(build(NET_HEAD "ConfigSection=cfg\n[cfg]\nWeightsFiller=HeFiller\n"
                                 "WeightsFiller.VarianceNorm=FanIn\nBiasFiller.Value=0.5\n",
                        3, &ini, &g) == N2D2_OK,
                  "%s", n2d2_error_message());
    ck_assert_int_eq(n2d2_graph_check_unused(g), N2D2_OK);
    double mean, std;
    weight_stats(g, 0, &mean, &std);
    ck_assert_msg(fabs(std - sqrt(2.0 / 100.0)) < 0.05 * sqrt(0.02), "He std %g (fan-in 100)", std);
    weight_stats(g, 1, &mean, &std);
    ck_assert_double_eq_tol(mean, 0.5, 1e-12);
    ck_assert_double_eq_tol(std, 0.0, 1e-12);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}
END_TEST

START_TEST(uniform_filler_float64_cell)
{
    n2d2_ini *ini;
    n2d2_graph *g;
    ck_assert_msg(build(NET_HEAD "DataType=Float64\nWeightsFiller=UniformFiller\n"
                                 "WeightsFiller.Min=-0.25\nWeightsFiller.Max=0.75\n",
                        3, &ini, &g) == N2D2_OK,
                  "%s", n2d2_error_message());
    n2d2_tensor *w = n2d2_cell_param_value(n2d2_graph_find_cell(g, "fc"), 0);
    ck_assert_int_eq(n2d2_tensor_dtype(w), N2D2_FLOAT64);
    double lo = 1, hi = -1;
    for (size_t i = 0; i < n2d2_tensor_numel(w); ++i) {
        double v = n2d2_tensor_get(w, i);
        lo = v < lo ? v : lo;
        hi = v > hi ? v : hi;
    }
    ck_assert(lo >= -0.25 && lo < -0.24 && hi < 0.75 && hi > 0.74);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}
END_TEST

static void weights_of(uint64_t seed, float *out, size_t n)
{
    n2d2_ini *ini;
    n2d2_graph *g;
    ck_assert_int_eq(build(NET_HEAD "WeightsFiller=XavierFiller\n", seed, &ini, &g), N2D2_OK);
    n2d2_tensor *w = n2d2_cell_param_value(n2d2_graph_find_cell(g, "fc"), 0);
    memcpy(out, n2d2_tensor_cdata(w), n * sizeof *out);
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}

START_TEST(graph_seed_reproduces_weights)
{
    static float a[10000], b[10000], c[10000];
    weights_of(42, a, 10000);
    weights_of(42, b, 10000);
    weights_of(43, c, 10000);
    ck_assert_int_eq(memcmp(a, b, sizeof a), 0);
    ck_assert_int_ne(memcmp(a, c, sizeof a), 0);
}
END_TEST

static void expect_error(const char *extra, n2d2_status code, const char *needle)
{
    char text[1024];
    snprintf(text, sizeof text, "%s%s", NET_HEAD, extra);
    n2d2_ini *ini;
    n2d2_graph *g;
    n2d2_status st = build(text, 1, &ini, &g);
    ck_assert_msg(st == code, "got %s: %s", n2d2_status_str(st), n2d2_error_message());
    ck_assert_ptr_null(g);
    ck_assert_msg(strstr(n2d2_error_message(), needle), "message '%s' lacks '%s'",
                  n2d2_error_message(), needle);
    n2d2_ini_free(ini);
}

START_TEST(errors_point_at_the_ini)
{
    expect_error("WeightsFiller=NormalFiler\n", N2D2_ERR_NOT_FOUND, "net.ini:10");
    expect_error("WeightsFiller=NormalFiler\n", N2D2_ERR_NOT_FOUND, "NormalFiller");
    expect_error("WeightsFiller=NormalFiller\nWeightsFiller.StdDev=-2\n", N2D2_ERR_RANGE, "net.ini:11");
    expect_error("WeightsFiller=UniformFiller\nWeightsFiller.Min=2\n", N2D2_ERR_RANGE, "Max");
}
END_TEST

START_TEST(unknown_filler_option_is_reported)
{
    n2d2_ini *ini;
    n2d2_graph *g;
    ck_assert_int_eq(build(NET_HEAD "WeightsFiller=NormalFiller\nWeightsFiller.Stddev=2\n", 1, &ini, &g), N2D2_OK);
    ck_assert_int_ne(n2d2_graph_check_unused(g), N2D2_OK);
    ck_assert_msg(strstr(n2d2_error_message(), "StdDev"), "no did-you-mean: %s", n2d2_error_message());
    n2d2_graph_free(g);
    n2d2_ini_free(ini);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("fillers_graph");
    TCase *tc = tcase_create("graph");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, normal_filler_with_stddev_2);
    tcase_add_test(tc, filler_keys_from_config_section);
    tcase_add_test(tc, uniform_filler_float64_cell);
    tcase_add_test(tc, graph_seed_reproduces_weights);
    tcase_add_test(tc, errors_point_at_the_ini);
    tcase_add_test(tc, unknown_filler_option_is_reported);
    suite_add_tcase(s, tc);
    return n2d2_check_run(s);
}
