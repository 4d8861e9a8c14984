/* Rbf (model Frame): y_o = exp(-s_o |x - c_o|^2) (A54) forward and every
 * gradient by hand, finite differences in Float64, the manual's default
 * fillers and named ones, separate CentersSolver / ScalingSolver,
 * Float32/Float64 agreement and bad configurations. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cells_testkit.h"

static n2d2_graph *rbf_graph(const char *keys, const char *sp, const char *dtype, size_t batch)
{
    char text[2048];
    snprintf(text, sizeof text, "DefaultDataType=%s\n[sp]\n%s\n[rbf]\nInput=sp\nType=Rbf\n%s\n", dtype,
             sp, keys);
    n2d2_graph *g = kit_build_ok(text);
    n2d2_graph_request_input_grad(g);
    ck_assert_int_eq(n2d2_graph_allocate(g, batch, 1), N2D2_OK);
    return g;
}

START_TEST(forward_and_backward_by_hand)
{
    n2d2_graph *g = rbf_graph("NbOutputs=2", "SizeX=2\nSizeY=1", "Float64", 1);
    const double c[4] = {0, 0, 1, 1}, s[2] = {1, 0.5}, x[2] = {1, 2};
    kit_set(kit_param(g, "rbf", "centers", 0), c, 4);
    kit_set(kit_param(g, "rbf", "scaling", 0), s, 2);
    kit_set(n2d2_graph_input(g), x, 2);
    ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
    /* |x - c0|^2 = 5, |x - c1|^2 = 1 */
    const double e5 = exp(-5.0), e05 = exp(-0.5);
    const double y[2] = {e5, e05};
    kit_expect(n2d2_graph_cell_output(g, 0), y, 2, 1e-15);
    n2d2_tensor_fill(n2d2_graph_output_grad(g, 0), 1.0);
    ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
    /* ds = -y d, dc = 2 s y (x - c), dx = -sum 2 s y (x - c) */
    const double ds[2] = {-5 * e5, -e05};
    const double dc[4] = {2 * e5, 4 * e5, 0, e05};
    const double dx[2] = {-2 * e5, -4 * e5 - e05};
    kit_expect(kit_param(g, "rbf", "scaling", 1), ds, 2, 1e-15);
    kit_expect(kit_param(g, "rbf", "centers", 1), dc, 4, 1e-15);
    kit_expect(n2d2_graph_input_grad(g), dx, 2, 1e-15);
    ck_assert_uint_eq(n2d2_graph_cell_macs(g, 0), 4);
    ck_assert_uint_eq(n2d2_graph_cell_param_total(g, 0), 6);
    kit_free(g);
}
END_TEST

START_TEST(gradients_match_finite_differences)
{
    /* scalings small enough for outputs far from 0 (with the default 10
     * every output would underflow towards 0 and so would the gradients) */
    const char *keys = "NbOutputs=4\nScalingFiller=TestConstantFiller\nScalingFiller.Value=0.2\n"
                       "CentersFiller.Mean=0\nCentersFiller.StdDev=0.5";
    for (size_t batch = 1; batch <= 3; batch += 2) {
        n2d2_graph *g = rbf_graph(keys, "SizeX=2\nSizeY=3\nNbChannels=2", "Float64", batch);
        const n2d2_tensor *s = kit_param(g, "rbf", "scaling", 0);
        ck_assert(n2d2_tensor_get(s, 3) == 0.2);
        double err = kit_gradient_error(g, batch, (unsigned)(50 + batch));
        ck_assert_msg(err < 1e-7, "batch %zu: gradient error %g", batch, err);
        kit_free(g);
    }
    /* after another layer (the input gradient flows into the conv) */
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=4\nSizeY=3\n"
                                 "[conv]\nInput=sp\nType=Conv\nKernelSize=2\nNbOutputs=2\n"
                                 "[rbf]\nInput=conv\nType=Rbf\nNbOutputs=3\nScalingFiller.Mean=0.3\n"
                                 "CentersFiller.Mean=0\n");
    double err = kit_gradient_error(g, 3, 7);
    ck_assert_msg(err < 1e-7, "conv + rbf: gradient error %g", err);
    kit_free(g);
}
END_TEST

static void stats(const n2d2_tensor *t, double *mean, double *sd)
{
    double s = 0, s2 = 0;
    const size_t n = n2d2_tensor_numel(t);
    for (size_t i = 0; i < n; ++i) {
        s += n2d2_tensor_get(t, i);
        s2 += n2d2_tensor_get(t, i) * n2d2_tensor_get(t, i);
    }
    *mean = s / (double)n;
    *sd = sqrt(s2 / (double)n - *mean * *mean);
}

START_TEST(default_and_named_fillers)
{
    n2d2_graph *g = rbf_graph("NbOutputs=2000", "SizeX=4\nSizeY=4", "Float32", 1);
    double mean, sd;
    stats(kit_param(g, "rbf", "centers", 0), &mean, &sd);
    ck_assert_msg(fabs(mean - 0.5) < 0.002 && fabs(sd - 0.05) < 0.002, "centres %g %g", mean, sd);
    stats(kit_param(g, "rbf", "scaling", 0), &mean, &sd);
    ck_assert_msg(fabs(mean - 10) < 0.01 && fabs(sd - 0.05) < 0.005, "scalings %g %g", mean, sd);
    kit_free(g);
    g = rbf_graph("NbOutputs=3\nCentersFiller=TestConstantFiller\nCentersFiller.Value=-2\n"
                  "ScalingFiller.Mean=1\nScalingFiller.StdDev=0",
                  "SizeX=4\nSizeY=4", "Float64", 1);
    const n2d2_tensor *c = kit_param(g, "rbf", "centers", 0), *s = kit_param(g, "rbf", "scaling", 0);
    ck_assert_uint_eq(n2d2_tensor_numel(c), 3 * 16);
    for (size_t i = 0; i < 3 * 16; ++i)
        ck_assert(n2d2_tensor_get(c, i) == -2.0);
    for (size_t i = 0; i < 3; ++i)
        ck_assert(n2d2_tensor_get(s, i) == 1.0);
    kit_free(g);
}
END_TEST

/* Pull every output towards 1 for a fixed input: the loss falls. With
 * CentersSolver.LearningRate=0 the centres stay put while the scalings
 * (ScalingSolver, Solvers.LearningRate) still learn. */
START_TEST(solvers_per_parameter)
{
    n2d2_graph *g = rbf_graph("NbOutputs=3\nSolvers.LearningRate=0.5\nCentersSolver.LearningRate=0\n"
                              "ScalingFiller.Mean=1\nCentersFiller.Mean=0",
                              "SizeX=3\nSizeY=1", "Float64", 2);
    n2d2_tensor *c0;
    ck_assert_int_eq(n2d2_tensor_clone(kit_param(g, "rbf", "centers", 0), &c0), N2D2_OK);
    kit_set_random(n2d2_graph_input(g), 4, -1, 1);
    double first = 0, last = 0;
    for (int step = 0; step < 50; ++step) {
        ck_assert_int_eq(n2d2_graph_forward(g, 1), N2D2_OK);
        const n2d2_tensor *y = n2d2_graph_cell_output(g, 0);
        n2d2_tensor *gy = n2d2_graph_output_grad(g, 0);
        double loss = 0;
        for (size_t i = 0; i < n2d2_tensor_numel(y); ++i) {
            const double e = n2d2_tensor_get(y, i) - 1;
            loss += 0.5 * e * e;
            n2d2_tensor_set(gy, i, e);
        }
        ck_assert_int_eq(n2d2_graph_backward(g), N2D2_OK);
        ck_assert_int_eq(n2d2_graph_update(g), N2D2_OK);
        first = step ? first : loss;
        last = loss;
    }
    ck_assert_msg(last < 0.1 * first, "loss %g -> %g", first, last);
    kit_expect(kit_param(g, "rbf", "centers", 0), n2d2_tensor_cdata(c0), 9, 0);
    n2d2_tensor_release(c0);
    kit_free(g);
}
END_TEST

START_TEST(float32_matches_float64)
{
    const char *keys = "NbOutputs=5\nScalingFiller=TestConstantFiller\nScalingFiller.Value=0.1\n"
                       "CentersFiller=TestConstantFiller\nCentersFiller.Value=0.25";
    const char *sp = "SizeX=5\nSizeY=7\nNbChannels=3";
    n2d2_graph *g32 = rbf_graph(keys, sp, "Float32", 40), *g64 = rbf_graph(keys, sp, "Float64", 40);
    n2d2_graph *gs[2] = {g32, g64};
    for (int k = 0; k < 2; ++k) {
        kit_set_random(n2d2_graph_input(gs[k]), 2, -1, 1);
        ck_assert_int_eq(n2d2_graph_forward(gs[k], 1), N2D2_OK);
        kit_set_random(n2d2_graph_output_grad(gs[k], 0), 3, -1, 1);
        ck_assert_int_eq(n2d2_graph_backward(gs[k]), N2D2_OK);
    }
    const n2d2_tensor *pairs[][2] = {
        {n2d2_graph_cell_output(g32, 0), n2d2_graph_cell_output(g64, 0)},
        {n2d2_graph_input_grad(g32), n2d2_graph_input_grad(g64)},
        {kit_param(g32, "rbf", "centers", 1), kit_param(g64, "rbf", "centers", 1)},
        {kit_param(g32, "rbf", "scaling", 1), kit_param(g64, "rbf", "scaling", 1)},
    };
    for (size_t p = 0; p < 4; ++p) {
        double scale = 0;
        for (size_t i = 0; i < n2d2_tensor_numel(pairs[p][1]); ++i)
            scale = fmax(scale, fabs(n2d2_tensor_get(pairs[p][1], i)));
        ck_assert(scale > 0);
        for (size_t i = 0; i < n2d2_tensor_numel(pairs[p][1]); ++i) {
            double a = n2d2_tensor_get(pairs[p][0], i), b = n2d2_tensor_get(pairs[p][1], i);
            ck_assert_msg(fabs(a - b) <= 1e-5 * scale, "pair %zu item %zu: %g vs %g", p, i, a, b);
        }
    }
    kit_free(g32);
    kit_free(g64);
}
END_TEST

static void rbf_error(const char *keys, n2d2_status code, const char *needle)
{
    char text[1024];
    snprintf(text, sizeof text, "[sp]\nSizeX=4\nSizeY=4\n[rbf]\nInput=sp\nType=Rbf\n%s\n", keys);
    kit_expect_error(text, code, needle);
}

START_TEST(bad_configurations)
{
    rbf_error("NbOutputs=2\nRbfApprox=Rectangular", N2D2_ERR_NOT_IMPLEMENTED,
              "net.ini:8: RbfApprox: an approximation of the Gaussian (RbfApprox) is not implemented yet");
    rbf_error("NbOutputs=2\nRbfApprox=SemiLinear", N2D2_ERR_NOT_IMPLEMENTED, "not implemented yet");
    rbf_error("NbOutputs=2\nRbfApprox=Gauss", N2D2_ERR_INVAL, "None|Rectangular|SemiLinear");
    rbf_error("RbfApprox=None", N2D2_ERR_NOT_FOUND, "NbOutputs");
    rbf_error("NbOutputs=0", N2D2_ERR_RANGE, "NbOutputs");
    rbf_error("NbOutputs=2\nCentersFiller=NoSuchFiller", N2D2_ERR_NOT_FOUND, "NoSuchFiller");
    rbf_error("NbOutputs=2\nScalingFiller.StdDev=-1", N2D2_ERR_RANGE, "StdDev");
    rbf_error("NbOutputs=2\nCentersSolver=NoSuchSolver", N2D2_ERR_NOT_FOUND, "NoSuchSolver");
}
END_TEST

/* Two layers read the stimuli: their input gradients add up. */
START_TEST(two_consumers_accumulate_input_gradients)
{
    n2d2_graph *g = kit_build_ok("DefaultDataType=Float64\n[sp]\nSizeX=3\nSizeY=2\n"
                                 "[a]\nInput=sp\nType=Rbf\nNbOutputs=3\nScalingFiller.Mean=0.4\n"
                                 "CentersFiller.Mean=0\n"
                                 "[b]\nInput=sp\nType=Rbf\nNbOutputs=2\nScalingFiller.Mean=0.2\n"
                                 "[c]\nInput=a,b\nType=Fc\nNbOutputs=2\n");
    n2d2_graph_request_input_grad(g);
    double err = kit_gradient_error(g, 3, 80);
    ck_assert_msg(err < 1e-7, "gradient error %g", err);
    kit_free(g);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("cell_rbf");
    TCase *tc = tcase_create("rbf");
    tcase_add_checked_fixture(tc, kit_setup, kit_teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, forward_and_backward_by_hand);
    tcase_add_test(tc, gradients_match_finite_differences);
    tcase_add_test(tc, two_consumers_accumulate_input_gradients);
    tcase_add_test(tc, default_and_named_fillers);
    tcase_add_test(tc, solvers_per_parameter);
    tcase_add_test(tc, float32_matches_float64);
    tcase_add_test(tc, bad_configurations);
    suite_add_tcase(s, tc);
    return kit_run(s);
}
